#pragma once
// The projected CRS the analysis measures in: the province's VN-2000 TM-3 zone when the data
// lies in one province of the zone table (resources/domain/crs_vn2000_epsg.csv: the row whose
// area of use names a province and holds most of the data's extent, the smaller area on a tie),
// else the VN-2000 UTM zone (48N west of 108°E, 49N east), else the WGS 84 UTM zone of the
// data's centre. Never degrees.
#include "core/model/geometry.hpp"

#include <string>

namespace bando::analysis {

struct MetricCrs {
    int epsg = 0;
    std::string name;
    std::string why;  // "province zone", "VN-2000 UTM", "WGS 84 UTM"
};

// `extent` in WGS 84 lon/lat.
MetricCrs chooseMetricCrs(const Extent& extent);

} // namespace bando::analysis
