#pragma once
// File -> Import…: choose a file, check the decoded names (encoding override), confirm the CRS
// (guessed for files without .prj), pick the target layer and the field mapping, then import
// on a worker thread with progress and cancel. The core does the work: the dialog fills a
// tasks::ImportRequest (core/tasks/import_task.hpp), which also routes name-matched lists.
#include <string>

class wxDialog;
class wxWindow;

namespace bando::app {

// Shows the import dialog for the project at `projectPath` (the project must not be open for
// writing elsewhere). Returns true when data was imported (the caller reloads the project).
bool runImportDialog(wxWindow* parent, const std::string& projectPath);
// Same, with a source file already chosen.
bool runImportDialog(wxWindow* parent, const std::string& projectPath, const std::string& sourcePath);

// For demos/tests: creates the dialog (not shown) so the caller can Show() it modelessly.
wxDialog* createImportDialog(wxWindow* parent, const std::string& projectPath, const std::string& sourcePath);

} // namespace bando::app
