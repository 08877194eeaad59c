#pragma once
// Calibration of a prediction against measured points (drive tests, crowd data): the model's
// error per operator (mean, standard deviation) and a per-operator offset that `bando predict
// --calibrate FILE` adds to the predicted levels before thresholding (stated in its output).
//
// Error = predicted - measured (dB) at the measurement's grid cell, on the same reference signal
// (RSRP for 4G, RSCP for 3G), the operator's best server of that technology. The fitted offset
// is the least-squares constant: offset = -mean error (measured - predicted on average).
#include "core/predict/engine.hpp"
#include "core/predict/sites.hpp"

#include <functional>
#include <string>
#include <vector>

namespace bando::predict {

struct Measurement {
    double x = 0, y = 0;  // working CRS
    std::string operatorName;
    analysis::rf::Technology tech = analysis::rf::Technology::G4;
    double levelDbm = 0;
    std::string date;     // as given (not interpreted)
    int sourceRow = 0;    // 1-based row of the file
};

struct MeasurementList {
    std::vector<Measurement> points;
    std::vector<std::string> errors;  // "drive.csv row 7, field level_dbm: 'abc' is not a number"
};

// Columns (case-insensitive, first match): position as the importer detects it (lon/lat, x/y,
// kinh_do/vi_do); operator|nha_mang|network; technology|tech|cong_nghe|rat (3G/UMTS/WCDMA,
// 4G/LTE); level_dbm|level|rsrp_dbm|rsrp|rscp_dbm|rscp|dbm|muc_song; date|ngay|time|datetime
// (optional). A level outside -150..-20 dBm is an error. Rows of other operators than
// `operatorFilter` (when non-empty) are skipped.
MeasurementList parseMeasurements(const SiteRows& rows, int workEpsg, const std::string& operatorFilter = {});

struct CalibrationStats {
    std::string operatorName;  // empty for all operators together
    int points = 0;            // measurements with a prediction
    double meanErrorDb = 0;    // predicted - measured
    double stdDevDb = 0;       // of the error (population)
    double rmsErrorDb = 0;
    double offsetDb = 0;       // added to the operator's predicted levels: -meanErrorDb
};

struct Calibration {
    CalibrationStats overall;
    std::vector<CalibrationStats> operators;  // sorted by name
    int unmatched = 0;  // measurements without a prediction (outside the grid / radius, no site)
    // The operator's offset (0 for an operator without measurements).
    double offsetFor(const std::string& operatorName) const;
};

// `predicted(m)` is the model's level at the measurement (NaN when there is none).
Calibration calibrate(const std::vector<Measurement>& points, const std::function<double(const Measurement&)>& predicted);

} // namespace bando::predict
