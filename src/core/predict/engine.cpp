// Coverage prediction over a grid. See engine.hpp.
#include "core/predict/engine.hpp"

#include "core/base/error.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
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

// fn(0) .. fn(n - 1) on `threads` threads (the caller's included), each index once; the first
// exception stops the others and is rethrown here.
double threadCpuSeconds()
{
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

double wallSeconds()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// With `cpuS` (one slot per thread), each thread's CPU time is added to its slot.
template <class Fn>
void forEachRow(int n, int threads, const Fn& fn, std::vector<double>* cpuS = nullptr)
{
    std::atomic<int> next{0};
    std::atomic<bool> stop{false};
    std::exception_ptr error;
    std::mutex mu;
    std::atomic<int> slot{0};
    auto worker = [&] {
        const double c0 = cpuS ? threadCpuSeconds() : 0;
        const int me = slot.fetch_add(1);
        struct Record {
            std::vector<double>* cpu;
            int me;
            double c0;
            ~Record()
            {
                if (cpu && me < static_cast<int>(cpu->size()))
                    (*cpu)[static_cast<size_t>(me)] += threadCpuSeconds() - c0;
            }
        } record{cpuS, me, c0};
        for (;;) {
            const int i = next.fetch_add(1);
            if (i >= n || stop.load())
                return;
            try {
                fn(i);
            } catch (...) {
                std::lock_guard<std::mutex> lock(mu);
                if (!error)
                    error = std::current_exception();
                stop = true;
                return;
            }
        }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < std::max(1, threads); ++t)
        pool.emplace_back(worker);
    worker();
    for (auto& t : pool)
        t.join();
    if (error)
        std::rethrow_exception(error);
}

// Radial geometry of one site: terrain samples k = 0..kMax every `step` along each radial; ITM
// is evaluated at the nodes k = 1, e, 2e, ... (e = evalEvery, kMax a multiple of e). The nodes
// are cut into bands of distance (each about 1.25 times as far out as the previous one); band b
// has its own m_b radials, evenly spaced and at most `arc` apart at its farthest node, each a
// profile from the site to that node with ITM on every node of the band. Neighbouring bands
// share their boundary node (evaluated on both bands' radials), so a cell between two nodes
// interpolates within one band. Against one set of radials doubling with distance (nested powers
// of two, up to twice as many radials as the spacing needs) this evaluates ~1.25 times fewer
// prefixes for the same spacing.
struct Band {
    int k0 = 1, k1 = 1;  // first and last node
    int m = 16;          // radials
    size_t offset = 0;   // of loss[(j * (k1 - k0 + 1)) + k - k0]
    int firstTask = 0;   // radial j of this band is task firstTask + j
};

struct Radials {
    int kMax = 0, every = 1;
    double step = 90;
    std::vector<Band> bands;           // from the farthest to the nearest (big tasks first)
    std::vector<int> bandOfSegment;    // per node k: the band holding the segment k .. nextNode(k)
    int tasks = 0;
    size_t values = 0;
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
    constexpr double kGrowth = 1.25;
    constexpr int kMinNodes = 4;
    std::vector<Band> bands;
    int k0 = 1;
    while (k0 < r.kMax) {
        // The band ends at the first node at least kGrowth times as far and kMinNodes nodes on.
        int k1 = k0, nodes = 0;
        while (k1 < r.kMax && (nodes < kMinNodes || k1 < kGrowth * k0)) {
            k1 = r.nextNode(k1);
            ++nodes;
        }
        if (r.kMax - k1 < kMinNodes * r.every)  // no short last band
            k1 = r.kMax;
        Band b;
        b.k0 = k0;
        b.k1 = k1;
        b.m = std::max(16, static_cast<int>(std::ceil(2 * kPi * k1 * step / arc)));
        bands.push_back(b);
        k0 = k1;
    }
    std::reverse(bands.begin(), bands.end());
    r.bandOfSegment.assign(static_cast<size_t>(r.kMax) + 1, 0);
    for (size_t i = 0; i < bands.size(); ++i) {
        Band& b = bands[i];
        b.offset = r.values;
        b.firstTask = r.tasks;
        r.values += static_cast<size_t>(b.m) * static_cast<size_t>(b.k1 - b.k0 + 1);
        r.tasks += b.m;
        for (int k = b.k0; k < b.k1; ++k)
            r.bandOfSegment[static_cast<size_t>(k)] = static_cast<int>(i);
    }
    r.bands = std::move(bands);
    return r;
}

// Losses on every band's radials (see Radials), NaN where not evaluated. One task per radial,
// handed to the threads from the farthest band (longest profiles) to the nearest.
std::vector<float> radialLosses(const Site& s, const Terrain& terrain, const EngineOptions& o, const Radials& rad,
                                double txGround, const std::atomic<bool>* cancel)
{
    std::vector<float> loss(rad.values, std::numeric_limits<float>::quiet_NaN());
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
    std::atomic<int> slot{0};
    std::atomic<long long> evaluations{0};
    auto worker = [&] {
        const double c0 = o.stats ? threadCpuSeconds() : 0;
        const int me = slot.fetch_add(1);
        int tasks = 0;
        long long evals = 0;
        struct Record {  // the thread's share, recorded however it leaves
            EngineOptions::Stats* stats;
            int me;
            double c0;
            int& tasks;
            long long& evals;
            std::atomic<long long>& total;
            ~Record()
            {
                total += evals;
                if (!stats || me >= static_cast<int>(stats->radialCpuS.size()))
                    return;
                stats->radialCpuS[static_cast<size_t>(me)] += threadCpuSeconds() - c0;
                stats->radialTasks[static_cast<size_t>(me)] += tasks;
            }
        } record{o.stats, me, c0, tasks, evals, evaluations};
        std::vector<double> z(static_cast<size_t>(rad.kMax) + 1);
        double shortProfile[3];
        itm::PrefixEvaluator prefix(prm, o.itmDeltaHRefresh);
        size_t band = 0;
        for (;;) {
            const int t = next.fetch_add(1);
            if (t >= rad.tasks || stop.load())
                return;
            ++tasks;
            while (band + 1 < rad.bands.size() && rad.bands[band + 1].firstTask <= t)
                ++band;
            const Band& b = rad.bands[band];
            const int j = t - b.firstTask;
            try {
                if (cancel && cancel->load())
                    throw CancelledError();
                const double a = 2 * kPi * j / b.m;
                const double dx = std::sin(a) * rad.step, dy = std::cos(a) * rad.step;
                z[0] = txGround;
                for (int k = 1; k <= b.k1; ++k) {
                    const double h = terrain.height(s.x + dx * k, s.y + dy * k);
                    z[static_cast<size_t>(k)] = std::isnan(h) ? 0 : h;
                }
                float* out = loss.data() + b.offset + static_cast<size_t>(j) * static_cast<size_t>(b.k1 - b.k0 + 1) - b.k0;
                int k = b.k0;
                if (k == 1) {
                    // k = 1: two half-step intervals (ITM needs two at least).
                    const double hm = terrain.height(s.x + dx * 0.5, s.y + dy * 0.5);
                    shortProfile[0] = txGround;
                    shortProfile[1] = std::isnan(hm) ? 0 : hm;
                    shortProfile[2] = z[1];
                    out[1] = static_cast<float>(itm::pointToPoint(shortProfile, 2, rad.step / 2, prm).lossDb);
                    k = rad.nextNode(1);
                    ++evals;
                }
                prefix.setProfile(z.data(), b.k1, rad.step, k);
                for (; k <= b.k1; k = rad.nextNode(k), ++evals)
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
    if (o.stats) {
        o.stats->radialCpuS.assign(static_cast<size_t>(threads), 0.0);
        o.stats->radialTasks.assign(static_cast<size_t>(threads), 0);
    }
    const double w0 = wallSeconds();
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
        pool.emplace_back(worker);
    worker();
    for (auto& t : pool)
        t.join();
    if (o.stats) {
        o.stats->radialWallS = wallSeconds() - w0;
        o.stats->evaluations = evaluations.load();
    }
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
    // Bilinear in (bearing, distance) between the two nearest radials of the band holding the
    // two nodes around the cell; NaN where none of the four has a value.
    auto interpolated = [&](double bearing, double d) {
        const double u = std::max(1.0, d / rad.step);
        const int e = rad.every;
        const int k0 = std::max(1, std::min(static_cast<int>(u) / e * e, rad.kMax - e));
        const int k1 = rad.nextNode(k0);
        const double tk = std::clamp((u - k0) / (k1 - k0), 0.0, 1.0);
        const Band& b = rad.bands[static_cast<size_t>(rad.bandOfSegment[static_cast<size_t>(k0)])];
        const int m = b.m, len = b.k1 - b.k0 + 1;
        const double ja = bearing / (2 * kPi) * m;
        const int j0 = static_cast<int>(ja) % m, j1 = (j0 + 1) % m;
        const double ta = ja - std::floor(ja);
        double sum = 0, wsum = 0;
        auto add = [&](int radial, int k, double w) {
            const float v = loss[b.offset + static_cast<size_t>(radial) * static_cast<size_t>(len) + static_cast<size_t>(k - b.k0)];
            if (w > 0 && !std::isnan(v)) {
                sum += w * v;
                wsum += w;
            }
        };
        add(j0, k0, (1 - ta) * (1 - tk));
        add(j1, k0, ta * (1 - tk));
        add(j0, k1, (1 - ta) * tk);
        add(j1, k1, ta * tk);
        return wsum > 0 ? static_cast<float>(sum / wsum) : std::numeric_limits<float>::quiet_NaN();
    };
    // The window's rows are shared between the threads (each row is written by one thread).
    if (o.stats)
        o.stats->interpolationCpuS.assign(static_cast<size_t>(std::max(1, o.threads)), 0.0);
    const double w0 = wallSeconds();
    forEachRow(out.rows, o.threads, [&](int j) {
        if (cancel && cancel->load())
            throw CancelledError();
        const int r = out.row0 + j;
        if (r < 0 || r >= grid.rows)
            return;
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
    }, o.stats ? &o.stats->interpolationCpuS : nullptr);
    if (o.stats)
        o.stats->interpolationWallS = wallSeconds() - w0;
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
