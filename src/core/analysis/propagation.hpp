#pragma once
// Mobile propagation model used by the sample generator and the coverage tools.
//
// Median basic transmission loss (isotropic antennas) =
//     empirical loss (Okumura-Hata for f < 1500 MHz, COST-231 Hata for 1500-2200 MHz,
//                     with the Hata suburban/open corrections for non-urban clutter)
//   + terrain diffraction over the dominant knife edge of the DEM profile (ITU-R P.526 J(nu)),
//     profile heights corrected for Earth curvature with k = 4/3.
// The loss never falls below free-space loss (ITU-R P.525).
// References and validity: /work/shared/rf/MODELS.md (f 150-2000 MHz, h_b 30-200 m,
// h_m 1-10 m, d 1-20 km). Outside these ranges the inputs are clamped (h_b to [30, 200] m,
// d to >= 0.1 km) and the result is an extrapolation; tests pin the formula values.
//
// Received level: P_rx[dBm] = EIRP[dBm] - L[dB] (0 dBi receiver). The coverage thresholds
// below are expressed on the reference signal: 4G RSRP = P_rx - 10 log10(12 * 100 RB) (20 MHz),
// 3G RSCP = P_rx - 10 dB (CPICH at 10 % of the power).
#include <functional>

namespace bando::analysis::rf {

enum class Environment { UrbanLarge, UrbanSmallMedium, Suburban, Open };

// ---- formulas (MODELS.md) ----
double freeSpaceLoss(double fMhz, double dKm);                   // ITU-R P.525
double hataMobileCorrection(double fMhz, double hmM, bool largeCity);  // a(h_m)
double okumuraHata(double fMhz, double dKm, double hbM, double hmM, Environment env);
// COST-231 Hata; for Suburban/Open the Hata corrections are applied to the Cm = 0 urban value,
// UrbanLarge uses Cm = 3 dB and the large-city a(h_m).
double cost231Hata(double fMhz, double dKm, double hbM, double hmM, Environment env);
// The bare COST-231 urban formula with an explicit C_m and choice of a(h_m).
double cost231Urban(double fMhz, double dKm, double hbM, double hmM, double cmDb, bool largeCityA);
// Hata clutter corrections added to an urban (small/medium city) value.
double hataSuburbanCorrection(double fMhz);  // -2 [log(f/28)]^2 - 5.4
double hataOpenCorrection(double fMhz);      // -4.78 (log f)^2 + 18.33 log f - 40.94
// Okumura-Hata below 1500 MHz, COST-231 from 1500 MHz.
double hataLoss(double fMhz, double dKm, double hbM, double hmM, Environment env);
// ITU-R P.526 single knife edge: J(nu) = 6.9 + 20 log(sqrt((nu-0.1)^2+1) + nu - 0.1), 0 for nu <= -0.78.
double knifeEdgeLoss(double nu);

// ---- terrain ----
// Terrain height (m above sea level) at a point of the working metric CRS; NaN = unknown (flat).
using TerrainFn = std::function<double(double x, double y)>;

struct Link {
    double txX = 0, txY = 0, txGround = 0, txHeightAgl = 30;  // base station
    double rxX = 0, rxY = 0, rxGround = 0, rxHeightAgl = 1.5;  // mobile
    double fMhz = 1800;
    Environment env = Environment::Suburban;
};

struct Profile {
    // Geometric part of the dominant-edge Fresnel parameter: nu = vGeom * sqrt(2 / lambda),
    // vGeom = max over profile points of h * sqrt((d1 + d2) / (d1 * d2)) (h = obstacle height
    // above the tx-rx ray, curvature included). -inf when the profile has no inner point.
    double vGeom = -1e9;
};

// Samples the terrain between tx and rx every `stepM` metres.
Profile terrainProfile(const Link& link, const TerrainFn& terrain, double stepM);
double diffractionLoss(const Profile& p, double fMhz);

// Effective base-station height used in the empirical term: antenna height above the
// receiver's ground (tx ground + mast - rx ground), clamped to [30, 200] m.
double effectiveBaseHeight(const Link& link);

// Full median loss of the link: max(free space, Hata(effective h_b)) + diffraction.
double pathLoss(const Link& link, const TerrainFn& terrain, double stepM = 90);
double pathLoss(const Link& link, const Profile& profile);

// ---- coverage levels ----
enum class Technology { G3, G4 };
struct LevelThresholds {
    double goodDbm;  // reference-signal level for good (reliable, indoor) coverage
    double weakDbm;  // ... for weak (outdoor, unreliable) coverage
};
LevelThresholds defaultThresholds(Technology t);  // 3G RSCP -90/-105, 4G RSRP -100/-115 dBm
// Reference-signal level from a total EIRP and a loss.
double referenceSignalDbm(Technology t, double eirpDbm, double lossDb);

} // namespace bando::analysis::rf
