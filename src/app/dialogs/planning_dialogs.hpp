#pragma once
// Planning → New sites…, Team bases…, Operators' shares…, Team schedule… (issue #11): each fills
// its request (tasks::SitesRequest, BasesRequest, SplitRequest, ScheduleRequest, with the core's
// defaults) from a dialog, runs it on the worker thread behind the progress dialog with Cancel,
// shows the result and tells the caller which stored layer to show. A cancelled run stores
// nothing (the core writes in one transaction). No domain policy here: validation is the core's.
#include "core/tasks/bases_task.hpp"
#include "core/tasks/schedule_task.hpp"
#include "core/tasks/sites_task.hpp"
#include "core/tasks/split_task.hpp"

#include <wx/defs.h>

#include <string>

class wxMenu;
class wxWindow;

namespace bando::app {

// Menu ids of the four actions (outside the range of app/actions).
inline constexpr int kPlanningIdSites = wxID_HIGHEST + 900;
inline constexpr int kPlanningIdBases = wxID_HIGHEST + 901;
inline constexpr int kPlanningIdSplit = wxID_HIGHEST + 902;
inline constexpr int kPlanningIdSchedule = wxID_HIGHEST + 903;

// The Planning menu with the four actions.
wxMenu* makePlanningMenu();

// The dialogs alone: fill `request` for the project at `projectPath`; true on OK (validated).
bool runSitesDialog(wxWindow* parent, const std::string& projectPath, tasks::SitesRequest& request);
bool runBasesDialog(wxWindow* parent, const std::string& projectPath, tasks::BasesRequest& request);
bool runSplitDialog(wxWindow* parent, const std::string& projectPath, tasks::SplitRequest& request);
bool runScheduleDialog(wxWindow* parent, const std::string& projectPath, tasks::ScheduleRequest& request);

// The result summaries the actions show (plain text, translated).
std::string describe(const tasks::SitesResult& r);
std::string describe(const tasks::BasesResult& r);
std::string describe(const tasks::SplitResult& r);
std::string describe(const tasks::ScheduleResult& r);

// Runs the action `id` (one of kPlanningId*): dialog, job with progress and Cancel, result shown.
// Returns the stored layer to show on the map, or "" when cancelled or nothing was stored.
// Errors propagate (the caller runs it through guarded()).
std::string runPlanningAction(wxWindow* parent, int id, const std::string& projectPath);

} // namespace bando::app
