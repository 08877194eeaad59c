#pragma once
// Analysis → Figures in another unit version…: the options of tasks::UnitsRequest (the target
// version, the village version of 12/2021), with the core's defaults. The frame runs the request
// on a worker thread (issue #17).
#include "core/tasks/units_task.hpp"

#include <string>

class wxWindow;

namespace bando::app {

// Shows the dialog for the project at `projectPath`; fills `request` and returns true on OK.
bool runUnitsDialog(wxWindow* parent, const std::string& projectPath, tasks::UnitsRequest& request);

} // namespace bando::app
