#pragma once
// Settings → Analysis settings: the project's classification thresholds (tasks::SettingsRequest,
// the request `bando settings` runs). The dialog only fills the request; the core validates and
// stores it in one transaction.
#include "core/tasks/settings_task.hpp"

#include <wx/window.h>

namespace bando::app {

// Shows the thresholds and road speeds in force in `project`; on OK fills `request` with the
// changed values and returns true.
bool runSettingsDialog(wxWindow* parent, const std::string& project, tasks::SettingsRequest& request);

} // namespace bando::app
