#pragma once
// CRS of imported data: identification of a source's CRS, the guess for projected files
// without a .prj (DOMAIN.md §4), and the VN-2000 zones offered by name.
#include "core/model/geometry.hpp"

#include <string>
#include <vector>

class OGRSpatialReference;

namespace bando::io {

struct Vn2000Zone {
    int epsg = 0;
    std::string name;  // "VN-2000 / TM-3 107-15"
};
// Non-deprecated VN-2000 CRSs from resources/domain/crs_vn2000_epsg.csv plus the geographic
// EPSG:4756, sorted by EPSG code. Never contains EPSG:6956–6959.
const std::vector<Vn2000Zone>& vn2000Zones();
bool isDeprecatedVn2000(int epsg);  // EPSG:6956–6959
// Throws bando::Error(Crs) for deprecated codes (with the replacement) and unknown codes.
void validateEpsg(int epsg, const std::string& where);
// Parses "EPSG:9215", "9215" or a zone name ("VN-2000 / TM-3 107-15", "tm3-107-15", "utm48").
int parseCrs(const std::string& text);

struct CrsGuess {
    int epsg = 0;         // 0 = unknown
    bool guessed = false; // true when inferred from coordinates (needs confirmation)
    std::string reason;   // human-readable (English msgid style)
};

// Guess from the coordinate extent of a source without CRS information.
CrsGuess guessCrsFromExtent(const Extent& e);
// EPSG code of a source CRS (0 when it cannot be identified).
int identifyEpsg(const OGRSpatialReference& srs);

// Lạng Sơn's bounding box in WGS 84 (DOMAIN.md §3).
inline constexpr Extent kProvinceBox{106.09, 21.32, 107.37, 22.47};

} // namespace bando::io
