#pragma once
// File → Export layout…: the options of tasks::LayoutRequest (one map page or an atlas of
// districts / communes, template, paper, orientation, theme, title, output file) with a page
// preview: the document the request builds, its first page drawn into the dialog. The caller
// runs the request on a worker thread with progress and cancel (runWithProgress).
#include "core/tasks/layout_task.hpp"

#include <string>

class wxWindow;

namespace bando::app {

// Fills `request` (project = projectPath) and returns true on OK.
bool runLayoutExportDialog(wxWindow* parent, const std::string& projectPath, tasks::LayoutRequest& request);

} // namespace bando::app
