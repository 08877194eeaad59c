// ITM (Longley-Rice) point-to-point, written from the published algorithm description
// (Hufford, "The ITS Irregular Terrain Model, version 1.2.2 -- The Algorithm"; Longley & Rice,
// ESSA ERL 79-ITS 67, 1968). Section names below follow that document.
#include "core/predict/itm.hpp"

#include "core/base/error.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>

namespace bando::predict::itm {

namespace {

using cplx = std::complex<double>;

double dim(double x, double y) { return x > y ? x - y : 0.0; }  // Fortran DIM: positive difference

double sq(double x) { return x * x; }

// Cube root of a positive finite x to within an ulp or so of std::cbrt (glibc's is a portable C
// routine, frexp / ldexp included, and ITM takes five per evaluation): an exponent-bit estimate,
// two Halley steps (cubic convergence: 3e-2 -> 1e-5 -> 1e-16) and a final Newton step.
double cbrtPositive(double x)
{
    if (!(x > 0.0) || !std::isfinite(x) || x < 1e-300)
        return std::cbrt(x);
    std::uint64_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    bits = bits / 3 + 0x2A9F7893782DA1CEull;
    double y;
    std::memcpy(&y, &bits, sizeof y);
    for (int i = 0; i < 2; ++i) {
        const double y3 = y * y * y;
        y *= (y3 + 2.0 * x) / (2.0 * y3 + x);
    }
    return y - (y * y * y - x) / (3.0 * y * y);
}

// ---------------------------------------------------------------- terrain analysis (qlrpfl)

// Least-squares straight line through the profile between distances x1 and x2 (m); returns the
// line's heights at the transmitter end (z0) and at the receiver end (zn) of the whole profile.
// With `sums` (prefix sums of z_i and i z_i over the profile) the sums are O(1) instead of a loop.
void fitLine(const double* z, int npInt, double xi, double x1, double x2, double& z0, double& zn,
             const ProfileSums* sums = nullptr)
{
    const double np = static_cast<double>(npInt);
    double xa = std::trunc(dim(x1 / xi, 0.0));
    double xb = np - std::trunc(dim(np, x2 / xi));
    if (xb <= xa) {
        xa = dim(xa, 1.0);
        xb = np - dim(np, xb + 1.0);
    }
    int ja = static_cast<int>(xa);
    const int jb = static_cast<int>(xb);
    const int n = jb - ja;
    const double span = xb - xa;
    double x = -0.5 * span;
    const double mid = xb + x;
    double a, b;
    if (sums) {
        // Sum over ja..jb of z_j and z_j (j - mid), the two ends at half weight.
        const double s0 = sums->z[static_cast<size_t>(jb + 1)] - sums->z[static_cast<size_t>(ja)];
        const double s1 = sums->iz[static_cast<size_t>(jb + 1)] - sums->iz[static_cast<size_t>(ja)];
        a = s0 - 0.5 * (z[ja] + z[jb]);
        b = (s1 - mid * s0) - 0.5 * (z[ja] * (ja - mid) + z[jb] * (jb - mid));
    } else {
        a = 0.5 * (z[ja] + z[jb]);
        b = 0.5 * (z[ja] - z[jb]) * x;
        for (int i = 2; i <= n; ++i) {
            ++ja;
            x += 1.0;
            a += z[ja];
            b += z[ja] * x;
        }
    }
    a /= span;
    b = b * 12.0 / ((span * span + 2.0) * span);
    z0 = a - b * mid;
    zn = a + b * (np - mid);
}

// The k-th largest (`upper`) and the k-th smallest (`lower`) of s[0..n), n <= 245, exactly,
// given their minimum `mn` and maximum `mx` (no NaN): a 64-bucket histogram of the values (one
// pass), then a selection among the values of the one bucket that holds each of the two
// (collected in one more pass). Reorders nothing. (Two std::nth_element over all n values were
// the largest part of an ITM evaluation.)
void interdecile(const double* s, int n, int k, double mn, double mx, double& upper, double& lower)
{
    constexpr int kBuckets = 64;
    const double scale = kBuckets / (mx - mn);
    std::array<unsigned char, 256> bucket;
    std::array<int, kBuckets> count{};
    for (int j = 0; j < n; ++j) {
        const int b = std::min(static_cast<int>((s[j] - mn) * scale), kBuckets - 1);
        bucket[static_cast<size_t>(j)] = static_cast<unsigned char>(b);
        ++count[static_cast<size_t>(b)];
    }
    int above = 0, bu = kBuckets - 1;
    while (above + count[static_cast<size_t>(bu)] < k)
        above += count[static_cast<size_t>(bu--)];
    int below = 0, bl = 0;
    while (below + count[static_cast<size_t>(bl)] < k)
        below += count[static_cast<size_t>(bl++)];
    std::array<double, 256> hi, lo;
    int mh = 0, ml = 0;
    for (int j = 0; j < n; ++j) {
        const int b = bucket[static_cast<size_t>(j)];
        if (b == bu)
            hi[static_cast<size_t>(mh++)] = s[j];
        if (b == bl)
            lo[static_cast<size_t>(ml++)] = s[j];
    }
    const int ru = k - above - 1, rl = k - below - 1;
    std::nth_element(hi.begin(), hi.begin() + ru, hi.begin() + mh, std::greater<>());
    std::nth_element(lo.begin(), lo.begin() + rl, lo.begin() + ml);
    upper = hi[static_cast<size_t>(ru)];
    lower = lo[static_cast<size_t>(rl)];
}

// Terrain irregularity delta_h: the interdecile range of the profile's deviations from a straight
// line, between x1 and x2 (interdecileRange), corrected to an "asymptotic" value for long paths.
// The resampling, the least-squares line through the samples (fitLine's, ends at half weight),
// the deviations with their range, and the selection take four passes over the n samples.
double interdecileRange(const double* z, int np, double xi, double x1, double x2)
{
    double xa = x1 / xi;
    double xb = x2 / xi;
    if (xb - xa < 2.0)
        return 0.0;
    int ka = static_cast<int>(0.1 * (xb - xa + 8.0));
    ka = std::min(std::max(4, ka), 25);
    const int n = 10 * ka - 5;
    const double sn = n - 1;
    std::array<double, 256> s;  // n <= 10 * 25 - 5
    xb = (xb - xa) / sn;
    int k = static_cast<int>(xa + 1.0);
    xa -= k;
    const double mid = 0.5 * sn;
    double sum = 0, moment = 0;  // sum of s_j and of s_j (j - mid)
    for (int j = 0; j < n; ++j) {
        while (xa > 0.0 && k < np) {
            xa -= 1.0;
            ++k;
        }
        const double v = z[static_cast<size_t>(k)] + (z[static_cast<size_t>(k)] - z[static_cast<size_t>(k - 1)]) * xa;
        s[static_cast<size_t>(j)] = v;
        sum += v;
        moment += v * (j - mid);
        xa += xb;
    }
    const double e0 = s[0], e1 = s[static_cast<size_t>(n - 1)];
    sum -= 0.5 * (e0 + e1);
    moment -= 0.5 * (e0 * -mid + e1 * mid);
    const double a = sum / sn;
    const double b = moment * 12.0 / ((sn * sn + 2.0) * sn);
    const double f0 = a - b * mid, fn = a + b * (sn - mid);
    const double slope = (fn - f0) / sn;
    double line = f0;
    double mn = std::numeric_limits<double>::infinity(), mx = -mn;
    bool nan = false;
    for (int j = 0; j < n; ++j) {
        const double d = s[static_cast<size_t>(j)] - line;
        s[static_cast<size_t>(j)] = d;
        nan |= std::isnan(d);
        mn = std::min(mn, d);
        mx = std::max(mx, d);
        line += slope;
    }
    // Values exceeded by 10 % and 90 % of the samples: the ka-th largest and the ka-th smallest.
    double upper = 0, lower = 0;
    if (nan || !(mx > mn)) {
        std::nth_element(s.begin(), s.begin() + (ka - 1), s.begin() + n, std::greater<>());
        upper = s[static_cast<size_t>(ka - 1)];
        std::nth_element(s.begin() + ka, s.begin() + (n - ka), s.begin() + n, std::greater<>());
        lower = s[static_cast<size_t>(n - ka)];
    } else
        interdecile(s.data(), n, ka, mn, mx, upper, lower);
    return upper - lower;
}

double asymptoticDeltaH(double range, double x1, double x2)
{
    return range / (1.0 - 0.8 * std::exp(-(x2 - x1) / 50.0e3));
}

// ---------------------------------------------------------------- propagation state

} // namespace

// What depends only on the parameters, worked out once per evaluator (not per path).
struct Constants {
    double wn = 0;                   // wave number, f / 47.7 MHz per 1/m
    cplx zgnd;                       // surface transfer impedance
    double zt = 0, zl = 0, zc = 0;   // standard normal deviates of time, location, situation
    double freeSpace1km = 0;         // 32.45 + 20 log10 f
    double zgndAbs = 0;              // |zgnd|
    double logWn = 0;                // log(0.133 wn), of the climate's frequency factors
    double log477Wn = 0;             // log(47.7 wn)
    double dexaWave = 0;             // cbrt(575.7e12 / wn) of the variability's d_ex
};

namespace {

Constants makeConstants(const Params& prm)
{
    if (!(prm.fMhz > 0) || !(prm.txHeightM > 0) || !(prm.rxHeightM > 0) || !(prm.epsilon > 1) || !(prm.sigma > 0))
        throw Error(ErrorKind::Usage, "itm", "frequency, antenna heights, permittivity and conductivity must be positive");
    for (double p : {prm.timePct, prm.locationPct, prm.situationPct})
        if (!(p > 0 && p < 100))
            throw Error(ErrorKind::Usage, "itm", "time, location and situation percentages must be between 0 and 100");
    Constants k;
    k.wn = prm.fMhz / 47.7;
    const cplx epr(prm.epsilon, 18000.0 * prm.sigma / prm.fMhz);
    k.zgnd = std::sqrt(epr - 1.0);
    if (prm.pol == Polarization::Vertical)
        k.zgnd /= epr;
    k.zt = inverseComplementaryNormal(prm.timePct / 100.0);
    k.zl = inverseComplementaryNormal(prm.locationPct / 100.0);
    k.zc = inverseComplementaryNormal(prm.situationPct / 100.0);
    k.freeSpace1km = 32.45 + 20.0 * std::log10(prm.fMhz);
    k.zgndAbs = std::abs(k.zgnd);
    k.logWn = std::log(0.133 * k.wn);
    k.log477Wn = std::log(47.7 * k.wn);
    k.dexaWave = std::cbrt(575.7e12 / k.wn);
    return k;
}

struct Path {
    double h[2];        // structural heights
    double he[2];       // effective heights
    double dl[2];       // horizon distances
    double the[2];      // horizon elevation angles
    double dist;
    double dh;          // delta_h
    double wn;          // wave number, f / 47.7 MHz per 1/m
    double ens;         // N_s
    double gme;         // effective earth curvature
    cplx zgnd;          // surface transfer impedance
    double zgndAbs;     // |zgnd|
    double log477Wn;    // log(47.7 wn)
    int warnings = 0;
};

// Constants derived once per path (the "lrprop" preparation).
struct Prep {
    double dls[2];
    double dlsa, dla, tha;
    double emd = 0, aed = 0;  // diffraction line
    double xae = 0;
    // diffraction state
    double wd1 = 0, xd1 = 0, afo = 0, qk = 0, aht = 0, xht = 0;
    // line-of-sight state
    double wls = 0;
    // scatter state
    double ad = 0, rr = 0, etq = 0, h0s = 0;
};

double knifeEdgeAttenuation(double v2)
{
    if (v2 < 5.76)
        return 6.02 + 9.11 * std::sqrt(v2) - 1.27 * v2;
    return 12.953 + 4.343 * std::log(v2);
}

// Height-gain over a smooth spherical earth (Vogler's F(x, K) approximation).
double heightGain(double x, double pk)
{
    if (x < 200.0) {
        const double w = -std::log(pk);
        if (pk < 1e-5 || x * w * w * w > 5495.0) {
            double f = -117.0;
            if (x > 1.0)
                f += 17.372 * std::log(x);
            return f;
        }
        return 2.5e-5 * x * x / pk - 8.686 * w - 15.0;
    }
    double f = 0.05751 * x - 4.343 * std::log(x);
    if (x < 2000.0) {
        const double w = 0.0134 * x * std::exp(-0.005 * x);
        f = (1.0 - w) * f + w * (17.372 * std::log(x) - 117.0);
    }
    return f;
}

// Diffraction attenuation at distance d; d == 0 prepares the path constants.
double diffraction(double d, const Path& p, Prep& a)
{
    if (d == 0) {
        double q = p.h[0] * p.h[1];
        a.qk = p.he[0] * p.he[1] - q;
        q += 10.0;  // point-to-point mode
        a.wd1 = std::sqrt(1.0 + a.qk / q);
        a.xd1 = a.dla + a.tha / p.gme;
        q = (1.0 - 0.8 * std::exp(-a.dlsa / 50e3)) * p.dh;
        q *= 0.78 * std::exp(-std::sqrt(std::sqrt(q / 16.0)));  // (q/16)^0.25
        a.afo = std::min(15.0, 2.171 * std::log(1.0 + 4.77e-4 * p.h[0] * p.h[1] * p.wn * q));
        a.qk = 1.0 / p.zgndAbs;
        a.aht = 20.0;
        a.xht = 0.0;
        for (int j = 0; j < 2; ++j) {
            const double aa = 0.5 * p.dl[j] * p.dl[j] / p.he[j];
            const double wa = cbrtPositive(aa * p.wn);
            const double pk = a.qk / wa;
            const double x = (1.607 - pk) * 151.0 * wa * p.dl[j] / aa;
            a.xht += x;
            a.aht += heightGain(x, pk);
        }
        return 0.0;
    }
    const double th = a.tha + d * p.gme;
    const double ds = d - a.dla;
    double q = 0.0795775 * p.wn * ds * th * th;
    // Double knife edge (the two horizons).
    const double knife = knifeEdgeAttenuation(q * p.dl[0] / (ds + p.dl[0])) + knifeEdgeAttenuation(q * p.dl[1] / (ds + p.dl[1]));
    // Smooth rounded earth.
    const double aa = ds / th;
    const double wa = cbrtPositive(aa * p.wn);
    const double pk = a.qk / wa;
    q = (1.607 - pk) * 151.0 * wa * th + a.xht;
    const double rounded = 0.05751 * q - 4.343 * std::log(q) - a.aht;
    q = (a.wd1 + a.xd1 / d) * std::min((1.0 - 0.8 * std::exp(-d / 50e3)) * p.dh * p.wn, 6283.2);
    const double w = 25.1 / (25.1 + std::sqrt(q));
    return rounded * w + (1.0 - w) * knife + a.afo;
}

// Line-of-sight attenuation at distance d (two-ray with rough-ground reflection, blended with the
// extrapolated diffraction line); d == 0 prepares the constants.
double lineOfSight(double d, const Path& p, Prep& a)
{
    if (d == 0.0) {
        a.wls = 0.021 / (0.021 + p.wn * p.dh / std::max(10e3, a.dlsa));
        return 0.0;
    }
    double q = (1.0 - 0.8 * std::exp(-d / 50e3)) * p.dh;
    const double s = 0.78 * q * std::exp(-std::sqrt(std::sqrt(q / 16.0)));
    q = p.he[0] + p.he[1];
    const double sps = q / std::sqrt(d * d + q * q);
    cplx r = (sps - p.zgnd) / (sps + p.zgnd) * std::exp(-std::min(10.0, p.wn * s * sps));
    q = std::norm(r);
    if (q < 0.25 || q < sps)
        r = r * std::sqrt(sps / q);
    const double extrapolated = a.emd * d + a.aed;
    q = p.wn * p.he[0] * p.he[1] * 2.0 / d;
    if (q > 1.57)
        q = 3.14 - 2.4649 / q;
    const double twoRay = -4.343 * std::log(std::norm(cplx(std::cos(q), -std::sin(q)) + r));
    return (twoRay - extrapolated) * a.wls + extrapolated;
}

// Frequency gain function H0 of the troposcatter term.
double scatterFrequencyGain(double r, double et)
{
    static const double ca[5] = {25.0, 80.0, 177.0, 395.0, 705.0};
    static const double cb[5] = {24.0, 45.0, 68.0, 80.0, 105.0};
    int it = static_cast<int>(et);
    double q;
    if (it <= 0) {
        it = 1;
        q = 0.0;
    } else if (it >= 5) {
        it = 5;
        q = 0.0;
    } else
        q = et - it;
    const double x = 1.0 / (r * r);
    double h = 4.343 * std::log((ca[it - 1] * x + cb[it - 1]) * x + 1.0);
    if (q != 0.0)
        h = (1.0 - q) * h + q * 4.343 * std::log((ca[it] * x + cb[it]) * x + 1.0);
    return h;
}

// Attenuation function F(theta d) of the troposcatter term.
double scatterDistanceFunction(double td)
{
    static const double ca[3] = {133.4, 104.6, 71.8};
    static const double cb[3] = {0.332e-3, 0.212e-3, 0.157e-3};
    static const double cc[3] = {-4.343, -1.086, 2.171};
    const int i = td <= 10e3 ? 0 : (td <= 70e3 ? 1 : 2);
    return ca[i] + cb[i] * td + cc[i] * std::log(td);
}

// Troposcatter attenuation at distance d; d == 0 prepares the constants. Returns 1001 when the
// scatter volume is too low for the formula.
double troposcatter(double d, const Path& p, Prep& a)
{
    if (d == 0.0) {
        a.ad = p.dl[0] - p.dl[1];
        a.rr = p.he[1] / p.he[0];
        if (a.ad < 0.0) {
            a.ad = -a.ad;
            a.rr = 1.0 / a.rr;
        }
        a.etq = (5.67e-6 * p.ens - 2.32e-3) * p.ens + 0.031;
        a.h0s = -15.0;
        return 0.0;
    }
    double h0;
    if (a.h0s > 15.0)
        h0 = a.h0s;
    else {
        const double th = p.the[0] + p.the[1] + d * p.gme;
        double r2 = 2.0 * p.wn * th;
        const double r1 = r2 * p.he[0];
        r2 *= p.he[1];
        if (r1 < 0.2 && r2 < 0.2)
            return 1001.0;
        double ss = (d - a.ad) / (d + a.ad);
        double q = a.rr / ss;
        ss = std::max(0.1, ss);
        q = std::min(std::max(0.1, q), 10.0);
        const double z0 = (d - a.ad) * (d + a.ad) * th * 0.25 / d;
        const double t2 = std::min(1.7, z0 / 8.0e3);
        const double t = t2 * t2 * t2 * t2 * t2 * t2;
        const double et = (a.etq * std::exp(-t) + 1.0) * z0 / 1.7556e3;
        const double ett = std::max(et, 1.0);
        h0 = (scatterFrequencyGain(r1, ett) + scatterFrequencyGain(r2, ett)) * 0.5;
        h0 += std::min(h0, (1.38 - std::log(ett)) * std::log(ss) * std::log(q) * 0.49);
        h0 = dim(h0, 0.0);
        if (et < 1.0) {
            const double g = (1.0 + 1.4142 / r1) * (1.0 + 1.4142 / r2);
            h0 = et * h0 + (1.0 - et) * 4.343 * std::log(g * g * (r1 + r2) / (r1 + r2 + 2.8284));
        }
        if (h0 > 15.0 && a.h0s >= 0.0)
            h0 = a.h0s;
    }
    a.h0s = h0;
    const double th = a.tha + d * p.gme;
    return scatterDistanceFunction(th * d) + 4.343 * (p.log477Wn + 4.0 * std::log(th)) -
           0.1 * (p.ens - 301.0) * std::exp(-th * d / 40e3) + h0;
}

// Reference attenuation A_ref at the path distance ("lrprop" for one point-to-point path).
double referenceAttenuation(Path& p, PropagationMode& mode)
{
    Prep a{};
    for (int j = 0; j < 2; ++j)
        a.dls[j] = std::sqrt(2.0 * p.he[j] / p.gme);
    a.dlsa = a.dls[0] + a.dls[1];
    a.dla = p.dl[0] + p.dl[1];
    a.tha = std::max(p.the[0] + p.the[1], -a.dla * p.gme);

    if (p.wn < 0.838 || p.wn > 210.0)
        p.warnings |= kWarnFrequency;
    if (p.h[0] < 1.0 || p.h[0] > 1000.0)
        p.warnings |= kWarnTxHeight;
    if (p.h[1] < 1.0 || p.h[1] > 1000.0)
        p.warnings |= kWarnRxHeight;
    for (int j = 0; j < 2; ++j)
        if (std::abs(p.the[j]) > 200e-3 || p.dl[j] < 0.1 * a.dls[j] || p.dl[j] > 3.0 * a.dls[j])
            p.warnings |= kWarnHorizon;
    if (p.ens < 250.0 || p.ens > 400.0 || p.gme < 75e-9 || p.gme > 250e-9 || p.zgnd.real() <= std::abs(p.zgnd.imag()) ||
        p.wn < 0.419 || p.wn > 420.0)
        p.warnings |= kWarnParams;
    const double dmin = std::abs(p.he[0] - p.he[1]) / 200e-3;

    diffraction(0.0, p, a);
    a.xae = 1.0 / cbrtPositive(p.wn * p.gme * p.gme);
    const double d3 = std::max(a.dlsa, 1.3787 * a.xae + a.dla);
    const double d4 = d3 + 2.7574 * a.xae;
    const double a3 = diffraction(d3, p, a);
    const double a4 = diffraction(d4, p, a);
    a.emd = (a4 - a3) / (d4 - d3);
    a.aed = a3 - a.emd * d3;

    const double d = p.dist;
    if (d > 1000e3 || d < dmin || d < 1e3)
        p.warnings |= kWarnDistance;

    double aref = 0;
    if (d < a.dlsa) {
        mode = PropagationMode::LineOfSight;
        lineOfSight(0.0, p, a);
        const double d2 = a.dlsa;
        const double a2 = a.aed + d2 * a.emd;
        double d0 = 1.908 * p.wn * p.he[0] * p.he[1];
        double d1;
        if (a.aed >= 0.0) {
            d0 = std::min(d0, 0.5 * a.dla);
            d1 = d0 + 0.25 * (a.dla - d0);
        } else
            d1 = std::max(-a.aed / a.emd, 0.25 * a.dla);
        const double a1 = lineOfSight(d1, p, a);
        bool fitted = false;
        double ak1 = 0, ak2 = 0;
        if (d0 < d1) {
            const double a0 = lineOfSight(d0, p, a);
            const double q = std::log(d2 / d0);
            ak2 = std::max(0.0, ((d2 - d0) * (a1 - a0) - (d1 - d0) * (a2 - a0)) / ((d2 - d0) * std::log(d1 / d0) - (d1 - d0) * q));
            fitted = a.aed >= 0.0 || ak2 > 0.0;
            if (fitted) {
                ak1 = (a2 - a0 - ak2 * q) / (d2 - d0);
                if (ak1 < 0.0) {
                    ak1 = 0.0;
                    ak2 = dim(a2, a0) / q;
                    if (ak2 == 0.0)
                        ak1 = a.emd;
                }
            }
        }
        if (!fitted) {
            ak1 = dim(a2, a1) / (d2 - d1);
            ak2 = 0.0;
            if (ak1 == 0.0)
                ak1 = a.emd;
        }
        const double ael = a2 - ak1 * d2 - ak2 * std::log(d2);
        if (d > 0.0)
            aref = ael + ak1 * d + ak2 * std::log(d);
    } else {
        troposcatter(0.0, p, a);
        const double d5 = a.dla + 200e3;
        const double d6 = d5 + 200e3;
        const double a6 = troposcatter(d6, p, a);
        const double a5 = troposcatter(d5, p, a);
        double ems, aes, dx;
        if (a5 < 1000.0) {
            ems = (a6 - a5) / 200e3;
            dx = std::max(a.dlsa, std::max(a.dla + 0.3 * a.xae * p.log477Wn, (a5 - a.aed - ems * d5) / (a.emd - ems)));
            aes = (a.emd - ems) * dx + a.aed;
        } else {
            ems = a.emd;
            aes = a.aed;
            dx = 10.e6;
        }
        if (d > dx) {
            mode = PropagationMode::Troposcatter;
            aref = aes + ems * d;
        } else {
            mode = PropagationMode::Diffraction;
            aref = a.aed + a.emd * d;
        }
    }
    return std::max(aref, 0.0);
}

// ---------------------------------------------------------------- variability (avar)

double climateCurve(double c1, double c2, double x1, double x2, double x3, double de)
{
    double t1 = (de - x2) / x3;
    double t2 = de / x1;
    t1 *= t1;
    t2 *= t2;
    return (c1 + c2 / (1.0 + t1)) * t2 / (1.0 + t2);
}

struct ClimateConstants {
    double bv1, bv2, xv1, xv2, xv3;          // median V(0.5, de)
    double bsm1, bsm2, xsm1, xsm2, xsm3;     // sigma_T-
    double bsp1, bsp2, xsp1, xsp2, xsp3;     // sigma_T+
    double bsd1, bzd1;
    double bfm1, bfm2, bfm3, bfp1, bfp2, bfp3;
};

// Table of the climate constants, climates 1..7.
const ClimateConstants kClimates[7] = {
    {-9.67, 12.7, 144.9e3, 190.3e3, 133.8e3, 2.13, 159.5, 762.2e3, 123.6e3, 94.5e3, 2.11, 102.3, 636.9e3, 134.8e3, 95.6e3, 1.224, 1.282,
     1.0, 0.0, 0.0, 1.0, 0.0, 0.0},
    {-0.62, 9.19, 228.9e3, 205.2e3, 143.6e3, 2.66, 7.67, 100.4e3, 172.5e3, 136.4e3, 6.87, 15.53, 138.7e3, 143.7e3, 98.6e3, 0.801, 2.161,
     1.0, 0.0, 0.0, 0.93, 0.31, 2.00},
    {1.26, 15.5, 262.6e3, 185.2e3, 99.8e3, 6.11, 6.65, 138.2e3, 242.2e3, 178.6e3, 10.08, 9.60, 165.3e3, 225.7e3, 129.7e3, 1.380, 1.282,
     1.0, 0.0, 0.0, 1.0, 0.0, 0.0},
    {-9.21, 9.05, 84.1e3, 101.1e3, 98.6e3, 1.98, 13.11, 139.1e3, 132.7e3, 193.5e3, 3.68, 159.3, 464.4e3, 93.1e3, 94.2e3, 1.000, 20.0,
     1.0, 0.0, 0.0, 0.93, 0.19, 1.79},
    {-0.62, 9.19, 228.9e3, 205.2e3, 143.6e3, 2.68, 7.16, 93.7e3, 186.8e3, 133.5e3, 4.75, 8.12, 93.2e3, 135.9e3, 113.4e3, 1.224, 1.282,
     0.92, 0.25, 1.77, 0.93, 0.31, 2.00},
    {-0.39, 2.86, 141.7e3, 315.9e3, 167.4e3, 6.86, 10.38, 187.8e3, 169.6e3, 108.9e3, 8.58, 13.97, 216.0e3, 152.0e3, 122.7e3, 1.518, 1.282,
     1.0, 0.0, 0.0, 1.0, 0.0, 0.0},
    {3.15, 857.9, 2222.e3, 164.8e3, 116.3e3, 8.51, 169.8, 609.8e3, 119.9e3, 106.6e3, 8.43, 8.19, 136.2e3, 188.5e3, 122.9e3, 1.518, 1.282,
     1.0, 0.0, 0.0, 1.0, 0.0, 0.0},
};

double variability(double aref, const Path& p, const Params& prm, const Constants& k, int& warnings)
{
    int climate = static_cast<int>(prm.climate);
    if (climate < 1 || climate > 7) {
        climate = 5;
        warnings |= kWarnParams;
    }
    const ClimateConstants& c = kClimates[climate - 1];
    int kdv = prm.mdvar;
    const bool noSituation = kdv >= 20;
    if (noSituation)
        kdv -= 20;
    const bool noLocation = kdv >= 10;
    if (noLocation)
        kdv -= 10;
    if (kdv < 0 || kdv > 3) {
        kdv = 0;
        warnings |= kWarnParams;
    }
    const double lq = k.logWn;
    const double gm = c.bfm1 + c.bfm2 / (sq(c.bfm3 * lq) + 1.0);
    const double gp = c.bfp1 + c.bfp2 / (sq(c.bfp3 * lq) + 1.0);
    const double dexa = std::sqrt(18e6 * p.he[0]) + std::sqrt(18e6 * p.he[1]) + k.dexaWave;
    const double de = p.dist < dexa ? 130e3 * p.dist / dexa : 130e3 + p.dist - dexa;
    const double vmd = climateCurve(c.bv1, c.bv2, c.xv1, c.xv2, c.xv3, de);
    const double sgtm = climateCurve(c.bsm1, c.bsm2, c.xsm1, c.xsm2, c.xsm3, de) * gm;
    const double sgtp = climateCurve(c.bsp1, c.bsp2, c.xsp1, c.xsp2, c.xsp3, de) * gp;
    const double sgtd = sgtp * c.bsd1;
    const double tgtd = (sgtp - sgtd) * c.bzd1;
    double sgl = 0.0;
    if (!noLocation) {
        const double q = (1.0 - 0.8 * std::exp(-p.dist / 50e3)) * p.dh * p.wn;
        sgl = 10.0 * q / (q + 13.0);
    }
    const double vs0 = noSituation ? 0.0 : sq(5.0 + 3.0 * std::exp(-de / 100e3));

    double zt = k.zt, zl = k.zl;
    const double zc = k.zc;
    switch (kdv) {
    case 0: zt = zc; zl = zc; break;
    case 1: zl = zc; break;
    case 2: zl = zt; break;
    default: break;
    }
    if (std::abs(zt) > 3.1 || std::abs(zl) > 3.1 || std::abs(zc) > 3.1)
        warnings |= kWarnVariability;
    double sgt;
    if (zt < 0.0)
        sgt = sgtm;
    else if (zt <= c.bzd1)
        sgt = sgtp;
    else
        sgt = sgtd + tgtd / zt;
    const double rt = 7.8, rl = 24.0;
    const double vs = vs0 + sq(sgt * zt) / (rt + zc * zc) + sq(sgl * zl) / (rl + zc * zc);
    double yr, sgc;
    switch (kdv) {
    case 0: yr = 0.0; sgc = std::sqrt(sgt * sgt + sgl * sgl + vs); break;
    case 1: yr = sgt * zt; sgc = std::sqrt(sgl * sgl + vs); break;
    case 2: yr = std::sqrt(sgt * sgt + sgl * sgl) * zt; sgc = std::sqrt(vs); break;
    default: yr = sgt * zt + sgl * zl; sgc = std::sqrt(vs); break;
    }
    double a = aref - vmd - yr - sgc * zc;
    if (a < 0.0)
        a = a * (29.0 - a) / (29.0 - 10.0 * a);
    return a;
}

} // namespace

double inverseComplementaryNormal(double q)
{
    const double c0 = 2.515516698, c1 = 0.802853, c2 = 0.010328;
    const double d1 = 1.432788, d2 = 0.189269, d3 = 0.001308;
    const double x = 0.5 - q;
    double t = std::max(0.5 - std::abs(x), 0.000001);
    t = std::sqrt(-2.0 * std::log(t));
    double v = t - ((c2 * t + c1) * t + c0) / (((d3 * t + d2) * t + d1) * t + 1.0);
    return x < 0.0 ? -v : v;
}

Result pointToPoint(const std::vector<double>& z, double xi, const Params& prm)
{
    if (z.size() < 3)
        throw Error(ErrorKind::Usage, "itm", "a terrain profile needs at least 2 intervals and a positive spacing");
    return pointToPoint(z.data(), static_cast<int>(z.size() - 1), xi, prm);
}

namespace {

} // namespace

// The interdecile range of the last prefix whose delta_h was worked out, reused while the span it
// covers (x1..x2, same x1) has grown by less than `refresh` of it.
struct DeltaHCache {
    double refresh = 0;
    double x1 = -1, span = 0, value = 0;
    double range(const double* z, int np, double xi, double a, double b)
    {
        const double w = b - a;
        if (refresh > 0 && a == x1 && w >= span && w <= span * (1.0 + refresh))
            return value;
        x1 = a;
        span = w;
        value = interdecileRange(z, np, xi, a, b);
        return value;
    }
};

namespace {

// N_s (the surface refractivity reduced by the mean height of the middle 80 % of z[0..np]) and
// the effective earth curvature gamma_e. With `sums` the mean is O(1).
void refractivity(const double* z, int np, const Params& prm, const ProfileSums* sums, double& ens, double& gme)
{
    if (prm.surfaceRefractivity > 0)
        ens = prm.surfaceRefractivity;
    else {
        const int p10 = static_cast<int>(0.1 * np);
        double hsys = 0;
        if (sums)
            hsys = sums->z[static_cast<size_t>(np - p10 + 1)] - sums->z[static_cast<size_t>(p10)];
        else
            for (int i = p10; i <= np - p10; ++i)
                hsys += z[static_cast<size_t>(i)];
        hsys /= (np - 2 * p10 + 1);
        ens = hsys != 0.0 ? prm.n0 * std::exp(-hsys / 9460.0) : prm.n0;
    }
    gme = 157e-9 * (1.0 - 0.04665 * std::exp(ens / 179.3));
}

} // namespace

// The two horizons of every prefix of one profile, exactly, without scanning the prefix.
//
// Transmitter: the angle of point i seen from the transmitter is A_i - q s_i (A_i = (z_i - z_a) /
// s_i, s_i = i dx, q = gamma_e / 2 of the prefix), a line in q. The horizon of the prefix ending
// at np is the highest of the lines 1..np-1 at that prefix's q: an upper envelope of lines added
// in order of slope (amortised O(1) each) queried in O(log n).
//
// Receiver: the angle of point j seen from the receiver at np is (z_j - z_b - q s^2) / s with
// s = (np - j) dx. With g_j = z_j - q dx^2 j^2 that is (g_j + 2 q dx^2 np j - c) / s: the slope
// from the receiver to the point (j, g_j) sheared by a linear term, and a shear keeps the upper
// convex hull. So at one curvature q_lo the best of the points 1..i is the tangent from the
// receiver to the upper hull of (j, g_j), j <= i, whose vertices are a chain of predecessors
// (prev) built once per profile. q_lo = the lowest curvature of any prefix: a point's angle only
// falls as q grows, so that tangent bounds the angles of the points not yet scanned, and the
// receiver's backward scan stops as soon as the bound is below its best angle -- the same
// maximum as a full scan.
struct HorizonIndex {
    // transmitter
    std::vector<double> a;       // A_i
    std::vector<int> line;       // the envelope's lines, oldest (largest slope) first
    std::vector<double> cross;   // cross[t]: q where line[t + 1] overtakes line[t] (decreasing)
    int added = 0;               // lines 1..added are in
    double dx = 0;
    // receiver
    std::vector<double> g;
    std::vector<int> prev;       // hull predecessor of j among 1..j (0: none)
    double qLow = 0;             // q_lo
    double w = 0;                // q_lo dx^2
    std::vector<int> hull;       // scratch of reset

    void reset(const double* z, int npMax, double spacing, double za, const ProfileSums& sums)
    {
        dx = spacing;
        a.resize(static_cast<size_t>(npMax) + 1);
        a[0] = 0;
        for (int i = 1; i <= npMax; ++i)
            a[static_cast<size_t>(i)] = (z[i] - za) * sums.inv[static_cast<size_t>(i)];
        line.clear();
        cross.clear();
        added = 0;
        // The lowest curvature of the prefixes to be evaluated (sums.first..npMax); another
        // prefix with a lower one does not use the bound (analyse checks qLow).
        qLow = std::numeric_limits<double>::infinity();
        for (const double v : sums.gme)
            qLow = std::min(qLow, 0.5 * v);
        w = qLow * dx * dx;
        g.resize(static_cast<size_t>(npMax) + 1);
        prev.assign(static_cast<size_t>(npMax) + 1, 0);
        hull.clear();
        for (int j = 1; j <= npMax; ++j) {
            const double gj = z[j] - w * j * j;
            g[static_cast<size_t>(j)] = gj;
            while (hull.size() >= 2) {
                const int p0 = hull[hull.size() - 2], p1 = hull.back();
                const double y0 = g[static_cast<size_t>(p0)], y1 = g[static_cast<size_t>(p1)];
                // p1 on or below the segment p0 - j: not a hull vertex.
                if ((y1 - y0) * (j - p0) <= (gj - y0) * (p1 - p0))
                    hull.pop_back();
                else
                    break;
            }
            prev[static_cast<size_t>(j)] = hull.empty() ? 0 : hull.back();
            hull.push_back(j);
        }
    }

    void addLine(int i)
    {
        const double ai = a[static_cast<size_t>(i)], si = i * dx;
        while (line.size() >= 2) {
            const int l1 = line[line.size() - 2], l2 = line.back();
            const double a1 = a[static_cast<size_t>(l1)], a2 = a[static_cast<size_t>(l2)];
            const double s1 = l1 * dx, s2 = l2 * dx;
            if ((ai - a2) * (s2 - s1) >= (a2 - a1) * (si - s2)) {
                line.pop_back();
                cross.pop_back();
            } else
                break;
        }
        if (!line.empty()) {
            const int l = line.back();
            cross.push_back((ai - a[static_cast<size_t>(l)]) / (si - l * dx));
        }
        line.push_back(i);
    }

    // The transmitter's best point among 1..np-1 at curvature q (its angle: a_i - q i dx).
    int txBest(int np, double q)
    {
        if (added > np - 1) {
            line.clear();
            cross.clear();
            added = 0;
        }
        while (added < np - 1)
            addLine(++added);
        // First t with cross[t] <= q (cross decreases); the neighbours too, against rounding.
        const auto it = std::lower_bound(cross.begin(), cross.end(), q, [](double c, double v) { return c > v; });
        const int t = static_cast<int>(it - cross.begin());
        int best = line[static_cast<size_t>(t)];
        double bestAngle = a[static_cast<size_t>(best)] - q * (best * dx);
        for (int u : {t - 1, t + 1}) {
            if (u < 0 || u >= static_cast<int>(line.size()))
                continue;
            const int i = line[static_cast<size_t>(u)];
            const double v = a[static_cast<size_t>(i)] - q * (i * dx);
            if (v > bestAngle || (v == bestAngle && i < best)) {
                best = i;
                bestAngle = v;
            }
        }
        return best;
    }

    // An upper bound of the angle, seen from the receiver at np (ground + antenna zb), of every
    // point 1..i: the tangent to the hull chain of 1..i at q_lo.
    double rxBound(int np, int i, double zb) const
    {
        const double sh = 2.0 * w * np, c = zb + w * np * np;
        int j = i;
        double num = g[static_cast<size_t>(j)] + sh * j - c;
        double den = np - j;
        for (;;) {
            const int pj = prev[static_cast<size_t>(j)];
            if (pj == 0)
                break;
            const double pn = g[static_cast<size_t>(pj)] + sh * pj - c, pd = np - pj;
            if (pn * den < num * pd)  // pn / pd < num / den: past the tangent
                break;
            j = pj;
            num = pn;
            den = pd;
        }
        return num / (den * dx);
    }
};

namespace {

// One point-to-point evaluation on z[0..np]. With `sums` (prefix sums of the same profile) the
// mean height for N_s and the least-squares lines take O(1) instead of a pass over the profile.
Result analyse(const double* z, int np, double xi, const Params& prm, const Constants& k, const ProfileSums* sums,
               DeltaHCache* dhCache, HorizonIndex* horizons)
{
    if (np < 2 || !(xi > 0))
        throw Error(ErrorKind::Usage, "itm", "a terrain profile needs at least 2 intervals and a positive spacing");
    Path p{};
    p.h[0] = prm.txHeightM;
    p.h[1] = prm.rxHeightM;
    p.dist = np * xi;
    p.wn = k.wn;

    // Surface refractivity reduced by the mean height of the middle 80 % of the profile.
    if (sums && np >= sums->first && static_cast<size_t>(np) < sums->gme.size()) {
        p.ens = sums->ens[static_cast<size_t>(np - sums->first)];
        p.gme = sums->gme[static_cast<size_t>(np - sums->first)];
    } else
        refractivity(z, np, prm, sums, p.ens, p.gme);
    p.zgnd = k.zgnd;
    p.zgndAbs = k.zgndAbs;
    p.log477Wn = k.log477Wn;

    // Horizons: the highest elevation angle seen from each end (earth curvature included).
    const double za = z[0] + p.h[0];
    const double zb = z[np] + p.h[1];
    const double qc = 0.5 * p.gme;
    double q = qc * p.dist;
    p.the[1] = (zb - za) / p.dist;
    p.the[0] = p.the[1] - q;
    p.the[1] = -p.the[1] - q;
    p.dl[0] = p.dl[1] = p.dist;
    if (sums) {
        // The same maxima, scanned from each end: a point is above the tx-rx ray seen from one
        // end exactly when it is above it seen from the other (both reduce to
        // z_i > (za s_b + zb s_a) / d - qc s_a s_b), so the receiver's scan need not wait for the
        // transmitter's first obstruction.
        // Each scan stops once no point left can beat the best angle: a point at distance s
        // from the end with ground <= M has an angle <= max(M - z_end, 0) / s - qc s, which
        // only falls with s (M = highest inner point: zmax[np - 1] for the transmitter's
        // forward scan, zmax[i] for the receiver's backward scan). inv[j] = 1 / (j xi).
        const double* inv = sums->inv.data();
        const double* zmax = sums->zmax.data();
        double best0 = p.the[0], best1 = p.the[1];
        int i0 = 0, i1 = 0;
        if (horizons) {
            const int i = horizons->txBest(np, qc);
            const double a0 = horizons->a[static_cast<size_t>(i)] - qc * (i * xi);
            if (a0 > best0) {
                best0 = a0;
                i0 = i;
            }
        } else {
            const double m0 = std::max(zmax[np - 1] - za, 0.0);
            for (int i = 1; i < np; ++i) {
                const double sa = i * xi;
                if (m0 * inv[i] - qc * sa <= best0)
                    break;
                const double a0 = (z[static_cast<size_t>(i)] - za) * inv[i] - qc * sa;
                if (a0 > best0) {
                    best0 = a0;
                    i0 = i;
                }
            }
        }
        // The hull bound (horizons) is checked before the scan and every 32 points (a walk along
        // the hull costs more than a few points of the scan, whose own bound from the running
        // maximum already stops most scans early; the hull's is for the profiles where a high
        // point near the transmitter keeps that one loose). It may only stop the scan when
        // clearly below the best angle (1e-9 rad against rounding).
        constexpr double kSlack = 1e-9;
        const HorizonIndex* hull = horizons && qc >= horizons->qLow ? horizons : nullptr;
        const bool skip = hull && hull->rxBound(np, np - 1, zb) + kSlack < best1;
        for (int i = np - 1; i >= 1 && !skip; --i) {
            const double sb = (np - i) * xi;
            if (std::max(zmax[i] - zb, 0.0) * inv[np - i] - qc * sb < best1)
                break;
            if (hull && ((np - i) & 31) == 0 && hull->rxBound(np, i, zb) + kSlack < best1)
                break;
            const double a1 = (z[static_cast<size_t>(i)] - zb) * inv[np - i] - qc * sb;
            if (a1 > best1 || (a1 == best1 && i1 > 0)) {  // ties: the farther point, as the forward scan
                best1 = a1;
                i1 = i;
            }
        }
        p.the[0] = best0;
        p.the[1] = best1;
        if (i0 > 0)
            p.dl[0] = i0 * xi;
        if (i1 > 0)
            p.dl[1] = (np - i1) * xi;
    } else {
        double sa = 0.0, sb = p.dist;
        bool txClear = true;
        for (int i = 1; i < np; ++i) {
            sa += xi;
            sb -= xi;
            const double zi = z[static_cast<size_t>(i)];
            q = zi - (qc * sa + p.the[0]) * sa - za;
            if (q > 0.0) {
                p.the[0] += q / sa;
                p.dl[0] = sa;
                txClear = false;
            }
            if (!txClear) {
                q = zi - (qc * sb + p.the[1]) * sb - zb;
                if (q > 0.0) {
                    p.the[1] += q / sb;
                    p.dl[1] = sb;
                }
            }
        }
    }

    // Effective heights and terrain irregularity.
    double xl0 = std::min(15.0 * p.h[0], 0.1 * p.dl[0]);
    double xl1 = p.dist - std::min(15.0 * p.h[1], 0.1 * p.dl[1]);
    p.dh = asymptoticDeltaH(dhCache ? dhCache->range(z, np, xi, xl0, xl1) : interdecileRange(z, np, xi, xl0, xl1), xl0, xl1);
    double fa = 0, fb = 0, unused = 0;
    if (p.dl[0] + p.dl[1] > 1.5 * p.dist) {
        fitLine(z, np, xi, xl0, xl1, fa, fb, sums);
        p.he[0] = p.h[0] + dim(z[0], fa);
        p.he[1] = p.h[1] + dim(z[np], fb);
        auto horizon = [&](int j) {
            return std::sqrt(2.0 * p.he[j] / p.gme) * std::exp(-0.07 * std::sqrt(p.dh / std::max(p.he[j], 5.0)));
        };
        for (int j = 0; j < 2; ++j)
            p.dl[j] = horizon(j);
        q = p.dl[0] + p.dl[1];
        if (q <= p.dist) {
            q = sq(p.dist / q);
            for (int j = 0; j < 2; ++j) {
                p.he[j] *= q;
                p.dl[j] = horizon(j);
            }
        }
        for (int j = 0; j < 2; ++j) {
            q = std::sqrt(2.0 * p.he[j] / p.gme);
            p.the[j] = (0.65 * p.dh * (q / p.dl[j] - 1.0) - 2.0 * p.he[j]) / q;
        }
    } else {
        fitLine(z, np, xi, xl0, 0.9 * p.dl[0], fa, unused, sums);
        fitLine(z, np, xi, p.dist - 0.9 * p.dl[1], xl1, unused, fb, sums);
        p.he[0] = p.h[0] + dim(z[0], fa);
        p.he[1] = p.h[1] + dim(z[np], fb);
    }

    Result r;
    r.distanceM = p.dist;
    r.surfaceRefractivity = p.ens;
    r.deltaHM = p.dh;
    for (int j = 0; j < 2; ++j) {
        r.effectiveHeightM[j] = p.he[j];
        r.horizonDistanceM[j] = p.dl[j];
        r.horizonAngleRad[j] = p.the[j];
    }
    r.referenceAttenuationDb = referenceAttenuation(p, r.mode);
    r.warnings = p.warnings;
    r.freeSpaceDb = k.freeSpace1km + 20.0 * std::log10(p.dist / 1000.0);
    r.lossDb = variability(r.referenceAttenuationDb, p, prm, k, r.warnings) + r.freeSpaceDb;
    return r;
}

} // namespace

Result pointToPoint(const double* z, int np, double xi, const Params& prm)
{
    if (np < 2 || !(xi > 0))
        throw Error(ErrorKind::Usage, "itm", "a terrain profile needs at least 2 intervals and a positive spacing");
    return analyse(z, np, xi, prm, makeConstants(prm), nullptr, nullptr, nullptr);
}

PrefixEvaluator::PrefixEvaluator(const Params& prm, double deltaHRefresh) : m_params(prm)
{
    const Constants k = makeConstants(prm);
    m_constants = std::make_shared<Constants>(k);
    m_dh = std::make_shared<DeltaHCache>();
    m_dh->refresh = std::max(0.0, deltaHRefresh);
    m_horizons = std::make_shared<HorizonIndex>();
}

void PrefixEvaluator::setProfile(const double* elevations, int npMax, double spacingM, int npMin)
{
    if (npMax < 2 || !(spacingM > 0))
        throw Error(ErrorKind::Usage, "itm", "a terrain profile needs at least 2 intervals and a positive spacing");
    m_z = elevations;
    m_npMax = npMax;
    m_spacing = spacingM;
    *m_dh = DeltaHCache{m_dh->refresh};
    m_sums.z.resize(static_cast<size_t>(npMax) + 2);
    m_sums.iz.resize(static_cast<size_t>(npMax) + 2);
    m_sums.inv.resize(static_cast<size_t>(npMax) + 1);
    m_sums.inv[0] = 0;
    for (int j = 1; j <= npMax; ++j)
        m_sums.inv[static_cast<size_t>(j)] = 1.0 / (j * spacingM);
    m_sums.zmax.resize(static_cast<size_t>(npMax) + 1);
    m_sums.zmax[0] = elevations[0];
    for (int j = 1; j <= npMax; ++j)
        m_sums.zmax[static_cast<size_t>(j)] = std::max(m_sums.zmax[static_cast<size_t>(j) - 1], elevations[j]);
    double a = 0, b = 0;
    m_sums.z[0] = m_sums.iz[0] = 0;
    for (int i = 0; i <= npMax; ++i) {
        a += elevations[i];
        b += i * elevations[i];
        m_sums.z[static_cast<size_t>(i) + 1] = a;
        m_sums.iz[static_cast<size_t>(i) + 1] = b;
    }
    m_sums.first = std::clamp(npMin, 2, npMax);
    m_sums.ens.clear();
    m_sums.gme.clear();
    std::vector<double> ens(static_cast<size_t>(npMax - m_sums.first) + 1, 0.0), gme(ens.size(), 0.0);
    for (int np = m_sums.first; np <= npMax; ++np)
        refractivity(elevations, np, m_params, &m_sums, ens[static_cast<size_t>(np - m_sums.first)],
                     gme[static_cast<size_t>(np - m_sums.first)]);
    m_sums.ens = std::move(ens);
    m_sums.gme = std::move(gme);
    m_horizons->reset(elevations, npMax, spacingM, elevations[0] + m_params.txHeightM, m_sums);
}

Result PrefixEvaluator::at(int np)
{
    if (!m_z || np > m_npMax)
        throw Error(ErrorKind::Usage, "itm", "prefix beyond the profile");
    return analyse(m_z, np, m_spacing, m_params, *m_constants, &m_sums, m_dh.get(), m_horizons.get());
}

} // namespace bando::predict::itm
