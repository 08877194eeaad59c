#pragma once
// A small mixed-integer model and the one place Bando calls CBC (coinor-libcbc, Debian 12's
// 2.10). Minimisation; rows are `lower ≤ a·x ≤ upper`. The CBC headers stay in cbc_run.cpp.
#include "core/base/feedback.hpp"

#include <limits>
#include <string>
#include <vector>

namespace bando::optim {

struct MipRow {
    std::string name;
    std::vector<int> index;
    std::vector<double> value;
    double lower = -std::numeric_limits<double>::infinity();
    double upper = std::numeric_limits<double>::infinity();
};

struct MipModel {
    int columns = 0;
    std::vector<double> colLower, colUpper, objective;
    std::vector<char> integer;       // 1 = integer column
    std::vector<std::string> names;  // column names (for the LP file and the MIP start)
    std::vector<MipRow> rows;
};

struct MipResult {
    std::vector<double> solution;  // empty when no feasible solution was found
    double objective = std::numeric_limits<double>::infinity();
    double bestPossible = -std::numeric_limits<double>::infinity();  // lower bound (minimisation)
    bool provenOptimal = false;
    bool stoppedOnTime = false;
    long long nodes = 0;
};

// Branch and cut with CBC's standard driver (the same cuts and heuristics as the `cbc` command
// line), stopping after `seconds`. No warm start is passed in (see cbc_run.cpp): callers keep
// the better of their own heuristic answer and CBC's.
// Throws CancelledError when `fb` is cancelled. Quiet: CBC writes nothing to stdout.
MipResult solveMip(const MipModel& model, double seconds, Feedback* fb);
// The LP relaxation's optimum (minimisation); +inf when infeasible.
double solveLpRelaxation(const MipModel& model);
// CPLEX LP format (what `cbc FILE.lp solve` reads).
void writeLp(const MipModel& model, const std::string& path);

} // namespace bando::optim
