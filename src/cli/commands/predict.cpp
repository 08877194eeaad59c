// bando predict PROJECT [--sites LAYER|FILE] [--model itm|hata|cost231|fspl] [--radius-km R]
// [--resolution M] [--operator NAME] [--out DIR] [--path-loss] [--layer NAME | --replace] [--json]:
// coverage prediction from base stations over the project's DEM (issue #16).
// Parses arguments into tasks::PredictRequest and prints its result.
#include "cli/command.hpp"
#include "cli/console.hpp"
#include "core/base/error.hpp"
#include "core/base/json.hpp"
#include "core/i18n/i18n.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/predict_task.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

namespace bando::cli {
namespace {

double parseNumber(const Args& a, const std::string& name, double fallback)
{
    if (!a.has(name))
        return fallback;
    const std::string v = a.get(name);
    char* end = nullptr;
    const double d = std::strtod(v.c_str(), &end);
    if (v.empty() || *end != '\0' || !std::isfinite(d))
        throw Error(ErrorKind::Usage, "--" + name, "expected a number, got '" + v + "'");
    return d;
}

void printJson(const tasks::PredictResult& r)
{
    JsonWriter w(std::cout);
    w.beginObject();
    w.field("file", r.project).field("model", r.model).field("layer", r.layer).field("replaced", r.replaced);
    w.field("sites_source", r.sitesSource).field("sites", r.sites);
    w.field("radius_km", r.radiusKm).field("resolution_m", r.resolutionM);
    w.field("grid_cols", r.gridCols).field("grid_rows", r.gridRows);
    w.key("thresholds").beginObject(true);
    w.field("rsrp_good_dbm", r.thresholds.g4.goodDbm).field("rsrp_weak_dbm", r.thresholds.g4.weakDbm);
    w.field("rscp_good_dbm", r.thresholds.g3.goodDbm).field("rscp_weak_dbm", r.thresholds.g3.weakDbm);
    w.endObject();
    w.key("coverage").beginArray();
    for (const auto& c : r.coverage) {
        w.beginObject(true).field("operator", c.operatorName).field("technology", c.technology).field("sites", c.sites);
        w.field("good_km2", std::round(c.goodKm2 * 100) / 100).field("weak_km2", std::round(c.weakKm2 * 100) / 100);
        w.field("good_cells", c.goodCells).field("weak_cells", c.weakCells);
        w.endObject();
    }
    w.endArray();
    w.key("rasters").beginArray();
    for (const auto& f : r.rasters) w.value(f);
    w.endArray();
    w.key("warnings").beginArray();
    for (const auto& s : r.warnings) w.value(s);
    w.endArray();
    if (r.calibration) {
        const auto& c = *r.calibration;
        auto r2 = [](double v) { return std::round(v * 100) / 100; };
        w.key("calibration").beginObject();
        w.field("file", r.calibrationFile).field("points", c.overall.points).field("unmatched", c.unmatched);
        w.field("mean_error_db", r2(c.overall.meanErrorDb)).field("std_dev_db", r2(c.overall.stdDevDb));
        w.field("rms_error_db", r2(c.overall.rmsErrorDb));
        w.key("operators").beginArray();
        for (const auto& o : c.operators) {
            w.beginObject(true).field("operator", o.operatorName).field("points", o.points);
            w.field("mean_error_db", r2(o.meanErrorDb)).field("std_dev_db", r2(o.stdDevDb));
            w.field("offset_applied_db", r2(o.offsetDb));
            w.endObject();
        }
        w.endArray();
        w.endObject();
    }
    if (!r.candidates.empty()) {
        auto hh = [](double v) { return static_cast<int64_t>(std::llround(v)); };
        w.field("demand_settlements", r.demandPoints).field("demand_households", hh(r.demandHouseholds));
        w.field("covered_by", r.coveredBy).field("demand_households_covered_good", hh(r.demandHouseholdsCovered));
        w.field("demand_households_covered_weak", hh(r.demandHouseholdsCoveredWeak));
        w.key("candidates").beginArray();
        for (const auto& c : r.candidates) {
            w.beginObject(true).field("id", c.id).field("row", c.sourceRow).field("operator", c.operatorName);
            w.field("technology", c.technology).field("households_good", hh(c.householdsGood));
            w.field("households_weak", hh(c.householdsWeak)).field("settlements_good", c.settlementsGood);
            w.field("settlements_weak", c.settlementsWeak);
            w.field("households_good_new", hh(c.householdsGoodNew)).field("households_weak_new", hh(c.householdsWeakNew));
            w.field("settlements_good_new", c.settlementsGoodNew).field("settlements_weak_new", c.settlementsWeakNew);
            w.endObject();
        }
        w.endArray();
    }
    w.field("engine_seconds", std::round(r.engineSeconds * 1000) / 1000);
    w.field("total_seconds", std::round(r.totalSeconds * 1000) / 1000);
    w.endObject();
}

void printCalibration(const tasks::PredictResult& r)
{
    if (!r.calibration)
        return;
    const auto& c = *r.calibration;
    std::printf("%s (%s): %d %s, %d %s; %s %+.2f dB, %s %.2f dB\n", tr("Calibration"), r.calibrationFile.c_str(),
                c.overall.points, tr("points"), c.unmatched, tr("without prediction"), tr("mean error"),
                c.overall.meanErrorDb, tr("std dev"), c.overall.stdDevDb);
    for (const auto& o : c.operators)
        std::printf("  %s: %d %s, %s %+.2f dB, %s %.2f dB → %s %+.2f dB\n", padRight(o.operatorName, 12).c_str(),
                    o.points, tr("points"), tr("mean error"), o.meanErrorDb, tr("std dev"), o.stdDevDb,
                    tr("offset applied"), o.offsetDb);
}

void printCandidates(const tasks::PredictResult& r)
{
    std::printf("%s: %s, %s %g km, %s %g m; %zu %s, %.0f %s\n", tr("Model"), r.model.c_str(), tr("radius"), r.radiusKm,
                tr("resolution"), r.resolutionM, r.demandPoints, tr("settlements"), r.demandHouseholds, tr("households"));
    std::printf("%s (%s): %.0f %s, %.0f %s\n", tr("Already covered"), r.coveredBy.c_str(), r.demandHouseholdsCovered,
                tr("households (good)"), r.demandHouseholdsCoveredWeak, tr("households (weak only)"));
    printCalibration(r);
    std::printf("%s %s %s %s %s %s %s\n", padRight(tr("Candidate"), 14).c_str(), padRight(tr("Operator"), 12).c_str(),
                padRight(tr("Technology"), 10).c_str(), padRight(tr("Households (good)"), 18).c_str(),
                padRight(tr("new"), 8).c_str(), padRight(tr("Households (weak)"), 18).c_str(), tr("new"));
    for (const auto& c : r.candidates)
        std::printf("%s %s %s %18.0f %8.0f %18.0f %8.0f\n", padRight(c.id, 14).c_str(), padRight(c.operatorName, 12).c_str(),
                    padRight(c.technology, 10).c_str(), c.householdsGood, c.householdsGoodNew, c.householdsWeak,
                    c.householdsWeakNew);
    for (const auto& s : r.warnings) std::fprintf(stderr, "%s: %s\n", tr("warning"), s.c_str());
    std::printf("%s: %.2f s (%s %.2f s)\n", tr("Time"), r.totalSeconds, tr("propagation"), r.engineSeconds);
}

void printText(const tasks::PredictResult& r)
{
    if (!r.candidates.empty())
        return printCandidates(r);
    std::printf("%s: %s\n", tr("Project"), r.project.c_str());
    std::printf("%s: %s, %s %g km, %s %g m (%d x %d), %zu %s (%s)\n", tr("Model"), r.model.c_str(), tr("radius"),
                r.radiusKm, tr("resolution"), r.resolutionM, r.gridCols, r.gridRows, r.sites, tr("sites"),
                r.sitesSource.c_str());
    std::printf("%s: RSRP %g / %g dBm, RSCP %g / %g dBm\n", tr("Thresholds (good / weak)"), r.thresholds.g4.goodDbm,
                r.thresholds.g4.weakDbm, r.thresholds.g3.goodDbm, r.thresholds.g3.weakDbm);
    std::printf("%s %s %s %s %s\n", padRight(tr("Operator"), 12).c_str(), padRight(tr("Technology"), 10).c_str(),
                padRight(tr("Sites"), 6).c_str(), padRight(tr("Good km²"), 10).c_str(), tr("Weak km²"));
    for (const auto& c : r.coverage)
        std::printf("%s %s %6d %10.1f %10.1f\n", padRight(c.operatorName, 12).c_str(), padRight(c.technology, 10).c_str(),
                    c.sites, c.goodKm2, c.weakKm2);
    printCalibration(r);
    std::printf("%s: %s%s\n", tr("Layer written"), r.layer.c_str(), r.replaced ? tr(" (replaced)") : "");
    for (const auto& f : r.rasters) std::printf("%s: %s\n", tr("Raster"), f.c_str());
    for (const auto& s : r.warnings) std::fprintf(stderr, "%s: %s\n", tr("warning"), s.c_str());
    std::printf("%s: %.2f s (%s %.2f s)\n", tr("Time"), r.totalSeconds, tr("propagation"), r.engineSeconds);
}

int runPredict(const Args& a)
{
    a.allowOnly({"sites", "model", "radius-km", "resolution", "operator", "out", "path-loss", "layer", "replace",
                 "threads", "simplify", "calibrate", "candidates", "covered-by", "profile-step", "json"});
    if (a.positional.size() != 1)
        throw Error(ErrorKind::Usage, "", tr("expected one PROJECT file"));
    if (a.has("layer") && a.has("replace"))
        throw Error(ErrorKind::Usage, "--layer", "--layer and --replace exclude each other");
    tasks::PredictRequest request;
    request.project = a.positional[0];
    if (a.has("sites")) request.sites = a.get("sites");
    if (a.has("model")) request.model = a.get("model");
    request.radiusKm = parseNumber(a, "radius-km", request.radiusKm);
    request.resolutionM = parseNumber(a, "resolution", request.resolutionM);
    request.operatorName = a.get("operator");
    request.outDir = a.get("out");
    request.pathLossRasters = a.has("path-loss");
    if (a.has("layer")) request.layer = a.get("layer");
    request.replace = a.has("replace");
    request.simplifyM = parseNumber(a, "simplify", request.simplifyM);
    request.threads = static_cast<int>(parseNumber(a, "threads", request.threads));
    request.calibrateFile = a.get("calibrate");
    request.profileStepM = parseNumber(a, "profile-step", request.profileStepM);
    request.candidatesFile = a.get("candidates");
    if (a.has("covered-by")) {
        if (request.candidatesFile.empty())
            throw Error(ErrorKind::Usage, "--covered-by", "--covered-by goes with --candidates");
        request.coveredBy = a.get("covered-by");
    }
    const auto result = tasks::runTask(request, consoleFeedback());
    if (a.has("json"))
        printJson(result);
    else
        printText(result);
    return ExitOk;
}

CommandRegistration reg({"predict",
                         "predict PROJECT [--sites LAYER|FILE] [--model itm|hata|cost231|fspl] [--radius-km R] "
                         "[--resolution M] [--operator NAME] [--out DIR [--path-loss]] [--layer NAME | --replace] "
                         "[--threads N] [--calibrate FILE] [--candidates FILE|LAYER [--covered-by coverage|sites|none|LAYER]] "
                         "[--profile-step M] [--json]",
                         "Predicts mobile coverage from base stations (the project's sites layer, or a CSV/XLSX list "
                         "with position, height_m, band_mhz, eirp_dbm or power_dbm + gain_dbi - losses_db, "
                         "technology, operator, optional azimuth/beamwidth/tilt) over the project's DEM. Default "
                         "model hata (Okumura-Hata / COST-231 by band + knife edge, the sample's), 10 km radius, "
                         "250 m grid. Good / weak polygons per operator and technology (thresholds: project "
                         "settings setting.rsrp_good_dbm, setting.rsrp_weak_dbm, setting.rscp_good_dbm, "
                         "setting.rscp_weak_dbm) go to the layer coverage_predicted (or --layer NAME); --replace "
                         "replaces the coverage layer that classify and analyze use. --out DIR writes GeoTIFF "
                         "rasters (EPSG:9215): level and best server per operator and technology, and with "
                         "--path-loss the path loss of every site. Bad site rows are reported by row and field "
                         "and nothing is written. --calibrate FILE (CSV/XLSX of measured points: lon, lat, "
                         "operator, technology, level_dbm, date) reports the model's error per operator (mean, "
                         "standard deviation) and adds the fitted per-operator offset to the predicted levels (with "
                         "--candidates: fitted on the project's sites, added to the candidates' levels). "
                         "--candidates FILE|LAYER predicts candidate sites (same columns as the sites) and lists the "
                         "households of the project's settlements each would cover (good / weak level), gross and "
                         "new: not already covered by the project's coverage layer (--covered-by: another coverage "
                         "layer, sites = the project's sites predicted with the same model, or none); nothing "
                         "is written.",
                         {"json", "replace", "path-loss"}, runPredict});

} // namespace
} // namespace bando::cli
