// Propagation model: Okumura-Hata / COST-231 Hata + ITU-R P.526 knife-edge diffraction.
// See propagation.hpp and /work/shared/rf/MODELS.md.
#include "core/analysis/propagation.hpp"

#include <algorithm>
#include <cmath>

namespace bando::analysis::rf {

namespace {
constexpr double kEarthRadiusM = 6371000.0;
constexpr double kEffectiveEarthK = 4.0 / 3.0;
constexpr double kSpeedOfLight = 299792458.0;
} // namespace

double freeSpaceLoss(double fMhz, double dKm)
{
    return 32.4478 + 20 * std::log10(fMhz) + 20 * std::log10(dKm);
}

double hataMobileCorrection(double fMhz, double hmM, bool largeCity)
{
    if (!largeCity)
        return (1.1 * std::log10(fMhz) - 0.7) * hmM - (1.56 * std::log10(fMhz) - 0.8);
    if (fMhz <= 300) {
        double l = std::log10(1.54 * hmM);
        return 8.29 * l * l - 1.1;
    }
    double l = std::log10(11.75 * hmM);
    return 3.2 * l * l - 4.97;
}

double hataSuburbanCorrection(double fMhz)
{
    double l = std::log10(fMhz / 28.0);
    return -2 * l * l - 5.4;
}

double hataOpenCorrection(double fMhz)
{
    double l = std::log10(fMhz);
    return -4.78 * l * l + 18.33 * l - 40.94;
}

double okumuraHata(double fMhz, double dKm, double hbM, double hmM, Environment env)
{
    const bool large = env == Environment::UrbanLarge;
    double lu = 69.55 + 26.16 * std::log10(fMhz) - 13.82 * std::log10(hbM) - hataMobileCorrection(fMhz, hmM, large) +
                (44.9 - 6.55 * std::log10(hbM)) * std::log10(dKm);
    switch (env) {
    case Environment::Suburban: return lu + hataSuburbanCorrection(fMhz);
    case Environment::Open: return lu + hataOpenCorrection(fMhz);
    default: return lu;
    }
}

double cost231Urban(double fMhz, double dKm, double hbM, double hmM, double cmDb, bool largeCityA)
{
    return 46.3 + 33.9 * std::log10(fMhz) - 13.82 * std::log10(hbM) - hataMobileCorrection(fMhz, hmM, largeCityA) +
           (44.9 - 6.55 * std::log10(hbM)) * std::log10(dKm) + cmDb;
}

double cost231Hata(double fMhz, double dKm, double hbM, double hmM, Environment env)
{
    switch (env) {
    case Environment::UrbanLarge: return cost231Urban(fMhz, dKm, hbM, hmM, 3.0, true);
    case Environment::UrbanSmallMedium: return cost231Urban(fMhz, dKm, hbM, hmM, 0.0, false);
    case Environment::Suburban: return cost231Urban(fMhz, dKm, hbM, hmM, 0.0, false) + hataSuburbanCorrection(fMhz);
    case Environment::Open: return cost231Urban(fMhz, dKm, hbM, hmM, 0.0, false) + hataOpenCorrection(fMhz);
    }
    return 0;
}

double hataLoss(double fMhz, double dKm, double hbM, double hmM, Environment env)
{
    return fMhz < 1500 ? okumuraHata(fMhz, dKm, hbM, hmM, env) : cost231Hata(fMhz, dKm, hbM, hmM, env);
}

double knifeEdgeLoss(double nu)
{
    if (nu <= -0.78)
        return 0;
    double a = nu - 0.1;
    return 6.9 + 20 * std::log10(std::sqrt(a * a + 1) + a);
}

Profile terrainProfile(const Link& link, const TerrainFn& terrain, double stepM)
{
    Profile p;
    const double dx = link.rxX - link.txX, dy = link.rxY - link.txY;
    const double d = std::hypot(dx, dy);
    if (!terrain || d < 2 * stepM || stepM <= 0)
        return p;
    const double hTx = link.txGround + link.txHeightAgl;
    const double hRx = link.rxGround + link.rxHeightAgl;
    const int n = static_cast<int>(d / stepM);
    const double re2 = 2 * kEffectiveEarthK * kEarthRadiusM;
    for (int i = 1; i < n; ++i) {
        const double d1 = d * i / n, d2 = d - d1;
        const double t = d1 / d;
        const double z = terrain(link.txX + dx * t, link.txY + dy * t);
        if (std::isnan(z))
            continue;
        const double bulge = d1 * d2 / re2;
        const double ray = hTx + (hRx - hTx) * t;
        const double h = z + bulge - ray;
        const double v = h * std::sqrt(d / (d1 * d2));
        p.vGeom = std::max(p.vGeom, v);
    }
    return p;
}

double diffractionLoss(const Profile& p, double fMhz)
{
    if (p.vGeom < -1e8)
        return 0;
    const double lambda = kSpeedOfLight / (fMhz * 1e6);
    return knifeEdgeLoss(p.vGeom * std::sqrt(2.0 / lambda));
}

double effectiveBaseHeight(const Link& link)
{
    double h = link.txGround + link.txHeightAgl - link.rxGround;
    return std::clamp(h, 30.0, 200.0);
}

double pathLoss(const Link& link, const Profile& profile)
{
    const double dKm = std::max(std::hypot(link.rxX - link.txX, link.rxY - link.txY) / 1000.0, 0.1);
    const double hm = std::clamp(link.rxHeightAgl, 1.0, 10.0);
    double l = hataLoss(link.fMhz, dKm, effectiveBaseHeight(link), hm, link.env);
    l = std::max(l, freeSpaceLoss(link.fMhz, dKm));
    return l + diffractionLoss(profile, link.fMhz);
}

double pathLoss(const Link& link, const TerrainFn& terrain, double stepM)
{
    return pathLoss(link, terrainProfile(link, terrain, stepM));
}

LevelThresholds defaultThresholds(Technology t)
{
    return t == Technology::G4 ? LevelThresholds{-100, -115} : LevelThresholds{-90, -105};
}

double referenceSignalDbm(Technology t, double eirpDbm, double lossDb)
{
    const double share = t == Technology::G4 ? 10 * std::log10(12.0 * 100) : 10.0;
    return eirpDbm - share - lossDb;
}

} // namespace bando::analysis::rf
