// Coverage prediction over a grid. See engine.hpp.
#include "core/predict/engine.hpp"

#include "core/base/error.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <mutex>
#include <thread>

namespace bando::predict {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kPi = 3.14159265358979323846;
constexpr double kEarthRadiusM = 6371000.0;
} // namespace

double Terrain::height(double x, double y) const
{
    if (z.empty())
        return kNaN;
    const double fc = (x - originX) / cellX - 0.5;
    const double fr = (originY - y) / cellY - 0.5;
    if (fc < 0 || fr < 0 || fc > cols - 1 || fr > rows - 1)
        return kNaN;
    const int c = static_cast<int>(fc), r = static_cast<int>(fr);
    const int c1 = std::min(c + 1, cols - 1), r1 = std::min(r + 1, rows - 1);
    const double tx = fc - c, ty = fr - r;
    auto at = [&](int cc, int rr) { return static_cast<double>(z[static_cast<size_t>(rr) * cols + cc]); };
    const double a = at(c, r), b = at(c1, r), d = at(c, r1), e = at(c1, r1);
    return (a * (1 - tx) + b * tx) * (1 - ty) + (d * (1 - tx) + e * tx) * ty;  // NaN propagates
}

float SiteLoss::at(int gc, int gr) const
{
    const int i = gc - col0, j = gr - row0;
    if (i < 0 || j < 0 || i >= cols || j >= rows)
        return std::numeric_limits<float>::quiet_NaN();
    return lossDb[static_cast<size_t>(j) * cols + i];
}

namespace {
LinkProfile sampleProfileN(const Terrain& t, double x0, double y0, double x1, double y1, double stepM, int minIntervals)
{
    LinkProfile p;
    const double d = std::hypot(x1 - x0, y1 - y0);
    int n = stepM > 0 ? static_cast<int>(d / stepM) : 1;
    n = std::max(n, minIntervals);
    p.spacingM = d / n;
    p.ground.resize(static_cast<size_t>(n) + 1);
    for (int i = 0; i <= n; ++i) {
        const double f = static_cast<double>(i) / n;
        p.ground[static_cast<size_t>(i)] = t.height(x0 + (x1 - x0) * f, y0 + (y1 - y0) * f);
    }
    if (std::isnan(p.ground.front()))
        p.ground.front() = 0;
    if (std::isnan(p.ground.back()))
        p.ground.back() = 0;
    return p;
}
} // namespace

LinkProfile sampleProfile(const Terrain& t, double x0, double y0, double x1, double y1, double stepM)
{
    return sampleProfileN(t, x0, y0, x1, y1, stepM, 2);
}

namespace {

// Sector gain toward a receiver on ground height zr, `d` m from the site at bearing
// `bearingDeg`: the elevation seen from the antenna includes the earth bulge (k = 4/3).
float sectorGainAt(const Site& s, double txGround, double rxHeightM, double zr, double d, double bearingDeg)
{
    const double dz = (zr + rxHeightM) - (txGround + s.heightAgl) - d * d / (2 * 4.0 / 3.0 * kEarthRadiusM);
    const double elev = std::atan2(dz, std::max(d, 1.0)) * 180 / kPi;
    return static_cast<float>(sectorGainDb(s.sector, bearingDeg, elev));
}

// The square window of grid cells within `radiusM` of the site, all NaN, gains 0.
SiteLoss emptyWindow(const Site& s, const Grid& grid, double radiusM)
{
    SiteLoss out;
    const int rc = static_cast<int>(std::ceil(radiusM / grid.cell));
    const int tc = static_cast<int>(std::floor((s.x - grid.originX) / grid.cell));
    const int tr = static_cast<int>(std::floor((grid.originY - s.y) / grid.cell));
    out.col0 = tc - rc;
    out.row0 = tr - rc;
    out.cols = out.rows = 2 * rc + 1;
    const size_t n = static_cast<size_t>(out.cols) * out.rows;
    out.lossDb.assign(n, std::numeric_limits<float>::quiet_NaN());
    out.gainDb.assign(n, 0.f);
    return out;
}

SiteLoss siteLoss(const Site& s, const Grid& grid, const Terrain& terrain, const EngineOptions& o,
                  const std::atomic<bool>* cancel)
{
    SiteLoss out = emptyWindow(s, grid, o.radiusM);
    double txGround = terrain.height(s.x, s.y);
    if (std::isnan(txGround))
        txGround = 0;
    const bool itm = o.model == Model::Itm;
    for (int j = 0; j < out.rows; ++j) {
        if (cancel && cancel->load())
            throw CancelledError();
        const int r = out.row0 + j;
        if (r < 0 || r >= grid.rows)
            continue;
        for (int i = 0; i < out.cols; ++i) {
            const int c = out.col0 + i;
            if (c < 0 || c >= grid.cols)
                continue;
            const double x = grid.centreX(c), y = grid.centreY(r);
            const double d = std::hypot(x - s.x, y - s.y);
            if (d > o.radiusM)
                continue;
            // The terrain-free models need no profile beyond the two ends; Hata/COST-231 take
            // inner points only from 2 steps on (as analysis::rf::terrainProfile does); ITM needs
            // two intervals at least and is not evaluated on the site's own cell.
            if (itm && d < 1.0)
                continue;
            LinkProfile link = sampleProfileN(terrain, s.x, s.y, x, y, o.model == Model::FreeSpace ? 0 : o.profileStepM,
                                             itm ? 2 : 1);
            if (!itm && d < 2 * o.profileStepM) {
                const double zr = link.ground.back();
                link.ground.assign({link.ground.front(), zr});
                link.spacingM = d;
            }
            link.ground.front() = txGround;
            if (itm)
                for (double& z : link.ground)
                    if (std::isnan(z))
                        z = 0;
            link.fMhz = s.bandMhz;
            link.txHeightAgl = s.heightAgl;
            link.rxHeightAgl = o.rxHeightM;
            const size_t k = static_cast<size_t>(j) * out.cols + i;
            out.lossDb[k] = static_cast<float>(linkLoss(o.model, link, o.itm));
            if (!s.sector.omni)
                out.gainDb[k] = sectorGainAt(s, txGround, o.rxHeightM, link.ground.back(), d,
                                             std::atan2(x - s.x, y - s.y) * 180 / kPi);
        }
    }
    return out;
}

// ---- ITM on radials

int pow2Ceil(double v)
{
    int p = 1;
    while (p < v && p < (1 << 20))
        p <<= 1;
    return p;
}

// Radial geometry of one site: nr radials (a power of two), terrain samples k = 0..kMax every
// `step`; ITM is evaluated at the nodes k = 1, e, 2e, ... (e = evalEvery, kMax a multiple of e).
// Node k is evaluated on radial i when i is a multiple of stride(next node after k): between two
// nodes the radials in use are those of the farther node, so both ends exist on each of them.
struct Radials {
    int nr = 0, kMax = 0, every = 1;
    double step = 90;
    std::vector<int> stride;  // per sample index, 0..kMax + every
    int strideAt(int k) const { return stride[static_cast<size_t>(std::min(k, kMax + every))]; }
    int nextNode(int k) const { return k < every ? every : k + every; }
    bool isNode(int k) const { return k == 1 || k % every == 0; }
};

Radials makeRadials(double radiusM, double step, double cell, double spacingCells, int every)
{
    Radials r;
    r.step = step;
    r.every = std::max(1, every);
    r.kMax = (static_cast<int>(std::ceil(radiusM / step)) + r.every) / r.every * r.every;
    const double arc = std::max(1e-6, cell * spacingCells);
    r.nr = std::max(16, pow2Ceil(2 * kPi * (r.kMax * step) / arc));
    r.stride.resize(static_cast<size_t>(r.kMax + r.every) + 1);
    for (int k = 0; k <= r.kMax + r.every; ++k) {
        const int m = std::min(r.nr, std::max(16, pow2Ceil(2 * kPi * k * step / arc)));
        r.stride[static_cast<size_t>(k)] = r.nr / m;
    }
    return r;
}

// Losses along every radial: loss[i * (kMax + 1) + k], NaN where not evaluated (k = 0 never).
std::vector<float> radialLosses(const Site& s, const Terrain& terrain, const EngineOptions& o, const Radials& rad,
                                double txGround, const std::atomic<bool>* cancel)
{
    const int nk = rad.kMax + 1;
    std::vector<float> loss(static_cast<size_t>(rad.nr) * nk, std::numeric_limits<float>::quiet_NaN());
    itm::Params prm = o.itm;
    prm.fMhz = s.bandMhz;
    prm.txHeightM = s.heightAgl;
    prm.rxHeightM = o.rxHeightM;
    // Bad parameters throw here, on the calling thread: the workers build theirs outside a try.
    const itm::PrefixEvaluator checked(prm);
    std::atomic<int> next{0};
    std::atomic<bool> stop{false};
    std::exception_ptr error;
    std::mutex mu;
    auto worker = [&] {
        std::vector<double> z(static_cast<size_t>(nk));
        double shortProfile[3];
        itm::PrefixEvaluator prefix(prm, o.itmDeltaHRefresh);
        for (;;) {
            const int i = next.fetch_add(1);
            if (i >= rad.nr || stop.load())
                return;
            try {
                if (cancel && cancel->load())
                    throw CancelledError();
                const double a = 2 * kPi * i / rad.nr;
                const double dx = std::sin(a) * rad.step, dy = std::cos(a) * rad.step;
                z[0] = txGround;
                for (int k = 1; k < nk; ++k) {
                    const double h = terrain.height(s.x + dx * k, s.y + dy * k);
                    z[static_cast<size_t>(k)] = std::isnan(h) ? 0 : h;
                }
                float* out = loss.data() + static_cast<size_t>(i) * nk;
                // k = 1: two half-step intervals (ITM needs two at least).
                if (i % rad.strideAt(rad.nextNode(1)) == 0) {
                    const double hm = terrain.height(s.x + dx * 0.5, s.y + dy * 0.5);
                    shortProfile[0] = txGround;
                    shortProfile[1] = std::isnan(hm) ? 0 : hm;
                    shortProfile[2] = z[1];
                    out[1] = static_cast<float>(itm::pointToPoint(shortProfile, 2, rad.step / 2, prm).lossDb);
                }
                prefix.setProfile(z.data(), nk - 1, rad.step);
                for (int k = 2; k < nk; ++k)
                    if (rad.isNode(k) && i % rad.strideAt(rad.nextNode(k)) == 0)
                        out[k] = static_cast<float>(prefix.at(k).lossDb);
            } catch (...) {
                std::lock_guard<std::mutex> lock(mu);
                if (!error)
                    error = std::current_exception();
                stop = true;
                return;
            }
        }
    };
    const int threads = std::max(1, o.threads);
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
        pool.emplace_back(worker);
    worker();
    for (auto& t : pool)
        t.join();
    if (error)
        std::rethrow_exception(error);
    return loss;
}

SiteLoss siteLossRadial(const Site& s, const Grid& grid, const Terrain& terrain, const EngineOptions& o,
                        const std::atomic<bool>* cancel)
{
    SiteLoss out = emptyWindow(s, grid, o.radiusM);
    double txGround = terrain.height(s.x, s.y);
    if (std::isnan(txGround))
        txGround = 0;
    const Radials rad = makeRadials(o.radiusM, o.profileStepM, grid.cell, o.radialSpacingCells, o.itmEvalEvery);
    const std::vector<float> loss = radialLosses(s, terrain, o, rad, txGround, cancel);
    const int nk = rad.kMax + 1;
    auto exactLoss = [&](double x, double y) {
        LinkProfile link = sampleProfileN(terrain, s.x, s.y, x, y, o.profileStepM, 2);
        link.ground.front() = txGround;
        for (double& z : link.ground)
            if (std::isnan(z))
                z = 0;
        link.fMhz = s.bandMhz;
        link.txHeightAgl = s.heightAgl;
        link.rxHeightAgl = o.rxHeightM;
        return static_cast<float>(linkLoss(o.model, link, o.itm));
    };
    // Bilinear in (bearing, distance) between the two nearest radials in use at that distance
    // and the two nodes around it; NaN where none of the four has a value.
    auto interpolated = [&](double bearing, double d) {
        const double u = std::max(1.0, d / rad.step);
        const int e = rad.every;
        const int k0 = std::max(1, std::min(static_cast<int>(u) / e * e, rad.kMax - e));
        const int k1 = rad.nextNode(k0);
        const double tk = std::clamp((u - k0) / (k1 - k0), 0.0, 1.0);
        const int stride = rad.strideAt(k1);
        const int m = rad.nr / stride;
        const double ja = bearing / (2 * kPi) * m;
        const int j0 = static_cast<int>(ja) % m, j1 = (j0 + 1) % m;
        const double ta = ja - std::floor(ja);
        double sum = 0, wsum = 0;
        auto add = [&](int radial, int k, double w) {
            const float v = loss[static_cast<size_t>(radial) * nk + k];
            if (w > 0 && !std::isnan(v)) {
                sum += w * v;
                wsum += w;
            }
        };
        add(j0 * stride, k0, (1 - ta) * (1 - tk));
        add(j1 * stride, k0, ta * (1 - tk));
        add(j0 * stride, k1, (1 - ta) * tk);
        add(j1 * stride, k1, ta * tk);
        return wsum > 0 ? static_cast<float>(sum / wsum) : std::numeric_limits<float>::quiet_NaN();
    };
    for (int j = 0; j < out.rows; ++j) {
        if (cancel && cancel->load())
            throw CancelledError();
        const int r = out.row0 + j;
        if (r < 0 || r >= grid.rows)
            continue;
        for (int i = 0; i < out.cols; ++i) {
            const int c = out.col0 + i;
            if (c < 0 || c >= grid.cols)
                continue;
            const double x = grid.centreX(c), y = grid.centreY(r);
            const double d = std::hypot(x - s.x, y - s.y);
            if (d > o.radiusM || d < 1.0)
                continue;
            double bearing = std::atan2(x - s.x, y - s.y);
            if (bearing < 0)
                bearing += 2 * kPi;
            const size_t k = static_cast<size_t>(j) * out.cols + i;
            // The few cells next to the site get their own profile (the radials' first node is
            // one step out, too far to interpolate from); the others interpolate the radials.
            const float value = d < 2 * rad.step ? exactLoss(x, y) : interpolated(bearing, d);
            if (std::isnan(value))
                continue;
            out.lossDb[k] = value;
            if (!s.sector.omni) {
                const double zr = terrain.height(x, y);
                out.gainDb[k] = sectorGainAt(s, txGround, o.rxHeightM, std::isnan(zr) ? 0 : zr, d, bearing * 180 / kPi);
            }
        }
    }
    return out;
}

} // namespace

std::vector<SiteLoss> predictLosses(const std::vector<Site>& sites, const Grid& grid, const Terrain& terrain,
                                    const EngineOptions& options, const std::atomic<bool>* cancel,
                                    const std::function<void(size_t, size_t)>& onSiteDone)
{
    std::vector<SiteLoss> out(sites.size());
    if (options.model == Model::Itm && options.itmRadials) {
        for (size_t k = 0; k < sites.size(); ++k) {
            out[k] = siteLossRadial(sites[k], grid, terrain, options, cancel);
            if (onSiteDone)
                onSiteDone(k + 1, sites.size());
        }
        return out;
    }
    std::atomic<size_t> next{0};
    std::mutex mu;
    size_t done = 0;
    std::exception_ptr error;
    auto worker = [&] {
        for (;;) {
            const size_t k = next.fetch_add(1);
            if (k >= sites.size())
                return;
            try {
                {
                    std::lock_guard<std::mutex> lock(mu);
                    if (error)
                        return;
                }
                out[k] = siteLoss(sites[k], grid, terrain, options, cancel);
                std::lock_guard<std::mutex> lock(mu);
                ++done;
                if (onSiteDone)
                    onSiteDone(done, sites.size());
            } catch (...) {
                std::lock_guard<std::mutex> lock(mu);
                if (!error)
                    error = std::current_exception();
                return;
            }
        }
    };
    const int threads = std::max(1, std::min<int>(options.threads, static_cast<int>(sites.size())));
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
        pool.emplace_back(worker);
    worker();
    for (auto& t : pool)
        t.join();
    if (error)
        std::rethrow_exception(error);
    return out;
}

BestServer bestServer(const std::vector<Site>& sites, const std::vector<SiteLoss>& losses, const Grid& grid,
                      const std::function<bool(size_t)>& filter)
{
    BestServer b;
    const size_t n = static_cast<size_t>(grid.cols) * grid.rows;
    b.levelDbm.assign(n, std::numeric_limits<float>::quiet_NaN());
    b.site.assign(n, -1);
    for (size_t s = 0; s < sites.size() && s < losses.size(); ++s) {
        if (filter && !filter(s))
            continue;
        const SiteLoss& w = losses[s];
        for (int j = 0; j < w.rows; ++j) {
            const int r = w.row0 + j;
            if (r < 0 || r >= grid.rows)
                continue;
            for (int i = 0; i < w.cols; ++i) {
                const int c = w.col0 + i;
                if (c < 0 || c >= grid.cols)
                    continue;
                const size_t k = static_cast<size_t>(j) * w.cols + i;
                const float loss = w.lossDb[k];
                if (std::isnan(loss))
                    continue;
                const float level = static_cast<float>(siteLevelDbm(sites[s], loss, w.gainDb[k]));
                const size_t g = static_cast<size_t>(r) * grid.cols + c;
                if (b.site[g] < 0 || level > b.levelDbm[g]) {
                    b.levelDbm[g] = level;
                    b.site[g] = static_cast<int>(s);
                }
            }
        }
    }
    return b;
}

} // namespace bando::predict
