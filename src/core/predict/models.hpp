#pragma once
// Prediction models for one base-station -> mobile link, their validity ranges and the default
// sector antenna pattern. The formulas themselves live in core/analysis/propagation (the sample's
// generator uses them; they are reused here unchanged so the sample stays byte-identical), ITM in
// core/predict/itm. Formulas, ranges and references: docs/PREDICTION.md, /work/shared/rf/MODELS.md.
#include "core/analysis/propagation.hpp"
#include "core/predict/itm.hpp"

#include <optional>
#include <string>
#include <vector>

namespace bando::predict {

enum class Model {
    Hata,       // "hata" (default, the sample's model): Okumura-Hata below 1500 MHz, COST-231 Hata
                // from 1500 MHz, Hata suburban correction, + P.526 knife edge over the DEM profile,
                // never below free space
    Cost231,    // "cost231": COST-231 Hata at every band (+ knife edge, never below free space)
    FreeSpace,  // "fspl": ITU-R P.525 free space, no terrain
    Itm         // "itm": Longley-Rice point-to-point on the DEM profile (median, single-point mobile)
};
const char* modelName(Model m);
std::optional<Model> parseModel(const std::string& name);  // "hata", "cost231", "fspl", "itm"

// Validity range of a model (MODELS.md). A site outside it is still predicted (extrapolated),
// with a warning naming the site and the quantity.
struct ValidityRange {
    double fMinMhz, fMaxMhz;
    double hbMinM, hbMaxM;   // base-station antenna height
    double hmMinM, hmMaxM;   // mobile antenna height
    double dMinKm, dMaxKm;   // path length
};
ValidityRange validityRange(Model m, double fMhz);
// The quantities of a site outside the model's range, in English ("frequency 2600 MHz outside
// 1500-2000 MHz"); empty when inside. `dMaxKm` is the prediction radius.
std::vector<std::string> validityIssues(Model m, double fMhz, double hbM, double hmM, double dMaxKm);

// One link on a terrain profile sampled from the transmitter to the receiver.
struct LinkProfile {
    double fMhz = 900;
    double txHeightAgl = 30, rxHeightAgl = 1.5;
    double spacingM = 0;           // between consecutive elevations
    std::vector<double> ground;    // terrain heights (m a.s.l.), tx ground first, rx ground last
    double distanceM() const { return ground.size() < 2 ? 0 : spacingM * static_cast<double>(ground.size() - 1); }
};

// ITM settings used for coverage (defaults per MODELS.md for Lang Son: average ground, continental
// subtropical climate, vertical polarisation, median single-point mobile prediction).
itm::Params defaultItmParams();

// Median basic transmission loss of the link (dB) for a model. Hata/COST-231 use the profile for
// the knife-edge correction and the effective base height exactly as analysis::rf::pathLoss does.
double linkLoss(Model m, const LinkProfile& link, const itm::Params& itmParams = defaultItmParams());

// ---- sector antennas ----
// Default sector pattern (3GPP TR 36.942 §4.2.1, the usual macro-cell template): horizontal
// A_H(phi) = -min(12 (phi / beamwidth)^2, A_m), vertical A_V(theta) = -min(12 ((theta - tilt) /
// 10 deg)^2, SLA_v), combined -min(-(A_H + A_V), A_m); A_m = 20 dB (front-to-back), SLA_v = 20 dB.
struct Sector {
    bool omni = true;          // no azimuth given: omnidirectional, 0 dB everywhere
    double azimuthDeg = 0;     // clockwise from north
    double beamwidthDeg = 65;  // horizontal half-power beamwidth
    double tiltDeg = 0;        // downtilt (positive = below horizon)
    double verticalBeamwidthDeg = 10;
    double frontToBackDb = 20;
    double sideLobeVerticalDb = 20;
};
// Pattern gain relative to boresight (<= 0 dB) toward a receiver at `bearingDeg` (clockwise
// from north) seen `elevationDeg` above the horizon (negative = below).
double sectorGainDb(const Sector& s, double bearingDeg, double elevationDeg);

} // namespace bando::predict
