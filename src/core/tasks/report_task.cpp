#include "core/tasks/report_task.hpp"

#include "core/base/error.hpp"
#include "core/base/text.hpp"
#include "core/capi/proj.hpp"
#include "core/i18n/i18n.hpp"
#include "core/layout/template.hpp"
#include "core/render/map_renderer.hpp"
#include "core/report/documents.hpp"
#include "core/report/gaps.hpp"
#include "core/store/project_store.hpp"
#include "core/tasks/check_task.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/progress_task.hpp"
#include "core/tasks/rank_task.hpp"
#include "core/units/map_units.hpp"
#include "core/units/registry.hpp"
#include "core/units/report_units.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>

namespace bando::tasks {
namespace {

std::string extensionOf(const std::string& path)
{
    return text::toLower(std::filesystem::path(path).extension().string());
}

// The template of a report: the user's, else the kind's default; the request's paper and
// orientation over the template's.
layout::Template reportTemplate(const ReportRequest& r)
{
    layout::Template t = layout::loadTemplate(r.layout.empty() ? r.kind : r.layout);
    if (!r.paper.empty()) {
        double w = 0, h = 0;
        layout::paperSize(r.paper, false, w, h);
        t.paper = r.paper;
    }
    if (r.landscape >= 0)
        t.landscape = r.landscape == 1;
    return t;
}

} // namespace

void ReportRequest::validate() const
{
    if (project.empty())
        throw Error(ErrorKind::Usage, "PROJECT", "expected the project file");
    if (kind != "gaps" && kind != "plan" && kind != "progress")
        throw Error(ErrorKind::Usage, "--kind", "unknown report kind '" + kind + "' (expected gaps, progress or plan)");
    if (out.empty())
        throw Error(ErrorKind::Usage, "--out", "expected FILE.pdf, .png, .svg, .csv or .xlsx");
    const std::string ext = extensionOf(out);
    if (ext != ".pdf" && ext != ".png" && ext != ".svg" && ext != ".csv" && ext != ".xlsx")
        throw Error(ErrorKind::Usage, "--out",
                    "unknown format '" + (ext.empty() ? std::string("(none)") : ext) +
                        "' (expected .pdf, .png, .svg, .csv or .xlsx)");
    if (!from.empty()) {
        if (kind != "progress")
            throw Error(ErrorKind::Usage, "--from", "only the progress report runs between two dates");
        if (!planning::isIsoDate(from))
            throw Error(ErrorKind::Usage, "--from", "expected a date YYYY-MM-DD, got '" + from + "'");
        if (!date.empty() && planning::isIsoDate(date) && from >= date)
            throw Error(ErrorKind::Usage, "--from", "the start date " + from + " must be before the report's date " + date);
    }
    if (!operatorName.empty() && kind != "gaps")
        throw Error(ErrorKind::Usage, "--operator", "only the gaps report is per operator");
    if (!paper.empty()) {
        double w = 0, h = 0;
        layout::paperSize(paper, false, w, h);
    }
    if (!(dpi >= 10 && dpi <= 1200))
        throw Error(ErrorKind::Usage, "--dpi", "expected a resolution between 10 and 1200 dpi");
    if (top < 0)
        throw Error(ErrorKind::Usage, "--top", "expected 0 (all) or a positive number of villages");
    if (!units.empty() && kind != "gaps")
        throw Error(ErrorKind::Usage, "--units", "only the gaps report is drawn in another unit version");
}

ReportResult run(const ReportRequest& request, Feedback& fb)
{
    request.validate();
    const auto t0 = std::chrono::steady_clock::now();
    ReportResult res;
    res.kind = request.kind;
    res.out = request.out;
    const std::string ext = extensionOf(request.out);
    res.format = ext.substr(1);
    const bool document = ext == ".pdf" || ext == ".png" || ext == ".svg";
    // The template is read first: a bad one fails before the project is read.
    layout::Template tmpl;
    if (document)
        tmpl = reportTemplate(request);

    fb.setStep("read");
    auto store = ProjectStore::open(request.project, ProjectStore::Mode::ReadOnly);
    std::shared_ptr<const render::MapData> data;
    std::vector<render::MapSettings::LayerDisplay> display;
    std::string displayTheme;
    auto loadMap = [&] {
        if (!document)
            return;
        std::vector<std::string> layers = render::layersForTheme("coverage");
        if (!request.units.empty())
            layers.push_back(units::communesLayerOf(request.units));
        data = render::loadMapData(*store, crs::kVn2000LangSon, &fb, layers);
        display = layout::savedDisplay(*store, *data, &displayTheme);  // the saved legend toggles, as bando render
        std::string pagedBy;
        if (!request.units.empty())  // issue #17: the units of that version take the districts' place
            data = units::atlasInVersion(*store, *data, request.units, pagedBy, &fb);
    };

    if (request.kind == "gaps") {
        report::GapReport gaps = report::loadGapReport(*store, request.operatorName,
                                                       request.units.empty() ? request.district : "", request.date);
        if (!request.units.empty()) {
            units::gapReportInVersion(*store, gaps, request.units, request.district);
            gaps.twoLevel = !units::Registry::shipped().version(request.units).hasDistricts;
        }
        fb.setProgress(20);
        res.date = gaps.date;
        res.rows = static_cast<int>(gaps.rows.size());
        res.noSignal = gaps.total.noSignal;
        res.unstable = gaps.total.unstable;
        res.noBroadband = gaps.total.noBroadband;
        res.households = gaps.total.households;
        // The all-operators report groups the gaps by operator too (PDF sections, XLSX sheet).
        std::vector<report::GapReport> byOperator;
        if (request.operatorName.empty() && ext != ".csv" && request.byOperator)
            for (const auto& op : gaps.operators) {
                throwIfCancelled(&fb);
                byOperator.push_back(report::loadGapReport(*store, op, request.units.empty() ? request.district : "",
                                                           gaps.date));
                if (!request.units.empty()) {  // the operator's section in the same unit version
                    units::gapReportInVersion(*store, byOperator.back(), request.units, request.district);
                    byOperator.back().twoLevel = gaps.twoLevel;
                }
                res.operators.push_back(op);
            }
        const report::ProjectFacts facts = report::projectFacts(*store, request.project, gaps.date);
        loadMap();
        store.reset();
        throwIfCancelled(&fb);
        fb.setStep("write");
        if (ext == ".csv") {
            report::writeCsv(request.out, report::gapTable(gaps));
            res.files = {request.out};
        } else if (ext == ".xlsx") {
            const auto sheets = report::gapSheets(gaps, byOperator);
            report::writeXlsx(request.out, sheets, tr("Coverage gaps") + std::string(" — ") + facts.projectTitle,
                              facts.thresholds);
            res.sheets = static_cast<int>(sheets.size());
            res.files = {request.out};
        } else {
            layout::Document doc = report::gapDocument(gaps, facts, tmpl, data, byOperator);
            doc.display = display;
            doc.displayTheme = displayTheme;
            res.pages = static_cast<int>(doc.pages.size());
            res.files = layout::write(doc, request.out, request.dpi, &fb);
        }
    } else if (request.kind == "progress") {
        ProgressRequest pr;
        pr.project = request.project;
        pr.date = request.date;
        pr.levels = {"province", "district", "commune"};
        pr.validate();
        store.reset();  // the progress task opens the project itself
        const ProgressResult progress = run(pr, fb);
        fb.setProgress(30);
        res.date = progress.date;
        report::ProgressExtras extras;
        ProgressResult before;
        if (!request.from.empty()) {
            if (request.from >= progress.date)
                throw Error(ErrorKind::Usage, "--from",
                            "the start date " + request.from + " must be before the report's date " + progress.date);
            ProgressRequest p0 = pr;
            p0.date = request.from;
            before = run(p0, fb);
            extras.from = &before;
            res.from = before.date;
        }
        CheckResult checks;
        if (request.checks) {
            CheckRequest cr;
            cr.project = request.project;
            cr.validate();
            checks = run(cr, fb);
            extras.checks = &checks;
            res.checkErrors = checks.errors;
            res.checkWarnings = checks.warnings;
        }
        fb.setProgress(40);
        for (const auto& p : progress.places)
            res.rows += p.level == "commune";
        store = ProjectStore::open(request.project, ProjectStore::Mode::ReadOnly);
        const report::ProjectFacts facts = report::projectFacts(*store, request.project, progress.date);
        if (store->hasLayer("progress_reports")) {  // the province's reported figures (chart markers)
            const Layer rep = store->readLayer("progress_reports", &fb);
            for (const auto& f : rep.features) {
                if (rep.text(f, "scope") != "province")
                    continue;
                report::ReportedFigure rf;
                rf.date = rep.text(f, "date").substr(0, 10);
                rf.source = rep.text(f, "source");
                auto value = [&](const char* field) {
                    const auto v = toReal(rep.value(f, field));
                    return v ? *v : NAN;
                };
                rf.shops = value("shops");
                rf.accounts = value("accounts");
                rf.locomotives = value("locomotives");
                extras.reported.push_back(rf);
            }
        }
        if (document)
            data = render::loadMapData(*store, crs::kVn2000LangSon, &fb, render::layersForTheme("shops"));
        store.reset();
        fb.setStep("write");
        if (ext == ".csv") {
            report::Table all;
            if (extras.from)
                all = report::progressChangeTable(before, progress);
            else {
                all = report::progressTable(progress, "province");
                for (const char* level : {"district", "commune"})
                    for (auto& row : report::progressTable(progress, level).rows)
                        all.rows.push_back(row);
            }
            report::writeCsv(request.out, all);
            res.files = {request.out};
        } else if (ext == ".xlsx") {
            const auto sheets = report::progressSheets(progress, extras);
            report::writeXlsx(request.out, sheets, tr("Program progress against the targets") + std::string(" — ") +
                                                       facts.projectTitle, facts.thresholds);
            res.sheets = static_cast<int>(sheets.size());
            res.files = {request.out};
        } else {
            layout::Document doc = report::progressDocument(progress, facts, tmpl, data, extras);
            doc.display = display;
            doc.displayTheme = displayTheme;
            res.pages = static_cast<int>(doc.pages.size());
            res.files = layout::write(doc, request.out, request.dpi, &fb);
        }
    } else {  // plan
        RankRequest rank;
        rank.project = request.project;
        rank.preset = request.preset;
        rank.date = request.date;
        rank.top = request.top;
        if (!request.district.empty())
            rank.districts = {request.district};
        rank.validate();
        store.reset();  // the ranking opens the project itself
        const RankResult ranking = run(rank, fb);
        fb.setProgress(40);
        res.date = ranking.date;
        res.rows = static_cast<int>(ranking.villages.size());
        store = ProjectStore::open(request.project, ProjectStore::Mode::ReadOnly);
        const report::ProjectFacts facts = report::projectFacts(*store, request.project, ranking.date);
        // Planning core II's team bases and week-by-week schedule, as stored (or their absence).
        const report::DeploymentPlan deployment = report::loadDeploymentPlan(*store, request.district);
        res.bases = static_cast<int>(deployment.bases.size());
        res.scheduledVisits = static_cast<int>(std::count_if(deployment.visits.begin(), deployment.visits.end(),
                                                             [](const auto& v) { return v.week > 0; }));
        loadMap();
        store.reset();
        fb.setStep("write");
        if (ext == ".csv") {
            // The ranking in FILE.csv; the bases and the visits beside it when stored.
            report::writeCsv(request.out, report::planTable(ranking));
            res.files = {request.out};
            const std::filesystem::path out(request.out);
            auto beside = [&](const std::string& suffix) {
                return (out.parent_path() / (out.stem().string() + "-" + suffix + out.extension().string())).string();
            };
            if (deployment.hasBases()) {
                res.files.push_back(beside("bases"));
                report::writeCsv(res.files.back(), report::basesTable(deployment));
            }
            if (deployment.hasSchedule()) {
                res.files.push_back(beside("schedule"));
                report::writeCsv(res.files.back(), report::scheduleTable(deployment));
            }
        } else if (ext == ".xlsx") {
            const auto sheets = report::planSheets(ranking, &deployment);
            report::writeXlsx(request.out, sheets, tr("Deployment plan") + std::string(" — ") + facts.projectTitle,
                              facts.thresholds);
            res.sheets = static_cast<int>(sheets.size());
            res.files = {request.out};
        } else {
            layout::Document doc = report::planDocument(ranking, facts, tmpl, data, &deployment);
            doc.display = display;
            doc.displayTheme = displayTheme;
            res.pages = static_cast<int>(doc.pages.size());
            res.files = layout::write(doc, request.out, request.dpi, &fb);
        }
    }
    res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    fb.setProgress(100);
    return res;
}

} // namespace bando::tasks
