#pragma once
// Internals of the sample's telecom generator (telecom.cpp): the settlement view of the
// geography, the coverage grid and the radio network with per-tower loss windows.
#include "core/analysis/propagation.hpp"
#include "core/sample/sample.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace bando::sample::tel {

// Regular north-up grid over the province; a cell's value is computed at its centre.
struct Grid {
    double originX = 0, originY = 0;  // top-left corner
    double cell = 250;
    int cols = 0, rows = 0;
    int cellOf(double x, double y) const;  // -1 outside
    double cx(int c) const { return originX + (c + 0.5) * cell; }
    double cy(int r) const { return originY - (r + 0.5) * cell; }
};

enum Operator { Viettel = 0, Vnpt = 1, MobiFone = 2 };
constexpr int kOperators = 3;
const char* operatorName(int op);
double operatorShare(int op);  // market shares 56/21/18 %

struct Row {  // one technology on a tower
    analysis::rf::Technology tech = analysis::rf::Technology::G4;
    int bandMhz = 1800;
    double eirpDbm = 60;
    std::vector<float> loss;  // over the tower window, +inf outside the radius
};

struct Tower {
    std::string id;
    int op = Viettel;
    double x = 0, y = 0, ground = 0, height = 30;
    std::string district;
    bool filler = false;   // added by the calibration (public-interest programme site)
    double boost = 0;      // dB added to every row's nominal EIRP by the calibration
    int c0 = 0, r0 = 0, w = 0, h = 0;  // window in the grid
    std::vector<Row> rows;
};

// Reference-signal margin above the "good" threshold of the row's technology for a loss.
// Both the calibration and the coverage rasters use this one expression.
inline double goodMargin(const Row& row, float loss, double boost)
{
    const auto thr = analysis::rf::defaultThresholds(row.tech);
    return (analysis::rf::referenceSignalDbm(row.tech, row.eirpDbm, loss) - thr.goodDbm) + boost;
}
// Weak coverage when the margin is >= -(good - weak) (15 dB for both technologies).
inline double weakOffset(analysis::rf::Technology t)
{
    const auto thr = analysis::rf::defaultThresholds(t);
    return thr.goodDbm - thr.weakDbm;
}

// Computes every row's loss window of the towers in [first, towers.size()) (two threads).
void computeLossWindows(std::vector<Tower>& towers, size_t first, const Grid& grid, const Dem& dem,
                        double radiusM);

} // namespace bando::sample::tel
