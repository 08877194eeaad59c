#include "app/frames/main_frame.hpp"

#include "app/actions/actions.hpp"
#include "app/canvas/map_canvas.hpp"
#include "app/dialogs/analyze_dialog.hpp"
#include "app/dialogs/layout_export_dialog.hpp"
#include "app/dialogs/planning_dialogs.hpp"
#include "app/dialogs/predict_dialog.hpp"
#include "app/dialogs/settings_dialog.hpp"
#include "app/dialogs/style_dialog.hpp"
#include "app/dialogs/units_dialog.hpp"
#include "app/panels/attribute_table_panel.hpp"
#include "app/panels/dashboard_panel.hpp"
#include "app/panels/ranking_panel.hpp"
#include "app/panels/identify_panel.hpp"
#include "app/panels/layer_panel.hpp"
#include "app/panels/legend_panel.hpp"
#include "app/panels/notice_bar.hpp"
#include "core/base/clock.hpp"
#include "core/base/error.hpp"
#include "core/capi/gdal.hpp"
#include "core/capi/proj.hpp"
#include "core/crs/reproject.hpp"
#include "core/i18n/i18n.hpp"
#include "core/render/map_style.hpp"
#include "core/store/project_store.hpp"
#include "core/style/style_store.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/render_task.hpp"
#include "core/tasks/sample_task.hpp"

#if __has_include("app/dialogs/import_dialog.hpp")
#include "app/dialogs/import_dialog.hpp"
#define BANDO_HAVE_IMPORT_DIALOG 1
#endif

#include <wx/aboutdlg.h>
#include <wx/choicdlg.h>
#include <wx/dc.h>
#include <wx/dnd.h>
#include <wx/fileconf.h>
#include <wx/srchctrl.h>
#include <wx/filedlg.h>
#include <wx/menu.h>
#include <wx/msgdlg.h>
#include <wx/statusbr.h>
#include <wx/stattext.h>
#include <wx/textdlg.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <locale>
#include <map>
#include <sstream>

namespace bando::app {

namespace {

// What a point-collecting tool (measure, select by polygon) has clicked so far, over the map:
// the hatched polygon from three points on, the lines between the points, a white dot on each.
void drawClickedPath(wxDC& dc, const MapCanvas& canvas, const std::vector<XY>& points, const wxColour& colour,
                     wxBrushStyle hatch, wxPenStyle line)
{
    if (points.empty())
        return;
    std::vector<wxPoint> pts;
    for (const auto& p : points)
        pts.push_back(canvas.toPixel(p.x, p.y));
    if (pts.size() >= 3) {
        dc.SetPen(*wxTRANSPARENT_PEN);
        dc.SetBrush(wxBrush(colour, hatch));
        dc.DrawPolygon(static_cast<int>(pts.size()), pts.data());
    }
    dc.SetPen(wxPen(colour, 2, line));
    if (pts.size() >= 2)
        dc.DrawLines(static_cast<int>(pts.size()), pts.data());
    dc.SetBrush(*wxWHITE_BRUSH);
    for (const auto& p : pts)
        dc.DrawCircle(p, 4);
}
const auto kProcessStart = std::chrono::steady_clock::now();

double secondsSince(std::chrono::steady_clock::time_point t)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

bool timingWanted() { return std::getenv("BANDO_TIMING") != nullptr; }

// Files dropped on the window (the map or the frame) go to the import dialog, one after the
// other; the dialog runs after the drop has returned (a modal loop inside a drag-and-drop
// callback would hold the source application).
class FileDrop : public wxFileDropTarget {
public:
    explicit FileDrop(MainFrame* frame) : m_frame(frame) {}
    bool OnDropFiles(wxCoord, wxCoord, const wxArrayString& names) override
    {
        std::vector<std::string> files;
        for (const auto& n : names)
            files.push_back(utf8(n));
        MainFrame* frame = m_frame;
        frame->CallAfter([frame, files] { frame->importFiles(files); });
        return !files.empty();
    }

private:
    MainFrame* m_frame;
};

enum StatusField { kFieldWgs84, kFieldVn2000, kFieldScale, kFieldSelection, kFieldRender, kFieldCount };
constexpr size_t kMaxRecent = 8;

// The app's own settings (language, recent projects, window layout): one INI file.
std::unique_ptr<wxFileConfig> openSettings()
{
    const std::string path = MainFrame::settingsPath();
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    return std::make_unique<wxFileConfig>("bando", "", wx(path), "", wxCONFIG_USE_LOCAL_FILE);
}

// The theme's translated name from the core's theme table.
wxString themeLabel(const std::string& theme)
{
    const render::ThemeInfo* info = render::themeInfo(theme);
    return info ? wtr(info->label) : wx(theme);
}
} // namespace

MainFrame::MainFrame()
    : wxFrame(nullptr, wxID_ANY, wtr("Bando — coverage and digital-economy planning"), wxDefaultPosition,
              wxSize(1400, 900)),
      m_self(this)
{
    SetMinSize(wxSize(800, 500));
    m_aui.SetManagedWindow(this);
    SetIcons(wxIconBundle());
    if (auto b = icon("bando", 64); b.IsOk())
        SetIcon(b.GetIcon(wxSize(64, 64)));

    m_canvas = new MapCanvas(this);
    m_canvas->SetDropTarget(new FileDrop(this));  // the window owns its drop target
    SetDropTarget(new FileDrop(this));
    m_layerPanel = new LayerPanel(this);
    m_legend = new LegendPanel(this);
    m_notice = new NoticeBar(this);
    m_notice->onClose = [this] { showNotice(wxEmptyString); };

    m_table = new AttributeTablePanel(this);
    m_identify = new IdentifyPanel(this);
    m_dashboard = new DashboardPanel(this);
    m_ranking = new RankingPanel(this);

    buildMenus();
    buildToolbar();

    m_aui.AddPane(m_canvas, wxAuiPaneInfo().Name("map").CenterPane().PaneBorder(false));
    m_aui.AddPane(m_layerPanel, wxAuiPaneInfo()
                                    .Name("layers")
                                    .Caption(wtr("Layers"))
                                    .Left()
                                    .Layer(1)
                                    .Position(0)
                                    .BestSize(260, 360)
                                    .MinSize(200, 200)
                                    .CloseButton(true));
    m_aui.AddPane(m_legend, wxAuiPaneInfo()
                                .Name("legend")
                                .Caption(wtr("Legend"))
                                .Left()
                                .Layer(1)
                                .Position(1)
                                .BestSize(260, 320)
                                .MinSize(200, 150)
                                .CloseButton(true));
    m_aui.AddPane(m_notice, wxAuiPaneInfo().Name("notice").Top().Layer(0).Row(1).CaptionVisible(false)
                                .PaneBorder(false).Floatable(false).Hide());

    m_aui.AddPane(m_identify, wxAuiPaneInfo()
                                  .Name("identify")
                                  .Caption(wtr("Identify"))
                                  .Right()
                                  .Layer(1)
                                  .BestSize(380, 480)
                                  .MinSize(250, 150)
                                  .CloseButton(true)
                                  .Hide());
    m_aui.AddPane(m_dashboard, wxAuiPaneInfo()
                                   .Name("dashboard")
                                   .Caption(wtr("Program dashboard"))
                                   .Right()
                                   .Layer(2)
                                   .BestSize(620, 760)
                                   .MinSize(360, 300)
                                   .CloseButton(true)
                                   .Hide());
    m_aui.AddPane(m_ranking, wxAuiPaneInfo()
                                 .Name("ranking")
                                 .Caption(wtr("Village ranking"))
                                 .Right()
                                 .Layer(2)
                                 .BestSize(460, 820)
                                 .MinSize(360, 400)
                                 .CloseButton(true)
                                 .Hide());
    m_aui.AddPane(m_table, wxAuiPaneInfo()
                               .Name("attributes")
                               .Caption(wtr("Attribute table"))
                               .Bottom()
                               .Layer(0)
                               .BestSize(900, 280)
                               .MinSize(300, 150)
                               .CloseButton(true)
                               .Hide());
    {
        // the window layout of the last session (panes, sizes), saved on close
        auto cfg = openSettings();
        wxString perspective;
        if (cfg->Read("/window/layout", &perspective) && !perspective.empty())
            m_aui.LoadPerspective(perspective, false);
        m_aui.GetPane("toolbar");  // the toolbar is added in buildToolbar() and always shown
        m_aui.GetPane("notice").Hide();  // a notice belongs to the project it was shown for
    }
    m_aui.Update();

    CreateStatusBar(kFieldCount);
    int widths[kFieldCount] = {-3, -4, -2, -2, -3};
    SetStatusWidths(kFieldCount, widths);
    SetStatusText(wx("WGS 84: —"), kFieldWgs84);
    SetStatusText(wx("VN-2000 / TM-3 107-15: —"), kFieldVn2000);
    SetStatusText(wtr("Ready"), kFieldRender);

    m_canvas->onCursor = [this](double x, double y) { updateStatusCursor(x, y); };
    m_canvas->onRenderComplete = [this](uint64_t g) { renderCompleted(g); };
    m_canvas->onClick = [this](double x, double y) {
        if (m_measuring)
            addMeasurePoint(x, y);
        else if (m_polygonSelecting)
            addPolygonPoint(x, y);
        else
            guarded(this, wtr("Identify"), [&] { identifyAt(x, y); });
    };
    m_canvas->onBox = [this](const Extent& box) { guarded(this, wtr("Select"), [&] { selectInBox(box); }); };
    m_canvas->onDoubleClick = [this](double, double) {
        if (!m_polygonSelecting)
            return false;
        try {
            closePolygon();
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::Usage)
                showError(this, wtr("Select"), std::current_exception());
            else  // too few vertices: say so and let the user go on clicking
                SetStatusText(wx(e.message()), kFieldRender);
        } catch (...) {
            showError(this, wtr("Select"), std::current_exception());
        }
        return true;
    };
    m_canvas->onOverlay = [this](wxDC& dc) {
        drawSelection(dc);
        drawMeasure(dc);
        drawPolygonSelection(dc);
    };
    m_table->onSelectionChanged = [this](const std::string& layer, const std::set<size_t>& sel) {
        m_selLayer = layer;
        m_selection = sel;
        updateSelectionStatus();
        m_canvas->Refresh();
    };
    m_dashboard->onFindingChosen = [this](const planning::Finding& f) {
        if (!followFinding(f))
            SetStatusText(wtr("This finding has no place on the map."), kFieldRender);
    };
    m_ranking->onTheme = [this](std::shared_ptr<const render::MapData::Theme> t) {
        m_canvas->setVillageTheme(std::move(t));
        layersChanged();  // the legend shows the ranking classes
    };
    m_ranking->onVillageChosen = [this](int feature) {
        if (feature >= 0)
            setSelection("villages", {static_cast<size_t>(feature)});
    };
    m_table->onZoomTo = [this](const Extent& e) { m_canvas->zoomToExtent(e, 0.2); };
    m_table->onEdit = [this](const std::string& layer, int64_t fid, const std::string& field,
                             const std::string& text) -> std::optional<Value> {
        std::optional<Value> stored;
        guarded(this, wtr("Edit"), [&] {
            const auto r = editValue(layer, fid, field, text);
            stored = r.changed ? r.edit.changes.front().newValue : Value{};
        });
        return stored;
    };
    m_canvas->onRenderError = [this](const std::string& msg) {
        SetStatusText(wtr("Drawing the map failed: ") + wx(msg), kFieldRender);
    };
    m_layerPanel->onChanged = [this] {
        layersChanged();
        m_stateDirty = true;
        m_saveTimer.StartOnce(400);
    };
    m_legend->onClassToggled = [this](const std::string& layer, int c, bool hidden) {
        m_layerPanel->setClassHidden(layer, c, hidden);
    };
    m_layerPanel->onEditStyle = [this](const std::string& layer) {
        guarded(this, wtr("Layer style"), [&] { editStyle(layer); });
    };
    m_layerPanel->onZoomToLayer = [this](const std::string& layer) {
        if (const Layer* l = m_canvas->data() ? m_canvas->data()->layer(layer) : nullptr) {
            Extent e;
            for (const auto& f : l->features)
                e.expand(f.geom.extent());
            m_canvas->zoomToExtent(e);
        }
    };
    m_saveTimer.SetOwner(this);
    Bind(wxEVT_TIMER, [this](wxTimerEvent&) { saveMapState(); }, m_saveTimer.GetId());

    m_sessionTimer.SetOwner(this);
    Bind(wxEVT_TIMER, [this](wxTimerEvent&) { saveSession(); }, m_sessionTimer.GetId());
    m_canvas->onViewChanged = [this] {
        updateStatusView();
        sessionChanged();
    };
    Bind(wxEVT_AUI_PANE_CLOSE, [this](wxAuiManagerEvent& e) {
        e.Skip();
        CallAfter([this] { sessionChanged(); });
    });
    if (Session s = readSession(); !s.project.empty())
        m_pendingSession = s;

    bindActions();
    Bind(wxEVT_CLOSE_WINDOW, &MainFrame::onClose, this);
    fillRecent();
}

MainFrame::~MainFrame()
{
    stopLoader();
    m_aui.UnInit();
}

void MainFrame::buildMenus()
{
    using namespace actions;
    auto* file = new wxMenu;
    appendAction(file, open);
    appendAction(file, newSample);
#ifdef BANDO_HAVE_IMPORT_DIALOG
    file->AppendSeparator();
    appendAction(file, importData);
#endif
    m_recentMenu = new wxMenu;
    file->AppendSubMenu(m_recentMenu, wtr("&Recent projects"));
    file->AppendSeparator();
    appendAction(file, exportPng);
    appendAction(file, exportPdf);
    appendAction(file, actions::exportLayout);
    file->AppendSeparator();
    appendAction(file, quit);

    auto* edit = new wxMenu;
    appendAction(edit, undo);
    appendAction(edit, redo);
    edit->AppendSeparator();
    appendAction(edit, find);
    appendAction(edit, clearSelection);
    appendAction(edit, actions::selectPolygon, wxITEM_CHECK);

    auto* view = new wxMenu;
    appendAction(view, actions::attributeTable);
    appendAction(view, identify);
    appendAction(view, actions::dashboard);
    appendAction(view, actions::ranking);
    appendAction(view, actions::measure, wxITEM_CHECK);
    view->AppendSeparator();
    appendAction(view, zoomIn);
    appendAction(view, zoomOut);
    appendAction(view, zoomFull);
    appendAction(view, actions::zoomCommune);
    appendAction(view, actions::zoomSelection);
    view->AppendSeparator();
    appendAction(view, toggleLayers, wxITEM_CHECK)->Check(true);
    appendAction(view, toggleLegend, wxITEM_CHECK)->Check(true);
    appendAction(view, toggleIdentify);

    view->AppendSeparator();
    appendAction(view, viewBack);
    appendAction(view, viewForward);

    m_bookmarksMenu = new wxMenu;
    appendAction(m_bookmarksMenu, actions::addBookmark);
    m_bookmarksMenu->AppendSeparator();

    auto* analysisMenu = new wxMenu;
    appendAction(analysisMenu, actions::analyze);
    appendAction(analysisMenu, actions::predictCoverage);

    appendAction(analysisMenu, actions::units);

    auto* settings = new wxMenu;
    auto* language = new wxMenu;
    appendAction(language, langVi, wxITEM_RADIO)->Check(i18n::language() != "en");
    appendAction(language, langEn, wxITEM_RADIO)->Check(i18n::language() == "en");
    settings->AppendSubMenu(language, wtr("&Language"));
    appendAction(settings, actions::analysisSettings);

    auto* help = new wxMenu;
    appendAction(help, about);

    auto* bar = new wxMenuBar;
    bar->Append(file, wtr("&File"));
    bar->Append(edit, wtr("&Edit"));
    bar->Append(view, wtr("&View"));
    bar->Append(m_bookmarksMenu, wtr("&Bookmarks"));
    bar->Append(analysisMenu, wtr("&Analysis"));
    bar->Append(makePlanningMenu(), wtr("&Planning"));  // issue #11: app/dialogs/planning_dialogs
    bar->Append(settings, wtr("&Settings"));
    bar->Append(help, wtr("&Help"));
    SetMenuBar(bar);
}

void MainFrame::buildToolbar()
{
    using namespace actions;
    m_toolbar = new wxAuiToolBar(this, wxID_ANY, wxDefaultPosition, wxDefaultSize,
                                 wxAUI_TB_DEFAULT_STYLE | wxAUI_TB_HORZ_LAYOUT | wxAUI_TB_PLAIN_BACKGROUND);
    m_toolbar->SetToolBitmapSize(wxSize(24, 24));
    addTool(m_toolbar, open);
    addTool(m_toolbar, newSample);
#ifdef BANDO_HAVE_IMPORT_DIALOG
    addTool(m_toolbar, importData);
#endif
    m_toolbar->AddSeparator();
    addTool(m_toolbar, exportPng);
    addTool(m_toolbar, exportPdf);
    m_toolbar->AddSeparator();
    addTool(m_toolbar, zoomIn);
    addTool(m_toolbar, zoomOut);
    addTool(m_toolbar, zoomFull);
    addTool(m_toolbar, viewBack);
    addTool(m_toolbar, viewForward);
    m_toolbar->AddSeparator();
    addTool(m_toolbar, actions::analyze);
    m_toolbar->AddSeparator();

    m_toolbar->AddControl(new wxStaticText(m_toolbar, wxID_ANY, wtr("District:") + " "));
    m_districtChoice = new wxChoice(m_toolbar, wxID_ANY, wxDefaultPosition, wxSize(230, -1));
    m_districtChoice->SetToolTip(wtr("Zoom to a district"));
    m_toolbar->AddControl(m_districtChoice);
    m_toolbar->AddSpacer(12);
    m_toolbar->AddControl(new wxStaticText(m_toolbar, wxID_ANY, wtr("Village theme:") + " "));
    m_themeChoice = new wxChoice(m_toolbar, wxID_ANY, wxDefaultPosition, wxSize(190, -1));
    m_themeChoice->SetToolTip(wtr("How villages are coloured"));
    m_toolbar->AddControl(m_themeChoice);
    m_toolbar->AddSpacer(12);
    m_search = new wxSearchCtrl(m_toolbar, wxID_ANY, "", wxDefaultPosition, wxSize(220, -1), wxTE_PROCESS_ENTER);
    m_search->SetDescriptiveText(wtr("Find a place (e.g. dinh lap)"));
    m_search->SetToolTip(actions::find.tooltipText());
    m_toolbar->AddControl(m_search);
    m_toolbar->Realize();
    m_aui.AddPane(m_toolbar, wxAuiPaneInfo().Name("toolbar").ToolbarPane().Top().Gripper(false).Floatable(false));

    m_districtChoice->Bind(wxEVT_CHOICE, [this](wxCommandEvent& e) {
        guarded(this, wtr("Zoom to district"), [&] {
            int i = e.GetSelection();
            if (i >= 0 && i < static_cast<int>(m_districtCodes.size()))
                zoomToDistrict(m_districtCodes[i]);
        });
    });
    m_search->Bind(wxEVT_SEARCH, [this](wxCommandEvent&) {
        guarded(this, wtr("Find a place"), [&] { searchPlaces(utf8(m_search->GetValue())); });
    });
    m_search->Bind(wxEVT_TEXT_ENTER, [this](wxCommandEvent&) {
        guarded(this, wtr("Find a place"), [&] { searchPlaces(utf8(m_search->GetValue())); });
    });
    m_themeChoice->Bind(wxEVT_CHOICE, [this](wxCommandEvent& e) {
        guarded(this, wtr("Change theme"), [&] {
            int i = e.GetSelection();
            if (i >= 0 && i < static_cast<int>(m_themes.size()))
                setTheme(m_themes[i]);
        });
    });
}

void MainFrame::bindActions()
{
    // Planning → New sites / Team bases / Operators' shares / Team schedule (app/dialogs/planning_dialogs).
    Bind(
        wxEVT_MENU,
        [this](wxCommandEvent& e) {
            guarded(this, wtr("&Planning"), [&] {
                if (m_stateDirty)
                    saveMapState();
                if (!runPlanningAction(this, e.GetId(), m_projectPath).empty())
                    openProject(m_projectPath, true);
            });
        },
        kPlanningIdSites, kPlanningIdSchedule);
    for (const Action* a : actions::all()) {
        Bind(wxEVT_MENU, &MainFrame::onAction, this, a->wxId);
        if (a->enabledWhen && *a->enabledWhen)
            Bind(wxEVT_UPDATE_UI, [this, a](wxUpdateUIEvent& e) {
                e.Enable(isEnabled(*a));
                if (a == &actions::measure)
                    e.Check(m_measuring);
                if (a == &actions::selectPolygon)
                    e.Check(m_polygonSelecting);
            }, a->wxId);
    }
    // search results offered in the search box's menu (ids after the bookmarks)
    Bind(
        wxEVT_MENU,
        [this](wxCommandEvent& e) {
            const size_t i = static_cast<size_t>(e.GetId() - actions::bookmarkId(actions::kMaxBookmarks));
            if (i < m_searchHits.size())
                m_canvas->zoomToExtent(m_searchHits[i].place.extent, 0.1);
        },
        actions::bookmarkId(actions::kMaxBookmarks), actions::bookmarkId(actions::kMaxBookmarks + 19));
    Bind(
        wxEVT_MENU,
        [this](wxCommandEvent& e) {
            const auto recent = recentProjects();
            const size_t i = static_cast<size_t>(e.GetId() - actions::bookmarkId(actions::kMaxBookmarks + 20));
            if (i < recent.size())
                openProject(recent[i]);
        },
        actions::bookmarkId(actions::kMaxBookmarks + 20),
        actions::bookmarkId(actions::kMaxBookmarks + 20 + static_cast<int>(kMaxRecent) - 1));
    Bind(
        wxEVT_MENU,
        [this](wxCommandEvent& e) {
            guarded(this, wtr("Bookmarks"), [&] { goToBookmark(static_cast<size_t>(e.GetId() - actions::bookmarkId(0))); });
        },
        actions::bookmarkId(0), actions::bookmarkId(actions::kMaxBookmarks - 1));
}

void MainFrame::onAction(wxCommandEvent& e)
{
    const Action* a = actions::byWxId(e.GetId());
    wxString what = a ? a->shortLabel() : wxString("?");
    guarded(this, what, [&] { runAction(e.GetId()); });
}

void MainFrame::runAction(int id)
{
    using namespace actions;
    if (id == open.wxId)
        doOpen();
    else if (id == newSample.wxId)
        doNewSample();
    else if (id == importData.wxId)
        doImport();
    else if (id == exportPng.wxId)
        doExport(false);
    else if (id == actions::exportLayout.wxId)
        doExportLayout();
    else if (id == exportPdf.wxId)
        doExport(true);
    else if (id == quit.wxId)
        Close();
    else if (id == zoomIn.wxId)
        m_canvas->zoomBy(2.0);
    else if (id == zoomOut.wxId)
        m_canvas->zoomBy(0.5);
    else if (id == zoomFull.wxId) {
        m_canvas->zoomFull();
        if (m_districtChoice->GetCount() > 0)
            m_districtChoice->SetSelection(0);
    } else if (id == toggleLayers.wxId)
        togglePane("layers");
    else if (id == toggleLegend.wxId)
        togglePane("legend");
    else if (id == actions::analyze.wxId)
        doAnalyze();
    else if (id == actions::units.wxId)
        doUnits();
    else if (id == about.wxId)
        doAbout();
    else if (id == predictCoverage.wxId)
        doPredict();

    else if (id == actions::attributeTable.wxId)
        showAttributeTable(m_table->layerName().empty() ? "villages" : m_table->layerName());
    else if (id == identify.wxId || id == toggleIdentify.wxId)
        togglePane("identify");
    else if (id == actions::analysisSettings.wxId) {
        tasks::SettingsRequest r;
        if (runSettingsDialog(this, m_projectPath, r) && r.changes())
            applyAnalysisSettings(r);
    } else if (id == actions::measure.wxId)
        setMeasuring(!m_measuring);
    else if (id == actions::selectPolygon.wxId)
        setPolygonSelecting(!m_polygonSelecting);
    else if (id == actions::zoomCommune.wxId)
        doZoomToCommune();
    else if (id == actions::zoomSelection.wxId)
        zoomToSelection();
    else if (id == actions::dashboard.wxId)
        showDashboard();
    else if (id == actions::ranking.wxId)
        showRanking();
    else if (id == find.wxId)
        doFind();
    else if (id == undo.wxId)
        undoEdit();
    else if (id == redo.wxId)
        redoEdit();
    else if (id == clearSelection.wxId)
        setSelection(m_selLayer, {});
    else if (id == langVi.wxId)
        chooseLanguage("vi");
    else if (id == langEn.wxId)
        chooseLanguage("en");
}

void MainFrame::togglePane(const char* name)
{
    wxAuiPaneInfo& p = m_aui.GetPane(name);
    if (!p.IsOk())
        return;
    p.Show(!p.IsShown());
    m_aui.Update();
    sessionChanged();
}

// ---------------------------------------------------------------- project loading

void MainFrame::stopLoader()
{
    if (m_loadFeedback)
        m_loadFeedback->cancel();
    if (m_loader.joinable())
        m_loader.join();
}

void MainFrame::openProject(const std::string& path, bool keepView)
{
    if (m_stateDirty)
        saveMapState();
    stopLoader();
    m_loadFeedback = std::make_shared<Feedback>();
    const uint64_t token = ++m_loadToken;
    keepView = keepView && path == m_projectPath && m_canvas->data();
    if (!keepView) {
        m_canvas->setData(nullptr);
        m_canvas->setMessage(wtr("Loading project…") + "  " + wx(std::filesystem::path(path).filename().string()));
        m_legend->update(nullptr, {}, {});
    }
    SetStatusText(wtr("Loading project…"), kFieldRender);

    auto fb = m_loadFeedback;
    WindowHandle<MainFrame> self = m_self;
    m_loader = std::thread([self, fb, path, token, keepView] {
        auto t0 = std::chrono::steady_clock::now();
        std::shared_ptr<const render::MapData> data;
        render::MapState saved;
        std::exception_ptr error;
        try {
            gdal::init();
            if (!std::filesystem::exists(path))
                throw Error(ErrorKind::Io, path, tr("the file does not exist"));
            auto store = ProjectStore::open(path, ProjectStore::Mode::ReadOnly);
            if (const auto& recovered = store->recovered()) {
                const std::string notice = recovered->message;
                self.post([notice](MainFrame& f) { f.showNotice(wx(notice)); });
            }
            data = render::loadMapData(*store, crs::kVn2000LangSon, fb.get());
            try {
                saved = render::loadMapState(*store);
            } catch (const std::exception& e) {
                // A bad saved state never stops the project from opening: the default map.
                std::fprintf(stderr, "bando: %s\n", e.what());
            }
        } catch (...) {
            error = std::current_exception();
        }
        double secs = secondsSince(t0);
        self.post([=](MainFrame& f) { f.projectLoaded(token, path, data, saved, error, secs, keepView); });
    });
}

void MainFrame::showNotice(const wxString& text)
{
    m_notice->setText(text);
    const wxSize best = m_notice->GetBestSize();
    m_aui.GetPane("notice").Show(!text.empty()).MinSize(-1, best.y).BestSize(best);
    m_aui.Update();
    if (!text.empty())
        SetStatusText(text, 0);
}

wxString MainFrame::notice()
{
    return m_aui.GetPane(m_notice).IsShown() ? m_notice->text() : wxString();
}

void MainFrame::openDefaultSample(const std::string& path)
{
    if (!std::filesystem::exists(path)) {
        m_canvas->setMessage(wtr("Generating the Lạng Sơn sample project…"));
        bool ok = guarded(this, wtr("Generate the sample project"), [&] {
            std::filesystem::create_directories(std::filesystem::path(path).parent_path());
            if (!runWithProgress(this, wtr("First start"),
                                 wtr("Generating the Lạng Sơn sample project…"),
                                 [&](Feedback& fb) { tasks::runTask(tasks::SampleRequest{.out = path}, fb); }))
                throw CancelledError();
        });
        if (!ok) {
            m_canvas->setMessage(wtr("No project open. Use File → Open or File → New sample project."));
            return;
        }
    }
    openProject(path);
}

void MainFrame::projectLoaded(uint64_t token, const std::string& path, std::shared_ptr<const render::MapData> data,
                              render::MapState saved, std::exception_ptr error, double seconds, bool keepView)
{
    if (token != m_loadToken)
        return;  // a newer open superseded this one
    if (m_loader.joinable())
        m_loader.join();
    if (error) {
        m_canvas->setMessage(wtr("The project could not be opened."));
        SetStatusText(wtr("The project could not be opened."), kFieldRender);
        bool cancelled = false;
        try {
            std::rethrow_exception(error);
        } catch (const CancelledError&) {
            cancelled = true;
        } catch (...) {
        }
        if (!cancelled)
            showError(this, wtr("Open project"), error);
        if (onProjectLoaded)
            onProjectLoaded(false);
        return;
    }
    m_projectPath = path;
    m_firstRenderReported = false;
    if (timingWanted())
        std::fprintf(stderr, "bando-gui: project loaded in %.3f s (%.3f s after start)\n", seconds,
                     secondsSince(kProcessStart));

    std::string title = data->projectTitle.empty() ? std::filesystem::path(path).stem().string() : data->projectTitle;
    SetTitle(wx(title) + wxString::FromUTF8(" — Bando"));

    // Drawing order, visibility, opacity and scale ranges: the state saved in the project merged
    // with the core's default map (the one `bando render` draws) for layers it does not know.
    if (keepView) {
        saved = m_layerPanel->state();
        saved.theme = m_canvas->theme();
        m_canvas->replaceData(data);
    } else {
        m_canvas->setData(data);
    }
    m_layerPanel->setState(render::mergeMapState(*data, saved));
    try {
        // The project's saved styles (bando_styles), as `bando render` draws them.
        auto store = ProjectStore::open(path, ProjectStore::Mode::ReadOnly);
        m_canvas->setStyles(style::visibleStyles(style::loadStyles(*store)));
    } catch (const std::exception& e) {
        m_canvas->setStyles({});
        SetStatusText(wtr("The saved layer styles could not be read: ") + wx(e.what()), kFieldRender);
    }
    if (!m_pendingTheme.empty())
        saved.theme = std::exchange(m_pendingTheme, std::string());
    if (!saved.theme.empty() && data->theme(saved.theme))
        m_canvas->setTheme(saved.theme);
    fillDistricts();
    fillThemes();
    fillBookmarks();
    layersChanged();
    {
        // search index and attribute table over the loaded (map CRS) layers
        auto layerOf = [this](const std::string& n) -> const Layer* {
            return m_canvas->data() ? m_canvas->data()->layer(n) : nullptr;
        };
        m_places = std::make_unique<search::PlaceIndex>(layerOf("districts") ? *layerOf("districts") : Layer{},
                                                        layerOf("communes") ? *layerOf("communes") : Layer{},
                                                        layerOf("villages") ? *layerOf("villages") : Layer{});
        std::vector<std::string> names;
        for (const auto& l : data->layers)
            names.push_back(l.name);
        std::sort(names.begin(), names.end());
        if (!keepView)
            m_selection.clear();
        m_table->setLayers(names, layerOf);
        if (!keepView)
            m_identify->clear();
        m_dashboard->clear();
        m_ranking->clear();
        rememberRecent(path);
        try {
            // read-only: opening a project must never write to it
            auto store = ProjectStore::open(path, ProjectStore::Mode::ReadOnly);
            const auto counts = edit::stackCounts(*store);
            m_undoable = counts.undoable;
            m_redoable = counts.redoable;
        } catch (...) {
            m_undoable = m_redoable = 0;
        }
        updateSelectionStatus();
    }
    SetStatusText(wxString::Format(wtr("Project loaded in %.2f s"), seconds), kFieldRender);
    if (!keepView)
        restoreSession();
    sessionChanged();
    if (onProjectLoaded)
        onProjectLoaded(true);
}

void MainFrame::fillDistricts()
{
    m_districtChoice->Clear();
    m_districtCodes.clear();
    m_districtExtents.clear();
    const auto& data = m_canvas->data();
    m_districtChoice->Append(wtr("— Whole province —"));
    m_districtCodes.push_back("");
    m_districtExtents.push_back(data ? data->extent : Extent());
    if (const Layer* d = data ? data->layer("districts") : nullptr) {
        std::vector<std::pair<std::string, size_t>> byName;
        for (size_t i = 0; i < d->features.size(); ++i)
            byName.emplace_back(d->text(d->features[i], "name"), i);
        std::sort(byName.begin(), byName.end());
        for (const auto& [name, i] : byName) {
            m_districtChoice->Append(wx(name));
            m_districtCodes.push_back(d->text(d->features[i], "code"));
            m_districtExtents.push_back(d->features[i].geom.extent());
        }
    }
    m_districtChoice->SetSelection(0);
}

void MainFrame::fillThemes()
{
    m_themeChoice->Clear();
    m_themes.clear();
    if (const auto& data = m_canvas->data()) {
        for (const auto& t : render::availableThemes(*data)) {
            m_themes.push_back(t);
            m_themeChoice->Append(themeLabel(t));
        }
    }
    auto it = std::find(m_themes.begin(), m_themes.end(), m_canvas->theme());
    if (it != m_themes.end())
        m_themeChoice->SetSelection(static_cast<int>(it - m_themes.begin()));
    else if (!m_themes.empty()) {
        m_themeChoice->SetSelection(0);
        m_canvas->setTheme(m_themes[0]);
    }
}

void MainFrame::zoomToDistrict(const std::string& code)
{
    for (size_t i = 0; i < m_districtCodes.size(); ++i)
        if (m_districtCodes[i] == code) {
            m_districtChoice->SetSelection(static_cast<int>(i));
            if (code.empty())
                m_canvas->zoomFull();
            else
                m_canvas->zoomToExtent(m_districtExtents[i], 0.05);
            return;
        }
    throw Error(ErrorKind::Usage, "", std::string(tr("unknown district code")) + " " + code);
}

void MainFrame::setTheme(const std::string& theme)
{
    auto it = std::find(m_themes.begin(), m_themes.end(), theme);
    if (it == m_themes.end())
        throw Error(ErrorKind::Usage, "theme", std::string(tr("this theme is not available for the project: ")) + theme);
    m_themeChoice->SetSelection(static_cast<int>(it - m_themes.begin()));
    m_canvas->setTheme(theme);
    layersChanged();
    m_stateDirty = true;
    m_saveTimer.StartOnce(400);
}

void MainFrame::saveMapState()
{
    m_saveTimer.Stop();
    if (!m_stateDirty || m_projectPath.empty() || !m_canvas->data())
        return;
    m_stateDirty = false;
    render::MapState st = m_layerPanel->state();
    st.theme = m_canvas->theme();
    try {
        auto store = ProjectStore::open(m_projectPath, ProjectStore::Mode::ReadWrite);
        render::saveMapState(*store, st);
    } catch (...) {
        SetStatusText(wtr("The map settings could not be saved: ") + wx(describeException(std::current_exception())),
                      kFieldRender);
    }
}

bool MainFrame::editStyle(const std::string& layer)
{
    const auto data = m_canvas->data();
    if (!data || !data->layer(layer))
        throw Error(ErrorKind::Usage, layer, tr("Open or create a project first."));
    style::Style current = style::defaultStyle(layer);
    for (const auto& st : m_canvas->styles())
        if (st.layer == layer)
            current = st;
    StyleDialog dlg(this, data, current);
    const std::vector<style::Style> saved = m_canvas->styles();
    dlg.onPreview = [this, saved](const style::Style& preview) {  // the map as the editor stands
        std::vector<style::Style> styles = saved;
        styles.erase(std::remove_if(styles.begin(), styles.end(),
                                    [&](const style::Style& s) { return s.layer == preview.layer; }),
                     styles.end());
        styles.push_back(preview);
        m_canvas->setStyles(std::move(styles));
    };
    if (dlg.ShowModal() != wxID_OK) {
        m_canvas->setStyles(saved);
        return false;
    }
    applyStyle(dlg.style());
    return true;
}

void MainFrame::applyStyle(const style::Style& st)
{
    if (m_projectPath.empty() || !m_canvas->data())
        throw Error(ErrorKind::Usage, "", tr("Open or create a project first."));
    std::vector<style::StoredStyle> stored;
    {
        auto store = ProjectStore::open(m_projectPath, ProjectStore::Mode::ReadWrite);
        stored = style::putStyle(*store, st);
    }
    m_canvas->setStyles(style::visibleStyles(stored));
    const std::vector<std::string> hidden = m_layerPanel->hidden();
    if (std::find(hidden.begin(), hidden.end(), st.layer) != hidden.end())
        m_layerPanel->setVisible(st.layer, true);  // notifies: redraw and legend
    else
        layersChanged();
}

void MainFrame::zoomToUnit(const std::string& layerName, const std::string& code)
{
    const Layer* l = m_canvas->data() ? m_canvas->data()->layer(layerName) : nullptr;
    if (l)
        for (const auto& f : l->features)
            if (l->text(f, "code") == code) {
                m_canvas->zoomToExtent(f.geom.extent(), 0.05);
                return;
            }
    throw Error(ErrorKind::Usage, layerName, std::string(tr("unknown code")) + " " + code);
}

void MainFrame::doZoomToCommune()
{
    const auto data = m_canvas->data();
    if (!data)
        throw Error(ErrorKind::Usage, "", tr("Open or create a project first."));
    // Communes (with their district), then the districts, by name.
    struct Unit {
        wxString label;
        std::string layer, code;
    };
    std::vector<Unit> units;
    std::map<std::string, std::string> districtName;
    if (const Layer* d = data->layer("districts"))
        for (const auto& f : d->features)
            districtName[d->text(f, "code")] = d->text(f, "name");
    if (const Layer* c = data->layer("communes"))
        for (const auto& f : c->features)
            units.push_back({wx(c->text(f, "name")) + " — " + wx(districtName[c->text(f, "district_code")]), "communes",
                             c->text(f, "code")});
    for (const auto& [code, name] : districtName)
        units.push_back({wx(name), "districts", code});
    std::sort(units.begin(), units.end(), [](const Unit& a, const Unit& b) { return a.label.CmpNoCase(b.label) < 0; });
    wxArrayString labels;
    for (const auto& u : units)
        labels.Add(u.label);
    wxSingleChoiceDialog dlg(this, wtr("Commune or district to show:"), wtr("Zoom to commune"), labels);
    if (dlg.ShowModal() != wxID_OK || dlg.GetSelection() < 0)
        return;
    const Unit& u = units[static_cast<size_t>(dlg.GetSelection())];
    zoomToUnit(u.layer, u.code);
}

void MainFrame::zoomToSelection()
{
    const Layer* l = m_canvas->data() && !m_selLayer.empty() ? m_canvas->data()->layer(m_selLayer) : nullptr;
    Extent e;
    if (l)
        for (size_t i : m_selection)
            if (i < l->features.size())
                e.expand(l->features[i].geom.extent());
    if (e.isEmpty())
        throw Error(ErrorKind::Usage, "", tr("Select features first."));
    m_canvas->zoomToExtent(e, 0.1);
}

void MainFrame::fillBookmarks()
{
    while (m_bookmarksMenu->GetMenuItemCount() > 2)
        m_bookmarksMenu->Destroy(m_bookmarksMenu->FindItemByPosition(2));
    const auto& marks = m_layerPanel->state().bookmarks;
    for (size_t i = 0; i < marks.size() && i < static_cast<size_t>(actions::kMaxBookmarks); ++i)
        m_bookmarksMenu->Append(actions::bookmarkId(static_cast<int>(i)), wx(marks[i].name));
}

void MainFrame::addBookmark(const std::string& name)
{
    if (!m_canvas->data())
        throw Error(ErrorKind::Usage, "", tr("Open or create a project first."));
    render::MapState st = m_layerPanel->state();
    render::Bookmark b{name, m_canvas->visibleExtent()};
    auto it = std::find_if(st.bookmarks.begin(), st.bookmarks.end(), [&](const auto& o) { return o.name == name; });
    if (it != st.bookmarks.end())
        *it = b;  // the same name: the view is replaced
    else
        st.bookmarks.push_back(b);
    render::validate(st);
    m_layerPanel->setState(st);
    fillBookmarks();
    m_stateDirty = true;
    saveMapState();
}

void MainFrame::goToBookmark(size_t index)
{
    const auto& marks = m_layerPanel->state().bookmarks;
    if (index < marks.size())
        m_canvas->zoomToExtent(marks[index].extent, 0);
}

void MainFrame::doAddBookmark()
{
    wxTextEntryDialog dlg(this, wtr("Name of the bookmark:"), wtr("Bookmark this view"));
    if (dlg.ShowModal() != wxID_OK || dlg.GetValue().Trim().empty())
        return;
    addBookmark(utf8(dlg.GetValue().Trim().Trim(false)));
}

void MainFrame::doAnalyze()
{
    if (m_projectPath.empty() || !m_canvas->data())
        throw Error(ErrorKind::Usage, "", tr("Open or create a project first."));
    tasks::AnalyzeRequest request;
    {
        // the dialog starts from the project's road speeds (Settings → Analysis settings)
        tasks::SettingsRequest show;
        show.project = m_projectPath;
        Feedback fb;
        request.speedKmh = tasks::runTask(show, fb).speeds.speedKmh;  // read-only
    }
    if (runAnalyzeDialog(this, m_projectPath, request))
        analyze(request);
}

void MainFrame::doPredict()
{
    if (m_projectPath.empty() || !m_canvas->data())
        throw Error(ErrorKind::Usage, "", tr("Open or create a project first."));
    tasks::PredictRequest request;
    if (!runPredictDialog(this, m_projectPath, request))
        return;
    if (m_stateDirty)
        saveMapState();
    std::optional<tasks::PredictResult> result;
    // Progress per site and Cancel; a cancelled run leaves the project (and its coverage) as it was.
    if (!runWithProgress(this, wtr("Predict coverage"), wtr("Predicting coverage…"),
                         [&](Feedback& fb) { result = tasks::runTask(request, fb); }) ||
        !result) {
        SetStatusText(wtr("Prediction cancelled: the previous coverage is kept."), kFieldRender);
        return;
    }
    const wxString done = wxString::Format(wtr("Coverage predicted for %d sites into layer %s"),
                                           static_cast<int>(result->sites), wx(result->layer));
    openProject(m_projectPath, true);
    showNotice(done);  // the reload overwrites the status bar; the notice stays until closed
}

// File → Export print layout…: the request `bando render --layout/--atlas` runs, on a worker
// thread behind the progress dialog with Cancel.
void MainFrame::doExportLayout()
{
    if (m_projectPath.empty() || !m_canvas->data())
        throw Error(ErrorKind::Usage, "", tr("Open or create a project first."));
    tasks::LayoutRequest request;
    if (!runLayoutExportDialog(this, m_projectPath, request))
        return;
    if (m_stateDirty)
        saveMapState();
    if (!runWithProgress(this, wtr("Export print layout"), wtr("Drawing the layout…"),
                         [&](Feedback& fb) { tasks::runTask(request, fb); })) {
        SetStatusText(wtr("Export cancelled: nothing was written."), kFieldRender);
        return;
    }
    SetStatusText(wtr("Layout written: ") + wx(request.out), kFieldRender);
}

void MainFrame::doUnits()
{
    if (m_projectPath.empty() || !m_canvas->data())
        throw Error(ErrorKind::Usage, "", tr("Open or create a project first."));
    tasks::UnitsRequest request;
    if (!runUnitsDialog(this, m_projectPath, request))
        return;
    carryUnits(request);
}

bool MainFrame::carryUnits(tasks::UnitsRequest request)
{
    if (m_projectPath.empty())
        throw Error(ErrorKind::Usage, "", tr("Open or create a project first."));
    request.project = m_projectPath;
    if (m_stateDirty)
        saveMapState();
    std::optional<tasks::UnitsResult> result;
    const bool done = runWithProgress(this, wtr("Figures in another unit version"), wtr("Carrying the figures across…"),
                                      [&](Feedback& fb) { result = tasks::runTask(request, fb); });
    if (!done || !result)
        return false;
    // a notice: the status field is overwritten by the reload that follows
    showNotice(wxString::Format(wtr("%s: %d communes → %d units; households %lld, shops %lld, gap villages %d conserved"),
                                wx(result->to), result->communesFrom, result->communesTo,
                                static_cast<long long>(result->after.households),
                                static_cast<long long>(result->after.shops), result->after.noSignal));
    openProject(m_projectPath, true);
    return true;
}

bool MainFrame::analyze(tasks::AnalyzeRequest request)
{
    if (m_projectPath.empty())
        throw Error(ErrorKind::Usage, "", tr("Open or create a project first."));
    request.project = m_projectPath;
    if (m_stateDirty)
        saveMapState();
    std::optional<tasks::AnalyzeResult> result;
    const bool done = runWithProgress(this, wtr("Analyse villages"), wtr("Analysing the villages…"),
                                      [&](Feedback& fb) { result = tasks::runTask(request, fb); });
    if (!done || !result) {
        SetStatusText(wtr("Analysis cancelled: the previous results are kept."), kFieldRender);
        return false;
    }
    SetStatusText(wxString::Format(wtr("Analysis done: %d villages without signal, %d unstable, %d covered"),
                                   static_cast<int>(result->total.noSignal), static_cast<int>(result->total.unstable),
                                   static_cast<int>(result->total.covered)),
                  kFieldRender);
    m_pendingTheme = "class";
    openProject(m_projectPath, true);
    return true;
}

void MainFrame::layersChanged()
{
    auto order = m_layerPanel->orderBottomToTop();
    auto hidden = m_layerPanel->hidden();
    m_canvas->setDisplay(m_layerPanel->display());
    m_canvas->setLayerState(order, hidden);
    std::vector<std::string> visibleTopFirst;
    for (auto it = order.rbegin(); it != order.rend(); ++it)
        if (std::find(hidden.begin(), hidden.end(), *it) == hidden.end())
            visibleTopFirst.push_back(*it);
    m_legend->update(m_canvas->data(), m_canvas->viewSettings(), visibleTopFirst);
}

// ---------------------------------------------------------------- status bar

void MainFrame::updateStatusCursor(double x, double y)
{
    try {
        auto ll = crs::transform(crs::kVn2000LangSon, crs::kWgs84, x, y);
        SetStatusText(wxString::Format(wx("WGS 84: %.5f°%s, %.5f°%s"), std::abs(ll.y), ll.y >= 0 ? "N" : "S",
                                       std::abs(ll.x), ll.x >= 0 ? "E" : "W"),
                      kFieldWgs84);
    } catch (const std::exception&) {
        SetStatusText(wx("WGS 84: —"), kFieldWgs84);
    }
    SetStatusText(wxString::Format("VN-2000 / TM-3 107-15: E %.1f  N %.1f m", x, y), kFieldVn2000);
}

void MainFrame::updateStatusView()
{
    double res = m_canvas->view().res;
    if (res > 0) {
        double denom = res * 96 / 0.0254;  // 96 dpi screen
        double rounded = denom >= 1000 ? std::round(denom / 100) * 100 : std::round(denom);
        SetStatusText(wxString::Format(wtr("Scale 1:%s"), wxString::Format("%.0f", rounded)), kFieldScale);
    }
    SetStatusText(wtr("Drawing…"), kFieldRender);
}

void MainFrame::renderCompleted(uint64_t generation)
{
    updateStatusView();
    SetStatusText(wxString::Format(wtr("Map drawn in %.2f s"), m_canvas->lastRenderSeconds()), kFieldRender);
    if (!m_firstRenderReported) {
        m_firstRenderReported = true;
        if (timingWanted())
            std::fprintf(stderr, "bando-gui: first map shown %.3f s after start (render %.3f s)\n",
                         secondsSince(kProcessStart), m_canvas->lastRenderSeconds());
    }
    if (onRenderComplete)
        onRenderComplete(generation);
}

// ---------------------------------------------------------------- file actions

void MainFrame::doOpen()
{
    wxFileDialog dlg(this, wtr("Open project"), "", "", wtr("Bando projects (*.gpkg)") + "|*.gpkg",
                     wxFD_OPEN | wxFD_FILE_MUST_EXIST);
    if (dlg.ShowModal() != wxID_OK)
        return;
    openProject(utf8(dlg.GetPath()));
}

void MainFrame::doNewSample()
{
    wxFileDialog dlg(this, wtr("New sample project"), "", "lang-son-sample.gpkg",
                     wtr("Bando projects (*.gpkg)") + "|*.gpkg", wxFD_SAVE | wxFD_OVERWRITE_PROMPT);
    if (dlg.ShowModal() != wxID_OK)
        return;
    std::string path = utf8(dlg.GetPath());
    if (std::filesystem::path(path).extension() != ".gpkg")
        path += ".gpkg";
    if (path == m_projectPath)
        m_canvas->setData(nullptr);  // nothing refers to the file while it is replaced
    bool done = runWithProgress(this, wtr("New sample project"), wtr("Generating the Lạng Sơn sample project…"),
                                [&](Feedback& fb) {
                                    // The file dialog has asked before replacing an existing file.
                                    tasks::runTask(tasks::SampleRequest{.out = path, .force = true}, fb);
                                });
    if (done)
        openProject(path);
    else if (!m_projectPath.empty() && !m_canvas->data())
        openProject(m_projectPath);
}

void MainFrame::doImport()
{
#ifdef BANDO_HAVE_IMPORT_DIALOG
    if (m_projectPath.empty())
        throw Error(ErrorKind::Usage, "", tr("Open or create a project first."));
    std::string path = m_projectPath;
    if (runImportDialog(this, path))
        openProject(path);  // reload the layers
#else
    wxMessageBox(wtr("Import is not available in this build."), wtr("Import data"), wxOK | wxICON_INFORMATION, this);
#endif
}

void MainFrame::importFiles(const std::vector<std::string>& files)
{
    if (m_projectPath.empty()) {
        showNotice(wtr("Open or create a project first, then drop the files to import on the window."));
        return;
    }
    bool imported = false;
    for (const auto& f : files) {
        std::error_code ec;
        if (std::filesystem::is_directory(f, ec)) {
            SetStatusText(wxString::Format(wtr("A folder is not imported: %s"), wx(f)), kFieldRender);
            continue;
        }
        ++m_droppedFiles;
        m_lastDropped = f;
#ifdef BANDO_HAVE_IMPORT_DIALOG
        guarded(this, wtr("Import data"), [&] { imported = runImportDialog(this, m_projectPath, f) || imported; });
#endif
    }
    if (imported)
        openProject(m_projectPath, true);  // reload the layers, keeping the view
}

void MainFrame::doExport(bool pdf)
{
    auto data = m_canvas->data();
    if (!data)
        throw Error(ErrorKind::Usage, "", tr("Open or create a project first."));
    wxString title = pdf ? wtr("Export map as PDF") : wtr("Export map as PNG");
    wxString wildcard = pdf ? wtr("PDF documents (*.pdf)") + "|*.pdf" : wtr("PNG images (*.png)") + "|*.png";
    wxString defName = pdf ? "ban-do.pdf" : "ban-do.png";
    wxFileDialog dlg(this, title, "", defName, wildcard, wxFD_SAVE | wxFD_OVERWRITE_PROMPT);
    if (dlg.ShowModal() != wxID_OK)
        return;
    std::string path = utf8(dlg.GetPath());
    std::string ext = pdf ? ".pdf" : ".png";
    if (std::filesystem::path(path).extension() != ext)
        path += ext;
    if (exportTo(path, pdf))
        SetStatusText(wtr("Saved ") + wx(path), kFieldRender);
}

bool MainFrame::exportTo(const std::string& path, bool pdf)
{
    auto data = m_canvas->data();
    if (!data)
        throw Error(ErrorKind::Usage, "", tr("Open or create a project first."));
    // The request `bando render` runs, filled from the view: what the window shows (extent,
    // layers, theme) with title, legend and scale bar, sized by the core's export policy.
    const render::MapSettings view = m_canvas->viewSettings();
    tasks::RenderRequest request;
    request.project = m_projectPath;
    request.data = data;  // exported as shown, without reloading
    request.out = path;  // the format follows the extension
    request.extent = view.extent;
    request.layerOrder = view.layerOrder;
    request.hiddenLayers = view.hiddenLayers;
    request.display = view.display;  // opacity, scale ranges and legend toggles of the layer tree
    request.styles = view.styles;    // the styles the window draws
    request.theme = view.theme;
    request.language = view.language;
    request.fitView(view.widthPx, view.heightPx);
    return runWithProgress(this, pdf ? wtr("Export map as PDF") : wtr("Export map as PNG"), wtr("Drawing the map…"),
                           [&](Feedback& fb) { tasks::runTask(request, fb); });
}

void MainFrame::doAbout()
{
    wxAboutDialogInfo info;
    info.SetName("Bando");
    info.SetVersion("0.1.0");
    info.SetDescription(wtr("Planning mobile and broadband coverage and the village-by-village roll-out of the "
                            "digital economy program in Lạng Sơn province."));
    wxAboutBox(info, this);
}

void MainFrame::onClose(wxCloseEvent& e)
{
    {
        auto cfg = openSettings();
        cfg->Write("/window/layout", m_aui.SavePerspective());
        cfg->Flush();
    }
    saveMapState();
    if (!m_projectPath.empty() && !m_pendingSession) {
        saveSession();
        auto cfg = openSettings();
        cfg->Write("/session/clean", true);  // a normal close: nothing to recover next time
        cfg->Flush();
    }
    m_sessionTimer.Stop();
    stopLoader();
    e.Skip();
}

// ---------------------------------------------------------------- the workbench (issue #14)

std::string MainFrame::settingsPath()
{
    if (const char* p = std::getenv("BANDO_CONFIG"); p && *p)
        return p;
    std::string base;
    if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x)
        base = x;
    else if (const char* h = std::getenv("HOME"); h && *h)
        base = std::string(h) + "/.config";
    else
        base = ".";
    return base + "/bando/settings.ini";
}

void MainFrame::applySavedLanguage()
{
    auto cfg = openSettings();
    wxString lang;
    if (cfg->Read("/language", &lang) && (lang == "vi" || lang == "en"))
        i18n::setLanguage(utf8(lang));
}

void MainFrame::chooseLanguage(const std::string& lang)
{
    if (lang != "vi" && lang != "en")
        throw Error(ErrorKind::Usage, "language", "expected vi or en");
    {
        auto cfg = openSettings();
        cfg->Write("/language", wx(lang));
        cfg->Flush();
    }
    SetStatusText(lang == "en" ? wx("English after a restart of Bando")
                               : wxString::FromUTF8("Tiếng Việt sau khi khởi động lại Bando"),
                  kFieldRender);
}

std::vector<std::string> MainFrame::recentProjects() const
{
    std::vector<std::string> out;
    auto cfg = openSettings();
    for (size_t i = 0; i < kMaxRecent; ++i) {
        wxString p;
        if (cfg->Read(wxString::Format("/recent/file%zu", i), &p) && !p.empty())
            out.push_back(utf8(p));
    }
    return out;
}

void MainFrame::rememberRecent(const std::string& path)
{
    std::error_code ec;
    const std::string abs = std::filesystem::absolute(path, ec).string();
    auto list = recentProjects();
    list.erase(std::remove(list.begin(), list.end(), abs), list.end());
    list.insert(list.begin(), abs);
    if (list.size() > kMaxRecent)
        list.resize(kMaxRecent);
    {
        auto cfg = openSettings();
        cfg->DeleteGroup("/recent");
        for (size_t i = 0; i < list.size(); ++i)
            cfg->Write(wxString::Format("/recent/file%zu", i), wx(list[i]));
        cfg->Flush();
    }
    fillRecent();
}

void MainFrame::fillRecent()
{
    if (!m_recentMenu)
        return;
    while (m_recentMenu->GetMenuItemCount() > 0)
        m_recentMenu->Destroy(m_recentMenu->FindItemByPosition(0));
    const auto list = recentProjects();
    for (size_t i = 0; i < list.size(); ++i)
        m_recentMenu->Append(actions::bookmarkId(actions::kMaxBookmarks + 20 + static_cast<int>(i)),
                             wxString::Format("&%zu %s", i + 1, wx(list[i])));
}

bool MainFrame::isEnabled(const Action& a) const
{
    const std::string w = a.enabledWhen ? a.enabledWhen : "";
    if (w == "project")
        return m_canvas->data() != nullptr;
    if (w == "undo")
        return m_undoable > 0 && !m_projectPath.empty();
    if (w == "redo")
        return m_redoable > 0 && !m_projectPath.empty();
    if (w == "selection")
        return !m_selection.empty();
    return true;
}

wxString MainFrame::statusText(int field) const
{
    return GetStatusBar() ? GetStatusBar()->GetStatusText(field) : wxString();
}

void MainFrame::showAttributeTable(const std::string& layer)
{
    if (!m_canvas->data())
        throw Error(ErrorKind::Usage, "", tr("Open or create a project first."));
    if (layer != m_table->layerName())
        m_table->showLayer(layer);
    m_aui.GetPane("attributes").Show();
    m_aui.Update();
}

void MainFrame::setSelection(const std::string& layer, std::set<size_t> features)
{
    if (!layer.empty() && layer != m_table->layerName())
        m_table->showLayer(layer);
    m_table->setSelection(std::move(features));  // notifies: status bar and map
}

void MainFrame::updateSelectionStatus()
{
    sessionChanged();
    if (m_selection.empty())
        SetStatusText(wtr("No selection"), kFieldSelection);
    else
        SetStatusText(wxString::Format(wtr("%zu selected (%s)"), m_selection.size(), wx(m_selLayer)), kFieldSelection);
}

void MainFrame::drawSelection(wxDC& dc)
{
    const Layer& l = m_table->layer();
    if (m_selection.empty() || l.name != m_selLayer)
        return;
    const Extent visible = m_canvas->visibleExtent();
    dc.SetPen(wxPen(wxColour(255, 230, 0), 3));
    dc.SetBrush(wxBrush(wxColour(255, 230, 0), wxBRUSHSTYLE_BDIAGONAL_HATCH));
    for (size_t i : m_selection) {
        if (i >= l.features.size())
            continue;
        const Geometry& g = l.features[i].geom;
        if (g.isEmpty() || !g.extent().intersects(visible))
            continue;
        for (const auto& part : g.parts)
            for (const auto& ring : part) {
                std::vector<wxPoint> pts;
                pts.reserve(ring.size());
                for (const auto& p : ring)
                    pts.push_back(m_canvas->toPixel(p.x, p.y));
                if (pts.size() == 1)
                    dc.DrawCircle(pts[0], 6);
                else if (g.type == GeomType::Polygon || g.type == GeomType::MultiPolygon)
                    dc.DrawPolygon(static_cast<int>(pts.size()), pts.data());
                else
                    dc.DrawLines(static_cast<int>(pts.size()), pts.data());
            }
    }
}

std::vector<search::LayerHit> MainFrame::identifyAt(double x, double y)
{
    const auto& data = m_canvas->data();
    if (!data)
        return {};
    const double tolerance = 6 * m_canvas->view().res;  // six pixels
    auto hits = m_identify->identify(*data, x, y, tolerance);
    wxAuiPaneInfo& pane = m_aui.GetPane("identify");
    if (!pane.IsShown()) {
        pane.Show();
        m_aui.Update();
    }
    // click selection: the village (or the first feature) under the cursor
    if (!hits.empty()) {
        const auto& h = hits.front();
        setSelection(h.layer, {h.feature});
    } else {
        setSelection(m_selLayer, {});
    }
    return hits;
}

std::vector<search::Hit> MainFrame::searchPlaces(const std::string& query)
{
    m_searchHits.clear();
    if (!m_places)
        return {};
    m_searchHits = m_places->find(query, 20);
    if (utf8(m_search->GetValue()) != query)
        m_search->ChangeValue(wx(query));
    auto* menu = new wxMenu;
    for (size_t i = 0; i < m_searchHits.size(); ++i) {
        const auto& p = m_searchHits[i].place;
        wxString label = wx(p.name);
        if (!p.communeName.empty())
            label += ", " + wx(p.communeName);
        if (!p.districtName.empty())
            label += ", " + wx(p.districtName);
        menu->Append(actions::bookmarkId(actions::kMaxBookmarks + static_cast<int>(i)), label);
    }
    m_search->SetMenu(menu);  // the search box owns it
    if (m_searchHits.empty()) {
        SetStatusText(wxString::Format(wtr("No place matches \"%s\""), wx(query)), kFieldRender);
        return {};
    }
    const auto& best = m_searchHits.front().place;
    m_canvas->zoomToExtent(best.extent, 0.1);
    SetStatusText(wxString::Format(wtr("%zu places found; showing %s"), m_searchHits.size(), wx(best.name)),
                  kFieldRender);
    return m_searchHits;
}

void MainFrame::doFind()
{
    m_search->SetFocus();
    m_search->SelectAll();
}

tasks::EditResult MainFrame::editValue(const std::string& layer, int64_t fid, const std::string& field,
                                       const std::string& text)
{
    if (m_projectPath.empty())
        throw Error(ErrorKind::Usage, "", tr("Open or create a project first."));
    if (m_stateDirty)
        saveMapState();
    tasks::EditRequest r;
    r.project = m_projectPath;
    r.layer = layer;
    r.fid = fid;
    r.set = {{field, text}};
    Feedback fb;
    const auto result = tasks::runTask(r, fb);  // one small transaction: fast enough for the main thread
    afterEdit(result);
    return result;
}

std::optional<tasks::EditResult> MainFrame::undoEdit()
{
    if (m_projectPath.empty())
        return std::nullopt;
    tasks::EditRequest r;
    r.project = m_projectPath;
    r.action = tasks::EditRequest::Action::Undo;
    Feedback fb;
    const auto result = tasks::runTask(r, fb);
    afterEdit(result);
    return result;
}

std::optional<tasks::EditResult> MainFrame::redoEdit()
{
    if (m_projectPath.empty())
        return std::nullopt;
    tasks::EditRequest r;
    r.project = m_projectPath;
    r.action = tasks::EditRequest::Action::Redo;
    Feedback fb;
    const auto result = tasks::runTask(r, fb);
    afterEdit(result);
    return result;
}

void MainFrame::afterEdit(const tasks::EditResult& r)
{
    m_undoable = r.undoable;
    m_redoable = r.redoable;
    if (!r.changed) {
        SetStatusText(r.action == "undo"   ? wtr("Nothing to undo")
                      : r.action == "redo" ? wtr("Nothing to redo")
                                           : wtr("Nothing changed"),
                      kFieldRender);
        return;
    }
    if (m_table->layerName() == r.edit.layer)
        for (const auto& c : r.edit.changes)
            m_table->updateValue(r.edit.fid, c.field, c.newValue);
    const wxString format = r.action == "undo"   ? wtr("Undone: %s %s")
                            : r.action == "redo" ? wtr("Redone: %s %s")
                                                 : wtr("Saved: %s %s");
    wxString msg = wxString::Format(format, wx(r.edit.layer), wx(r.edit.key));
    for (const auto& c : r.edit.changes)
        msg += wx(" · " + c.field + " " + edit::encodeValue(c.oldValue).value_or("NULL") + " → " +
                  edit::encodeValue(c.newValue).value_or("NULL"));
    if (!r.staleParts.empty()) {
        std::string parts;
        for (const auto& p : r.staleParts)
            parts += (parts.empty() ? "" : ", ") + p;
        msg += wx(" · ") + wtr("analysis to update: ") + wx(parts);
    }
    SetStatusText(msg, kFieldRender);
}

bool MainFrame::showDashboard()
{
    if (m_projectPath.empty() || !m_canvas->data())
        throw Error(ErrorKind::Usage, "", tr("Open or create a project first."));
    if (m_stateDirty)
        saveMapState();
    tasks::ProgressRequest progress;
    progress.project = m_projectPath;
    progress.levels = {"province", "district"};
    tasks::CheckRequest check;
    check.project = m_projectPath;
    std::optional<tasks::ProgressResult> p;
    std::optional<tasks::CheckResult> c;
    std::vector<ReportPoint> reports;
    const bool done = runWithProgress(this, wtr("Program dashboard"), wtr("Computing the progress and the data checks…"),
                                      [&](Feedback& fb) {
                                          p = tasks::runTask(progress, fb);
                                          c = tasks::runTask(check, fb);
                                          // the dated reports as stored (read-only: never writes)
                                          auto store = ProjectStore::open(m_projectPath, ProjectStore::Mode::ReadOnly);
                                          if (store->hasLayer("progress_reports")) {
                                              const Layer l = store->readLayer("progress_reports", &fb);
                                              reports = reportPoints(&l);
                                          }
                                      });
    if (!done || !p || !c)
        return false;
    m_dashboard->show(std::move(*p), std::move(*c), std::move(reports));
    wxAuiPaneInfo& pane = m_aui.GetPane("dashboard");
    if (!pane.IsShown()) {
        pane.Show();
        m_aui.Update();
    }
    return true;
}

bool MainFrame::showRanking()
{
    if (m_projectPath.empty() || !m_canvas->data())
        throw Error(ErrorKind::Usage, "", tr("Open or create a project first."));
    if (!m_ranking->load(m_projectPath, m_canvas->data()))
        return false;
    wxAuiPaneInfo& pane = m_aui.GetPane("ranking");
    if (!pane.IsShown()) {
        pane.Show();
        m_aui.Update();
    }
    return true;
}

bool MainFrame::followFinding(const planning::Finding& f)
{
    const auto& data = m_canvas->data();
    if (!data || f.extent.isEmpty())
        return false;
    // the four corners of the WGS 84 extent, reprojected: the map extent that contains them
    Geometry box = Geometry::polygon({{{f.extent.minX, f.extent.minY},
                                       {f.extent.maxX, f.extent.minY},
                                       {f.extent.maxX, f.extent.maxY},
                                       {f.extent.minX, f.extent.maxY},
                                       {f.extent.minX, f.extent.minY}}});
    crs::reproject(box, 4326, data->epsg);
    Extent e = box.extent();
    const double minSize = 2000;  // metres: a shop or a village centre gets some context
    if (e.width() < minSize || e.height() < minSize) {
        const XY c = e.center();
        e.expand(c.x - minSize / 2, c.y - minSize / 2);
        e.expand(c.x + minSize / 2, c.y + minSize / 2);
    }
    m_canvas->zoomToExtent(e, 0.15);
    wxString place = wxString::FromUTF8(f.name.empty() ? f.code : f.name);
    SetStatusText(wxString::Format(wtr("Finding: %s"), place), kFieldRender);
    return true;
}

size_t MainFrame::selectInBox(const Extent& box)
{
    const auto& data = m_canvas->data();
    if (!data)
        return 0;
    const std::string name = m_table->layerName().empty() ? "villages" : m_table->layerName();
    const Layer* layer = data->layer(name);
    if (!layer)
        return 0;
    const auto hits = search::featuresInBox(*layer, box);
    setSelection(name, std::set<size_t>(hits.begin(), hits.end()));
    return hits.size();
}

size_t MainFrame::selectInPolygon(const std::vector<XY>& vertices)
{
    const auto& data = m_canvas->data();
    if (!data)
        return 0;
    const std::string name = m_table->layerName().empty() ? "villages" : m_table->layerName();
    const Layer* layer = data->layer(name);
    if (!layer)
        return 0;
    const auto hits = search::featuresInPolygon(*layer, vertices);
    setSelection(name, std::set<size_t>(hits.begin(), hits.end()));
    return hits.size();
}

void MainFrame::setPolygonSelecting(bool on)
{
    if (on && m_measuring)
        setMeasuring(false);
    m_polygonSelecting = on;
    m_polygonPts.clear();
    updatePolygonStatus();
    m_canvas->Refresh();
}

void MainFrame::addPolygonPoint(double x, double y)
{
    if (!m_polygonSelecting)
        return;
    m_polygonPts.push_back({x, y});
    updatePolygonStatus();
    m_canvas->Refresh();
}

size_t MainFrame::closePolygon()
{
    const size_t n = selectInPolygon(m_polygonPts);  // throws for < 3 vertices: the tool stays on
    m_polygonSelecting = false;
    m_polygonPts.clear();
    SetStatusText(wxString::Format(wtr("Polygon selection: %zu selected"), n), kFieldRender);
    m_canvas->Refresh();
    return n;
}

void MainFrame::updatePolygonStatus()
{
    if (!m_polygonSelecting) {
        SetStatusText(wtr("Ready"), kFieldRender);
        return;
    }
    SetStatusText(wxString::Format(wtr("Select by polygon: click the vertices, double-click closes (%zu so far)"),
                                   m_polygonPts.size()),
                  kFieldRender);
}

void MainFrame::drawPolygonSelection(wxDC& dc)
{
    if (m_polygonSelecting)
        drawClickedPath(dc, *m_canvas, m_polygonPts, wxColour(0, 90, 200), wxBRUSHSTYLE_FDIAGONAL_HATCH, wxPENSTYLE_SHORT_DASH);
}

// ---------------------------------------------------------------- session (app state, crash recovery)

MainFrame::Session MainFrame::readSession()
{
    Session s;
    auto cfg = openSettings();
    wxString v;
    if (cfg->Read("/session/project", &v))
        s.project = utf8(v);
    cfg->Read("/session/clean", &s.clean, true);
    if (cfg->Read("/session/selection_layer", &v))
        s.selectionLayer = utf8(v);
    if (cfg->Read("/session/selection", &v)) {
        std::istringstream in(utf8(v));
        for (long long fid = 0; in >> fid;)
            s.selectionFids.push_back(fid);
    }
    if (cfg->Read("/session/table_layer", &v))
        s.tableLayer = utf8(v);
    if (cfg->Read("/session/table_filter", &v))
        s.tableFilter = utf8(v);
    if (cfg->Read("/session/view", &v)) {
        std::istringstream in(utf8(v));
        in.imbue(std::locale::classic());
        if (!(in >> s.cx >> s.cy >> s.res) || !(s.res > 0))
            s.res = 0;
    }
    if (cfg->Read("/session/saved_at", &v))
        s.savedAt = utf8(v);
    return s;
}

std::string MainFrame::recoverableProject()
{
    const Session s = readSession();
    std::error_code ec;
    if (s.clean || s.project.empty() || !std::filesystem::exists(s.project, ec))
        return "";
    return s.project;
}

void MainFrame::sessionChanged()
{
    if (!m_projectPath.empty())
        m_sessionTimer.StartOnce(500);
}

void MainFrame::saveSession()
{
    m_sessionTimer.Stop();
    if (m_projectPath.empty() || m_pendingSession)
        return;  // nothing open yet, or the last session is still to be restored: keep it
    std::ostringstream sel;
    if (const Layer& l = m_table->layer(); !m_selection.empty() && l.name == m_selLayer)
        for (size_t i : m_selection)
            if (i < l.features.size())
                sel << (sel.tellp() > 0 ? " " : "") << l.features[i].fid;
    std::ostringstream view;
    view.imbue(std::locale::classic());
    view.precision(17);
    if (m_canvas->view().valid())
        view << m_canvas->view().cx << ' ' << m_canvas->view().cy << ' ' << m_canvas->view().res;
    auto cfg = openSettings();
    cfg->Write("/session/project", wx(m_projectPath));
    cfg->Write("/session/clean", false);
    cfg->Write("/session/selection_layer", wx(m_selection.empty() ? std::string() : m_selLayer));
    cfg->Write("/session/selection", wx(sel.str()));
    cfg->Write("/session/table_layer", wx(m_table->layerName()));
    cfg->Write("/session/table_filter", wx(m_table->filter()));
    cfg->Write("/session/view", wx(view.str()));
    cfg->Write("/session/saved_at", wx(stampIsoUtc()));
    cfg->Write("/window/layout", m_aui.SavePerspective());  // the open panes
    cfg->Flush();  // a temporary file renamed over the old one: a kill never leaves half of it
}

void MainFrame::restoreSession()
{
    if (!m_pendingSession)
        return;
    const Session s = *m_pendingSession;
    std::error_code ec;
    const bool same = std::filesystem::equivalent(s.project, m_projectPath, ec);
    m_pendingSession.reset();
    if (!same)
        return;  // another project: the last session's state does not apply
    size_t selected = 0;
    std::vector<std::string> restored;
    if (!s.tableLayer.empty() && m_canvas->data()->layer(s.tableLayer)) {
        m_table->showLayer(s.tableLayer);
        if (!s.tableFilter.empty()) {
            try {
                m_table->setFilter(s.tableFilter);
                restored.push_back(trf("the attribute table's filter {1}", {s.tableFilter}));
            } catch (const std::exception&) {
                // a filter the layer no longer accepts: the table shows every row
            }
        }
    }
    if (const Layer* l = s.selectionLayer.empty() ? nullptr : m_canvas->data()->layer(s.selectionLayer)) {
        const std::set<int64_t> fids(s.selectionFids.begin(), s.selectionFids.end());
        std::set<size_t> sel;
        for (size_t i = 0; i < l->features.size(); ++i)
            if (fids.count(l->features[i].fid))
                sel.insert(i);
        if (!sel.empty()) {
            selected = sel.size();
            setSelection(s.selectionLayer, std::move(sel));
            restored.push_back(trf("{1} selected in {2}", {std::to_string(selected), s.selectionLayer}));
        }
    }
    if (s.res > 0) {
        View v;
        v.cx = s.cx;
        v.cy = s.cy;
        v.res = s.res;
        m_canvas->setView(v);
        restored.push_back(tr("the map view"));
    }
    if (s.clean)
        return;  // a normal restart: restored without a word
    m_recovered = true;
    std::string what;
    for (const auto& r : restored)
        what += (what.empty() ? "" : ", ") + r;
    wxString text = wx(trf("Bando did not close normally last time (session saved {1}). Recovered: {2}; the open panels, "
                           "the layer tree and the styles are as they were. Confirmed edits are in the project.",
                           {s.savedAt, what.empty() ? tr("the open panels") : what}));
    const wxString before = notice();
    showNotice(before.empty() ? text : before + "\n" + text);
}

void MainFrame::setMeasuring(bool on)
{
    if (on && m_polygonSelecting)
        setPolygonSelecting(false);
    m_measuring = on;
    m_measurePts.clear();
    updateMeasureStatus();
    m_canvas->Refresh();
}

void MainFrame::addMeasurePoint(double x, double y)
{
    if (!m_measuring)
        return;
    m_measurePts.push_back({x, y});
    updateMeasureStatus();
    m_canvas->Refresh();
}

double MainFrame::measuredLength() const { return search::measureLength(m_measurePts); }

double MainFrame::measuredArea() const { return m_measurePts.size() >= 3 ? search::measureArea(m_measurePts) : 0; }

void MainFrame::updateMeasureStatus()
{
    if (!m_measuring) {
        SetStatusText(wtr("Ready"), kFieldRender);
        return;
    }
    if (m_measurePts.size() < 2) {
        SetStatusText(wtr("Measure: click the points on the map (Ctrl+Shift+M ends)"), kFieldRender);
        return;
    }
    const double len = measuredLength();
    wxString t = len >= 1000 ? wxString::Format(wtr("Length %.3f km"), len / 1000) : wxString::Format(wtr("Length %.1f m"), len);
    if (m_measurePts.size() >= 3)
        t << wxString::FromUTF8(" · ") << wxString::Format(wtr("area %.4f km² (%.2f ha)"), measuredArea() / 1e6, measuredArea() / 1e4);
    t << wxString::FromUTF8(" — ") << wtr("planar in VN-2000 / TM-3 107-15");
    SetStatusText(t, kFieldRender);
}

void MainFrame::drawMeasure(wxDC& dc)
{
    if (m_measuring)
        drawClickedPath(dc, *m_canvas, m_measurePts, wxColour(220, 30, 120), wxBRUSHSTYLE_CROSSDIAG_HATCH, wxPENSTYLE_SOLID);
}

tasks::SettingsResult MainFrame::applyAnalysisSettings(tasks::SettingsRequest request)
{
    if (m_projectPath.empty())
        throw Error(ErrorKind::Usage, "", tr("Open or create a project first."));
    request.project = m_projectPath;
    Feedback fb;
    const auto r = tasks::runTask(request, fb);  // one small transaction: fast enough for the main thread
    if (r.changed)
        SetStatusText(wtr("Analysis settings saved: the next analysis uses them."), kFieldRender);
    return r;
}

} // namespace bando::app
