#pragma once
// Analysis → Predict coverage…: the options of tasks::PredictRequest (model, radius, resolution,
// operator, target layer), with the core's defaults. The frame runs the request on a worker
// thread with progress per site and Cancel (a cancelled run keeps the previous coverage).
#include "core/tasks/predict_task.hpp"

#include <string>

class wxWindow;

namespace bando::app {

// Window names, for tests: the dialog, and its controls "model" (wxChoice), "radius",
// "resolution" (wxSpinCtrlDouble), "operator" (wxTextCtrl), "replace" (wxCheckBox).
constexpr const char* kPredictDialogName = "predict_dialog";

// Shows the dialog for the project at `projectPath`; fills `request` and returns true on OK.
bool runPredictDialog(wxWindow* parent, const std::string& projectPath, tasks::PredictRequest& request);

} // namespace bando::app
