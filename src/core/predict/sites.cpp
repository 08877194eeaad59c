// Site lists for prediction: see sites.hpp.
#include "core/predict/sites.hpp"

#include "core/base/error.hpp"
#include "core/crs/reproject.hpp"
#include "core/io/importer.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <initializer_list>

namespace bando::predict {

std::string lowerAscii(std::string s)
{
    for (char& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string trimField(const std::string& s)
{
    size_t a = 0, b = s.size();
    while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
    while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
    return s.substr(a, b - a);
}

int findColumn(const std::vector<std::string>& header, std::initializer_list<const char*> names)
{
    for (const char* n : names)
        for (size_t i = 0; i < header.size(); ++i)
            if (lowerAscii(trimField(header[i])) == n)
                return static_cast<int>(i);
    return -1;
}

namespace {

std::string fmt(double v)
{
    char b[32];
    std::snprintf(b, sizeof b, "%g", v);
    return b;
}

} // namespace

SiteRows siteRowsFromLayer(const Layer& layer)
{
    SiteRows out;
    out.source = layer.name;
    out.rowWord = "feature";
    out.epsg = layer.epsg;
    for (const auto& f : layer.fields)
        out.header.push_back(f.name);
    for (const auto& f : layer.features) {
        std::vector<std::string> row;
        row.reserve(f.values.size());
        for (const auto& v : f.values)
            row.push_back(isNull(v) ? std::string() : toString(v));
        out.rows.push_back(std::move(row));
        if (!f.geom.parts.empty() && !f.geom.parts[0].empty() && !f.geom.parts[0][0].empty() &&
            std::isfinite(f.geom.parts[0][0][0].x) && std::isfinite(f.geom.parts[0][0][0].y))
            out.position.push_back(f.geom.parts[0][0][0]);
        else
            out.position.push_back(std::nullopt);
    }
    return out;
}

SiteRows siteRowsFromFile(const std::string& path)
{
    io::TableData t = io::readTable(path);
    SiteRows out;
    out.source = path;
    out.epsg = t.info.epsg ? t.info.epsg : 4326;
    for (const auto& f : t.info.fields)
        out.header.push_back(f.name);
    int cx = t.info.xField.empty() ? -1 : findColumn(out.header, {lowerAscii(t.info.xField).c_str()});
    int cy = t.info.yField.empty() ? -1 : findColumn(out.header, {lowerAscii(t.info.yField).c_str()});
    if (cx < 0) cx = findColumn(out.header, {"lon", "longitude", "lng", "x", "kinh_do", "kinhdo"});
    if (cy < 0) cy = findColumn(out.header, {"lat", "latitude", "y", "vi_do", "vido"});
    for (auto& row : t.rows) {
        std::optional<XY> p;
        double x = 0, y = 0;
        if (cx >= 0 && cy >= 0 && static_cast<size_t>(std::max(cx, cy)) < row.size() &&
            io::parseDecimal(trimField(row[static_cast<size_t>(cx)]), x) &&
            io::parseDecimal(trimField(row[static_cast<size_t>(cy)]), y) && std::isfinite(x) && std::isfinite(y))
            p = XY{x, y};
        out.position.push_back(p);
        out.rows.push_back(std::move(row));
    }
    return out;
}

SiteList parseSites(const SiteRows& in, Model model, double radiusKm, double rxHeightM, int workEpsg,
                    const std::string& operatorFilter)
{
    SiteList out;
    const auto& h = in.header;
    const int cId = findColumn(h, {"site_id", "id", "code", "site", "ma_tram"});
    const int cOp = findColumn(h, {"operator", "nha_mang", "network"});
    const int cTech = findColumn(h, {"technology", "tech", "cong_nghe", "rat"});
    const int cBand = findColumn(h, {"band_mhz", "band", "frequency_mhz", "freq_mhz", "tan_so"});
    const int cHeight = findColumn(h, {"height_m", "height", "antenna_height", "antenna_height_m", "do_cao"});
    const int cEirp = findColumn(h, {"eirp_dbm", "eirp"});
    const int cPower = findColumn(h, {"power_dbm", "tx_power_dbm", "power"});
    const int cGain = findColumn(h, {"gain_dbi", "antenna_gain_dbi", "gain"});
    const int cLoss = findColumn(h, {"losses_db", "loss_db", "feeder_loss_db", "losses"});
    const int cAz = findColumn(h, {"azimuth_deg", "azimuth"});
    const int cBw = findColumn(h, {"beamwidth_deg", "beamwidth"});
    const int cTilt = findColumn(h, {"tilt_deg", "tilt", "downtilt"});

    auto missingColumn = [&](const char* field) {
        out.errors.push_back(in.source + ": no column " + field);
    };
    if (cOp < 0) missingColumn("operator");
    if (cTech < 0) missingColumn("technology");
    if (cBand < 0) missingColumn("band_mhz");
    if (cHeight < 0) missingColumn("height_m");
    if (cEirp < 0 && cPower < 0) missingColumn("eirp_dbm (or power_dbm + gain_dbi - losses_db)");
    if (!out.errors.empty())
        return out;

    Layer points;  // positions to reproject
    points.epsg = in.epsg;
    for (size_t i = 0; i < in.rows.size(); ++i) {
        const auto& row = in.rows[i];
        const int rowNo = static_cast<int>(i) + 1;
        auto cell = [&](int c) { return c >= 0 && static_cast<size_t>(c) < row.size() ? trimField(row[static_cast<size_t>(c)]) : std::string(); };
        const std::string where = in.source + " " + in.rowWord + " " + std::to_string(rowNo);
        auto bad = [&](const std::string& field, const std::string& msg) {
            out.errors.push_back(where + ", field " + field + ": " + msg);
        };
        auto number = [&](int c, const char* field, std::optional<double>& v, bool required) {
            const std::string s = cell(c);
            if (s.empty()) {
                if (required) bad(field, "missing value");
                return;
            }
            double d = 0;
            if (!io::parseDecimal(s, d) || !std::isfinite(d)) {
                bad(field, "'" + s + "' is not a number");
                return;
            }
            v = d;
        };
        const std::string op = cell(cOp);
        if (!operatorFilter.empty() && lowerAscii(op) != lowerAscii(operatorFilter))
            continue;
        const size_t errorsBefore = out.errors.size();
        Site s;
        s.sourceRow = rowNo;
        s.id = cell(cId);
        if (s.id.empty()) s.id = in.rowWord + " " + std::to_string(rowNo);
        s.operatorName = op;
        if (op.empty()) bad(h[static_cast<size_t>(cOp)], "missing operator");
        const std::string tech = lowerAscii(cell(cTech));
        if (tech == "3g" || tech == "umts" || tech == "wcdma")
            s.tech = analysis::rf::Technology::G3;
        else if (tech == "4g" || tech == "lte")
            s.tech = analysis::rf::Technology::G4;
        else
            bad(h[static_cast<size_t>(cTech)], "technology '" + cell(cTech) + "' is not 3G or 4G");
        if (!in.position[i])
            bad("position", "missing position (no point / coordinates)");
        std::optional<double> band, height, eirp, power, gain, loss, az, bw, tilt;
        number(cBand, h[static_cast<size_t>(cBand)].c_str(), band, true);
        number(cHeight, h[static_cast<size_t>(cHeight)].c_str(), height, true);
        if (cEirp >= 0 && !cell(cEirp).empty())
            number(cEirp, h[static_cast<size_t>(cEirp)].c_str(), eirp, true);
        else if (cPower >= 0) {
            number(cPower, h[static_cast<size_t>(cPower)].c_str(), power, true);
            if (cGain >= 0) number(cGain, h[static_cast<size_t>(cGain)].c_str(), gain, false);
            if (cLoss >= 0) number(cLoss, h[static_cast<size_t>(cLoss)].c_str(), loss, false);
            if (power) eirp = *power + gain.value_or(0) - loss.value_or(0);
        } else
            bad(h[static_cast<size_t>(cEirp)], "missing value");
        if (cAz >= 0) number(cAz, h[static_cast<size_t>(cAz)].c_str(), az, false);
        if (cBw >= 0) number(cBw, h[static_cast<size_t>(cBw)].c_str(), bw, false);
        if (cTilt >= 0) number(cTilt, h[static_cast<size_t>(cTilt)].c_str(), tilt, false);
        if (height && *height <= 0)
            bad(h[static_cast<size_t>(cHeight)], "antenna height " + fmt(*height) + " m must be > 0");
        if (band) {
            const ValidityRange r = validityRange(model, *band);
            if (*band < r.fMinMhz || *band > r.fMaxMhz)
                bad(h[static_cast<size_t>(cBand)], "band " + fmt(*band) + " MHz outside the " + modelName(model) +
                                                       " model's " + fmt(r.fMinMhz) + "-" + fmt(r.fMaxMhz) + " MHz");
        }
        if (bw && (*bw <= 0 || *bw > 360))
            bad(h[static_cast<size_t>(cBw)], "beamwidth " + fmt(*bw) + " deg outside 0-360");
        if (out.errors.size() != errorsBefore)
            continue;
        s.bandMhz = *band;
        s.heightAgl = *height;
        s.eirpDbm = *eirp;
        if (az) {
            s.sector.omni = false;
            s.sector.azimuthDeg = *az;
            if (bw) s.sector.beamwidthDeg = *bw;
            if (tilt) s.sector.tiltDeg = *tilt;
        }
        for (const auto& issue : validityIssues(model, s.bandMhz, s.heightAgl, rxHeightM, radiusKm))
            out.warnings.push_back(s.id + ": " + issue);
        s.x = in.position[i]->x;
        s.y = in.position[i]->y;
        out.sites.push_back(std::move(s));
    }
    if (!out.errors.empty() || out.sites.empty() || in.epsg == workEpsg)
        return out;
    points.geomType = GeomType::Point;
    for (const auto& s : out.sites)
        points.addFeature(Geometry::point(s.x, s.y));
    crs::reproject(points, workEpsg);
    for (size_t i = 0; i < out.sites.size(); ++i) {
        out.sites[i].x = points.features[i].geom.parts[0][0][0].x;
        out.sites[i].y = points.features[i].geom.parts[0][0][0].y;
    }
    return out;
}

} // namespace bando::predict
