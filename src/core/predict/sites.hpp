#pragma once
// Base-station lists for coverage prediction: rows from the project's `sites` layer or from a
// CSV/XLSX/ODS file (io::readTable), checked row by row. A bad row (missing position, antenna
// height <= 0, band outside the model's frequency range, no operator/technology, no EIRP and no
// power) is reported by row and field; the caller refuses the whole list (nothing half-done).
#include "core/model/layer.hpp"
#include "core/predict/engine.hpp"

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

namespace bando::predict {

// A list of sites as text rows with an optional position per row (in `epsg`).
struct SiteRows {
    std::string source;                    // file or layer name, for messages
    std::string rowWord = "row";           // "row" (files) or "feature" (layers)
    std::vector<std::string> header;       // field names
    std::vector<std::vector<std::string>> rows;
    std::vector<std::optional<XY>> position;  // per row; nullopt = missing
    int epsg = 4326;
};

// From a point layer (any CRS); row i = feature i+1.
SiteRows siteRowsFromLayer(const Layer& layer);
// From a CSV/XLSX/ODS file: position from the lon/lat (x/y, kinh_do/vi_do) columns the importer
// detects, in the file's CRS (WGS 84 unless stated).
SiteRows siteRowsFromFile(const std::string& path);

// Helpers of the list readers (sites, measurements): ASCII lower case, surrounding white space
// removed, and the first of `names` (lower case) among the header's fields (-1 when absent).
std::string lowerAscii(std::string s);
std::string trimField(const std::string& s);
int findColumn(const std::vector<std::string>& header, std::initializer_list<const char*> names);

struct SiteList {
    std::vector<Site> sites;              // in `workEpsg`
    std::vector<std::string> errors;      // "sites.csv row 4, field height_m: antenna height 0 m must be > 0"
    std::vector<std::string> warnings;    // validity-range warnings naming the site
};

// Column names accepted (first match, case-insensitive): site_id|id|code|ma_tram; operator|
// nha_mang; technology|tech|cong_nghe (3G/UMTS/WCDMA, 4G/LTE); band_mhz|band|frequency_mhz|
// tan_so; height_m|height|antenna_height|do_cao; eirp_dbm|eirp, else power_dbm + gain_dbi -
// losses_db; optional azimuth_deg|azimuth, beamwidth_deg|beamwidth, tilt_deg|tilt.
// `operatorFilter` (non-empty) keeps only that operator's rows (others are not checked).
SiteList parseSites(const SiteRows& rows, Model model, double radiusKm, double rxHeightM, int workEpsg,
                    const std::string& operatorFilter = {});

} // namespace bando::predict
