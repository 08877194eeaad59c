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
    double centreX(int col) const { return originX + (col + 0.5) * cell; }
    double centreY(int row) const { return originY - (row + 0.5) * cell; }
};

enum Operator { Viettel = 0, Vnpt = 1, MobiFone = 2 };
constexpr int kOperators = 3;
const char* operatorName(int op);
double operatorShare(int op);  // market shares 56/21/18 %

// One technology (3G or 4G) transmitting from a tower.
struct Radio {
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
    double boost = 0;      // dB added to every radio's nominal EIRP by the calibration
    // The loss window: windowCols x windowRows grid cells from (windowCol, windowRow).
    int windowCol = 0, windowRow = 0, windowCols = 0, windowRows = 0;
    std::vector<Radio> radios;
};

// Reference-signal margin above the "good" threshold of the radio's technology for a loss.
// Both the calibration and the coverage rasters use this one expression.
inline double goodMargin(const Radio& radio, float loss, double boost)
{
    const auto thr = analysis::rf::defaultThresholds(radio.tech);
    return (analysis::rf::referenceSignalDbm(radio.tech, radio.eirpDbm, loss) - thr.goodDbm) + boost;
}
// Weak coverage when the margin is >= -(good - weak) (15 dB for both technologies).
inline double weakOffset(analysis::rf::Technology t)
{
    const auto thr = analysis::rf::defaultThresholds(t);
    return thr.goodDbm - thr.weakDbm;
}

// Computes every radio's loss window of the towers in [first, towers.size()) (two threads).
void computeLossWindows(std::vector<Tower>& towers, size_t first, const Grid& grid, const Dem& dem,
                        double radiusM);

} // namespace bando::sample::tel
