#pragma once
// Analysis → Analyse…: the options of tasks::AnalyzeRequest (date, since, road speeds), with
// the core's defaults. The frame runs the request on a worker thread.
#include "core/tasks/analyze_task.hpp"

#include <string>

class wxWindow;

namespace bando::app {

// Shows the dialog for the project at `projectPath`; fills `request` and returns true on OK.
bool runAnalyzeDialog(wxWindow* parent, const std::string& projectPath, tasks::AnalyzeRequest& request);

} // namespace bando::app
