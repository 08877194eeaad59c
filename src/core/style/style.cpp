// The style model: classification methods, colour ramps, defaults.
#include "core/style/style.hpp"

#include "core/base/error.hpp"
#include "core/i18n/i18n.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace bando::style {
namespace {

std::vector<double> finiteSorted(std::vector<double> v)
{
    v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); }), v.end());
    std::sort(v.begin(), v.end());
    return v;
}

uint32_t lerpColour(uint32_t a, uint32_t b, double t)
{
    auto ch = [&](int shift) {
        const double x = ((a >> shift) & 0xff) * (1 - t) + ((b >> shift) & 0xff) * t;
        return static_cast<uint32_t>(std::lround(std::clamp(x, 0.0, 255.0))) << shift;
    };
    return ch(16) | ch(8) | ch(0);
}

} // namespace

void Style::validate() const
{
    const std::string where = "style " + (layer.empty() ? std::string("(no layer)") : layer);
    if (layer.empty())
        throw Error(ErrorKind::Usage, where, "\"layer\" is required");
    if ((renderer == Renderer::Categorized || renderer == Renderer::Graduated) && field.empty())
        throw Error(ErrorKind::Usage, where, std::string("\"field\" is required for a ") + rendererName(renderer) +
                                                 " style");
    if (!(sizePt > 0 && sizePt <= 50))
        throw Error(ErrorKind::Usage, where, "\"size\" must be between 0 and 50 points");
    if (!(strokeWidthPt >= 0 && strokeWidthPt <= 20))
        throw Error(ErrorKind::Usage, where, "\"stroke_width\" must be between 0 and 20 points");
    if (!(opacity >= 0 && opacity <= 1))
        throw Error(ErrorKind::Usage, where, "\"opacity\" must be between 0 and 1");
    if (renderer == Renderer::Graduated) {
        if (method == Method::Manual) {
            if (edges.size() < 2 || !std::is_sorted(edges.begin(), edges.end()))
                throw Error(ErrorKind::Usage, where, "\"breaks\" must hold at least 2 ascending class edges");
        } else if (method == Method::FixedInterval) {
            if (!(interval > 0))
                throw Error(ErrorKind::Usage, where, "\"interval\" must be > 0 for fixed-interval classes");
        } else if (classes < 1 || classes > 12) {
            throw Error(ErrorKind::Usage, where, "\"classes\" must be between 1 and 12");
        }
    }
    if (renderer == Renderer::Heatmap) {
        if (!(radiusM > 0 && radiusM <= 100000))
            throw Error(ErrorKind::Usage, where, "\"radius_m\" must be between 0 and 100000 metres");
        if (!(maxDensity >= 0))
            throw Error(ErrorKind::Usage, where, "\"max_density\" must be >= 0");
    }
    if (!ramp.empty() && !rampInfo(ramp)) {
        std::string names;
        for (const auto& r : ramps())
            names += (names.empty() ? "" : ", ") + std::string(r.name);
        throw Error(ErrorKind::Usage, where, "unknown ramp '" + ramp + "' (known: " + names + ")");
    }
    if (minScale < 0 || maxScale < 0 || (maxScale > 0 && minScale > maxScale))
        throw Error(ErrorKind::Usage, where, "\"min_scale\" must be <= \"max_scale\" (scale denominators, 0 = none)");
    if (!(labelSizePt > 0 && labelSizePt <= 72))
        throw Error(ErrorKind::Usage, where, "\"label_size\" must be between 0 and 72 points");
}

double markerRadiusPt(const Style& s, double scaleDenominator)
{
    if (!s.scaleWithZoom || !(scaleDenominator > 0))
        return s.sizePt;
    return s.sizePt * std::clamp(std::sqrt(kReferenceScale / scaleDenominator), 0.6, 3.0);
}

// ---- classification ----

std::vector<double> jenksEdges(std::vector<double> values, int classes)
{
    const std::vector<double> v = finiteSorted(std::move(values));
    if (v.empty() || classes < 1)
        return {};
    // Distinct values with their counts: the optimum never splits equal values.
    std::vector<double> x;
    std::vector<double> w;
    for (double d : v) {
        if (x.empty() || d != x.back()) {
            x.push_back(d);
            w.push_back(1);
        } else {
            w.back() += 1;
        }
    }
    const int n = static_cast<int>(x.size());
    const int k = std::min(classes, n);
    // Prefix sums (shifted by the first value for numerical stability).
    std::vector<double> sw(n + 1, 0), sx(n + 1, 0), sxx(n + 1, 0);
    for (int i = 0; i < n; ++i) {
        const double d = x[i] - x[0];
        sw[i + 1] = sw[i] + w[i];
        sx[i + 1] = sx[i] + w[i] * d;
        sxx[i + 1] = sxx[i] + w[i] * d * d;
    }
    auto ssd = [&](int a, int b) {  // items a..b-1
        const double W = sw[b] - sw[a], S = sx[b] - sx[a];
        return std::max(0.0, (sxx[b] - sxx[a]) - S * S / W);
    };
    const double inf = std::numeric_limits<double>::infinity();
    // cost[j][i]: best SSD of the first i items in j classes; from[j][i]: start of the last class.
    std::vector<std::vector<double>> cost(k + 1, std::vector<double>(n + 1, inf));
    std::vector<std::vector<int>> from(k + 1, std::vector<int>(n + 1, 0));
    cost[0][0] = 0;
    // The optimal start of the last class is monotone in i (the SSD cost satisfies the
    // quadrangle inequality, as in Ckmeans.1d.dp): divide and conquer keeps this exact DP at
    // O(k n log n), so all 112,000 shops can be classified.
    for (int j = 1; j <= k; ++j) {
        std::vector<double>& cur = cost[j];
        const std::vector<double>& prev = cost[j - 1];
        std::vector<int>& arg = from[j];
        auto solve = [&](auto&& self, int lo, int hi, int optLo, int optHi) -> void {
            if (lo > hi)
                return;
            const int mid = (lo + hi) / 2;
            double best = inf;
            int bestS = std::max(optLo, j - 1);
            for (int s = std::max(optLo, j - 1); s <= std::min(mid - 1, optHi); ++s) {
                if (prev[s] == inf)
                    continue;
                const double c = prev[s] + ssd(s, mid);
                if (c < best) {
                    best = c;
                    bestS = s;
                }
            }
            cur[mid] = best;
            arg[mid] = bestS;
            self(self, lo, mid - 1, optLo, bestS);
            self(self, mid + 1, hi, bestS, optHi);
        };
        solve(solve, j, n, j - 1, n - 1);
    }
    std::vector<double> edges(k + 1);
    edges[0] = x.front();
    edges[k] = x.back();
    int i = n;
    for (int j = k; j >= 1; --j) {
        const int s = from[j][i];
        if (j > 1)
            edges[j - 1] = x[s - 1];  // upper bound of class j-1: its last value
        i = s;
    }
    return edges;
}

std::vector<double> quantileEdges(std::vector<double> values, int classes)
{
    const std::vector<double> v = finiteSorted(std::move(values));
    if (v.empty() || classes < 1)
        return {};
    std::vector<double> edges{v.front()};
    for (int c = 1; c < classes; ++c) {
        const double pos = static_cast<double>(c) * static_cast<double>(v.size() - 1) / classes;
        const size_t lo = static_cast<size_t>(std::floor(pos));
        const double t = pos - static_cast<double>(lo);
        const double q = lo + 1 < v.size() ? v[lo] * (1 - t) + v[lo + 1] * t : v[lo];
        if (q > edges.back())
            edges.push_back(q);
    }
    if (v.back() > edges.back() || edges.size() == 1)
        edges.push_back(v.back());
    return edges;
}

std::vector<double> equalIntervalEdges(const std::vector<double>& values, int classes)
{
    const std::vector<double> v = finiteSorted(values);
    if (v.empty() || classes < 1)
        return {};
    const double lo = v.front(), hi = v.back();
    std::vector<double> edges;
    for (int c = 0; c <= classes; ++c)
        edges.push_back(c == classes ? hi : lo + (hi - lo) * c / classes);
    return edges;
}

std::vector<double> prettyEdges(const std::vector<double>& values, int classes)
{
    const std::vector<double> v = finiteSorted(values);
    if (v.empty() || classes < 1)
        return {};
    const double lo = v.front(), hi = v.back();
    const double span = hi - lo > 0 ? hi - lo : std::max(std::fabs(lo), 1.0);
    // The smallest nice width w such that `classes` classes starting at floor(lo / w) * w
    // reach hi.
    double mag = std::pow(10.0, std::floor(std::log10(span / classes)) - 1);
    for (int guard = 0; guard < 60; ++guard, mag *= 10)
        for (double m : {1.0, 2.0, 2.5, 5.0}) {
            const double w = m * mag;
            const double start = std::floor(lo / w) * w;
            if (start + classes * w >= hi - 1e-9 * span) {
                std::vector<double> edges;
                for (int c = 0; c <= classes; ++c) {
                    const double e = start + c * w;
                    edges.push_back(std::fabs(e) < 1e-12 * w ? 0.0 : e);
                }
                return edges;
            }
        }
    return equalIntervalEdges(values, classes);
}

std::vector<double> fixedIntervalEdges(const std::vector<double>& values, double interval)
{
    const std::vector<double> v = finiteSorted(values);
    if (v.empty() || !(interval > 0))
        return {};
    const double start = std::floor(v.front() / interval) * interval;
    const double n = std::max(1.0, std::ceil((v.back() - start) / interval));
    if (n > 100)
        throw Error(ErrorKind::Usage, "interval", "an interval of " + std::to_string(interval) +
                                                      " gives more than 100 classes");
    std::vector<double> edges;
    for (int c = 0; c <= static_cast<int>(n); ++c)
        edges.push_back(start + c * interval);
    return edges;
}

std::vector<double> classEdges(const Style& s, const std::vector<double>& values)
{
    switch (s.method) {
    case Method::Jenks: return jenksEdges(values, s.classes);
    case Method::Quantile: return quantileEdges(values, s.classes);
    case Method::EqualInterval: return equalIntervalEdges(values, s.classes);
    case Method::Pretty: return prettyEdges(values, s.classes);
    case Method::FixedInterval: return fixedIntervalEdges(values, s.interval);
    case Method::Manual: return s.edges;
    }
    return {};
}

int classIndex(const std::vector<double>& edges, double v)
{
    if (edges.size() < 2 || !std::isfinite(v) || v < edges.front() || v > edges.back())
        return -1;
    const auto it = std::lower_bound(edges.begin() + 1, edges.end(), v);  // first edge >= v
    return static_cast<int>(it - edges.begin()) - 1;
}

double sumSquaredDeviations(const std::vector<double>& values, const std::vector<double>& edges)
{
    const size_t k = edges.size() < 2 ? 0 : edges.size() - 1;
    std::vector<double> sum(k, 0), sum2(k, 0), n(k, 0);
    for (double v : values) {
        const int c = classIndex(edges, v);
        if (c < 0)
            continue;
        sum[c] += v;
        sum2[c] += v * v;
        n[c] += 1;
    }
    double total = 0;
    for (size_t c = 0; c < k; ++c)
        if (n[c] > 0)
            total += sum2[c] - sum[c] * sum[c] / n[c];
    return total;
}

// ---- ramps ----

const std::vector<RampInfo>& ramps()
{
    // ColorBrewer 2.0 (Cynthia Brewer, Apache-2.0 licensed colour specifications): the 9-class
    // sequential and 11-class diverging schemes, 8-class qualitative; Okabe–Ito (2008) as the
    // colour-blind-safe qualitative palette for up to 8 categories.
    static const std::vector<RampInfo> k = {
        {"YlGnBu", "sequential", true,
         {0xffffd9, 0xedf8b1, 0xc7e9b4, 0x7fcdbb, 0x41b6c4, 0x1d91c0, 0x225ea8, 0x253494, 0x081d58}},
        {"YlOrRd", "sequential", true,
         {0xffffcc, 0xffeda0, 0xfed976, 0xfeb24c, 0xfd8d3c, 0xfc4e2a, 0xe31a1c, 0xbd0026, 0x800026}},
        {"YlOrBr", "sequential", true,
         {0xffffe5, 0xfff7bc, 0xfee391, 0xfec44f, 0xfe9929, 0xec7014, 0xcc4c02, 0x993404, 0x662506}},
        {"Blues", "sequential", true,
         {0xf7fbff, 0xdeebf7, 0xc6dbef, 0x9ecae1, 0x6baed6, 0x4292c6, 0x2171b5, 0x08519c, 0x08306b}},
        {"Greens", "sequential", true,
         {0xf7fcf5, 0xe5f5e0, 0xc7e9c0, 0xa1d99b, 0x74c476, 0x41ab5d, 0x238b45, 0x006d2c, 0x00441b}},
        {"Reds", "sequential", true,
         {0xfff5f0, 0xfee0d2, 0xfcbba1, 0xfc9272, 0xfb6a4a, 0xef3b2c, 0xcb181d, 0xa50f15, 0x67000d}},
        {"Purples", "sequential", true,
         {0xfcfbfd, 0xefedf5, 0xdadaeb, 0xbcbddc, 0x9e9ac8, 0x807dba, 0x6a51a3, 0x54278f, 0x3f007d}},
        {"Oranges", "sequential", true,
         {0xfff5eb, 0xfee6ce, 0xfdd0a2, 0xfdae6b, 0xfd8d3c, 0xf16913, 0xd94801, 0xa63603, 0x7f2704}},
        {"RdYlBu", "diverging", true,
         {0xa50026, 0xd73027, 0xf46d43, 0xfdae61, 0xfee090, 0xffffbf, 0xe0f3f8, 0xabd9e9, 0x74add1, 0x4575b4,
          0x313695}},
        {"RdBu", "diverging", true,
         {0x67001f, 0xb2182b, 0xd6604d, 0xf4a582, 0xfddbc7, 0xf7f7f7, 0xd1e5f0, 0x92c5de, 0x4393c3, 0x2166ac,
          0x053061}},
        {"PuOr", "diverging", true,
         {0x7f3b08, 0xb35806, 0xe08214, 0xfdb863, 0xfee0b6, 0xf7f7f7, 0xd8daeb, 0xb2abd2, 0x8073ac, 0x542788,
          0x2d004b}},
        {"RdYlGn", "diverging", false,
         {0xa50026, 0xd73027, 0xf46d43, 0xfdae61, 0xfee08b, 0xffffbf, 0xd9ef8b, 0xa6d96a, 0x66bd63, 0x1a9850,
          0x006837}},
        {"Spectral", "diverging", false,
         {0x9e0142, 0xd53e4f, 0xf46d43, 0xfdae61, 0xfee08b, 0xffffbf, 0xe6f598, 0xabdda4, 0x66c2a5, 0x3288bd,
          0x5e4fa2}},
        {"OkabeIto", "qualitative", true,
         {0xe69f00, 0x56b4e9, 0x009e73, 0xf0e442, 0x0072b2, 0xd55e00, 0xcc79a7, 0x000000}},
        {"Dark2", "qualitative", false, {0x1b9e77, 0xd95f02, 0x7570b3, 0xe7298a, 0x66a61e, 0xe6ab02, 0xa6761d, 0x666666}},
        {"Set2", "qualitative", false, {0x66c2a5, 0xfc8d62, 0x8da0cb, 0xe78ac3, 0xa6d854, 0xffd92f, 0xe5c494, 0xb3b3b3}},
        {"Paired", "qualitative", false,
         {0xa6cee3, 0x1f78b4, 0xb2df8a, 0x33a02c, 0xfb9a99, 0xe31a1c, 0xfdbf6f, 0xff7f00, 0xcab2d6, 0x6a3d9a, 0xffff99,
          0xb15928}},
    };
    return k;
}

const RampInfo* rampInfo(const std::string& name)
{
    for (const auto& r : ramps())
        if (name == r.name)
            return &r;
    return nullptr;
}

std::string defaultRamp(Renderer r)
{
    switch (r) {
    case Renderer::Categorized: return "OkabeIto";
    case Renderer::Heatmap: return "YlOrRd";
    default: return "YlGnBu";
    }
}

uint32_t rampAt(const std::string& name, double t)
{
    const RampInfo* r = rampInfo(name);
    if (!r)
        r = rampInfo("YlGnBu");
    const auto& s = r->stops;
    t = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0);
    const double pos = t * static_cast<double>(s.size() - 1);
    const size_t i = std::min(static_cast<size_t>(pos), s.size() - 2);
    return lerpColour(s[i], s[i + 1], pos - static_cast<double>(i));
}

std::vector<uint32_t> rampColours(const std::string& name, int n)
{
    std::vector<uint32_t> out;
    const RampInfo* r = rampInfo(name);
    if (!r || n <= 0)
        return out;
    if (std::string(r->kind) == "qualitative") {
        for (int i = 0; i < n; ++i)
            out.push_back(r->stops[static_cast<size_t>(i) % r->stops.size()]);
        return out;
    }
    // Sequential ramps skip their palest end (it vanishes on the map's background).
    const double t0 = std::string(r->kind) == "sequential" ? 0.15 : 0.0;
    for (int i = 0; i < n; ++i)
        out.push_back(rampAt(name, n == 1 ? 0.7 : t0 + (1 - t0) * i / (n - 1)));
    return out;
}

// ---- names ----

const char* rendererName(Renderer r)
{
    switch (r) {
    case Renderer::Single: return "single";
    case Renderer::Categorized: return "categorized";
    case Renderer::Graduated: return "graduated";
    case Renderer::Heatmap: return "heatmap";
    }
    return "single";
}

const char* methodName(Method m)
{
    switch (m) {
    case Method::Jenks: return "jenks";
    case Method::Quantile: return "quantile";
    case Method::EqualInterval: return "equal";
    case Method::Pretty: return "pretty";
    case Method::FixedInterval: return "fixed";
    case Method::Manual: return "manual";
    }
    return "jenks";
}

const char* symbolName(Symbol s)
{
    switch (s) {
    case Symbol::Circle: return "circle";
    case Symbol::Square: return "square";
    case Symbol::Triangle: return "triangle";
    case Symbol::Diamond: return "diamond";
    }
    return "circle";
}

Style defaultStyle(const std::string& layer)
{
    Style s;
    s.layer = layer;
    if (layer == "shops") {
        s.renderer = Renderer::Categorized;
        s.field = "marketplace";
        s.sizePt = 1.3;
        s.strokeWidthPt = 0;
        s.opacity = 0.9;
    } else if (layer == "sites") {
        s.renderer = Renderer::Categorized;
        s.field = "operator";
        s.symbol = Symbol::Triangle;
        s.sizePt = 3.2;
        s.strokeColour = 0x202020;
        s.strokeWidthPt = 0.5;
    } else if (layer == "broadband_nodes") {
        s.renderer = Renderer::Categorized;
        s.field = "kind";
        s.symbol = Symbol::Square;
        s.sizePt = 2.4;
        s.strokeColour = 0x202020;
        s.strokeWidthPt = 0.4;
        s.ramp = "OkabeIto";
    } else if (layer == "settlements") {
        s.symbol = Symbol::Circle;
        s.colour = 0x7f5539;
        s.sizePt = 1.2;
        s.strokeWidthPt = 0;
        s.opacity = 0.8;
    } else if (layer == "coverage_predicted") {
        // `bando predict`'s polygons (the coverage schema's level): translucent, so the
        // villages show through; bluish green and orange tell apart for colour-blind readers.
        s.renderer = Renderer::Categorized;
        s.field = "level";
        s.categories = {{"good", 0x009e73, N_("Good signal (predicted)"), true},
                        {"weak", 0xe69f00, N_("Weak signal (predicted)"), true}};
        s.opacity = 0.45;
        s.strokeColour = 0x4d4d4d;
        s.strokeWidthPt = 0.3;
    } else if (layer == "survey_gaps") {
        s.symbol = Symbol::Diamond;
        s.colour = 0xd55e00;
        s.sizePt = 3;
    }
    return s;
}

Histogram histogram(const std::vector<double>& values, int bins)
{
    Histogram h;
    bool any = false;
    for (double v : values)
        if (std::isfinite(v)) {
            h.min = any ? std::min(h.min, v) : v;
            h.max = any ? std::max(h.max, v) : v;
            any = true;
        }
    if (!any || bins < 1)
        return h;
    h.counts.assign(static_cast<size_t>(bins), 0);
    const double w = (h.max - h.min) / bins;
    for (double v : values)
        if (std::isfinite(v)) {
            int b = w > 0 ? static_cast<int>((v - h.min) / w) : 0;
            ++h.counts[static_cast<size_t>(std::clamp(b, 0, bins - 1))];
        }
    return h;
}

std::vector<double> parseEdges(const std::string& text)
{
    std::vector<double> out;
    std::string token;
    auto flush = [&] {
        if (token.empty())
            return;
        double v = 0;  // from_chars: never the locale's decimal comma
        const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
        if (ec != std::errc() || end != token.data() + token.size() || !std::isfinite(v))
            throw Error(ErrorKind::Usage, "breaks", "'" + token + "' is not a number");
        if (!out.empty() && !(v > out.back()))
            throw Error(ErrorKind::Usage, "breaks", "the breaks must be ascending (" + token + ")");
        out.push_back(v);
        token.clear();
    };
    for (char c : text) {
        if (c == ',' || c == ';' || c == ' ' || c == '\t' || c == '\n')
            flush();
        else
            token += c;
    }
    flush();
    if (out.size() < 2)
        throw Error(ErrorKind::Usage, "breaks", "at least two breaks (one class) are needed");
    return out;
}

} // namespace bando::style
