#include "core/sample/tel_network.hpp"

#include <cmath>
#include <limits>
#include <thread>

namespace bando::sample::tel {

int Grid::cellOf(double x, double y) const
{
    const double fc = (x - originX) / cell, fr = (originY - y) / cell;
    if (!(fc >= 0 && fr >= 0))
        return -1;
    const int c = static_cast<int>(fc), r = static_cast<int>(fr);
    if (c >= cols || r >= rows)
        return -1;
    return r * cols + c;
}

const char* operatorName(int op)
{
    static const char* names[] = {"Viettel", "VNPT", "MobiFone"};
    return names[op];
}

double operatorShare(int op)
{
    static const double shares[] = {0.56, 0.21, 0.18};
    return shares[op];
}

void computeLossWindows(std::vector<Tower>& towers, size_t first, const Grid& grid, const Dem& dem, double radiusM)
{
    using namespace analysis::rf;
    TerrainFn terrain;
    if (!dem.empty())
        terrain = [&dem](double x, double y) {
            const double z = dem.height(x, y);
            return z == dem.noData ? std::numeric_limits<double>::quiet_NaN() : z;
        };
    auto groundAt = [&](double x, double y) {
        if (dem.empty())
            return 0.0;
        const double z = dem.height(x, y);
        return z == dem.noData ? 0.0 : z;
    };
    const int rc = static_cast<int>(std::ceil(radiusM / grid.cell));
    auto work = [&](size_t k) {
        Tower& t = towers[k];
        const int tc = static_cast<int>(std::floor((t.x - grid.originX) / grid.cell));
        const int tr = static_cast<int>(std::floor((grid.originY - t.y) / grid.cell));
        t.windowCol = tc - rc;
        t.windowRow = tr - rc;
        t.windowCols = t.windowRows = 2 * rc + 1;
        for (auto& radio : t.radios)
            radio.loss.assign(static_cast<size_t>(t.windowCols) * t.windowRows, std::numeric_limits<float>::infinity());
        for (int j = 0; j < t.windowRows; ++j) {
            const int r = t.windowRow + j;
            if (r < 0 || r >= grid.rows)
                continue;
            for (int i = 0; i < t.windowCols; ++i) {
                const int c = t.windowCol + i;
                if (c < 0 || c >= grid.cols)
                    continue;
                const double x = grid.centreX(c), y = grid.centreY(r);
                if (std::hypot(x - t.x, y - t.y) > radiusM)
                    continue;
                Link link;
                link.txX = t.x;
                link.txY = t.y;
                link.txGround = t.ground;
                link.txHeightAgl = t.height;
                link.rxX = x;
                link.rxY = y;
                link.rxGround = groundAt(x, y);
                link.env = Environment::Suburban;
                const Profile prof = terrainProfile(link, terrain, 250.0);
                for (auto& radio : t.radios) {
                    link.fMhz = radio.bandMhz;
                    radio.loss[static_cast<size_t>(j) * t.windowCols + i] = static_cast<float>(pathLoss(link, prof));
                }
            }
        }
    };
    const size_t n = towers.size();
    if (n <= first)
        return;
    std::thread helper([&] {
        for (size_t k = first + 1; k < n; k += 2)
            work(k);
    });
    for (size_t k = first; k < n; k += 2)
        work(k);
    helper.join();
}

} // namespace bando::sample::tel
