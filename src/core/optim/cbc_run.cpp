#include "core/optim/cbc_run.hpp"

#include "core/base/error.hpp"

#include <CbcEventHandler.hpp>
#include <CbcModel.hpp>
#include <CbcSolver.hpp>
#include <CoinPackedMatrix.hpp>
#include <OsiClpSolverInterface.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>

namespace bando::optim {

namespace {

// CBC's driver keeps static state: one solve at a time in the process.
std::mutex& cbcMutex()
{
    static std::mutex m;
    return m;
}

// Stops branch and cut at the next node when the job is cancelled.
class CancelHandler : public CbcEventHandler {
public:
    explicit CancelHandler(Feedback* fb) : m_fb(fb) {}
    using CbcEventHandler::event;
    CbcAction event(CbcEvent) override
    {
        if (m_fb && m_fb->isCancelled()) {
            m_cancelled = true;
            return stop;
        }
        return noAction;
    }
    CbcEventHandler* clone() const override { return new CancelHandler(*this); }

private:
    Feedback* m_fb;
    bool m_cancelled = false;
};

double finiteOr(double v, double big) { return std::isfinite(v) ? v : big; }

void load(OsiClpSolverInterface& solver, const MipModel& model)
{
    CoinPackedMatrix matrix(false, 0, 0);  // row-ordered
    matrix.setDimensions(0, model.columns);
    std::vector<double> rowLower, rowUpper;
    for (const auto& r : model.rows) {
        matrix.appendRow(static_cast<int>(r.index.size()), r.index.data(), r.value.data());
        rowLower.push_back(finiteOr(r.lower, -COIN_DBL_MAX));
        rowUpper.push_back(finiteOr(r.upper, COIN_DBL_MAX));
    }
    solver.loadProblem(matrix, model.colLower.data(), model.colUpper.data(), model.objective.data(), rowLower.data(),
                       rowUpper.data());
    for (int j = 0; j < model.columns; ++j)
        if (model.integer[static_cast<size_t>(j)])
            solver.setInteger(j);
    // Names in Clp's own arrays: CBC's driver matches the MIP start by column name there.
    std::vector<std::string> rowNames;
    for (const auto& r : model.rows)
        rowNames.push_back(r.name);
    solver.getModelPtr()->copyNames(rowNames, model.names);
    solver.messageHandler()->setLogLevel(0);
    solver.getModelPtr()->messageHandler()->setLogLevel(0);
}

std::string term(double v, const std::string& name, bool first)
{
    char b[64];
    if (v == 1.0)
        std::snprintf(b, sizeof b, "%s", first ? "" : "+ ");
    else if (v == -1.0)
        std::snprintf(b, sizeof b, "%s", first ? "- " : "- ");
    else if (v < 0)
        std::snprintf(b, sizeof b, "- %.17g ", -v);
    else
        std::snprintf(b, sizeof b, "%s%.17g ", first ? "" : "+ ", v);
    return b + name;
}

void writeTerms(std::ostream& o, const std::vector<int>& index, const std::vector<double>& value,
                const std::vector<std::string>& names)
{
    int onLine = 0;
    bool first = true;
    for (size_t k = 0; k < index.size(); ++k) {
        if (value[k] == 0.0)
            continue;
        o << ' ' << term(value[k], names[static_cast<size_t>(index[k])], first);
        first = false;
        if (++onLine == 8) {
            o << "\n  ";
            onLine = 0;
        }
    }
    if (first)
        o << " 0 " << names[0];
}

} // namespace

MipResult solveMip(const MipModel& model, double seconds, Feedback* fb)
{
    std::lock_guard<std::mutex> lock(cbcMutex());
    throwIfCancelled(fb);
    OsiClpSolverInterface solver;
    load(solver, model);
    CbcModel cbc(solver);
    CbcMain0(cbc);
    cbc.messageHandler()->setLogLevel(0);
    // No warm start is handed to CBC 2.10: its name-based MIP start throws "Illegal index" from
    // ClpModel::getColumnName on these models, and an incumbent set with setBestSolution before
    // CbcMain1 made it stop one short of the optimum on Swain S = 10, p = 8 (637 for 638). The
    // caller keeps the better of its own start and CBC's answer instead.
    CancelHandler handler(fb);
    cbc.passInEventHandler(&handler);
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.3f", std::max(0.01, seconds));
    const char* argv[] = {"bando", "-log", "0", "-slog", "0", "-timeMode", "elapsed", "-sec", secs, "-solve", "-quit"};
    CbcMain1(static_cast<int>(sizeof argv / sizeof argv[0]), argv, cbc);
    throwIfCancelled(fb);
    MipResult r;
    r.nodes = cbc.getNodeCount();
    r.bestPossible = cbc.getBestPossibleObjValue();
    r.provenOptimal = cbc.isProvenOptimal();
    r.stoppedOnTime = cbc.isSecondsLimitReached();
    if (const double* x = cbc.bestSolution(); x && cbc.getSolutionCount() > 0) {
        r.solution.assign(x, x + model.columns);
        r.objective = cbc.getObjValue();
    }
    return r;
}

double solveLpRelaxation(const MipModel& model)
{
    OsiClpSolverInterface solver;
    load(solver, model);
    solver.initialSolve();
    if (!solver.isProvenOptimal())
        return std::numeric_limits<double>::infinity();
    return solver.getObjValue();
}

void writeLp(const MipModel& model, const std::string& path)
{
    std::ofstream o(path, std::ios::binary);
    if (!o)
        throw Error(ErrorKind::Io, path, "cannot write file");
    o << "\\ written by bando (core/optim)\nMinimize\n obj:";
    std::vector<int> idx;
    std::vector<double> val;
    for (int j = 0; j < model.columns; ++j) {
        idx.push_back(j);
        val.push_back(model.objective[static_cast<size_t>(j)]);
    }
    writeTerms(o, idx, val, model.names);
    o << "\nSubject To\n";
    for (const auto& r : model.rows) {
        const bool lo = std::isfinite(r.lower), hi = std::isfinite(r.upper);
        auto one = [&](const char* suffix, const char* op, double rhs) {
            o << ' ' << r.name << suffix << ':';
            writeTerms(o, r.index, r.value, model.names);
            char b[64];
            std::snprintf(b, sizeof b, " %s %.17g\n", op, rhs);
            o << b;
        };
        if (lo && hi && r.lower == r.upper)
            one("", "=", r.lower);
        else {
            if (hi)
                one(lo ? "_u" : "", "<=", r.upper);
            if (lo)
                one(hi ? "_l" : "", ">=", r.lower);
        }
    }
    o << "Bounds\n";
    for (int j = 0; j < model.columns; ++j) {
        char b[128];
        const double lo = model.colLower[static_cast<size_t>(j)], hi = model.colUpper[static_cast<size_t>(j)];
        if (lo == hi)
            std::snprintf(b, sizeof b, " %s = %.17g\n", model.names[static_cast<size_t>(j)].c_str(), lo);
        else
            std::snprintf(b, sizeof b, " %.17g <= %s <= %.17g\n", lo, model.names[static_cast<size_t>(j)].c_str(), hi);
        o << b;
    }
    o << "Generals\n";
    for (int j = 0; j < model.columns; ++j)
        if (model.integer[static_cast<size_t>(j)])
            o << ' ' << model.names[static_cast<size_t>(j)] << '\n';
    o << "End\n";
    if (!o)
        throw Error(ErrorKind::Io, path, "cannot write file");
}

} // namespace bando::optim
