#include "core/render/themes.hpp"

#include "core/model/schema.hpp"
#include "core/render/map_style.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <unordered_map>

namespace bando::render {
namespace {

// ColorBrewer YlGnBu (sequential), 6 classes.
const std::vector<uint32_t> kYlGnBu6 = {0xffffcc, 0xc7e9b4, 0x7fcdbb, 0x41b6c4, 0x2c7fb8, 0x253494};
// ColorBrewer Greens, 5 classes.
const std::vector<uint32_t> kGreens5 = {0xedf8e9, 0xbae4b3, 0x74c476, 0x31a354, 0x006d2c};


void classify(MapData::Theme& t)
{
    t.villageClass.assign(t.villageValue.size(), -1);
    t.classCounts.assign(t.colours.size(), 0);
    for (size_t i = 0; i < t.villageValue.size(); ++i) {
        if (!std::isfinite(t.villageValue[i]))
            continue;
        int c = classOf(t.breaks, t.villageValue[i]);
        t.villageClass[i] = c;
        ++t.classCounts[static_cast<size_t>(c)];
    }
}

} // namespace

double roundSignificant(double v, int digits)
{
    if (v == 0 || !std::isfinite(v))
        return v;
    const double mag = std::pow(10.0, digits - 1 - static_cast<int>(std::floor(std::log10(std::fabs(v)))));
    return std::round(v * mag) / mag;
}

std::vector<double> quantileBreaks(std::vector<double> values, int classes)
{
    values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }),
                 values.end());
    std::vector<double> breaks;
    if (values.empty() || classes < 2)
        return breaks;
    std::sort(values.begin(), values.end());
    for (int k = 1; k < classes; ++k) {
        const size_t idx = std::min(values.size() - 1, values.size() * static_cast<size_t>(k) / classes);
        const double b = roundSignificant(values[idx], 2);
        if (b > values.front() && (breaks.empty() || b > breaks.back()))
            breaks.push_back(b);
    }
    return breaks;
}

int classOf(const std::vector<double>& breaks, double v)
{
    return static_cast<int>(std::upper_bound(breaks.begin(), breaks.end(), v) - breaks.begin());
}

std::string formatNumber(double v)
{
    char buf[64];
    if (std::fabs(v) >= 100 || v == std::round(v))
        std::snprintf(buf, sizeof buf, "%.0f", v);
    else if (std::fabs(v) >= 10)
        std::snprintf(buf, sizeof buf, "%.1f", v);
    else
        std::snprintf(buf, sizeof buf, "%.2g", v);
    std::string s = buf;
    // thousands separators (thin space keeps it language-neutral)
    size_t digits = s.find_first_of(".");
    if (digits == std::string::npos)
        digits = s.size();
    size_t start = (s[0] == '-') ? 1 : 0;
    for (int pos = static_cast<int>(digits) - 3; pos > static_cast<int>(start); pos -= 3)
        s.insert(static_cast<size_t>(pos), "\u2009");
    return s;
}

MapData::Theme makeDensityTheme(const std::vector<double>& density)
{
    MapData::Theme t;
    t.name = "density";
    t.legendTitle = themeInfo(t.name)->legendTitle;
    t.villageValue = density;
    t.breaks = quantileBreaks(density, 6);
    const size_t n = t.breaks.size() + 1;
    // Spread the palette over the classes actually present.
    for (size_t i = 0; i < n; ++i)
        t.colours.push_back(kYlGnBu6[n == 1 ? 2 : i * (kYlGnBu6.size() - 1) / (n - 1)]);
    t.classLabels = rangeLabels(t.breaks);
    classify(t);
    return t;
}

std::optional<MapData::Theme> makeShopsTheme(const MapData& data)
{
    const Layer* villages = data.layer(schema::kVillages);
    const Layer* shops = data.layer("shops");
    if (!villages || !shops || shops->features.empty())
        return std::nullopt;
    const int vc = shops->fieldIndex("village_code");
    const int code = villages->fieldIndex("code");
    const int hh = villages->fieldIndex("households");
    if (vc < 0 || code < 0 || hh < 0)
        return std::nullopt;
    std::unordered_map<std::string, int64_t> count;
    for (const auto& f : shops->features)
        ++count[toString(f.values[static_cast<size_t>(vc)])];
    MapData::Theme t;
    t.name = "shops";
    t.legendTitle = themeInfo(t.name)->legendTitle;
    for (const auto& f : villages->features) {
        const double h = toReal(f.values[static_cast<size_t>(hh)]).value_or(0);
        auto it = count.find(toString(f.values[static_cast<size_t>(code)]));
        const double n = it == count.end() ? 0 : static_cast<double>(it->second);
        t.villageValue.push_back(h > 0 ? 100.0 * n / h : std::nan(""));
    }
    t.breaks = {10, 30, 50, 60};  // the program target is 50%
    t.colours = kGreens5;
    t.classLabels = rangeLabels(t.breaks);
    classify(t);
    return t;
}

std::vector<std::string> rangeLabels(const std::vector<double>& breaks)
{
    std::vector<std::string> labels;
    const size_t n = breaks.size() + 1;
    for (size_t i = 0; i < n; ++i) {
        if (n == 1)
            labels.push_back("");
        else if (i == 0)
            labels.push_back("< " + formatNumber(breaks[0]));
        else if (i + 1 == n)
            labels.push_back("≥ " + formatNumber(breaks[i - 1]));
        else
            labels.push_back(formatNumber(breaks[i - 1]) + " – " + formatNumber(breaks[i]));
    }
    return labels;
}

} // namespace bando::render
