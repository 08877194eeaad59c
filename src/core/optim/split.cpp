#include "core/optim/split.hpp"

#include "core/base/error.hpp"
#include "core/optim/cbc_run.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

namespace bando::optim {

SplitSolution solveSplit(const SplitProblem& p, double seconds, Feedback* fb)
{
    const auto t0 = std::chrono::steady_clock::now();
    const size_t n = p.weight.size(), k = p.share.size();
    if (k < 1)
        throw Error(ErrorKind::Usage, "--share", "no operators");
    if (p.cost.size() != n * k)
        throw Error(ErrorKind::Internal, "split", "cost matrix of the wrong size");
    if (!(p.tolerance >= 0))
        throw Error(ErrorKind::Usage, "--tolerance", "must not be negative");
    double shareSum = 0;
    for (double s : p.share) {
        if (!(s >= 0) || !std::isfinite(s))
            throw Error(ErrorKind::Usage, "--share", "shares must be finite and not negative");
        shareSum += s;
    }
    if (!(shareSum > 0))
        throw Error(ErrorKind::Usage, "--share", "the shares add up to zero");
    for (double c : p.cost)
        if (!(c >= 0) || !std::isfinite(c))
            throw Error(ErrorKind::Internal, "split", "costs must be finite and not negative");
    const double total = std::accumulate(p.weight.begin(), p.weight.end(), 0.0);
    SplitSolution s;
    s.assignment.assign(n, 0);
    s.achieved.assign(k, 0.0);
    for (size_t i = 0; i < n; ++i)
        s.unconstrained += p.weight[i] * *std::min_element(p.cost.begin() + static_cast<std::ptrdiff_t>(i * k),
                                                           p.cost.begin() + static_cast<std::ptrdiff_t>(i * k + k));
    if (n == 0 || total <= 0) {
        s.optimal = true;
        return s;
    }
    // Columns x(i, o) = i * k + o, binary. Rows: one operator per item; each operator's weight
    // within (share ± tolerance) × total.
    MipModel m;
    m.columns = static_cast<int>(n * k);
    m.colLower.assign(n * k, 0.0);
    m.colUpper.assign(n * k, 1.0);
    m.integer.assign(n * k, 1);
    m.objective.resize(n * k);
    for (size_t i = 0; i < n; ++i)
        for (size_t o = 0; o < k; ++o) {
            m.objective[i * k + o] = p.weight[i] * p.cost[i * k + o];
            m.names.push_back("x" + std::to_string(i) + "_" + std::to_string(o));
        }
    for (size_t i = 0; i < n; ++i) {
        MipRow r;
        r.name = "one" + std::to_string(i);
        r.lower = r.upper = 1.0;
        for (size_t o = 0; o < k; ++o) {
            r.index.push_back(static_cast<int>(i * k + o));
            r.value.push_back(1.0);
        }
        m.rows.push_back(std::move(r));
    }
    for (size_t o = 0; o < k; ++o) {
        MipRow r;
        r.name = "share" + std::to_string(o);
        const double target = p.share[o] / shareSum;
        r.lower = std::max(0.0, target - p.tolerance) * total;
        r.upper = std::min(1.0, target + p.tolerance) * total;
        for (size_t i = 0; i < n; ++i) {
            r.index.push_back(static_cast<int>(i * k + o));
            r.value.push_back(p.weight[i]);
        }
        m.rows.push_back(std::move(r));
    }
    const auto r = solveMip(m, seconds, fb);
    if (r.solution.empty())
        throw Error(ErrorKind::Usage, "--share",
                    "no split meets every share within the tolerance (a village too large, or too few villages)");
    for (size_t i = 0; i < n; ++i) {
        size_t best = 0;
        for (size_t o = 1; o < k; ++o)
            if (r.solution[i * k + o] > r.solution[i * k + best])
                best = o;
        s.assignment[i] = static_cast<int>(best);
        s.achieved[best] += p.weight[i] / total;
        s.objective += p.weight[i] * p.cost[i * k + best];
    }
    s.optimal = r.provenOptimal;
    s.bound = s.optimal ? s.objective : std::min(s.objective, r.bestPossible);
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return s;
}

} // namespace bando::optim
