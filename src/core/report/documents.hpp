#pragma once
// The documents of the reports and the atlas (issue #12): a GapReport, a ranking or a set of
// atlas units turned into layout pages (layout::Document) and companion tables (CSV / XLSX).
// Every document names the project, the data date, the thresholds, the data sources and the
// CRS, and carries the "synthetic sample data" notice when the project says it is synthetic.
#include "core/layout/template.hpp"
#include "core/report/deployment.hpp"
#include "core/report/gaps.hpp"
#include "core/report/table_file.hpp"
#include "core/tasks/check_task.hpp"
#include "core/tasks/progress_task.hpp"
#include "core/tasks/rank_task.hpp"

#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace bando {
class ProjectStore;
}

namespace bando::report {

// What every page may print: {project}, {date}, {created}, {sources}, {crs}, {thresholds},
// {notice} (placeholders of the templates).
struct ProjectFacts {
    std::string projectFile, projectTitle, date, created, sources, crs, thresholds, notice;
    std::map<std::string, std::string> vars() const;
};
ProjectFacts projectFacts(const ProjectStore& store, const std::string& projectFile, const std::string& date);

// "Trắng sóng" / "No signal" for no_signal, unstable, covered (the current language).
std::string className(const std::string& mobileClass);

// ---- coverage gaps ----
Table gapTable(const GapReport& r);         // one row per gap village (the CSV)
Table gapSummaryTable(const GapReport& r);  // one row per district + the total
// Summary, then one sheet per district; with `byOperator` (the all-operators report), a last
// sheet of every operator's gap villages by district.
std::vector<Sheet> gapSheets(const GapReport& r, const std::vector<GapReport>& byOperator = {});
Table gapOperatorTable(const std::vector<GapReport>& byOperator);  // operator × district totals
// The name of the coverage theme of one operator's report ("coverage@Viettel").
std::string operatorTheme(const std::string& operatorName);
// `data` with one more village theme per operator report: "coverage@NAME", the classes of that
// operator (its report's rows; the villages of the scope not in them are covered; outside the
// report's district: no data), legend title naming the operator.
std::shared_ptr<const render::MapData> withOperatorThemes(std::shared_ptr<const render::MapData> data,
                                                          const std::vector<const GapReport*>& reports);
// The report's pages; one operator's report draws that operator's classes. The all-operators
// report adds a section per operator of `byOperator` (its map and its totals by district).
layout::Document gapDocument(const GapReport& r, const ProjectFacts& facts, const layout::Template& t,
                             std::shared_ptr<const render::MapData> data, const std::vector<GapReport>& byOperator = {});

// ---- deployment plan (the ranking) ----
Table planTable(const tasks::RankResult& r);
// The ranking and its criteria; with `deployment`, the team bases, the weeks and the visits
// (deployment.hpp) — or, when none is stored, a sheet saying so and how to make them.
std::vector<Sheet> planSheets(const tasks::RankResult& r, const DeploymentPlan* deployment = nullptr);
// The ranking's pages; with `deployment`, then a page of the team bases (their map and table, the
// schedule's summary; or what is missing and the commands that make it), the weeks' table and
// the visits week by week.
layout::Document planDocument(const tasks::RankResult& r, const ProjectFacts& facts, const layout::Template& t,
                              std::shared_ptr<const render::MapData> data, const DeploymentPlan* deployment = nullptr);
// `data` with the bases of `p` as the point layer "team_bases" (map CRS), for the bases map.
std::shared_ptr<const render::MapData> withBases(std::shared_ptr<const render::MapData> data, const DeploymentPlan& p);
// What the plan report says about the bases and the schedule (or their absence and the commands
// that make them), one paragraph per line.
std::string deploymentSummary(const DeploymentPlan& p, const std::string& projectFile);

// ---- progress against the targets (issue #10's progress) ----
// A figure the province reported (progress_reports, scope province): NaN where not reported.
struct ReportedFigure {
    std::string date, source;
    double shops = NAN, accounts = NAN, locomotives = NAN;
};
// What the progress report adds to the progress at its date: the progress at an earlier date
// (--from: the change between the two; null = one date), the data-check findings (null = not
// run) and the province's reported figures (markers on the time-series chart).
struct ProgressExtras {
    const tasks::ProgressResult* from = nullptr;
    const tasks::CheckResult* checks = nullptr;
    std::vector<ReportedFigure> reported;
};
Table progressTable(const tasks::ProgressResult& r, const std::string& level);  // province / district / commune rows
// Province, district and commune rows: shops, accounts, locomotive households and teams at both
// dates and the change.
Table progressChangeTable(const tasks::ProgressResult& from, const tasks::ProgressResult& to);
Table forecastTable(const tasks::ProgressResult& r);
Table checkSummaryTable(const tasks::CheckResult& c);   // one row per check kind run: severity, rule, findings
Table checkFindingsTable(const tasks::CheckResult& c);  // one row per finding
// The province's shops, accounts and locomotive households day by day up to the report's date
// (from `fromDate` when not empty) against their targets, with the reported figures as markers.
layout::ChartData progressSeriesChart(const tasks::ProgressResult& r, const std::vector<ReportedFigure>& reported,
                                      const std::string& fromDate = "");
std::vector<Sheet> progressSheets(const tasks::ProgressResult& r, const ProgressExtras& extras = {});
layout::Document progressDocument(const tasks::ProgressResult& r, const ProjectFacts& facts, const layout::Template& t,
                                  std::shared_ptr<const render::MapData> data, const ProgressExtras& extras = {});

// ---- atlas ----
struct AtlasUnit {
    std::string code, name;
};
// One page per unit of `layer` (districts or communes) with its map, legend, scale bar, overview
// and its villages' table, after a cover with the overview and a table of contents.
layout::Document atlasDocument(const std::string& layer, const std::vector<AtlasUnit>& units,
                               const ProjectFacts& facts, const layout::Template& t,
                               std::shared_ptr<const render::MapData> data, const std::string& theme,
                               const std::string& title);

} // namespace bando::report
