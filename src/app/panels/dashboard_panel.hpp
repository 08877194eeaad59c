#pragma once
// The program dashboard (issue #14): progress against targets per district (bars for shops,
// e-payment accounts, locomotive households and community technology teams, each with its
// target line), the time series of the dated progress reports, and the data-check findings.
// Everything shown comes from the core: tasks::ProgressRequest / tasks::CheckRequest (issue #10,
// core/planning/progress.* and check.*) and the project's progress_reports layer; the panel only
// draws. Activating a finding asks the main window to zoom the map to its place.
#include "core/model/layer.hpp"
#include "core/tasks/check_task.hpp"
#include "core/tasks/progress_task.hpp"

#include <wx/panel.h>

#include <functional>
#include <string>
#include <vector>

class wxListCtrl;
class wxListEvent;
class wxStaticText;

namespace bando::app {

// One dated report of the progress_reports layer (a point of the time series).
struct ReportPoint {
    std::string date, scope, code, source;
    int day = 0;                           // planning::dayNumber(date)
    double shops = -1, accounts = -1, locomotives = -1;  // -1 = not reported
};
// The rows of a progress_reports layer, by date (rows with a bad date are skipped).
std::vector<ReportPoint> reportPoints(const Layer* reports);

// One bar of the dashboard: a measure of a district against its target, in % of the base.
struct ProgressBar {
    std::string measure;  // shops | accounts | locomotives | teams
    double value = 0, target = 0, base = 0;  // counts (teams: villages whose team meets the rule, of all villages)
    double pct() const { return base > 0 ? 100.0 * value / base : 0; }
    double targetPct() const { return base > 0 ? 100.0 * target / base : 0; }
};
// The four bars of a place (a district or the province) from the core's progress counts.
std::vector<ProgressBar> progressBars(const planning::PlaceProgress& p);

class DashboardPanel : public wxPanel {
public:
    explicit DashboardPanel(wxWindow* parent);
    void show(tasks::ProgressResult progress, tasks::CheckResult check, std::vector<ReportPoint> reports);
    void clear();
    bool hasData() const { return m_loaded; }
    const tasks::ProgressResult& progress() const { return m_progress; }
    const tasks::CheckResult& check() const { return m_check; }
    const std::vector<ReportPoint>& reports() const { return m_reports; }
    // The districts drawn as bars (in the order shown).
    std::vector<const planning::PlaceProgress*> districts() const;
    size_t findingCount() const { return m_check.findings.size(); }
    // Selects finding `index` in the list and sends the list's activation event (a double click's).
    void chooseFinding(size_t index);
    // Called with the finding a user activated (double click / Enter): the main window zooms.
    std::function<void(const planning::Finding&)> onFindingChosen;

private:
    void fillFindings();
    void onActivated(wxListEvent& e);

    wxStaticText* m_summary = nullptr;
    wxPanel* m_bars = nullptr;
    wxPanel* m_series = nullptr;
    wxListCtrl* m_findings = nullptr;
    tasks::ProgressResult m_progress;
    tasks::CheckResult m_check;
    std::vector<ReportPoint> m_reports;
    bool m_loaded = false;
};

} // namespace bando::app
