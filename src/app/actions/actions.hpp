#pragma once
// Every user action is declared once, as data (KiCad TOOL_ACTION idea): a dotted id, the
// English label (translated when read, through bando::tr), a hotkey, a tooltip and an icon.
// Menus and the toolbar are built from these declarations; wx ids derive from the table.
#include <wx/aui/auibar.h>
#include <wx/menu.h>

#include <string>
#include <vector>

namespace bando::app {

struct Action {
    const char* id;       // "bando.file.open"
    const char* label;    // English msgid, with & mnemonic
    const char* hotkey;   // wx accelerator text ("Ctrl+O"), or ""
    const char* tooltip;  // English msgid
    const char* icon;     // resources/icons/<icon>.svg, or ""
    int wxId;             // stock id, or an id from the app's range
    // When the action is enabled (MainFrame::isEnabled): "" always, "project" with a project
    // open, "undo" / "redo" when the project's edit stack has something to undo / redo,
    // "selection" when features are selected.
    const char* enabledWhen = "";

    wxString menuText() const;     // translated label + "\t" + hotkey
    wxString shortLabel() const;   // translated label without mnemonic and ellipsis
    wxString tooltipText() const;  // translated tooltip (+ hotkey)
};

namespace actions {
extern const Action open, newSample, importData, exportPng, exportPdf, exportLayout, quit;
extern const Action zoomIn, zoomOut, zoomFull, viewBack, viewForward, addBookmark, toggleLayers, toggleLegend;
extern const Action analyze, predictCoverage, units;
extern const Action attributeTable, identify, find, undo, redo, clearSelection, toggleIdentify;
extern const Action langVi, langEn;
extern const Action dashboard, measure, analysisSettings, ranking, selectPolygon;
extern const Action zoomCommune, zoomSelection;
// Menu ids of the saved bookmarks (Bookmarks menu): bookmarkId(0) .. bookmarkId(kMaxBookmarks - 1).
inline constexpr int kMaxBookmarks = 50;
int bookmarkId(int index);
extern const Action about;
const std::vector<const Action*>& all();
const Action* byId(const std::string& id);
const Action* byWxId(int wxId);
} // namespace actions

wxMenuItem* appendAction(wxMenu* menu, const Action& a, wxItemKind kind = wxITEM_NORMAL);
void addTool(wxAuiToolBar* bar, const Action& a);

} // namespace bando::app
