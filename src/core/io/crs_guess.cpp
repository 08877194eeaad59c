#include "core/io/crs_guess.hpp"

#include "core/base/error.hpp"
#include "core/capi/gdal.hpp"
#include "core/io/csv_util.hpp"

#include <ogr_spatialref.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <set>

namespace bando::io {

const std::vector<Vn2000Zone>& vn2000Zones()
{
    static std::vector<Vn2000Zone> zones;
    static std::once_flag once;
    std::call_once(once, [] {
        CsvTable t = readResourceCsv("domain/crs_vn2000_epsg.csv");
        int ce = t.column("epsg"), cn = t.column("name"), cd = t.column("deprecated");
        std::set<int> seen;
        zones.push_back({4756, "VN-2000 (geographic)"});
        seen.insert(4756);
        for (const auto& r : t.rows) {
            if (ce < 0 || cn < 0 || r.size() <= static_cast<size_t>(std::max({ce, cn, cd})))
                continue;
            int epsg = std::atoi(r[ce].c_str());
            if ((cd >= 0 && r[cd] == "1") || isDeprecatedVn2000(epsg) || !seen.insert(epsg).second)
                continue;
            zones.push_back({epsg, r[cn]});
        }
        std::sort(zones.begin(), zones.end(), [](auto& a, auto& b) { return a.epsg < b.epsg; });
    });
    return zones;
}

bool isDeprecatedVn2000(int epsg) { return epsg >= 6956 && epsg <= 6959; }

void validateEpsg(int epsg, const std::string& where)
{
    if (isDeprecatedVn2000(epsg)) {
        static const int repl[] = {5896, 5897, 5898, 0};
        int r = repl[epsg - 6956];
        throw Error(ErrorKind::Crs, where,
                    "EPSG:" + std::to_string(epsg) + " is deprecated" +
                        (r ? "; use EPSG:" + std::to_string(r) + " instead" : std::string()));
    }
    gdal::init();
    OGRSpatialReference srs;
    gdal::ErrorCapture cap;
    if (epsg <= 0 || srs.importFromEPSG(epsg) != OGRERR_NONE)
        throw Error(ErrorKind::Crs, where, "unknown CRS EPSG:" + std::to_string(epsg));
}

int parseCrs(const std::string& textIn)
{
    std::string t;
    for (char c : textIn)
        t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (t.rfind("epsg:", 0) == 0)
        t = t.substr(5);
    if (!t.empty() && std::all_of(t.begin(), t.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
        return std::atoi(t.c_str());
    if (t == "wgs84" || t == "wgs 84")
        return 4326;
    auto squash = [](const std::string& s) {
        std::string o;
        for (char c : s)
            if (std::isalnum(static_cast<unsigned char>(c)))
                o += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return o;
    };
    std::string key = squash(t);
    for (const auto& z : vn2000Zones()) {
        std::string n = squash(z.name);  // "vn2000tm310715"
        if (key == n || "vn2000" + key == n || "vn2000tm3" + key == n || "vn2000utmzone" + key == n ||
            ("vn2000" + key == n + "n"))
            return z.epsg;
    }
    if (key == "vn2000")
        return 4756;
    if (key == "utm48" || key == "utm48n")
        return 3405;
    if (key == "utm49" || key == "utm49n")
        return 3406;
    throw Error(ErrorKind::Usage, textIn, "unknown CRS (use EPSG:code or a VN-2000 zone name)");
}

CrsGuess guessCrsFromExtent(const Extent& e)
{
    CrsGuess g;
    if (e.isEmpty())
        return g;
    if (e.minX >= -180 && e.maxX <= 180 && e.minY >= -90 && e.maxY <= 90) {
        g.epsg = 4326;
        g.guessed = true;
        g.reason = "coordinates are longitude/latitude: WGS 84 assumed (VN-2000 EPSG:4756 lies about 220 m apart)";
        return g;
    }
    const bool northingVn = e.minY >= 900000 && e.maxY <= 2700000;
    if (northingVn && e.minX >= 400000 && e.maxX <= 520000) {
        g.epsg = 9215;
        g.guessed = true;
        g.reason = "eastings 400–520 km: VN-2000 / TM-3 107-15 (EPSG:9215, Lạng Sơn's provincial zone) assumed";
        return g;
    }
    if (northingVn && e.minX >= 610000 && e.maxX <= 760000) {
        g.epsg = 3405;
        g.guessed = true;
        g.reason = "eastings 610–740 km: VN-2000 / UTM zone 48N (EPSG:3405) assumed";
        return g;
    }
    g.reason = "coordinates do not match WGS 84, VN-2000 TM-3 107-15 or UTM 48N: choose the CRS";
    return g;
}

int identifyEpsg(const OGRSpatialReference& srsIn)
{
    OGRSpatialReference srs(srsIn);
    gdal::ErrorCapture cap;
    if (const char* auth = srs.GetAuthorityName(nullptr); auth && std::string(auth) == "EPSG")
        if (const char* code = srs.GetAuthorityCode(nullptr))
            return std::atoi(code);
    int nMatches = 0;
    int* rawConfidence = nullptr;
    OGRSpatialReferenceH* rawMatches = srs.FindMatches(nullptr, &nMatches, &rawConfidence);
    gdal::SrsArrayPtr matches(rawMatches);
    std::unique_ptr<int, gdal::CplFree> confidence(rawConfidence);
    int best = 0;
    if (matches) {
        for (int i = 0; i < nMatches && !best; ++i) {
            if (confidence.get()[i] < 70)
                continue;
            auto* m = OGRSpatialReference::FromHandle(matches.get()[i]);
            const char* auth = m->GetAuthorityName(nullptr);
            const char* code = m->GetAuthorityCode(nullptr);
            if (auth && code && std::string(auth) == "EPSG")
                best = std::atoi(code);
        }
    }
    if (isDeprecatedVn2000(best)) {
        static const int repl[] = {5896, 5897, 5898, 0};
        best = repl[best - 6956];
    }
    return best;
}

} // namespace bando::io
