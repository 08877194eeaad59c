#include "core/planning/sites_input.hpp"

#include "core/base/error.hpp"
#include "core/crs/reproject.hpp"
#include "core/io/csv_util.hpp"
#include "core/render/hillshade.hpp"
#include "core/planning/village_table.hpp"
#include "core/store/project_store.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <set>

namespace bando::planning {

namespace {

std::string lower(std::string s)
{
    for (auto& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

int findColumn(const io::CsvTable& t, const std::string& name)
{
    for (size_t k = 0; k < t.header.size(); ++k) {
        std::string h = t.header[k];
        while (!h.empty() && std::isspace(static_cast<unsigned char>(h.back())))
            h.pop_back();
        while (!h.empty() && std::isspace(static_cast<unsigned char>(h.front())))
            h.erase(h.begin());
        if (lower(h) == name)
            return static_cast<int>(k);
    }
    return -1;
}

std::string where(const std::string& path, size_t row, const std::string& field)
{
    return path + ": row " + std::to_string(row + 1) + ", field " + field;
}

std::string cell(const io::CsvTable& t, size_t row, int col)
{
    const auto& r = t.rows[row];
    return col >= 0 && static_cast<size_t>(col) < r.size() ? r[static_cast<size_t>(col)] : std::string();
}

double number(const io::CsvTable& t, size_t row, int col, const std::string& path, const std::string& field)
{
    std::string s = cell(t, row, col);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.pop_back();
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (s.empty() || *end != '\0' || !std::isfinite(v))
        throw Error(ErrorKind::Format, where(path, row, field), "'" + s + "' is not a number");
    return v;
}

io::CsvTable readWith(const std::string& path, const std::vector<std::string>& required, std::vector<int>& cols)
{
    io::CsvTable t = io::readCsvFile(path);
    cols.clear();
    for (const auto& name : required) {
        const int c = findColumn(t, name);
        if (c < 0)
            throw Error(ErrorKind::Format, path, "missing column '" + name + "' (expected " +
                                                     (required.size() == 4 && required[3] == "weight"
                                                          ? std::string("id,lon,lat,weight")
                                                          : std::string("id,lon,lat[,cost]")) +
                                                     ")");
        cols.push_back(c);
    }
    if (t.rows.empty())
        throw Error(ErrorKind::Format, path, "no data rows");
    return t;
}

SitePoint readPoint(const io::CsvTable& t, size_t row, const std::vector<int>& cols, const std::string& path,
                    std::set<std::string>& ids)
{
    SitePoint p;
    p.id = cell(t, row, cols[0]);
    if (p.id.empty())
        throw Error(ErrorKind::Format, where(path, row, "id"), "empty id");
    if (!ids.insert(p.id).second)
        throw Error(ErrorKind::Format, where(path, row, "id"), "duplicate id '" + p.id + "'");
    p.lon = number(t, row, cols[1], path, "lon");
    p.lat = number(t, row, cols[2], path, "lat");
    if (p.lon < -180 || p.lon > 180)
        throw Error(ErrorKind::Format, where(path, row, "lon"), "longitude out of [-180, 180]");
    if (p.lat < -90 || p.lat > 90)
        throw Error(ErrorKind::Format, where(path, row, "lat"), "latitude out of [-90, 90]");
    return p;
}

} // namespace

std::vector<SitePoint> readDemandCsv(const std::string& path)
{
    std::vector<int> cols;
    const auto t = readWith(path, {"id", "lon", "lat", "weight"}, cols);
    std::vector<SitePoint> out;
    std::set<std::string> ids;
    for (size_t r = 0; r < t.rows.size(); ++r) {
        SitePoint p = readPoint(t, r, cols, path, ids);
        p.value = number(t, r, cols[3], path, "weight");
        if (p.value < 0)
            throw Error(ErrorKind::Format, where(path, r, "weight"), "negative weight");
        out.push_back(std::move(p));
    }
    return out;
}

std::vector<SitePoint> readCandidatesCsv(const std::string& path, bool& hasCosts)
{
    std::vector<int> cols;
    auto t = readWith(path, {"id", "lon", "lat"}, cols);
    const int costCol = findColumn(t, "cost");
    hasCosts = costCol >= 0;
    std::vector<SitePoint> out;
    std::set<std::string> ids;
    for (size_t r = 0; r < t.rows.size(); ++r) {
        SitePoint p = readPoint(t, r, cols, path, ids);
        p.value = std::nan("");
        if (hasCosts) {
            p.value = number(t, r, costCol, path, "cost");
            if (p.value < 0)
                throw Error(ErrorKind::Format, where(path, r, "cost"), "negative cost");
        }
        out.push_back(std::move(p));
    }
    return out;
}

SitesInput readProjectSites(const ProjectStore& store, const std::string& date, const std::string& layer)
{
    SitesInput in;
    const VillageTable vt = loadVillageTable(store, date);
    std::set<std::string> gap;
    for (size_t i = 0; i < vt.size(); ++i)
        if (vt.mobileClass[i] == "no_signal" || vt.mobileClass[i] == "unstable")
            gap.insert(vt.code[i]);
    in.villages = static_cast<int>(gap.size());
    in.gapVillages = gap;
    in.demandSource = "settlements of " + std::to_string(gap.size()) + " no_signal/unstable villages (" + vt.date + ")";
    const Layer st = store.readLayer("settlements");
    for (const auto& f : st.features) {
        const std::string v = st.text(f, "village_code");
        if (!gap.count(v) || f.geom.isEmpty())
            continue;
        const auto& xy = f.geom.parts[0][0][0];
        SitePoint p;
        p.id = std::to_string(f.fid);
        p.lon = xy.x;
        p.lat = xy.y;
        p.value = static_cast<double>(std::max<int64_t>(0, st.integer(f, "households")));
        p.village = v;
        in.demand.push_back(std::move(p));
    }
    if (!store.hasLayer(layer))
        throw Error(ErrorKind::Usage, "--candidates-layer",
                    "the project has no layer '" + layer + "' (import candidate points into it first)");
    const Layer cl = store.readLayer(layer);
    if (cl.geomType != GeomType::Point)
        throw Error(ErrorKind::Usage, "--candidates-layer", "'" + layer + "' is not a point layer");
    in.candidateSource = "layer " + layer;
    const int idField = cl.fieldIndex("candidate_id");
    const int costField = cl.fieldIndex("cost");
    in.hasCosts = costField >= 0 && !cl.features.empty();
    for (const auto& f : cl.features)
        if (costField < 0 || isNull(f.values[static_cast<size_t>(costField)]))
            in.hasCosts = false;
    std::set<std::string> ids;
    for (const auto& f : cl.features) {
        if (f.geom.isEmpty())
            continue;
        SitePoint p;
        p.id = idField >= 0 ? toString(f.values[static_cast<size_t>(idField)]) : std::string();
        if (p.id.empty())
            p.id = std::to_string(f.fid);
        if (!ids.insert(p.id).second)
            throw Error(ErrorKind::Format, layer + ": fid " + std::to_string(f.fid) + ", field candidate_id",
                        "duplicate id '" + p.id + "'");
        const auto& xy = f.geom.parts[0][0][0];
        p.lon = xy.x;
        p.lat = xy.y;
        p.value = in.hasCosts ? cl.real(f, "cost") : std::nan("");
        if (in.hasCosts && p.value < 0)
            throw Error(ErrorKind::Format, layer + ": fid " + std::to_string(f.fid) + ", field cost", "negative cost");
        in.candidates.push_back(std::move(p));
    }
    return in;
}

std::vector<SitePoint> generateCandidates(const ProjectStore& store, const std::set<std::string>& gapVillages,
                                          double roadStepM, int metricEpsg)
{
    std::vector<SitePoint> out;
    Layer villages = store.readLayer("villages");
    crs::reproject(villages, metricEpsg);
    const render::DemGrid dem = render::loadDem(store, metricEpsg);
    // Road sample points: every vertex and points every roadStepM along each segment.
    std::vector<XY> roadPts;
    if (store.hasLayer("roads")) {
        Layer roads = store.readLayer("roads");
        crs::reproject(roads, metricEpsg);
        for (const auto& f : roads.features)
            for (const auto& part : f.geom.parts)
                for (const auto& ring : part)
                    for (size_t k = 0; k < ring.size(); ++k) {
                        roadPts.push_back(ring[k]);
                        if (k + 1 == ring.size())
                            continue;
                        const double len = std::hypot(ring[k + 1].x - ring[k].x, ring[k + 1].y - ring[k].y);
                        for (double t = roadStepM; t < len; t += roadStepM)
                            roadPts.push_back({ring[k].x + (ring[k + 1].x - ring[k].x) * t / len,
                                               ring[k].y + (ring[k + 1].y - ring[k].y) * t / len});
                    }
    }
    Layer pts;  // generated points in the metric CRS, reprojected back at the end
    pts.name = "generated";
    pts.geomType = GeomType::Point;
    pts.epsg = metricEpsg;
    std::vector<std::string> ids;
    for (const auto& f : villages.features) {
        const std::string code = villages.text(f, "code");
        if (!gapVillages.count(code) || f.geom.isEmpty())
            continue;
        const Extent e = f.geom.extent();
        if (!dem.empty()) {
            const int c0 = std::max(0, static_cast<int>(std::floor((e.minX - dem.originX) / dem.cell)));
            const int c1 = std::min(dem.cols - 1, static_cast<int>(std::floor((e.maxX - dem.originX) / dem.cell)));
            const int r0 = std::max(0, static_cast<int>(std::floor((dem.originY - e.maxY) / dem.cell)));
            const int r1 = std::min(dem.rows - 1, static_cast<int>(std::floor((dem.originY - e.minY) / dem.cell)));
            float best = -std::numeric_limits<float>::infinity();
            XY at{};
            for (int r = r0; r <= r1; ++r)
                for (int c = c0; c <= c1; ++c) {
                    const float z = dem.at(c, r);
                    const double x = dem.originX + (c + 0.5) * dem.cell, y = dem.originY - (r + 0.5) * dem.cell;
                    if (!std::isnan(z) && z > best && contains(f.geom, x, y)) {
                        best = z;
                        at = {x, y};
                    }
                }
            if (std::isfinite(best)) {
                pts.addFeature(Geometry::point(at.x, at.y));
                ids.push_back("dem:" + code);
            }
        }
        const XY label = interiorPoint(f.geom);
        double bestD = std::numeric_limits<double>::infinity();
        XY at{};
        for (const XY& q : roadPts)
            if (e.contains(q.x, q.y)) {
                const double d = std::hypot(q.x - label.x, q.y - label.y);
                if (d < bestD && contains(f.geom, q.x, q.y)) {
                    bestD = d;
                    at = q;
                }
            }
        if (std::isfinite(bestD)) {
            pts.addFeature(Geometry::point(at.x, at.y));
            ids.push_back("road:" + code);
        }
    }
    crs::reproject(pts, 4326);
    for (size_t k = 0; k < pts.features.size(); ++k) {
        SitePoint p;
        p.id = ids[k];
        p.lon = pts.features[k].geom.parts[0][0][0].x;
        p.lat = pts.features[k].geom.parts[0][0][0].y;
        p.value = std::nan("");
        p.village = ids[k].substr(ids[k].find(':') + 1);
        out.push_back(std::move(p));
    }
    return out;
}

std::vector<SitePoint> readExistingSites(const ProjectStore& store, const std::map<int, double>& bandRadiusKm,
                                         double fallbackKm)
{
    std::vector<SitePoint> out;
    if (!store.hasLayer("sites"))
        return out;
    Layer l = store.readLayer("sites");
    crs::reproject(l, 4326);
    for (const auto& f : l.features) {
        if (f.geom.isEmpty())
            continue;
        SitePoint p;
        p.id = "existing:" + (l.text(f, "site_id").empty() ? std::to_string(f.fid) : l.text(f, "site_id"));
        p.lon = f.geom.parts[0][0][0].x;
        p.lat = f.geom.parts[0][0][0].y;
        const auto it = bandRadiusKm.find(static_cast<int>(l.integer(f, "band_mhz")));
        p.value = it != bandRadiusKm.end() ? it->second : fallbackKm;
        out.push_back(std::move(p));
    }
    return out;
}

} // namespace bando::planning
