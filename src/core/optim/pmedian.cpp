#include "core/optim/pmedian.hpp"

#include "core/base/splitmix.hpp"
#include "core/optim/cbc_run.hpp"

#include "core/base/error.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

namespace bando::optim {

namespace {

// Unreachable pairs count as this distance inside the search (a finite number keeps the
// interchange arithmetic exact enough); objectives report reachable points only.
constexpr double kFar = 1e12;

double nowSeconds()
{
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

using SplitMix = SplitMix64;

double dist(const PMedianProblem& p, int i, int j) { return std::min(p.at(i, j), kFar); }

// Nearest (d1, at slot s1) and second-nearest (d2) chosen facility per demand point.
struct Nearest {
    std::vector<double> d1, d2;
    std::vector<int> s1;  // slot in `chosen`
};

Nearest nearest(const PMedianProblem& p, const std::vector<int>& chosen)
{
    Nearest n;
    n.d1.assign(static_cast<size_t>(p.demand), kFar * 2);
    n.d2.assign(static_cast<size_t>(p.demand), kFar * 2);
    n.s1.assign(static_cast<size_t>(p.demand), -1);
    for (int i = 0; i < p.demand; ++i) {
        const size_t ii = static_cast<size_t>(i);
        for (size_t s = 0; s < chosen.size(); ++s) {
            const double d = dist(p, i, chosen[s]);
            if (d < n.d1[ii]) {
                n.d2[ii] = n.d1[ii];
                n.d1[ii] = d;
                n.s1[ii] = static_cast<int>(s);
            } else if (d < n.d2[ii])
                n.d2[ii] = d;
        }
    }
    return n;
}

void validate(const PMedianProblem& p)
{
    if (p.demand < 1 || p.candidates < 1)
        throw Error(ErrorKind::Usage, "p-median", "no demand points or no candidates");
    if (p.p < 1 || p.p > p.candidates)
        throw Error(ErrorKind::Usage, "--count", "must be between 1 and the number of candidates (" +
                                                     std::to_string(p.candidates) + ")");
    if (p.weight.size() != static_cast<size_t>(p.demand) ||
        p.distance.size() != static_cast<size_t>(p.demand) * static_cast<size_t>(p.candidates))
        throw Error(ErrorKind::Internal, "p-median", "weights or distance matrix of the wrong size");
    for (double w : p.weight)
        if (!(w >= 0) || !std::isfinite(w))
            throw Error(ErrorKind::Usage, "weight", "weights must be finite and not negative");
}

} // namespace

double pmedianCost(const PMedianProblem& p, const std::vector<int>& chosen)
{
    double c = 0;
    for (int i = 0; i < p.demand; ++i) {
        double best = std::numeric_limits<double>::infinity();
        for (int j : chosen)
            best = std::min(best, p.at(i, j));
        if (std::isfinite(best))
            c += p.weight[static_cast<size_t>(i)] * best;
    }
    return c;
}

std::vector<int> greedyPMedian(const PMedianProblem& p)
{
    std::vector<double> d1(static_cast<size_t>(p.demand), kFar * 2);
    std::vector<char> used(static_cast<size_t>(p.candidates), 0);
    std::vector<int> chosen;
    while (static_cast<int>(chosen.size()) < p.p) {
        int best = -1;
        double bestGain = -1;
        for (int j = 0; j < p.candidates; ++j) {
            if (used[static_cast<size_t>(j)])
                continue;
            double gain = 0;
            for (int i = 0; i < p.demand; ++i) {
                const double d = dist(p, i, j);
                if (d < d1[static_cast<size_t>(i)])
                    gain += p.weight[static_cast<size_t>(i)] * (d1[static_cast<size_t>(i)] - d);
            }
            if (gain > bestGain) {
                bestGain = gain;
                best = j;
            }
        }
        used[static_cast<size_t>(best)] = 1;
        chosen.push_back(best);
        for (int i = 0; i < p.demand; ++i)
            d1[static_cast<size_t>(i)] = std::min(d1[static_cast<size_t>(i)], dist(p, i, best));
    }
    std::sort(chosen.begin(), chosen.end());
    return chosen;
}

std::vector<int> vertexSubstitution(const PMedianProblem& p, std::vector<int> chosen, Feedback* fb)
{
    const size_t k = chosen.size();
    std::vector<char> inSol(static_cast<size_t>(p.candidates), 0);
    for (int j : chosen)
        inSol[static_cast<size_t>(j)] = 1;
    const double total = std::accumulate(p.weight.begin(), p.weight.end(), 0.0);
    std::vector<double> baseLoss(k), extra(k);
    bool improved = true;
    while (improved) {
        improved = false;
        Nearest n = nearest(p, chosen);
        auto refreshLoss = [&] {
            std::fill(baseLoss.begin(), baseLoss.end(), 0.0);
            for (int i = 0; i < p.demand; ++i) {
                const size_t ii = static_cast<size_t>(i);
                baseLoss[static_cast<size_t>(n.s1[ii])] += p.weight[ii] * (n.d2[ii] - n.d1[ii]);
            }
        };
        refreshLoss();
        for (int c = 0; c < p.candidates; ++c) {
            if (inSol[static_cast<size_t>(c)])
                continue;
            if (c % 32 == 0)
                throwIfCancelled(fb);
            double gain = 0;
            std::fill(extra.begin(), extra.end(), 0.0);
            for (int i = 0; i < p.demand; ++i) {
                const size_t ii = static_cast<size_t>(i);
                const double d = dist(p, i, c);
                const double w = p.weight[ii];
                if (d < n.d1[ii]) {
                    gain += w * (n.d1[ii] - d);
                    extra[static_cast<size_t>(n.s1[ii])] += w * (n.d2[ii] - n.d1[ii]);
                } else if (d < n.d2[ii])
                    extra[static_cast<size_t>(n.s1[ii])] += w * (n.d2[ii] - d);
            }
            size_t bestSlot = 0;
            double bestDelta = -std::numeric_limits<double>::infinity();
            for (size_t s = 0; s < k; ++s) {
                const double delta = gain - (baseLoss[s] - extra[s]);
                if (delta > bestDelta) {
                    bestDelta = delta;
                    bestSlot = s;
                }
            }
            if (bestDelta > 1e-9 * std::max(1.0, total)) {
                inSol[static_cast<size_t>(chosen[bestSlot])] = 0;
                inSol[static_cast<size_t>(c)] = 1;
                chosen[bestSlot] = c;
                n = nearest(p, chosen);
                refreshLoss();
                improved = true;
            }
        }
    }
    std::sort(chosen.begin(), chosen.end());
    return chosen;
}

PMedianSolution solvePMedian(const PMedianProblem& p, const PMedianOptions& options, Feedback* fb)
{
    validate(p);
    const double t0 = nowSeconds();
    PMedianSolution s;
    if (fb)
        fb->setStep("greedy");
    auto best = greedyPMedian(p);
    s.greedyObjective = pmedianCost(p, best);
    reportProgress(fb, 20);
    if (fb)
        fb->setStep("vertex substitution");
    best = vertexSubstitution(p, best, fb);
    double bestCost = pmedianCost(p, best);
    s.firstLocalObjective = bestCost;
    reportProgress(fb, 50);
    SplitMix rng{options.seed};
    const int kick = std::max(1, p.p / 5);
    for (int r = 0; r < options.restarts && p.p < p.candidates; ++r) {
        if (nowSeconds() - t0 > options.timeLimitSeconds)
            break;
        throwIfCancelled(fb);
        std::vector<int> start = best;
        std::vector<char> inSol(static_cast<size_t>(p.candidates), 0);
        for (int j : start)
            inSol[static_cast<size_t>(j)] = 1;
        for (int t = 0; t < kick; ++t) {
            int c = rng.below(p.candidates);
            while (inSol[static_cast<size_t>(c)])
                c = (c + 1) % p.candidates;
            const size_t slot = static_cast<size_t>(rng.below(static_cast<int>(start.size())));
            inSol[static_cast<size_t>(start[slot])] = 0;
            inSol[static_cast<size_t>(c)] = 1;
            start[slot] = c;
        }
        auto local = vertexSubstitution(p, start, fb);
        const double cost = pmedianCost(p, local);
        ++s.restartsRun;
        if (cost < bestCost - 1e-9) {
            bestCost = cost;
            best = local;
        }
        reportProgress(fb, 50 + 50.0 * (r + 1) / options.restarts);
    }
    s.chosen = best;
    s.objective = bestCost;
    s.assignment.assign(static_cast<size_t>(p.demand), -1);
    for (int i = 0; i < p.demand; ++i) {
        double d = std::numeric_limits<double>::infinity();
        for (size_t k = 0; k < best.size(); ++k)
            if (p.at(i, best[k]) < d) {
                d = p.at(i, best[k]);
                s.assignment[static_cast<size_t>(i)] = static_cast<int>(k);
            }
        if (!std::isfinite(d)) {
            s.assignment[static_cast<size_t>(i)] = -1;
            ++s.unreachable;
        }
    }
    s.seconds = nowSeconds() - t0;
    reportProgress(fb, 100);
    return s;
}

std::vector<double> allPairsShortestPaths(int n, const std::vector<Edge>& edges)
{
    const size_t N = static_cast<size_t>(n);
    const double inf = std::numeric_limits<double>::infinity();
    std::vector<double> d(N * N, inf);
    for (size_t i = 0; i < N; ++i)
        d[i * N + i] = 0;
    for (const auto& e : edges) {  // the last cost given for a pair wins
        if (e.a < 0 || e.b < 0 || e.a >= n || e.b >= n)
            throw Error(ErrorKind::Format, "graph", "edge vertex out of range");
        if (e.a == e.b)
            continue;
        d[static_cast<size_t>(e.a) * N + static_cast<size_t>(e.b)] = e.cost;
        d[static_cast<size_t>(e.b) * N + static_cast<size_t>(e.a)] = e.cost;
    }
    for (size_t k = 0; k < N; ++k) {
        const double* dk = &d[k * N];
        for (size_t i = 0; i < N; ++i) {
            const double dik = d[i * N + k];
            if (!std::isfinite(dik))
                continue;
            double* di = &d[i * N];
            for (size_t j = 0; j < N; ++j)
                if (dik + dk[j] < di[j])
                    di[j] = dik + dk[j];
        }
    }
    return d;
}

PMedianBound pmedianLowerBound(const PMedianProblem& p, double seconds, Feedback* fb)
{
    const auto t0 = std::chrono::steady_clock::now();
    if (p.p < 1 || p.p > p.candidates)
        throw Error(ErrorKind::Usage, "--count", "p must be between 1 and the number of candidates");
    // With a point some candidates cannot reach, the heuristic's objective (unreachable points not
    // counted) and the MIP's (every point assigned) differ: no bound is claimed then.
    for (int i = 0; i < p.demand; ++i) {
        int finite = 0;
        for (int j = 0; j < p.candidates; ++j)
            finite += std::isfinite(p.at(i, j)) ? 1 : 0;
        if (finite != 0 && finite != p.candidates)
            throw Error(ErrorKind::Usage, "bound",
                        "the exact bound needs every reachable point to reach every candidate (one road network)");
    }
    MipModel m;
    // Columns: y_0 .. y_{m-1}, then one x per reachable (i, j) pair.
    for (int j = 0; j < p.candidates; ++j) {
        m.colLower.push_back(0);
        m.colUpper.push_back(1);
        m.objective.push_back(0);
        m.integer.push_back(1);
        m.names.push_back("y" + std::to_string(j));
    }
    MipRow count;
    count.name = "count";
    for (int j = 0; j < p.candidates; ++j) {
        count.index.push_back(j);
        count.value.push_back(1);
    }
    count.lower = count.upper = p.p;
    m.rows.push_back(count);
    for (int i = 0; i < p.demand; ++i) {
        MipRow assign;
        assign.name = "a" + std::to_string(i);
        for (int j = 0; j < p.candidates; ++j) {
            const double d = p.at(i, j);
            if (!std::isfinite(d))
                continue;
            const int x = static_cast<int>(m.colLower.size());
            m.colLower.push_back(0);
            m.colUpper.push_back(1);
            m.objective.push_back(p.weight[static_cast<size_t>(i)] * d);
            m.integer.push_back(0);
            m.names.push_back("x" + std::to_string(i) + "_" + std::to_string(j));
            assign.index.push_back(x);
            assign.value.push_back(1);
            MipRow link;  // x_ij - y_j <= 0
            link.name = "l" + std::to_string(i) + "_" + std::to_string(j);
            link.index = {x, j};
            link.value = {1, -1};
            link.upper = 0;
            m.rows.push_back(std::move(link));
        }
        if (assign.index.empty())
            continue;  // unreachable: not counted
        assign.lower = assign.upper = 1;
        m.rows.push_back(std::move(assign));
    }
    m.columns = static_cast<int>(m.colLower.size());
    const MipResult r = solveMip(m, seconds, fb);
    PMedianBound b;
    b.variables = m.columns;
    b.nodes = r.nodes;
    b.provenOptimal = r.provenOptimal;
    b.mipObjective = r.solution.empty() ? std::numeric_limits<double>::infinity() : r.objective;
    b.lowerBound = r.provenOptimal ? r.objective : std::max(0.0, r.bestPossible);
    b.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return b;
}

} // namespace bando::optim
