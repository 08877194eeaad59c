// Ranking benchmark (issue #10): re-ranking after a weight change at national (80,000 villages,
// the analysis benchmark's national size: its 316 x 253 lattice, 79,948 villages) and province (1,703) size.
// The per-village criteria values are drawn from a fixed-seed RNG (splitmix64) with the shapes of
// the team preset's fields (households missing, coverage share, minutes, team gap, phase) and
// ~3 % missing values. Timed: building the ranker (normalisation), then each re-rank = new
// weights + scores + full order, and the 200-draw sensitivity; then the app's slider step: the
// re-rank plus the ranks per village and the ranking theme of a villages layer of the same size
// (planning/rank_theme.hpp). Not run by CI (docs/PERFORMANCE.md).
//   bando_bench_rank [villages] [changes]
#include "core/model/schema.hpp"
#include "core/planning/rank.hpp"
#include "core/planning/rank_theme.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

using namespace bando::planning;

namespace {

double ms(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

void bench(int villages, int changes)
{
    SplitMix64 g{20211231};
    const auto* preset = findBuiltinPreset("team");
    const size_t k = preset->criteria.size();
    std::vector<std::vector<double>> raw(k, std::vector<double>(static_cast<size_t>(villages)));
    for (int v = 0; v < villages; ++v) {
        const size_t i = static_cast<size_t>(v);
        raw[0][i] = std::floor(g.uniform() * 120);              // households missing
        raw[1][i] = g.uniform();                                 // share of households with good signal
        raw[2][i] = g.uniform() < 0.03 ? std::numeric_limits<double>::quiet_NaN() : 5 + g.uniform() * 90;  // minutes
        raw[3][i] = std::floor(g.uniform() * 3) / 2;              // team gap 0 / .5 / 1
        raw[4][i] = 1 + std::floor(g.uniform() * 2);              // phase
    }
    auto t0 = std::chrono::steady_clock::now();
    Ranker r(preset->criteria, raw);
    const double build = ms(t0);
    std::vector<double> base;
    for (const auto& c : preset->criteria)
        base.push_back(c.weight);
    std::vector<double> times;
    uint32_t sink = 0;
    for (int c = 0; c < changes; ++c) {
        std::vector<double> w = base;
        w[static_cast<size_t>(c) % k] *= 1.0 + 0.5 * g.uniform();  // a slider moved
        t0 = std::chrono::steady_clock::now();
        r.setWeights(w);
        const auto ord = r.order();
        times.push_back(ms(t0));
        sink ^= ord[0];
    }
    std::sort(times.begin(), times.end());
    // the ranking panel's slider step: re-rank, rank of every village, the map theme
    bando::Layer villagesLayer = bando::schema::makeLayer("villages");
    std::vector<std::string> codes;
    for (int v = 0; v < villages; ++v) {
        codes.push_back(std::to_string(10000000 + v));
        bando::Feature& f = villagesLayer.addFeature(bando::Geometry{});
        villagesLayer.set(f, "code", codes.back());
    }
    t0 = std::chrono::steady_clock::now();
    const RankThemeBuilder themes(&villagesLayer, codes);
    const double join = ms(t0);
    std::vector<double> slider;
    std::vector<int> rankOf(static_cast<size_t>(villages));
    for (int c = 0; c < changes; ++c) {
        std::vector<double> w = base;
        w[static_cast<size_t>(c) % k] *= 1.0 + 0.5 * g.uniform();
        t0 = std::chrono::steady_clock::now();
        r.setWeights(w);
        const auto ord = r.order();
        for (size_t pos = 0; pos < ord.size(); ++pos)
            rankOf[ord[pos]] = static_cast<int>(pos) + 1;
        const auto theme = themes.make(rankOf, 20);
        slider.push_back(ms(t0));
        sink ^= static_cast<uint32_t>(theme.classCounts[0]);
    }
    std::sort(slider.begin(), slider.end());
    t0 = std::chrono::steady_clock::now();
    const auto s = sensitivity(r, base, 200, 1, 0.2, 20);
    const double sens = ms(t0);
    int robust = 0;
    for (const auto& x : s)
        robust += x.topShare >= kRobustShare ? 1 : 0;
    std::printf("%6d villages x %zu criteria: build %.1f ms; re-rank after a weight change: median %.2f ms, max %.2f ms "
                "(%d changes); sensitivity 200 draws %.0f ms (%d robust in the top 20) [%u]\n",
                villages, k, build, times[times.size() / 2], times.back(), changes, sens, robust, sink % 2);
    std::printf("%6d villages: ranking panel slider step (re-rank + ranks + map theme): median %.2f ms, max %.2f ms; "
                "theme join built once in %.1f ms\n",
                villages, slider[slider.size() / 2], slider.back(), join);
}

} // namespace

int main(int argc, char** argv)
{
    const int changes = argc > 2 ? std::atoi(argv[2]) : 50;
    if (argc > 1) {
        bench(std::atoi(argv[1]), changes);
        return 0;
    }
    bench(1703, changes);
    bench(316 * 253, changes);
    return 0;
}
