#include "app/dialogs/planning_dialogs.hpp"

#include "app/bridge/bridge.hpp"
#include "core/base/error.hpp"
#include "core/tasks/job.hpp"

#include <wx/dialog.h>
#include <wx/filepicker.h>
#include <wx/menu.h>
#include <wx/msgdlg.h>
#include <wx/sizer.h>
#include <wx/spinctrl.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <sstream>
#include <utility>

namespace bando::app {

namespace {

std::string fixed(double v, int decimals)
{
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", decimals, v);
    return b;
}

// A dialog with an explanation, a two-column grid of labelled controls and OK / Cancel.
class Form {
public:
    Form(wxWindow* parent, const char* title, const char* explanation)
        : m_dlg(parent, wxID_ANY, wtr(title), wxDefaultPosition, wxDefaultSize, wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
          m_title(title)
    {
        m_top = new wxBoxSizer(wxVERTICAL);
        auto* text = new wxStaticText(&m_dlg, wxID_ANY, wtr(explanation));
        text->Wrap(520);
        m_top->Add(text, 0, wxALL | wxEXPAND, 10);
        m_grid = new wxFlexGridSizer(2, 6, 8);
        m_grid->AddGrowableCol(1);
    }
    wxDialog* dialog() { return &m_dlg; }
    wxSpinCtrl* integer(const char* label, int value, int lo, int hi)
    {
        auto* c = new wxSpinCtrl(&m_dlg, wxID_ANY, "", wxDefaultPosition, wxDefaultSize, wxSP_ARROW_KEYS, lo, hi, value);
        add(label, c);
        return c;
    }
    wxSpinCtrlDouble* real(const char* label, double value, double lo, double hi, double step)
    {
        auto* c = new wxSpinCtrlDouble(&m_dlg, wxID_ANY, "", wxDefaultPosition, wxDefaultSize, wxSP_ARROW_KEYS, lo, hi,
                                       value, step);
        add(label, c);
        return c;
    }
    wxTextCtrl* text(const char* label, const std::string& value)
    {
        auto* c = new wxTextCtrl(&m_dlg, wxID_ANY, wx(value));
        add(label, c);
        return c;
    }
    wxFilePickerCtrl* file(const char* label, const std::string& value)
    {
        auto* c = new wxFilePickerCtrl(&m_dlg, wxID_ANY, wx(value), wtr(label), "CSV (*.csv)|*.csv", wxDefaultPosition,
                                       wxDefaultSize, wxFLP_OPEN | wxFLP_FILE_MUST_EXIST | wxFLP_USE_TEXTCTRL);
        add(label, c);
        return c;
    }
    // Shows the dialog until OK with a request `fill` builds and the core validates, or Cancel.
    bool run(const std::function<void()>& fillAndValidate)
    {
        m_top->Add(m_grid, 0, wxLEFT | wxRIGHT | wxEXPAND, 10);
        m_top->Add(m_dlg.CreateStdDialogButtonSizer(wxOK | wxCANCEL), 0, wxALL | wxEXPAND, 10);
        m_dlg.SetSizerAndFit(m_top);
        for (;;) {
            if (m_dlg.ShowModal() != wxID_OK)
                return false;
            if (guarded(&m_dlg, wtr(m_title), fillAndValidate))
                return true;
        }
    }

private:
    void add(const char* label, wxWindow* control)
    {
        m_grid->Add(new wxStaticText(&m_dlg, wxID_ANY, wtr(label)), 0, wxALIGN_CENTER_VERTICAL);
        m_grid->Add(control, 1, wxEXPAND);
    }
    wxDialog m_dlg;
    const char* m_title;
    wxBoxSizer* m_top = nullptr;
    wxFlexGridSizer* m_grid = nullptr;
};

std::string text(const wxTextCtrl* c) { return utf8(wxString(c->GetValue()).Trim().Trim(false)); }

} // namespace

wxMenu* makePlanningMenu()
{
    auto* m = new wxMenu;
    m->Append(kPlanningIdSites, wtr("New &sites…"), wtr("Choose new base stations that cover the most gap households"));
    m->Append(kPlanningIdBases, wtr("Team &bases…"), wtr("Choose the communes to base the support teams at"));
    m->Append(kPlanningIdSplit, wtr("&Operators' shares…"), wtr("Share the gap villages among the operators"));
    m->Append(kPlanningIdSchedule, wtr("Team s&chedule…"), wtr("Plan which support team visits which village on which day"));
    return m;
}

bool runSitesDialog(wxWindow* parent, const std::string& projectPath, tasks::SitesRequest& request)
{
    Form f(parent, N_("New sites"),
           N_("Chooses new base stations among the candidate points so that the most households of villages with no or "
              "an unstable signal are within the radius (maximal covering, proven optimal through CBC where it can). "
              "Run the analysis first."));
    auto* count = f.integer(N_("Number of new sites"), request.count > 0 ? request.count : 10, 1, 1000);
    auto* radius = f.real(N_("Radius (km)"), request.radiusKm, 0.1, 50, 0.5);
    auto* layer = f.text(N_("Candidates layer"), request.candidatesLayer);
    auto* seconds = f.real(N_("Time limit (s)"), request.timeLimitSeconds, 0, 3600, 10);
    auto* scenario = f.text(N_("Scenario"), request.scenario);
    return f.run([&] {
        tasks::SitesRequest r = request;
        r.project = projectPath;
        r.count = count->GetValue();
        r.radiusKm = radius->GetValue();
        r.candidatesLayer = text(layer);
        r.timeLimitSeconds = seconds->GetValue();
        r.scenario = text(scenario);
        r.validate();
        request = r;
    });
}

bool runBasesDialog(wxWindow* parent, const std::string& projectPath, tasks::BasesRequest& request)
{
    Form f(parent, N_("Team bases"),
           N_("Chooses the communes to base the support teams at, so that the household-weighted road distance from "
              "every village to its nearest base is least (p-median)."));
    auto* count = f.integer(N_("Number of bases"), request.count > 0 ? request.count : 11, 1, 1000);
    auto* seconds = f.real(N_("Time limit (s)"), request.timeLimitSeconds, 0, 3600, 5);
    auto* scenario = f.text(N_("Scenario"), request.scenario);
    return f.run([&] {
        tasks::BasesRequest r = request;
        r.project = projectPath;
        r.count = count->GetValue();
        r.timeLimitSeconds = seconds->GetValue();
        r.scenario = text(scenario);
        r.validate();
        request = r;
    });
}

bool runSplitDialog(wxWindow* parent, const std::string& projectPath, tasks::SplitRequest& request)
{
    Form f(parent, N_("Operators' shares"),
           N_("Shares the gap villages among the operators in proportion to their market shares, each village to an "
              "operator with a site near it. Write the shares as OPERATOR=PERCENT, separated by commas."));
    std::string shares;
    for (const auto& [op, pct] : request.shares)
        shares += (shares.empty() ? "" : ", ") + op + "=" + fixed(pct, 1);
    auto* sharesCtrl = f.text(N_("Market shares"), shares);
    auto* tolerance = f.real(N_("Tolerance (percentage points)"), request.tolerancePp, 0, 50, 0.5);
    auto* scenario = f.text(N_("Scenario"), request.scenario);
    return f.run([&] {
        tasks::SplitRequest r = request;
        r.project = projectPath;
        r.shares.clear();
        std::stringstream in(text(sharesCtrl));
        std::string item;
        while (std::getline(in, item, ',')) {
            const size_t eq = item.find('=');
            const auto trim = [](std::string s) {
                const size_t a = s.find_first_not_of(' '), b = s.find_last_not_of(' ');
                return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
            };
            if (trim(item).empty())
                continue;
            char* end = nullptr;
            const std::string pct = eq == std::string::npos ? std::string() : trim(item.substr(eq + 1));
            const double v = std::strtod(pct.c_str(), &end);
            if (eq == std::string::npos || pct.empty() || *end != '\0')
                throw Error(ErrorKind::Usage, tr("Market shares"), trf("expected OPERATOR=PERCENT, got '{1}'", {trim(item)}));
            r.shares.emplace_back(trim(item.substr(0, eq)), v);
        }
        r.tolerancePp = tolerance->GetValue();
        r.scenario = text(scenario);
        r.validate();
        request = r;
    });
}

bool runScheduleDialog(wxWindow* parent, const std::string& projectPath, tasks::ScheduleRequest& request)
{
    Form f(parent, N_("Team schedule"),
           N_("Plans which support team visits which village on which working day: teams at the bases of a Team bases "
              "scenario, villages in the team ranking's order with short road travel, and compares with the 2021 order."));
    auto* teams = f.integer(N_("Teams per base"), request.teams, 1, 100);
    auto* from = f.text(N_("First day (YYYY-MM-DD)"), request.from);
    auto* to = f.text(N_("Last day (YYYY-MM-DD)"), request.to);
    std::string days;
    for (int d : request.workdays)
        days += (days.empty() ? "" : ",") + std::to_string(d);
    auto* workdays = f.text(N_("Working weekdays (1 = Monday)"), days);
    auto* perDay = f.integer(N_("Villages per team and day"), request.villagesPerDay, 1, 10);
    auto* lag = f.real(N_("Weeks from a visit to the target"), request.lagWeeks, 0, 104, 1);
    auto* holidays = f.file(N_("Holidays (CSV with a date column)"), request.holidaysFile);
    auto* bases = f.text(N_("Team bases scenario"), request.basesScenario);
    auto* scenario = f.text(N_("Scenario"), request.scenario);
    return f.run([&] {
        tasks::ScheduleRequest r = request;
        r.project = projectPath;
        r.teams = teams->GetValue();
        r.from = text(from);
        r.to = text(to);
        r.workdays = tasks::parseWorkdays(text(workdays));
        r.villagesPerDay = perDay->GetValue();
        r.lagWeeks = lag->GetValue();
        r.holidaysFile = utf8(holidays->GetPath());
        r.basesScenario = text(bases);
        r.scenario = text(scenario);
        r.validate();
        request = r;
    });
}

std::string describe(const tasks::SitesResult& r)
{
    std::string s = trf("{1} new sites cover {2} of {3} gap households ({4}).",
                        {std::to_string(r.sites.size()), fixed(r.objective, 0), fixed(r.totalWeight, 0),
                         r.optimal ? tr("proven optimal") : trf("gap {1} %", {fixed(r.gap * 100, 2)})});
    for (const auto& c : r.sites)
        s += "\n" + std::to_string(c.pick) + ". " + c.id + ": " + fixed(c.weight, 0) + " " + tr("households");
    return s;
}

std::string describe(const tasks::BasesResult& r)
{
    std::string s = trf("{1} bases; mean road distance per household {2} km.",
                        {std::to_string(r.bases.size()), fixed(r.meanKm, 1)});
    for (const auto& b : r.bases)
        s += "\n" + b.communeCode + " " + b.name + ": " + std::to_string(b.villages) + " " + tr("villages") + ", " +
             fixed(b.meanKm, 1) + " km";
    return s;
}

std::string describe(const tasks::SplitResult& r)
{
    std::string s = trf("{1} gap villages shared among the operators.", {std::to_string(r.villages)});
    for (const auto& o : r.operators)
        s += "\n" + o.op + ": " + fixed(o.achievedPct, 1) + " % (" + fixed(o.targetPct, 1) + " %), " +
             std::to_string(o.villages) + " " + tr("villages");
    return s;
}

std::string describe(const tasks::ScheduleResult& r)
{
    std::string s = trf("{1} villages, {2} teams: finished on {3} after {4} team-days and {5} km of road travel.",
                        {std::to_string(r.villages), std::to_string(r.teams), r.planned.finishDate,
                         std::to_string(r.planned.teamDays), fixed(r.planned.travelKm, 0)});
    s += "\n" + trf("The 2021 order: finished on {1} after {2} team-days and {3} km.",
                    {r.naive.finishDate, std::to_string(r.naive.teamDays), fixed(r.naive.travelKm, 0)});
    if (r.planned.unscheduled > 0)
        s += "\n" + trf("{1} villages could not be scheduled in their window.", {std::to_string(r.planned.unscheduled)});
    return s;
}

std::string runPlanningAction(wxWindow* parent, int id, const std::string& projectPath)
{
    if (projectPath.empty())
        throw Error(ErrorKind::Usage, "", tr("Open or create a project first."));
    // One shape for the four actions: dialog, job behind the progress dialog, summary, stored layer.
    auto go = [&](auto request, auto dialog, const char* title, const char* layer) -> std::string {
        if (!dialog(parent, projectPath, request))
            return {};
        std::optional<decltype(tasks::runTask(request, std::declval<Feedback&>()))> result;
        if (!runWithProgress(parent, wtr(title), wtr("Computing…"),
                             [&](Feedback& fb) { result = tasks::runTask(request, fb); }) ||
            !result)
            return {};
        wxMessageBox(wx(describe(*result)), wtr(title), wxOK | wxICON_INFORMATION, parent);
        return layer;
    };
    switch (id) {
    case kPlanningIdSites:
        return go(tasks::SitesRequest{}, runSitesDialog, N_("New sites"), "planned_sites");
    case kPlanningIdBases:
        return go(tasks::BasesRequest{}, runBasesDialog, N_("Team bases"), "team_bases");
    case kPlanningIdSplit:
        return go(tasks::SplitRequest{}, runSplitDialog, N_("Operators' shares"), "operator_gap_villages");
    case kPlanningIdSchedule:
        return go(tasks::ScheduleRequest{}, runScheduleDialog, N_("Team schedule"), "team_schedule");
    default:
        return {};
    }
}

} // namespace bando::app
