#include "app/actions/actions.hpp"

#include "app/bridge/bridge.hpp"

#include <wx/defs.h>

namespace bando::app {

namespace {
enum : int {
    kIdFirst = wxID_HIGHEST + 100,
    kIdNewSample,
    kIdImport,
    kIdExportPng,
    kIdExportPdf,
    kIdZoomFull,
    kIdToggleLayers,
    kIdToggleLegend,
    kIdAnalyze,
    kIdViewBack,
    kIdViewForward,
    kIdAddBookmark,
    kIdPredict,
    kIdExportLayout,
    kIdUnits,
    kIdAttributeTable,
    kIdIdentify,
    kIdFind,
    kIdClearSelection,
    kIdToggleIdentify,
    kIdLangVi,
    kIdLangEn,
    kIdDashboard,
    kIdMeasure,
    kIdAnalysisSettings,
    kIdRanking,
    kIdSelectPolygon,
    kIdZoomCommune,
    kIdZoomSelection,
    kIdBookmarkFirst,
};
} // namespace

namespace actions {
// clang-format off
const Action open        {"bando.file.open",        N_("&Open project…"),          "Ctrl+O", N_("Open a Bando project (.gpkg)"),                 "open",       wxID_OPEN};
const Action newSample   {"bando.file.newSample",   N_("&New sample project…"),    "Ctrl+N", N_("Generate the Lạng Sơn sample project into a file"), "new-sample", kIdNewSample};
const Action importData  {"bando.file.import",      N_("&Import data…"),           "Ctrl+I", N_("Import layers from Shapefile, KML, CSV or Excel"), "import",     kIdImport};
const Action exportPng   {"bando.file.exportPng",   N_("Export map as &PNG…"),     "Ctrl+E", N_("Save the current view as a PNG image"),         "export-png", kIdExportPng};
const Action exportPdf   {"bando.file.exportPdf",   N_("Export map as P&DF…"),     "Ctrl+P", N_("Save the current view as a vector PDF map"),    "export-pdf", kIdExportPdf};
const Action exportLayout{"bando.file.exportLayout", N_("Export print &layout…"), "Ctrl+Shift+P", N_("Print layout or atlas (PDF, PNG, SVG) with legend, scale bar, overview and tables"), "", kIdExportLayout, "project"};
const Action quit        {"bando.file.quit",        N_("&Quit"),                   "Ctrl+Q", N_("Quit Bando"),                                   "",           wxID_EXIT};
const Action zoomIn      {"bando.view.zoomIn",      N_("Zoom &in"),                "Ctrl+=", N_("Zoom in around the centre of the map"),         "zoom-in",    wxID_ZOOM_IN};
const Action zoomOut     {"bando.view.zoomOut",     N_("Zoom &out"),               "Ctrl+-", N_("Zoom out around the centre of the map"),        "zoom-out",   wxID_ZOOM_OUT};
const Action zoomFull    {"bando.view.zoomFull",    N_("Zoom to &full extent"),    "Ctrl+0", N_("Show the whole province"),                      "zoom-full",  kIdZoomFull};
const Action viewBack    {"bando.view.back",        N_("&Previous extent"),        "Alt+Left",  N_("Go back to the previous view"),          "view-back",    kIdViewBack};
const Action viewForward {"bando.view.forward",     N_("&Next extent"),            "Alt+Right", N_("Go forward to the next view"),           "view-forward", kIdViewForward};
const Action addBookmark {"bando.view.bookmark",    N_("&Bookmark this view…"),    "Ctrl+B", N_("Save the current view under a name in the project"), "bookmark", kIdAddBookmark};
const Action analyze     {"bando.analysis.run",     N_("&Analyse villages…"),      "Ctrl+R", N_("Compute every village's indicators, coverage gaps and access"), "analyze", kIdAnalyze};
const Action predictCoverage{"bando.analysis.predict", N_("&Predict coverage…"),   "",       N_("Predict mobile coverage from the base stations over the terrain"), "", kIdPredict};
const Action units       {"bando.analysis.units",   N_("Figures in another &unit version…"), "", N_("Re-express the village indicators in the administrative units of 12/2024 or 7/2025"), "", kIdUnits};
const Action toggleLayers{"bando.view.layers",      N_("&Layers panel"),           "",       N_("Show or hide the layers panel"),                "",           kIdToggleLayers};
const Action toggleLegend{"bando.view.legend",      N_("L&egend panel"),           "",       N_("Show or hide the legend panel"),                "",           kIdToggleLegend};
const Action about       {"bando.help.about",       N_("&About Bando"),            "",       N_("About this program"),                           "",           wxID_ABOUT};
const Action attributeTable{"bando.view.attributeTable", N_("&Attribute table"), "F6",  N_("Open the attribute table of a layer: sort, filter by an expression, select, edit"), "", kIdAttributeTable, "project"};
const Action identify    {"bando.view.identify",    N_("&Identify features"),      "Ctrl+Shift+I", N_("Click on the map to see what is there"), "",           kIdIdentify,    "project"};
const Action toggleIdentify{"bando.view.identifyPanel", N_("I&dentify panel"),     "",       N_("Show or hide the identify panel"),              "",           kIdToggleIdentify};
const Action find        {"bando.edit.find",        N_("&Find a place…"),          "Ctrl+F", N_("Find a district, commune or village by name"),  "",           kIdFind,        "project"};
const Action undo        {"bando.edit.undo",        N_("&Undo edit"),              "Ctrl+Z", N_("Undo the last edit of the project's data"),    "",           wxID_UNDO,      "undo"};
const Action redo        {"bando.edit.redo",        N_("&Redo edit"),              "Ctrl+Y", N_("Redo the last undone edit"),                   "",           wxID_REDO,      "redo"};
const Action clearSelection{"bando.edit.clearSelection", N_("&Clear selection"),   "Ctrl+Shift+A", N_("Select nothing"),                        "",           kIdClearSelection, "selection"};
const Action langVi      {"bando.settings.langVi",  N_("Tiếng &Việt"),             "",       N_("Vietnamese user interface (after a restart)"),  "",           kIdLangVi};
const Action langEn      {"bando.settings.langEn",  N_("&English"),                "",       N_("English user interface (after a restart)"),     "",           kIdLangEn};
const Action dashboard   {"bando.view.dashboard",   N_("Program &dashboard"),      "F8",     N_("Progress against the targets per district, the dated reports and the data-check findings"), "", kIdDashboard, "project"};
const Action measure     {"bando.view.measure",     N_("&Measure distance and area"), "Ctrl+Shift+M", N_("Click points on the map: the length of the line and the area of the polygon they make, in the province's TM-3 plane"), "", kIdMeasure, "project"};
const Action analysisSettings{"bando.settings.analysis", N_("&Analysis settings…"), "", N_("The classification thresholds stored in the project"), "", kIdAnalysisSettings, "project"};
const Action ranking     {"bando.view.ranking",     N_("Village &ranking"),        "F9",     N_("Rank the villages with a preset's weights: move a weight and the map re-colours; why is a village ranked there"), "", kIdRanking, "project"};
const Action selectPolygon{"bando.edit.selectPolygon", N_("Select by &polygon"), "Ctrl+Shift+G", N_("Click the vertices of a polygon on the map, double-click to close it: the features it meets are selected"), "", kIdSelectPolygon, "project"};
const Action zoomCommune {"bando.view.zoomCommune", N_("Zoom to &commune…"),         "Ctrl+Shift+C", N_("Choose a commune (or a district) and show it"), "", kIdZoomCommune, "project"};
const Action zoomSelection{"bando.view.zoomSelection", N_("Zoom to &selection"),      "Ctrl+Shift+Z", N_("Show the selected features"), "", kIdZoomSelection, "selection"};
// clang-format on

const std::vector<const Action*>& all()
{
    static const std::vector<const Action*> v{&open, &newSample, &importData, &exportPng, &exportPdf, &exportLayout, &quit,
                                              &zoomIn, &zoomOut, &zoomFull, &viewBack, &viewForward, &addBookmark,
                                              &toggleLayers, &toggleLegend, &analyze, &predictCoverage, &units, &about,
                                              &attributeTable, &identify, &toggleIdentify, &find, &undo, &redo,
                                              &clearSelection, &langVi, &langEn, &dashboard, &measure, &selectPolygon,
                                              &analysisSettings, &ranking, &zoomCommune, &zoomSelection};
    return v;
}

int bookmarkId(int index) { return kIdBookmarkFirst + index; }

const Action* byId(const std::string& id)
{
    for (const Action* a : all())
        if (id == a->id)
            return a;
    return nullptr;
}

const Action* byWxId(int wxId)
{
    for (const Action* a : all())
        if (a->wxId == wxId)
            return a;
    return nullptr;
}
} // namespace actions

wxString Action::menuText() const
{
    wxString s = wtr(label);
    if (hotkey && *hotkey)
        s << "\t" << hotkey;
    return s;
}

wxString Action::shortLabel() const
{
    wxString s = wxStripMenuCodes(wtr(label));
    s.Replace(wxString::FromUTF8("…"), "");
    return s;
}

wxString Action::tooltipText() const
{
    wxString s = wtr(tooltip);
    if (hotkey && *hotkey)
        s << " (" << hotkey << ")";
    return s;
}

wxMenuItem* appendAction(wxMenu* menu, const Action& a, wxItemKind kind)
{
    auto* item = new wxMenuItem(menu, a.wxId, a.menuText(), wtr(a.tooltip), kind);
    if (kind == wxITEM_NORMAL && a.icon && *a.icon)
        item->SetBitmap(icon(a.icon, 16));
    return menu->Append(item);
}

void addTool(wxAuiToolBar* bar, const Action& a)
{
    bar->AddTool(a.wxId, a.shortLabel(), icon(a.icon, 24), a.tooltipText());
}

} // namespace bando::app
