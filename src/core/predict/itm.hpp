#pragma once
// Irregular Terrain Model (Longley-Rice), point-to-point mode on a terrain profile.
//
// A clean-room implementation of the published algorithm: G.A. Hufford, "The ITS Irregular
// Terrain Model, version 1.2.2 -- The Algorithm" (NTIA/ITS), with the conventions of the NTIA
// ITM v1.4 interface (percent inputs, N_0 reduced to N_s by the mean height of the middle 80 % of
// the profile, free-space loss 32.45 + 20 log f + 20 log d). Validated against the NTIA reference
// vectors (tests/unit/test_itm.cpp, /work/shared/rf/ntia_itm and ntia_itm_qkpfl): every vector
// within 0.1 dB.
//
// Profile layout: `elevations` are the np + 1 terrain heights (m a.s.l.) from the transmitter
// (index 0) to the receiver (index np), `spacingM` apart.
#include <vector>

namespace bando::predict::itm {

enum class Polarization { Horizontal = 0, Vertical = 1 };

// Radio climates (ITM codes 1..7).
enum class Climate {
    Equatorial = 1,
    ContinentalSubtropical = 2,
    MaritimeSubtropical = 3,
    Desert = 4,
    ContinentalTemperate = 5,
    MaritimeTemperateOverLand = 6,
    MaritimeTemperateOverSea = 7
};

enum class PropagationMode { LineOfSight = 1, Diffraction = 2, Troposcatter = 3 };

struct Params {
    double txHeightM = 30;   // structural antenna heights above ground
    double rxHeightM = 1.5;
    double fMhz = 900;
    Polarization pol = Polarization::Vertical;
    double epsilon = 15;     // relative permittivity of the ground
    double sigma = 0.005;    // ground conductivity, S/m
    double n0 = 301;         // sea-level surface refractivity, N-units
    // When > 0, the surface refractivity N_s used as is (no reduction by the system height;
    // the ITM 1.2.2 QKPFL deck states N_s directly).
    double surfaceRefractivity = 0;
    Climate climate = Climate::ContinentalSubtropical;
    // Mode of variability: 0 single message, 1 accidental, 2 mobile, 3 broadcast;
    // +10 eliminates location variability, +20 situation variability. 12 = single-point mobile.
    int mdvar = 12;
    double timePct = 50, locationPct = 50, situationPct = 50;  // 0 < p < 100
};

struct Result {
    double lossDb = 0;                 // basic transmission loss
    double freeSpaceDb = 0;
    double referenceAttenuationDb = 0;  // A_ref, median attenuation relative to free space
    PropagationMode mode = PropagationMode::LineOfSight;
    int warnings = 0;                  // bit flags, see kWarn*
    double distanceM = 0;
    double surfaceRefractivity = 0;    // N_s
    double deltaHM = 0;                // terrain irregularity
    double effectiveHeightM[2] = {0, 0};
    double horizonDistanceM[2] = {0, 0};
    double horizonAngleRad[2] = {0, 0};
};

// Warning flags (the loss is still produced; show it as lower-confidence).
constexpr int kWarnTxHeight = 0x01;      // terminal height outside 1..1000 m
constexpr int kWarnRxHeight = 0x02;
constexpr int kWarnFrequency = 0x04;     // outside 40 MHz..10 GHz
constexpr int kWarnHorizon = 0x08;       // horizon angle or distance unusual
constexpr int kWarnDistance = 0x10;      // path shorter than 1 km or longer than 1000 km
constexpr int kWarnParams = 0x20;        // combination of parameters out of range (N_s, Z_g, ...)
constexpr int kWarnVariability = 0x40;   // quantile beyond +/- 3.1 sigma

// Throws bando::Error(InvalidInput) on a profile with fewer than 2 intervals, a non-positive
// spacing, or parameters outside what the algorithm accepts at all.
Result pointToPoint(const std::vector<double>& elevations, double spacingM, const Params& params);
// The same on the np + 1 heights at `elevations` (no copy: the radial engine evaluates every
// prefix of one radial profile in place).
Result pointToPoint(const double* elevations, int np, double spacingM, const Params& params);

// Inverse of the complementary standard normal distribution (Abramowitz & Stegun 26.2.23), as ITM
// uses it to turn percentages into standard normal deviates: q = 0.1 -> +1.28.
double inverseComplementaryNormal(double q);

} // namespace bando::predict::itm
