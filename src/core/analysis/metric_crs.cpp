#include "core/analysis/metric_crs.hpp"

#include "core/io/csv_util.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace bando::analysis {

MetricCrs chooseMetricCrs(const Extent& e)
{
    MetricCrs out;
    if (e.isEmpty()) {
        out.epsg = 9215;
        out.name = "VN-2000 / TM-3 107-15";
        out.why = "default (no data)";
        return out;
    }
    const double dataArea = std::max(e.width() * e.height(), 1e-12);
    const auto t = io::readResourceCsv("domain/crs_vn2000_epsg.csv");
    const int cE = t.column("epsg"), cN = t.column("name"), cD = t.column("deprecated"), cA = t.column("area_of_use"),
              cS = t.column("south_lat"), cNo = t.column("north_lat"), cW = t.column("west_lon"),
              cEa = t.column("east_lon");
    double bestShare = 0, bestArea = 0;
    for (const auto& r : t.rows) {
        if (r.size() < t.header.size() || r[cD] != "0" || r[cA].find("province") == std::string::npos ||
            r[cN].find("TM-3") == std::string::npos)
            continue;
        const double s = std::atof(r[cS].c_str()), n = std::atof(r[cNo].c_str()), w = std::atof(r[cW].c_str()),
                     ea = std::atof(r[cEa].c_str());
        const double ix = std::min(ea, e.maxX) - std::max(w, e.minX), iy = std::min(n, e.maxY) - std::max(s, e.minY);
        if (ix <= 0 || iy <= 0)
            continue;
        const double share = ix * iy / dataArea, area = (ea - w) * (n - s);
        if (share > bestShare + 1e-9 || (std::fabs(share - bestShare) <= 1e-9 && area < bestArea)) {
            bestShare = share;
            bestArea = area;
            out.epsg = std::atoi(r[cE].c_str());
            out.name = r[cN];
        }
    }
    // a province zone only when (nearly) all the data is inside that province's extent
    if (out.epsg && bestShare >= 0.9) {
        out.why = "province zone";
        return out;
    }
    const XY c = e.center();
    if (c.x >= 102 && c.x <= 110 && c.y >= 8 && c.y <= 24) {
        out.epsg = c.x < 108 ? 3405 : 3406;
        out.name = c.x < 108 ? "VN-2000 / UTM zone 48N" : "VN-2000 / UTM zone 49N";
        out.why = "VN-2000 UTM";
        return out;
    }
    const int zone = std::clamp(static_cast<int>(std::floor((c.x + 180) / 6)) + 1, 1, 60);
    out.epsg = (c.y >= 0 ? 32600 : 32700) + zone;
    out.name = "WGS 84 / UTM zone " + std::to_string(zone) + (c.y >= 0 ? "N" : "S");
    out.why = "WGS 84 UTM";
    return out;
}

} // namespace bando::analysis
