#include "core/optim/mclp.hpp"

#include "core/base/error.hpp"
#include "core/optim/cbc_run.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <numeric>

namespace bando::optim {

namespace {

constexpr double kPi = 3.14159265358979323846;

double nowSeconds()
{
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

double costOf(const CoverageProblem& p, int j) { return p.cost.empty() ? 0.0 : p.cost[static_cast<size_t>(j)]; }

double totalCost(const CoverageProblem& p, const std::vector<int>& chosen)
{
    double c = 0;
    for (int j : chosen)
        c += costOf(p, j);
    return c;
}

// Counts of chosen sites covering each demand point.
std::vector<int> coverCounts(const CoverageProblem& p, const std::vector<int>& chosen)
{
    std::vector<int> cnt(p.weight.size(), 0);
    for (int j : chosen)
        for (int i : p.covers[static_cast<size_t>(j)])
            ++cnt[static_cast<size_t>(i)];
    return cnt;
}

// The MIP after merging: demand covered by a locked site is a constant; demand no free candidate
// covers is dropped; demand points with the same set of free covering candidates become one row.
struct MergedModel {
    double constant = 0;                       // weight covered by the locked sites
    std::vector<double> groupWeight;           // per row
    std::vector<std::vector<int>> groupSites;  // per row: free candidates covering it
};

MergedModel mergeDemand(const CoverageProblem& p)
{
    const size_t n = p.weight.size(), m = p.covers.size();
    std::vector<char> isLocked(m, 0);
    for (int j : p.locked)
        isLocked[static_cast<size_t>(j)] = 1;
    std::vector<std::vector<int>> by(n);
    std::vector<char> lockedCovered(n, 0);
    for (size_t j = 0; j < m; ++j)
        for (int i : p.covers[j]) {
            if (isLocked[j])
                lockedCovered[static_cast<size_t>(i)] = 1;
            else
                by[static_cast<size_t>(i)].push_back(static_cast<int>(j));
        }
    MergedModel mm;
    std::map<std::vector<int>, size_t> index;
    for (size_t i = 0; i < n; ++i) {
        if (p.weight[i] <= 0)
            continue;
        if (lockedCovered[i]) {
            mm.constant += p.weight[i];
            continue;
        }
        if (by[i].empty())
            continue;
        const auto [it, fresh] = index.emplace(by[i], mm.groupWeight.size());
        if (fresh) {
            mm.groupWeight.push_back(p.weight[i]);
            mm.groupSites.push_back(by[i]);
        } else
            mm.groupWeight[it->second] += p.weight[i];
    }
    return mm;
}

// Columns 0..m-1 are the sites x_j (binary; locked fixed at 1), m..m+G-1 the coverage y_g in [0, 1].
// Minimise -Σ W_g y_g subject to y_g - Σ_{j ∈ N_g} x_j ≤ 0, Σ x_j ≤ count, Σ c_j x_j ≤ budget.
MipModel buildMip(const CoverageProblem& p, const MergedModel& mm)
{
    const int m = static_cast<int>(p.covers.size());
    const int g = static_cast<int>(mm.groupWeight.size());
    MipModel model;
    model.columns = m + g;
    model.colLower.assign(static_cast<size_t>(m + g), 0.0);
    model.colUpper.assign(static_cast<size_t>(m + g), 1.0);
    model.objective.assign(static_cast<size_t>(m + g), 0.0);
    model.integer.assign(static_cast<size_t>(m + g), 0);
    for (int j = 0; j < m; ++j) {
        model.integer[static_cast<size_t>(j)] = 1;
        model.names.push_back("x" + std::to_string(j));
    }
    for (int k = 0; k < g; ++k) {
        model.objective[static_cast<size_t>(m + k)] = -mm.groupWeight[static_cast<size_t>(k)];
        model.names.push_back("y" + std::to_string(k));
    }
    for (int j : p.locked)
        model.colLower[static_cast<size_t>(j)] = 1.0;
    for (int k = 0; k < g; ++k) {
        MipRow row;
        row.name = "c" + std::to_string(k);
        row.upper = 0.0;
        row.index.push_back(m + k);
        row.value.push_back(1.0);
        for (int j : mm.groupSites[static_cast<size_t>(k)]) {
            row.index.push_back(j);
            row.value.push_back(-1.0);
        }
        model.rows.push_back(std::move(row));
    }
    MipRow cnt;
    cnt.name = "count";
    cnt.upper = std::min(p.count, m);
    for (int j = 0; j < m; ++j) {
        cnt.index.push_back(j);
        cnt.value.push_back(1.0);
    }
    model.rows.push_back(std::move(cnt));
    if (!p.cost.empty() && std::isfinite(p.budget)) {
        MipRow b;
        b.name = "budget";
        b.upper = p.budget;
        for (int j = 0; j < m; ++j) {
            b.index.push_back(j);
            b.value.push_back(p.cost[static_cast<size_t>(j)]);
        }
        model.rows.push_back(std::move(b));
    }
    return model;
}

} // namespace

double distance(Metric metric, const Point2& a, const Point2& b)
{
    if (metric == Metric::Planar)
        return std::hypot(a.x - b.x, a.y - b.y);
    return haversineKm(a.x, a.y, b.x, b.y);
}

double haversineKm(double lon1, double lat1, double lon2, double lat2)
{
    const double r = kPi / 180.0;
    const double dLat = (lat2 - lat1) * r, dLon = (lon2 - lon1) * r;
    const double s1 = std::sin(dLat / 2), s2 = std::sin(dLon / 2);
    const double h = s1 * s1 + std::cos(lat1 * r) * std::cos(lat2 * r) * s2 * s2;
    return 2.0 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(h)));
}

std::vector<std::vector<int>> coverageSets(const std::vector<Point2>& demand, const std::vector<Point2>& candidates,
                                           const std::vector<double>& radii, Metric metric, Feedback* fb)
{
    if (radii.size() != 1 && radii.size() != candidates.size())
        throw Error(ErrorKind::Internal, "coverageSets", "one radius, or one per candidate");
    // Demand sorted by y: a latitude (or y) window bounds the distance from below, so each
    // candidate only measures the points within its window.
    std::vector<int> order(demand.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int a, int b) { return demand[static_cast<size_t>(a)].y < demand[static_cast<size_t>(b)].y; });
    std::vector<double> ys(order.size());
    for (size_t k = 0; k < order.size(); ++k)
        ys[k] = demand[static_cast<size_t>(order[k])].y;
    std::vector<std::vector<int>> out(candidates.size());
    for (size_t j = 0; j < candidates.size(); ++j) {
        if (j % 64 == 0)
            throwIfCancelled(fb);
        const double radius = radii.size() == 1 ? radii[0] : radii[j];
        const double reach = radius + kCoverEpsilon;
        const double window = metric == Metric::Planar ? reach : reach / kEarthRadiusKm * 180.0 / kPi + 1e-9;
        const auto lo = std::lower_bound(ys.begin(), ys.end(), candidates[j].y - window);
        const auto hi = std::upper_bound(ys.begin(), ys.end(), candidates[j].y + window);
        auto& set = out[j];
        for (auto it = lo; it != hi; ++it) {
            const int i = order[static_cast<size_t>(it - ys.begin())];
            if (distance(metric, candidates[j], demand[static_cast<size_t>(i)]) <= reach)
                set.push_back(i);
        }
        std::sort(set.begin(), set.end());
    }
    return out;
}

void validateProblem(const CoverageProblem& p)
{
    const int m = static_cast<int>(p.covers.size());
    if (p.count < 1)
        throw Error(ErrorKind::Usage, "--count", "must be at least 1");
    if (!p.cost.empty() && p.cost.size() != p.covers.size())
        throw Error(ErrorKind::Internal, "mclp", "one cost per candidate");
    for (double c : p.cost)
        if (!(c >= 0) || !std::isfinite(c))
            throw Error(ErrorKind::Usage, "cost", "costs must be finite and not negative");
    for (double w : p.weight)
        if (!(w >= 0) || !std::isfinite(w))
            throw Error(ErrorKind::Usage, "weight", "weights must be finite and not negative");
    for (const auto& set : p.covers)
        for (int i : set)
            if (i < 0 || i >= static_cast<int>(p.weight.size()))
                throw Error(ErrorKind::Internal, "mclp", "coverage index out of range");
    std::vector<int> locked = p.locked;
    std::sort(locked.begin(), locked.end());
    if (std::adjacent_find(locked.begin(), locked.end()) != locked.end())
        throw Error(ErrorKind::Usage, "--lock", "a site is locked twice");
    for (int j : locked)
        if (j < 0 || j >= m)
            throw Error(ErrorKind::Usage, "--lock", "locked site out of range");
    if (static_cast<int>(locked.size()) > p.count)
        throw Error(ErrorKind::Usage, "--count", "is smaller than the number of locked sites");
    if (!p.cost.empty() && totalCost(p, locked) > p.budget + 1e-9)
        throw Error(ErrorKind::Usage, "--budget", "the locked sites alone cost more than the budget");
}

double coveredWeight(const CoverageProblem& p, const std::vector<int>& chosen)
{
    const auto cnt = coverCounts(p, chosen);
    double w = 0;
    for (size_t i = 0; i < cnt.size(); ++i)
        if (cnt[i] > 0)
            w += p.weight[i];
    return w;
}

std::vector<int> greedyCover(const CoverageProblem& p)
{
    const size_t m = p.covers.size();
    const int limit = std::min<int>(p.count, static_cast<int>(m));
    std::vector<int> chosen = p.locked;
    std::vector<char> used(m, 0), covered(p.weight.size(), 0);
    double spent = 0;
    for (int j : chosen) {
        used[static_cast<size_t>(j)] = 1;
        spent += costOf(p, j);
        for (int i : p.covers[static_cast<size_t>(j)])
            covered[static_cast<size_t>(i)] = 1;
    }
    while (static_cast<int>(chosen.size()) < limit) {
        int best = -1;
        double bestGain = 0;
        for (size_t j = 0; j < m; ++j) {
            if (used[j] || spent + costOf(p, static_cast<int>(j)) > p.budget + 1e-9)
                continue;
            double gain = 0;
            for (int i : p.covers[j])
                if (!covered[static_cast<size_t>(i)])
                    gain += p.weight[static_cast<size_t>(i)];
            if (gain > bestGain) {
                bestGain = gain;
                best = static_cast<int>(j);
            }
        }
        if (best < 0)
            break;  // nothing left adds weight (or nothing affordable)
        used[static_cast<size_t>(best)] = 1;
        spent += costOf(p, best);
        chosen.push_back(best);
        for (int i : p.covers[static_cast<size_t>(best)])
            covered[static_cast<size_t>(i)] = 1;
    }
    return chosen;
}

std::vector<int> swapImprove(const CoverageProblem& p, std::vector<int> chosen, double seconds, Feedback* fb)
{
    const size_t m = p.covers.size(), n = p.weight.size();
    const double deadline = nowSeconds() + seconds;
    std::vector<char> isLocked(m, 0), used(m, 0);
    for (int j : p.locked)
        isLocked[static_cast<size_t>(j)] = 1;
    for (int j : chosen)
        used[static_cast<size_t>(j)] = 1;
    auto cnt = coverCounts(p, chosen);
    const double total = std::accumulate(p.weight.begin(), p.weight.end(), 0.0);
    const double eps = 1e-12 * std::max(1.0, total);
    std::vector<char> inOut(n, 0);
    // Fill the free slots first (a start with fewer sites than allowed, e.g. after the budget).
    for (;;) {
        if (nowSeconds() > deadline)
            break;
        throwIfCancelled(fb);
        double bestDelta = eps;
        size_t bestOut = SIZE_MAX;
        int bestIn = -1;
        const double spent = totalCost(p, chosen);
        for (size_t k = 0; k < chosen.size(); ++k) {
            const int out = chosen[k];
            if (isLocked[static_cast<size_t>(out)])
                continue;
            double loss = 0;
            for (int i : p.covers[static_cast<size_t>(out)])
                if (cnt[static_cast<size_t>(i)] == 1) {
                    loss += p.weight[static_cast<size_t>(i)];
                    inOut[static_cast<size_t>(i)] = 1;
                }
            for (size_t c = 0; c < m; ++c) {
                if (used[c] || spent - costOf(p, out) + costOf(p, static_cast<int>(c)) > p.budget + 1e-9)
                    continue;
                double gain = 0;
                for (int i : p.covers[c])
                    if (cnt[static_cast<size_t>(i)] == 0 || inOut[static_cast<size_t>(i)])
                        gain += p.weight[static_cast<size_t>(i)];
                if (gain - loss > bestDelta) {
                    bestDelta = gain - loss;
                    bestOut = k;
                    bestIn = static_cast<int>(c);
                }
            }
            for (int i : p.covers[static_cast<size_t>(out)])
                inOut[static_cast<size_t>(i)] = 0;
        }
        if (bestIn < 0)
            break;
        const int out = chosen[bestOut];
        for (int i : p.covers[static_cast<size_t>(out)])
            --cnt[static_cast<size_t>(i)];
        for (int i : p.covers[static_cast<size_t>(bestIn)])
            ++cnt[static_cast<size_t>(i)];
        used[static_cast<size_t>(out)] = 0;
        used[static_cast<size_t>(bestIn)] = 1;
        chosen[bestOut] = bestIn;
    }
    return chosen;
}

CoverageSolution solveMaxCover(const CoverageProblem& p, const CoverageOptions& options, Feedback* fb)
{
    validateProblem(p);
    const double t0 = nowSeconds();
    CoverageSolution s;
    s.totalWeight = std::accumulate(p.weight.begin(), p.weight.end(), 0.0);
    {
        std::vector<char> any(p.weight.size(), 0);
        for (const auto& set : p.covers)
            for (int i : set)
                any[static_cast<size_t>(i)] = 1;
        for (size_t i = 0; i < any.size(); ++i)
            if (any[i])
                s.coverableWeight += p.weight[i];
    }
    if (fb)
        fb->setStep("greedy");
    auto greedy = greedyCover(p);
    s.greedyObjective = coveredWeight(p, greedy);
    const double swapBudget = std::max(0.1, options.timeLimitSeconds * (options.method == CoverMethod::Heuristic ? 1.0 : 0.2));
    auto warm = swapImprove(p, greedy, swapBudget, fb);
    s.warmObjective = coveredWeight(p, warm);
    s.chosen = warm;
    s.objective = s.warmObjective;
    reportProgress(fb, 10);

    const MergedModel mm = mergeDemand(p);
    s.mipRows = static_cast<int>(mm.groupWeight.size());
    const double lockedWeight = mm.constant;
    const double freeTotal = std::accumulate(mm.groupWeight.begin(), mm.groupWeight.end(), 0.0);
    if (mm.groupWeight.empty() || s.objective >= lockedWeight + freeTotal - 1e-9) {
        // Every coverable point is covered: nothing can do better.
        s.bound = s.objective;
        s.optimal = true;
        s.method = "trivial";
        s.seconds = nowSeconds() - t0;
        reportProgress(fb, 100);
        return s;
    }
    const MipModel model = buildMip(p, mm);
    if (options.method == CoverMethod::Heuristic) {
        if (fb)
            fb->setStep("LP bound");
        const double lp = solveLpRelaxation(model);
        s.bound = lockedWeight - lp;
        s.method = "greedy+swap";
    } else {
        if (fb)
            fb->setStep("branch and cut");
        const double left = std::max(0.5, options.timeLimitSeconds - (nowSeconds() - t0));
        const auto r = solveMip(model, left, fb);
        s.nodes = r.nodes;
        if (!r.solution.empty()) {
            std::vector<int> chosen;
            for (int j : p.locked)
                chosen.push_back(j);
            for (size_t j = 0; j < p.covers.size(); ++j)
                if (r.solution[j] > 0.5 && std::find(p.locked.begin(), p.locked.end(), static_cast<int>(j)) == p.locked.end())
                    chosen.push_back(static_cast<int>(j));
            const double w = coveredWeight(p, chosen);
            if (w > s.objective + 1e-9) {
                s.objective = w;
                s.chosen = chosen;
            }
        }
        s.bound = lockedWeight - r.bestPossible;
        s.optimal = r.provenOptimal;
        s.method = "mip";
    }
    // A proven optimum is its own bound; a bound a hair below the incumbent is round-off.
    s.bound = s.optimal ? s.objective : std::max(s.bound, s.objective);
    s.gap = s.bound > 0 ? std::max(0.0, (s.bound - s.objective) / s.bound) : 0.0;
    if (!s.optimal && s.gap < 1e-12 && s.bound > 0)
        s.optimal = true;  // the LP bound alone proves it
    s.seconds = nowSeconds() - t0;
    reportProgress(fb, 100);
    return s;
}

double writeMaxCoverLp(const CoverageProblem& p, const std::string& path)
{
    validateProblem(p);
    const MergedModel mm = mergeDemand(p);
    writeLp(buildMip(p, mm), path);
    return mm.constant;
}

} // namespace bando::optim
