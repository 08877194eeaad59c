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

SiteLoss siteLoss(const Site& s, const Grid& grid, const Terrain& terrain, const EngineOptions& o,
                  const std::atomic<bool>* cancel)
{
    SiteLoss out;
    const int rc = static_cast<int>(std::ceil(o.radiusM / grid.cell));
    const int tc = static_cast<int>(std::floor((s.x - grid.originX) / grid.cell));
    const int tr = static_cast<int>(std::floor((grid.originY - s.y) / grid.cell));
    out.col0 = tc - rc;
    out.row0 = tr - rc;
    out.cols = out.rows = 2 * rc + 1;
    const size_t n = static_cast<size_t>(out.cols) * out.rows;
    out.lossDb.assign(n, std::numeric_limits<float>::quiet_NaN());
    out.gainDb.assign(n, 0.f);
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
            if (!s.sector.omni) {
                const double bearing = std::atan2(x - s.x, y - s.y) * 180 / kPi;
                // Elevation of the receiver seen from the antenna, earth curvature (k = 4/3) included.
                const double dz = (link.ground.back() + o.rxHeightM) - (txGround + s.heightAgl) -
                                  d * d / (2 * 4.0 / 3.0 * kEarthRadiusM);
                const double elev = std::atan2(dz, std::max(d, 1.0)) * 180 / kPi;
                out.gainDb[k] = static_cast<float>(sectorGainDb(s.sector, bearing, elev));
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
