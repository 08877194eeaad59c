// Calibration against measured points. See calibration.hpp.
#include "core/predict/calibration.hpp"

#include "core/crs/reproject.hpp"
#include "core/io/importer.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace bando::predict {

namespace {

CalibrationStats stats(const std::string& op, const std::vector<double>& errors)
{
    CalibrationStats s;
    s.operatorName = op;
    s.points = static_cast<int>(errors.size());
    if (errors.empty())
        return s;
    double sum = 0, sq = 0;
    for (double e : errors) {
        sum += e;
        sq += e * e;
    }
    const double n = static_cast<double>(errors.size());
    s.meanErrorDb = sum / n;
    s.rmsErrorDb = std::sqrt(sq / n);
    double var = 0;
    for (double e : errors)
        var += (e - s.meanErrorDb) * (e - s.meanErrorDb);
    s.stdDevDb = std::sqrt(var / n);
    s.offsetDb = -s.meanErrorDb;
    return s;
}

} // namespace

MeasurementList parseMeasurements(const SiteRows& in, int workEpsg, const std::string& operatorFilter)
{
    MeasurementList out;
    const auto& h = in.header;
    const int cOp = findColumn(h, {"operator", "nha_mang", "network"});
    const int cTech = findColumn(h, {"technology", "tech", "cong_nghe", "rat"});
    const int cLevel = findColumn(h, {"level_dbm", "level", "rsrp_dbm", "rsrp", "rscp_dbm", "rscp", "dbm", "muc_song"});
    const int cDate = findColumn(h, {"date", "ngay", "time", "datetime"});
    if (cOp < 0) out.errors.push_back(in.source + ": no column operator");
    if (cTech < 0) out.errors.push_back(in.source + ": no column technology");
    if (cLevel < 0) out.errors.push_back(in.source + ": no column level_dbm");
    if (!out.errors.empty())
        return out;
    for (size_t i = 0; i < in.rows.size(); ++i) {
        const auto& row = in.rows[i];
        const int rowNo = static_cast<int>(i) + 1;
        auto cell = [&](int c) { return c >= 0 && static_cast<size_t>(c) < row.size() ? trimField(row[static_cast<size_t>(c)]) : std::string(); };
        const std::string where = in.source + " " + in.rowWord + " " + std::to_string(rowNo);
        const size_t before = out.errors.size();
        auto bad = [&](const std::string& field, const std::string& msg) { out.errors.push_back(where + ", field " + field + ": " + msg); };
        Measurement m;
        m.sourceRow = rowNo;
        m.operatorName = cell(cOp);
        if (!operatorFilter.empty() && lowerAscii(m.operatorName) != lowerAscii(operatorFilter))
            continue;
        if (m.operatorName.empty())
            bad(h[static_cast<size_t>(cOp)], "missing operator");
        const std::string tech = lowerAscii(cell(cTech));
        if (tech == "3g" || tech == "umts" || tech == "wcdma")
            m.tech = analysis::rf::Technology::G3;
        else if (tech == "4g" || tech == "lte")
            m.tech = analysis::rf::Technology::G4;
        else
            bad(h[static_cast<size_t>(cTech)], "technology '" + cell(cTech) + "' is not 3G or 4G");
        if (!in.position[i])
            bad("position", "missing position (no coordinates)");
        const std::string lv = cell(cLevel);
        double level = 0;
        if (lv.empty())
            bad(h[static_cast<size_t>(cLevel)], "missing value");
        else if (!io::parseDecimal(lv, level) || !std::isfinite(level))
            bad(h[static_cast<size_t>(cLevel)], "'" + lv + "' is not a number");
        else if (level < -150 || level > -20)
            bad(h[static_cast<size_t>(cLevel)], "level " + lv + " dBm outside -150..-20 dBm");
        if (out.errors.size() != before)
            continue;
        m.levelDbm = level;
        m.date = cell(cDate);
        m.x = in.position[i]->x;
        m.y = in.position[i]->y;
        out.points.push_back(std::move(m));
    }
    if (!out.errors.empty() || out.points.empty() || in.epsg == workEpsg)
        return out;
    Layer pts;
    pts.epsg = in.epsg;
    pts.geomType = GeomType::Point;
    for (const auto& m : out.points)
        pts.addFeature(Geometry::point(m.x, m.y));
    crs::reproject(pts, workEpsg);
    for (size_t i = 0; i < out.points.size(); ++i) {
        out.points[i].x = pts.features[i].geom.parts[0][0][0].x;
        out.points[i].y = pts.features[i].geom.parts[0][0][0].y;
    }
    return out;
}

double Calibration::offsetFor(const std::string& op) const
{
    for (const auto& s : operators)
        if (s.operatorName == op)
            return s.offsetDb;
    return 0;
}

Calibration calibrate(const std::vector<Measurement>& points, const std::function<double(const Measurement&)>& predicted)
{
    Calibration c;
    std::vector<double> all;
    std::map<std::string, std::vector<double>> byOp;
    for (const auto& m : points) {
        const double p = predicted(m);
        if (!std::isfinite(p)) {
            ++c.unmatched;
            continue;
        }
        all.push_back(p - m.levelDbm);
        byOp[m.operatorName].push_back(p - m.levelDbm);
    }
    c.overall = stats({}, all);
    for (const auto& [op, errors] : byOp)
        c.operators.push_back(stats(op, errors));
    return c;
}

} // namespace bando::predict
