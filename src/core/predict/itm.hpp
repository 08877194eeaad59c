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
#include <memory>
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

// Prefix sums of one profile: z[j] = sum of z_i and iz[j] = sum of i z_i over i < j; inv[j] =
// 1 / (j spacing); zmax[j] = the highest of z_0..z_j; ens[np] and gme[np] = the surface
// refractivity and effective earth curvature of the prefix ending at np >= first (they depend on
// the prefix's mean height only).
struct ProfileSums {
    std::vector<double> z, iz, inv, zmax, ens, gme;  // ens, gme from index `first` on
    int first = 0;
};

struct Constants;

// ITM on every prefix of one profile, as the radial engine evaluates it (like SPLAT!). What does
// not change along the profile is worked out once: the parameters' constants (ground impedance,
// normal deviates, free-space term) per evaluator; the prefix sums per profile, so that N_s and
// the least-squares lines of the effective heights are O(1) per prefix instead of a pass. The
// horizons are exact per prefix (N_s, hence the earth curvature, changes with the prefix): the
// transmitter's from an upper envelope of lines (one per point, the angle as a function of the
// curvature), O(log n); the receiver's scanned back from the receiver and stopped by a bound from
// the upper convex hull of the profile at the radial's lowest curvature.
// delta_h (the interdecile range over a resampling of the prefix, no exact incremental form) is
// worked out per prefix when `deltaHRefresh` is 0 -- at(np) then equals
// pointToPoint(elevations, np, spacing, params) to rounding (tested) -- else the interdecile
// range is reused while the prefix's span has grown by less than that fraction (the asymptotic
// correction is always exact). One evaluator per thread; the profile is not copied.
struct DeltaHCache;
struct HorizonIndex;
class PrefixEvaluator {
public:
    // Throws as pointToPoint on bad parameters.
    explicit PrefixEvaluator(const Params& params, double deltaHRefresh = 0);
    // The prefixes to be evaluated end at npMin..npMax (others work, a little slower).
    void setProfile(const double* elevations, int npMax, double spacingM, int npMin = 2);
    Result at(int np);  // 2 <= np <= npMax, increasing for the reuse of delta_h

private:
    Params m_params;
    std::shared_ptr<const Constants> m_constants;
    std::shared_ptr<DeltaHCache> m_dh;
    std::shared_ptr<HorizonIndex> m_horizons;
    ProfileSums m_sums;
    const double* m_z = nullptr;
    int m_npMax = 0;
    double m_spacing = 0;
};

// Inverse of the complementary standard normal distribution (Abramowitz & Stegun 26.2.23), as ITM
// uses it to turn percentages into standard normal deviates: q = 0.1 -> +1.28.
double inverseComplementaryNormal(double q);

} // namespace bando::predict::itm
