// GUI test of the app's own state and its recovery after a crash (issue #14), on a copy of the
// sample under Xvfb. Phase 1 runs in a child process: the real window opens the copy, the test
// filters the attribute table, selects villages by an expression, hides a layer, changes the
// village theme and zooms to a district, waits until the app has written its session (settings
// file) and map state (project) by itself, and then the child is killed with SIGKILL — no close,
// no destructor. Phase 2 starts the app again with no project argument: it must reopen the
// killed session's project, restore the selection (same features), the table's layer and
// filter, the open attribute panel, the hidden layer, the theme and the view, and say so in a
// recovery notice (Vietnamese). A normal close then marks the session clean.
// Exit 0 = pass, 1 = fail, 77 = skipped (no display).
#include "gui_fixture.hpp"

#include "app/canvas/map_canvas.hpp"
#include "app/frames/main_frame.hpp"
#include "app/panels/attribute_table_panel.hpp"
#include "app/panels/layer_panel.hpp"

#include <wx/aui/aui.h>
#include <wx/fileconf.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

using namespace bando;

namespace {

int g_phase = 1;
std::string g_project, g_settings, g_expected;  // paths shared by both phases (set before fork)

const char* kFilter = "\"households\" > 300";
const char* kSelect = "\"households\" > 400";

// What phase 1 left, written by the child before it is killed.
struct Expected {
    std::string hiddenLayer, theme, district;
    std::set<int64_t> fids;
    double cx = 0, cy = 0, res = 0;
};

void writeExpected(const Expected& e)
{
    std::ofstream out(g_expected);
    out.precision(17);
    out << e.hiddenLayer << '\n' << e.theme << '\n' << e.cx << ' ' << e.cy << ' ' << e.res << '\n';
    for (int64_t f : e.fids)
        out << f << ' ';
    out << '\n';
}

Expected readExpected()
{
    Expected e;
    std::ifstream in(g_expected);
    std::getline(in, e.hiddenLayer);
    std::getline(in, e.theme);
    std::string line;
    std::getline(in, line);
    std::istringstream(line) >> e.cx >> e.cy >> e.res;
    std::getline(in, line);
    std::istringstream fl(line);
    for (long long f = 0; fl >> f;)
        e.fids.insert(f);
    return e;
}

std::set<int64_t> selectedFids(app::MainFrame* frame)
{
    std::set<int64_t> out;
    const Layer& l = frame->attributeTable()->layer();
    for (size_t i : frame->selection())
        out.insert(l.features.at(i).fid);
    return out;
}

} // namespace

class RecoveryTest : public guitest::GuiTest {
public:
    RecoveryTest() : GuiTest("gui-recovery") {}
    bool OnInit() override
    {
        useSettings(g_settings);
        if (g_phase == 2)
            allowNoProject();
        if (!start(g_phase == 1 ? g_project : std::string(), wxSize(1400, 900), 120000))
            return false;
        mainFrame()->onRenderComplete = [this](uint64_t) {
            if (m_step == 0) {
                m_step = 1;
                CallAfter([this] { g_phase == 1 ? prepare() : verify(); });
            }
        };
        mainFrame()->onProjectLoaded = [this](bool ok) {
            if (!ok)
                finish("the project did not load");
        };
        return true;
    }

private:
    // Phase 1: make some state, let the app save it by itself, then die.
    void prepare()
    {
        auto* frame = mainFrame();
        Expected e;
        frame->showAttributeTable("villages");
        frame->attributeTable()->setFilter(kFilter);
        const size_t n = frame->attributeTable()->selectByExpression(kSelect);
        e.fids = selectedFids(frame);
        for (const auto& v : frame->layerPanel()->state().layers)
            if (v.visible && v.layer != "villages" && v.layer != "districts") {
                e.hiddenLayer = v.layer;
                break;
            }
        frame->layerPanel()->setVisible(e.hiddenLayer, false);
        for (const auto& t : frame->themes())
            if (t != frame->canvas()->theme()) {
                e.theme = t;
                break;
            }
        frame->setTheme(e.theme);
        frame->zoomToDistrict(frame->districtCodes().at(3));
        e.cx = frame->canvas()->view().cx;
        e.cy = frame->canvas()->view().cy;
        e.res = frame->canvas()->view().res;
        writeExpected(e);
        std::printf("  phase 1: %zu selected, layer %s hidden, theme %s, view %.1f %.1f %.3f; waiting for the app to save\n",
                    n, e.hiddenLayer.c_str(), e.theme.c_str(), e.cx, e.cy, e.res);
        std::fflush(stdout);
        // wait for the app's own saves (session after 0.5 s, map state after 0.4 s): poll the files
        m_poll.Bind(wxEVT_TIMER, [this, e](wxTimerEvent&) {
            wxFileConfig cfg("bando", "", wxString::FromUTF8(g_settings), "", wxCONFIG_USE_LOCAL_FILE);
            wxString sel;
            cfg.Read("/session/selection", &sel);
            size_t count = 0;
            std::istringstream in(sel.ToStdString());
            for (long long f = 0; in >> f;)
                count += e.fids.count(f);
            bool layerSaved = false;
            try {
                const auto rows = guitest::sql(g_project, "SELECT COUNT(*) FROM bando_map_layers WHERE layer = '" +
                                                              e.hiddenLayer + "' AND visible = 0");
                layerSaved = !rows.empty() && toInt(rows[0][0]) == 1;
            } catch (const std::exception&) {
                // the table is made by the first save: not yet
            }
            if (count == e.fids.size() && layerSaved) {
                std::printf("  phase 1: the session and the map state are saved; SIGKILL\n");
                std::fflush(stdout);
                ::raise(SIGKILL);
            }
        });
        m_poll.Start(200);
    }

    // Phase 2: the restart restores everything and offers the recovery.
    void verify()
    {
        auto* frame = mainFrame();
        const Expected e = readExpected();
        check(frame->projectPath() == g_project, "restart without an argument reopens the killed session's project");
        check(frame->recovered(), "the app knows it recovered a session that did not close cleanly");
        const std::string notice = app::utf8(frame->notice());
        std::printf("  notice: %s\n", notice.c_str());
        check(notice.find("không đóng bình thường") != std::string::npos &&
                  notice.find(std::to_string(e.fids.size()) + " đối tượng được chọn") != std::string::npos,
              "a recovery notice (Vietnamese) says what was recovered");
        const auto fids = selectedFids(frame);
        std::printf("  selection: %zu restored of %zu\n", fids.size(), e.fids.size());
        check(!e.fids.empty() && fids == e.fids && frame->selectionLayer() == "villages",
              "the selection is restored: the same villages");
        check(frame->statusText(3).StartsWith(wxString::Format("%zu ", e.fids.size())), "the status bar counts it");
        check(frame->attributeTable()->layerName() == "villages" && frame->attributeTable()->filter() == kFilter,
              "the attribute table shows the villages with the same filter");
        wxAuiManager* aui = wxAuiManager::GetManager(frame->canvas());
        check(aui && aui->GetPane("attributes").IsShown(), "the attribute panel is open again");
        bool hidden = false;
        for (const auto& v : frame->layerPanel()->state().layers)
            if (v.layer == e.hiddenLayer)
                hidden = !v.visible;
        check(!e.hiddenLayer.empty() && hidden, "the layer tree is restored: " + e.hiddenLayer + " hidden");
        check(frame->canvas()->theme() == e.theme, "the village theme is restored: " + e.theme);
        const auto& v = frame->canvas()->view();
        std::printf("  view %.1f %.1f %.3f (expected %.1f %.1f %.3f)\n", v.cx, v.cy, v.res, e.cx, e.cy, e.res);
        check(std::abs(v.cx - e.cx) < 1e-6 && std::abs(v.cy - e.cy) < 1e-6 && std::abs(v.res - e.res) < 1e-9,
              "the view is restored");
        guitest::screenshot("workbench-recovery.png");
        closeNormally = true;  // File → Quit: the session is marked clean
        finish("");
    }

    wxTimer m_poll;
};

wxIMPLEMENT_APP_NO_MAIN(RecoveryTest);

int main(int argc, char** argv)
{
    if (!app::haveDisplay()) {
        std::fprintf(stderr, "SKIP: no display (run under xvfb-run -a)\n");
        return 77;
    }
    const std::string sample = test::samplePath();
    if (!std::filesystem::exists(sample)) {
        std::fprintf(stderr, "FAIL: sample project %s missing\n", sample.c_str());
        return 1;
    }
    test::TempDir dir("gui-recovery");
    g_project = dir.file("recovery.gpkg");
    g_settings = dir.file("settings.ini");
    g_expected = dir.file("expected.txt");
    std::filesystem::copy_file(sample, g_project);

    std::fflush(stdout);
    const pid_t pid = ::fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        g_phase = 1;
        wxEntry(argc, argv);
        ::_exit(3);  // phase 1 ends by SIGKILL only
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    const bool killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
    std::printf("  %s phase 1 was killed with SIGKILL after the app saved its state\n", killed ? "ok  " : "FAIL");
    if (!killed)
        return 1;
    g_phase = 2;
    ::usleep(500 * 1000);  // let the X server drop the killed client's connection first
    const int rc = wxEntry(argc, argv);
    const std::string ini = test::readFile(g_settings);
    const bool clean = ini.find("\nclean=1\n") != std::string::npos;
    std::printf("  %s a normal close marks the session clean\n", clean ? "ok  " : "FAIL");
    return rc == 0 && clean ? 0 : 1;
}
