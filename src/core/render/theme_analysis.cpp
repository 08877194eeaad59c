// The analysis themes: village_indicators (the latest analysed date, joined on the village code)
// drawn as the coverage class, the shop penetration against the target, shops per km² and the
// households in coverage gaps (docs/ANALYSIS.md for the columns).
#include "core/model/schema.hpp"
#include "core/render/map_style.hpp"
#include "core/render/themes.hpp"

#include <cmath>
#include <limits>
#include <unordered_map>

namespace bando::render {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ColorBrewer RdYlGn (diverging, 5 classes): far below target red, met green.
const std::vector<uint32_t> kRdYlGn5 = {0xd7191c, 0xfdae61, 0xffffbf, 0xa6d96a, 0x1a9641};
// ColorBrewer PuBu (sequential), 5 classes.
const std::vector<uint32_t> kPuBu5 = {0xf1eef6, 0xbdc9e1, 0x74a9cf, 0x2b8cbe, 0x045a8d};
// ColorBrewer OrRd (sequential), 5 classes.
const std::vector<uint32_t> kOrRd5 = {0xfef0d9, 0xfdcc8a, 0xfc8d59, 0xe34a33, 0xb30000};

// Row index of village_indicators per village feature (-1 = no row at the latest date).
std::vector<int> joinRows(const Layer& villages, const Layer& ind)
{
    const int code = villages.fieldIndex("code");
    const int icode = ind.fieldIndex("village_code");
    std::vector<int> rows(villages.features.size(), -1);
    if (code < 0 || icode < 0)
        return rows;
    std::unordered_map<std::string, int> byCode;
    for (size_t i = 0; i < ind.features.size(); ++i)
        byCode.emplace(toString(ind.features[i].values[static_cast<size_t>(icode)]), static_cast<int>(i));
    for (size_t v = 0; v < villages.features.size(); ++v) {
        auto it = byCode.find(toString(villages.features[v].values[static_cast<size_t>(code)]));
        if (it != byCode.end())
            rows[v] = it->second;
    }
    return rows;
}

std::vector<double> column(const Layer& villages, const Layer& ind, const std::vector<int>& rows, const char* field)
{
    std::vector<double> out(villages.features.size(), kNaN);
    const int fi = ind.fieldIndex(field);
    if (fi < 0)
        return out;
    for (size_t v = 0; v < rows.size(); ++v)
        if (rows[v] >= 0)
            if (auto d = toReal(ind.features[static_cast<size_t>(rows[v])].values[static_cast<size_t>(fi)]))
                out[v] = *d;
    return out;
}

MapData::Theme numericTheme(const char* id, std::vector<double> values, std::vector<double> breaks,
                            std::vector<uint32_t> colours, std::vector<std::string> labels, bool translatable)
{
    MapData::Theme t;
    t.name = id;
    t.legendTitle = themeInfo(t.name)->legendTitle;
    t.villageValue = std::move(values);
    t.breaks = std::move(breaks);
    t.colours = std::move(colours);
    t.classLabels = std::move(labels);
    t.labelsTranslatable = translatable;
    t.villageClass.assign(t.villageValue.size(), -1);
    t.classCounts.assign(t.colours.size(), 0);
    for (size_t i = 0; i < t.villageValue.size(); ++i) {
        if (!std::isfinite(t.villageValue[i]))
            continue;
        const int c = classOf(t.breaks, t.villageValue[i]);
        t.villageClass[i] = c;
        ++t.classCounts[static_cast<size_t>(c)];
    }
    return t;
}

} // namespace

std::vector<MapData::Theme> makeAnalysisThemes(const MapData& data)
{
    std::vector<MapData::Theme> out;
    const Layer* villages = data.layer(schema::kVillages);
    const Layer& ind = data.indicators;
    if (!villages || villages->features.empty() || ind.features.empty())
        return out;
    const std::vector<int> rows = joinRows(*villages, ind);

    // Coverage class as the analysis stored it (the classification rule).
    {
        const int fi = ind.fieldIndex("class");
        std::vector<double> cls(villages->features.size(), kNaN);
        if (fi >= 0)
            for (size_t v = 0; v < rows.size(); ++v) {
                if (rows[v] < 0)
                    continue;
                const std::string c = toString(ind.features[static_cast<size_t>(rows[v])].values[static_cast<size_t>(fi)]);
                cls[v] = c == "no_signal" ? 0 : c == "unstable" ? 1 : c == "covered" ? 2 : kNaN;
            }
        out.push_back(numericTheme("class", std::move(cls), {1, 2}, {0xd7191c, 0xfdae61, 0x91cf60},
                                   {"No signal", "Unstable signal", "Covered"}, true));
    }
    // Shop penetration against the target: shop_pct / target_shop_pct (1 = met).
    out.push_back(numericTheme("penetration", column(*villages, ind, rows, "shop_vs_target"), {0.25, 0.5, 0.75, 1},
                               kRdYlGn5, {"< 25 % of target", "25–50 %", "50–75 %", "75–100 %", "Target met"},
                               true));
    // Shops per km².
    {
        std::vector<double> d = column(*villages, ind, rows, "shops_per_km2");
        std::vector<double> breaks = quantileBreaks(d, 5);
        const size_t n = breaks.size() + 1;
        std::vector<uint32_t> colours;
        for (size_t i = 0; i < n; ++i)
            colours.push_back(kPuBu5[n == 1 ? 2 : i * (kPuBu5.size() - 1) / (n - 1)]);
        std::vector<std::string> labels = rangeLabels(breaks);
        out.push_back(numericTheme("shop_density", std::move(d), std::move(breaks), std::move(colours),
                                   std::move(labels), false));
    }
    // Households outside good or weak coverage (any operator), fixed classes.
    out.push_back(numericTheme("gap_households", column(*villages, ind, rows, "gap_households"), {1, 10, 30, 100},
                               kOrRd5, {"None", "1 – 10", "10 – 30", "30 – 100", "≥ 100"}, true));
    return out;
}

} // namespace bando::render
