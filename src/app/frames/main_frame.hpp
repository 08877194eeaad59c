#pragma once
// The main window (wxAUI): map canvas in the centre, layer list and legend on the left, a
// toolbar with the district and theme choosers, and a status bar with the cursor position in
// WGS 84 and in VN-2000 / TM-3 107-15 (EPSG:9215).
#include "app/bridge/bridge.hpp"
#include "core/base/feedback.hpp"
#include "core/render/layer_tree.hpp"
#include "core/render/map_renderer.hpp"
#include "core/search/identify.hpp"
#include "core/search/place_search.hpp"
#include "core/planning/check.hpp"
#include "core/tasks/analyze_task.hpp"
#include "core/tasks/edit_task.hpp"
#include "core/tasks/settings_task.hpp"
#include "core/tasks/units_task.hpp"

#include <wx/aui/aui.h>
#include <wx/choice.h>
#include <wx/frame.h>
#include <wx/timer.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

class wxSearchCtrl;
class wxDC;

namespace bando::app {

class MapCanvas;
class LayerPanel;
class LegendPanel;
class NoticeBar;

class AttributeTablePanel;
class IdentifyPanel;
class DashboardPanel;
class RankingPanel;
struct Action;

class MainFrame : public wxFrame {
public:
    MainFrame();
    ~MainFrame() override;

    // Opens a project: the map data loads on a worker thread; the canvas shows a message
    // meanwhile.
    // keepView: a reload of the same project (after an analysis): the view, layer tree and theme stay.
    void openProject(const std::string& path, bool keepView = false);
    // First start: opens `path`, generating the sample there first if it does not exist.
    void openDefaultSample(const std::string& path);

    // Runs an action as if chosen from the menu or toolbar (also used by the GUI tests).
    void runAction(int wxId);
    void zoomToDistrict(const std::string& code);  // "" = whole province
    // Exports the current view to `path` through tasks::RenderRequest, the request `bando render`
    // runs (export policy in core/tasks/render_task.hpp: PNG at twice the window size, PDF on A3
    // in the window's orientation), behind a progress dialog with Cancel. False if cancelled.
    bool exportTo(const std::string& path, bool pdf);
    // Runs the analysis (the request `bando analyze` runs) behind a progress dialog with Cancel,
    // then reloads the map keeping the view and shows the "class" theme. False if cancelled (the
    // previous results stay: the core writes in one transaction).
    bool analyze(tasks::AnalyzeRequest request);
    // Carries the figures into another unit version (the request `bando units` runs) behind a
    // progress dialog with Cancel, shows the conserved totals and reloads the project. False if
    // cancelled (nothing is stored: the core writes in one transaction). Issue #17.
    bool carryUnits(tasks::UnitsRequest request);
    // The village theme ("density", "class", …); throws for a theme the project does not have.
    void setTheme(const std::string& theme);
    // Writes the layer tree, bookmarks and theme to the project now (normally 0.4 s after a change).
    void saveMapState();
    void addBookmark(const std::string& name);
    void goToBookmark(size_t index);
    const std::vector<std::string>& themes() const { return m_themes; }
    LegendPanel* legendPanel() const { return m_legend; }
    // Layer → Style… (issue #13): the style editor of `layer`; on OK the style is stored in the
    // project (style::putStyle, one transaction) and drawn. False when cancelled.
    bool editStyle(const std::string& layer);
    // Stores `style` in the project and draws it (shows its layer). Throws on a bad style.
    void applyStyle(const style::Style& style);
    // Zooms to a district or commune by its code, or to the selected features.
    void zoomToUnit(const std::string& layer, const std::string& code);
    void zoomToSelection();
    void doZoomToCommune();  // View → Zoom to commune…: a list of communes and districts
    // A non-modal notice above the map (recovery after an interrupted write, ...); "" hides it.
    void showNotice(const wxString& text);
    wxString notice();

    // ---- the workbench (issue #14) ----
    // Opens the attribute table on a layer (shows the pane).
    void showAttributeTable(const std::string& layer);
    AttributeTablePanel* attributeTable() const { return m_table; }
    IdentifyPanel* identifyPanel() const { return m_identify; }
    // Identify at a map point (map CRS): fills the identify panel and selects the village
    // there (click selection). Returns the hits.
    std::vector<search::LayerHit> identifyAt(double x, double y);
    // The search box: finds places, zooms the map to the best one; the others are offered in
    // the search box's menu.
    std::vector<search::Hit> searchPlaces(const std::string& query);
    // Selection (one layer at a time), shown on the map and counted in the status bar.
    const std::string& selectionLayer() const { return m_selLayer; }
    const std::set<size_t>& selection() const { return m_selection; }
    void setSelection(const std::string& layer, std::set<size_t> features);
    wxString statusText(int field) const;
    // Edits through tasks::EditRequest (validated, one transaction, logged, undoable).
    // Returns the result; throws bando::Error when the value is refused.
    tasks::EditResult editValue(const std::string& layer, int64_t fid, const std::string& field, const std::string& text);
    std::optional<tasks::EditResult> undoEdit();
    std::optional<tasks::EditResult> redoEdit();
    int undoable() const { return m_undoable; }
    int redoable() const { return m_redoable; }
    bool isEnabled(const Action& a) const;
    // The program dashboard: runs the core's progress (districts and province, at the last date
    // of the shops) and data checks behind a progress dialog, reads the dated reports, shows the
    // pane. False if cancelled.
    bool showDashboard();
    DashboardPanel* dashboard() const { return m_dashboard; }
    // The village ranking panel (issue #10): runs tasks::RankRequest on the project and shows
    // the pane; its ranking theme re-colours the map. False if cancelled.
    bool showRanking();
    RankingPanel* rankingPanel() const { return m_ranking; }
    // Zooms the map to a finding's place (its WGS 84 extent reprojected to the map CRS; a point
    // gets at least 2 km around it). False when the finding has no place.
    bool followFinding(const planning::Finding& f);
    // Settings → Analysis settings: stores the thresholds through tasks::SettingsRequest (one
    // small transaction). Throws bando::Error for a refused value.
    tasks::SettingsResult applyAnalysisSettings(tasks::SettingsRequest request);
    // Rectangle selection (Shift + drag on the map): the features of the attribute table's layer
    // (villages when none) that meet the box (search::featuresInBox). Returns the count.
    size_t selectInBox(const Extent& box);
    // The measure tool: while on, a click on the map adds a vertex instead of identifying; the
    // status bar shows the length of the line and the area of the polygon the vertices make,
    // planar in the map CRS (VN-2000 / TM-3 107-15, the province's zone: search::measureLength /
    // measureArea). Turning it off (or on again) clears the vertices.
    void setMeasuring(bool on);
    bool measuring() const { return m_measuring; }
    void addMeasurePoint(double x, double y);
    const std::vector<XY>& measurePoints() const { return m_measurePts; }
    double measuredLength() const;  // metres
    double measuredArea() const;    // square metres (0 below 3 vertices)
    // Selection by polygon (Edit → Select by polygon): while on, each click on the map adds a
    // vertex and a double click closes the polygon: the features of the attribute table's layer
    // (villages when none) that meet it are selected (search::featuresInPolygon, GEOS prepared
    // intersects, in the core), counted in the status bar, and the tool turns off.
    void setPolygonSelecting(bool on);
    bool polygonSelecting() const { return m_polygonSelecting; }
    void addPolygonPoint(double x, double y);
    const std::vector<XY>& polygonPoints() const { return m_polygonPts; }
    // Closes the polygon drawn so far (a double click): returns the number selected. Throws
    // bando::Error(Usage) with fewer than 3 distinct vertices (the tool stays on).
    size_t closePolygon();
    size_t selectInPolygon(const std::vector<XY>& vertices);
    // The language the app starts with next time ("vi" / "en"), saved in the settings file.
    void chooseLanguage(const std::string& lang);
    // Settings file: $BANDO_CONFIG, else $XDG_CONFIG_HOME/bando/settings.ini (~/.config/...).
    static std::string settingsPath();
    static void applySavedLanguage();  // at start, unless --lang was given
    std::vector<std::string> recentProjects() const;

    // Files dropped on the window (wxFileDropTarget on the map and the frame): each opens the
    // import dialog with that file chosen; the project reloads when something was imported.
    void importFiles(const std::vector<std::string>& files);
    int droppedFiles() const { return m_droppedFiles; }
    const std::string& lastDropped() const { return m_lastDropped; }

    MapCanvas* canvas() const { return m_canvas; }
    LayerPanel* layerPanel() const { return m_layerPanel; }
    const std::string& projectPath() const { return m_projectPath; }
    std::vector<std::string> districtCodes() const { return m_districtCodes; }

    // ---- the app's own state (session), saved and restored, with recovery after a crash ----
    // The session (project, selection, attribute table layer and filter, view; the panes go in
    // the window layout) is written to the settings file 0.5 s after each change, atomically
    // (wxFileConfig writes a temporary file and renames it), marked unclean while the app runs
    // and clean on a normal close. The layer tree, bookmarks and theme are the project's map
    // state (saveMapState). Opening the session's project restores its state; after a crash
    // (the session was not closed cleanly) a notice says what was recovered.
    struct Session {
        std::string project;
        bool clean = true;
        std::string selectionLayer;
        std::vector<int64_t> selectionFids;
        std::string tableLayer, tableFilter;
        double cx = 0, cy = 0, res = 0;  // res 0 = no view
        std::string savedAt;
    };
    static Session readSession();
    // Writes the session now (normally 0.5 s after a change).
    void saveSession();
    // The project to reopen at a start without an argument: the last session's, when it did not
    // close cleanly and the file still exists; else "".
    static std::string recoverableProject();
    bool recovered() const { return m_recovered; }

    // Observers for tests and tools (main thread).
    std::function<void(bool ok)> onProjectLoaded;
    std::function<void(uint64_t generation)> onRenderComplete;

private:
    void buildMenus();
    void buildToolbar();
    void bindActions();
    void onAction(wxCommandEvent& e);
    void doOpen();
    void doNewSample();
    void doImport();
    void doExport(bool pdf);
    void doAbout();
    void doAnalyze();
    void doPredict();
    void doExportLayout();

    void doUnits();  // Analysis → Figures in another unit version… (tasks::UnitsRequest, issue #17)
    void doAddBookmark();
    void fillBookmarks();
    void togglePane(const char* name);

    void projectLoaded(uint64_t token, const std::string& path, std::shared_ptr<const render::MapData> data,
                       render::MapState saved, std::exception_ptr error, double seconds, bool keepView);
    void fillDistricts();
    void fillThemes();
    void layersChanged();
    void updateStatusCursor(double x, double y);
    void updateStatusView();
    void renderCompleted(uint64_t generation);
    void stopLoader();
    void onClose(wxCloseEvent& e);
    void afterEdit(const tasks::EditResult& r);
    void drawSelection(wxDC& dc);
    void updateSelectionStatus();
    void rememberRecent(const std::string& path);
    void fillRecent();
    void doFind();

    wxAuiManager m_aui;
    MapCanvas* m_canvas = nullptr;
    LayerPanel* m_layerPanel = nullptr;
    LegendPanel* m_legend = nullptr;
    NoticeBar* m_notice = nullptr;
    wxAuiToolBar* m_toolbar = nullptr;
    wxChoice* m_districtChoice = nullptr;
    wxChoice* m_themeChoice = nullptr;
    std::vector<std::string> m_districtCodes;  // parallel to m_districtChoice (index 0 = province)
    std::vector<Extent> m_districtExtents;
    std::vector<std::string> m_themes;
    wxMenu* m_bookmarksMenu = nullptr;
    wxTimer m_saveTimer;
    bool m_stateDirty = false;
    std::string m_pendingTheme;  // shown after the next load (e.g. "class" after an analysis)

    std::string m_projectPath;
    std::thread m_loader;
    std::shared_ptr<Feedback> m_loadFeedback;
    uint64_t m_loadToken = 0;
    bool m_firstRenderReported = false;
    WindowHandle<MainFrame> m_self;

    AttributeTablePanel* m_table = nullptr;
    IdentifyPanel* m_identify = nullptr;
    DashboardPanel* m_dashboard = nullptr;
    RankingPanel* m_ranking = nullptr;
    bool m_measuring = false;
    std::vector<XY> m_measurePts;
    void drawMeasure(wxDC& dc);
    void updateMeasureStatus();
    bool m_polygonSelecting = false;
    std::vector<XY> m_polygonPts;
    void drawPolygonSelection(wxDC& dc);
    void updatePolygonStatus();
    wxSearchCtrl* m_search = nullptr;
    std::unique_ptr<search::PlaceIndex> m_places;
    std::vector<search::Hit> m_searchHits;
    std::string m_selLayer;
    std::set<size_t> m_selection;
    int m_undoable = 0, m_redoable = 0;
    wxMenu* m_recentMenu = nullptr;
    void sessionChanged();
    void restoreSession();
    wxTimer m_sessionTimer;
    std::optional<Session> m_pendingSession;  // the last session, until its project is opened
    bool m_recovered = false;
    int m_droppedFiles = 0;
    std::string m_lastDropped;
};

} // namespace bando::app
