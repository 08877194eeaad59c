// Prediction models: dispatch, validity ranges, sector pattern. See models.hpp.
#include "core/predict/models.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace bando::predict {

namespace rf = analysis::rf;

namespace {
constexpr double kEarthRadiusM = 6371000.0;
constexpr double kEffectiveEarthK = 4.0 / 3.0;

std::string fmt(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}
} // namespace

const char* modelName(Model m)
{
    switch (m) {
    case Model::Hata: return "hata";
    case Model::Cost231: return "cost231";
    case Model::FreeSpace: return "fspl";
    case Model::Itm: return "itm";
    }
    return "hata";
}

std::optional<Model> parseModel(const std::string& name)
{
    for (Model m : {Model::Hata, Model::Cost231, Model::FreeSpace, Model::Itm})
        if (name == modelName(m))
            return m;
    return std::nullopt;
}

ValidityRange validityRange(Model m, double fMhz)
{
    switch (m) {
    case Model::Hata:
        // Okumura-Hata below 1500 MHz, COST-231 from 1500 MHz (UMTS-2100 is a mild, accepted
        // extrapolation up to 2200 MHz: MODELS.md).
        if (fMhz < 1500)
            return {150, 1500, 30, 200, 1, 10, 1, 20};
        return {1500, 2200, 30, 200, 1, 10, 1, 20};
    case Model::Cost231: return {1500, 2200, 30, 200, 1, 10, 1, 20};
    case Model::FreeSpace: return {1, 100000, 0, 1e9, 0, 1e9, 0, 1e9};
    case Model::Itm: return {20, 20000, 0.5, 3000, 0.5, 3000, 1, 2000};
    }
    return {0, 0, 0, 0, 0, 0, 0, 0};
}

std::vector<std::string> validityIssues(Model m, double fMhz, double hbM, double hmM, double dMaxKm)
{
    const ValidityRange r = validityRange(m, fMhz);
    std::vector<std::string> out;
    auto check = [&](const char* what, double v, double lo, double hi, const char* unit) {
        if (v < lo || v > hi)
            out.push_back(std::string(what) + " " + fmt(v) + " " + unit + " outside " + fmt(lo) + "-" + fmt(hi) + " " + unit);
    };
    check("frequency", fMhz, r.fMinMhz, r.fMaxMhz, "MHz");
    check("antenna height", hbM, r.hbMinM, r.hbMaxM, "m");
    check("receiver height", hmM, r.hmMinM, r.hmMaxM, "m");
    if (dMaxKm > r.dMaxKm)
        out.push_back("radius " + fmt(dMaxKm) + " km beyond " + fmt(r.dMaxKm) + " km");
    return out;
}

itm::Params defaultItmParams()
{
    itm::Params p;
    p.epsilon = 15;
    p.sigma = 0.005;
    p.n0 = 301;
    p.climate = itm::Climate::ContinentalSubtropical;
    p.pol = itm::Polarization::Vertical;
    p.mdvar = 12;
    p.timePct = p.locationPct = p.situationPct = 50;
    return p;
}

double linkLoss(Model m, const LinkProfile& link, const itm::Params& itmParams)
{
    const size_t n = link.ground.size() - 1;
    const double d = link.distanceM();
    switch (m) {
    case Model::FreeSpace: return rf::freeSpaceLoss(link.fMhz, std::max(d / 1000.0, 0.001));
    case Model::Itm: {
        itm::Params p = itmParams;
        p.fMhz = link.fMhz;
        p.txHeightM = link.txHeightAgl;
        p.rxHeightM = link.rxHeightAgl;
        return itm::pointToPoint(link.ground, link.spacingM, p).lossDb;
    }
    case Model::Hata:
    case Model::Cost231: {
        rf::Link l;
        l.txX = 0;
        l.rxX = d;
        l.txGround = link.ground.front();
        l.rxGround = link.ground.back();
        l.txHeightAgl = link.txHeightAgl;
        l.rxHeightAgl = link.rxHeightAgl;
        l.fMhz = link.fMhz;
        l.env = rf::Environment::Suburban;
        // Dominant knife edge over the profile, exactly as analysis::rf::terrainProfile computes it.
        rf::Profile prof;
        if (n >= 2) {
            const double hTx = l.txGround + l.txHeightAgl;
            const double hRx = l.rxGround + l.rxHeightAgl;
            const double re2 = 2 * kEffectiveEarthK * kEarthRadiusM;
            for (size_t i = 1; i < n; ++i) {
                const double d1 = d * static_cast<double>(i) / static_cast<double>(n), d2 = d - d1;
                const double t = d1 / d;
                const double z = link.ground[i];
                if (std::isnan(z))
                    continue;
                const double h = z + d1 * d2 / re2 - (hTx + (hRx - hTx) * t);
                prof.vGeom = std::max(prof.vGeom, h * std::sqrt(d / (d1 * d2)));
            }
        }
        if (m == Model::Hata)
            return rf::pathLoss(l, prof);
        const double dKm = std::max(d / 1000.0, 0.1);
        const double hm = std::clamp(l.rxHeightAgl, 1.0, 10.0);
        double loss = rf::cost231Hata(l.fMhz, dKm, rf::effectiveBaseHeight(l), hm, l.env);
        loss = std::max(loss, rf::freeSpaceLoss(l.fMhz, dKm));
        return loss + rf::diffractionLoss(prof, l.fMhz);
    }
    }
    return 0;
}

double sectorGainDb(const Sector& s, double bearingDeg, double elevationDeg)
{
    if (s.omni)
        return 0.0;
    double phi = std::fmod(bearingDeg - s.azimuthDeg, 360.0);
    if (phi > 180)
        phi -= 360;
    if (phi < -180)
        phi += 360;
    const double ah = -std::min(12.0 * (phi / s.beamwidthDeg) * (phi / s.beamwidthDeg), s.frontToBackDb);
    // Downtilt points the beam below the horizon: the angle below the horizon is -elevation.
    const double off = (-elevationDeg - s.tiltDeg) / s.verticalBeamwidthDeg;
    const double av = -std::min(12.0 * off * off, s.sideLobeVerticalDb);
    return -std::min(-(ah + av), s.frontToBackDb);
}

} // namespace bando::predict
