#pragma once
// The start-up every GUI test shares (tests/gui/test_gui_*.cpp): the real app (app::BandoApp) on
// the generated sample under Xvfb, a per-run temporary folder with a fresh settings file (the
// app's session, language and layout never leak from one run into the next), a time limit,
// ok/FAIL lines, one exit code (0 pass, 1 fail, 77 skipped without a display), screenshots and
// small helpers. A test derives from GuiTest, calls start() from OnInit() and finish() when done:
//
//   class MyTest : public bando::guitest::GuiTest {
//   public:
//       MyTest() : GuiTest("gui-my") {}
//       bool OnInit() override { return start(copySample("my.gpkg")); }
//   };
//   BANDO_GUI_TEST_MAIN(MyTest)
#include "app/app.hpp"
#include "app/canvas/map_canvas.hpp"
#include "app/frames/main_frame.hpp"
#include "core/base/feedback.hpp"
#include "core/model/layer.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/sql_task.hpp"
#include "support/test_support.hpp"

#include <wx/app.h>
#include <wx/image.h>
#include <wx/timer.h>
#include <wx/window.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace bando::guitest {

// With BANDO_SCREENSHOT_DIR (or BANDO_SHOT_DIR) set, saves the whole screen there (ImageMagick);
// `drawFirst`: lets pending paints happen (wxYield) before the picture is taken.
inline void screenshot(const std::string& name, bool drawFirst = false)
{
    const char* dir = std::getenv("BANDO_SCREENSHOT_DIR");
    if (!dir || !*dir)
        dir = std::getenv("BANDO_SHOT_DIR");
    if (!dir || !*dir)
        return;
    if (drawFirst)
        wxYield();
    const std::string cmd = "import -window root '" + std::string(dir) + "/" + name + "' 2>/dev/null";
    if (std::system(cmd.c_str()) != 0)
        std::printf("  (screenshot %s failed)\n", name.c_str());
}

// How many pixels of each colour (0xRRGGBB) an image has.
inline std::map<uint32_t, long> histogram(const wxImage& img)
{
    std::map<uint32_t, long> h;
    const unsigned char* p = img.GetData();
    const long n = static_cast<long>(img.GetWidth()) * img.GetHeight();
    for (long i = 0; i < n; ++i)
        ++h[(uint32_t(p[3 * i]) << 16) | (uint32_t(p[3 * i + 1]) << 8) | p[3 * i + 2]];
    return h;
}

// How many pixels differ between two images of the same size (-1 when the sizes differ).
inline long differingPixels(const wxImage& a, const wxImage& b)
{
    if (a.GetWidth() != b.GetWidth() || a.GetHeight() != b.GetHeight())
        return -1;
    long n = 0;
    const unsigned char *p = a.GetData(), *q = b.GetData();
    for (long i = 0, e = static_cast<long>(a.GetWidth()) * a.GetHeight() * 3; i < e; i += 3)
        n += p[i] != q[i] || p[i + 1] != q[i + 1] || p[i + 2] != q[i + 2];
    return n;
}

// The first child window of type T under `w` (depth first), optionally with a given name.
template <class T>
T* findChild(wxWindow* w, const wxString& name = wxEmptyString)
{
    for (wxWindow* c : w->GetChildren()) {
        if (auto* t = dynamic_cast<T*>(c); t && (name.empty() || c->GetName() == name))
            return t;
        if (T* t = findChild<T>(c, name))
            return t;
    }
    return nullptr;
}

// A read-only query on a project file (what the file really holds, not what the window shows).
inline std::vector<std::vector<Value>> sql(const std::string& project, const std::string& query)
{
    tasks::SqlRequest r;
    r.project = project;
    r.query = query;
    Feedback fb;
    return tasks::runTask(r, fb).rows;
}

class GuiTest : public app::BandoApp {
public:
    // `name` names the temporary folder (tests/tmp/<name>-<pid>-<n>).
    explicit GuiTest(std::string name) : m_name(std::move(name)) {}

    int OnRun() override
    {
        BandoApp::OnRun();
        return m_result;
    }
    int OnExit() override
    {
        BandoApp::OnExit();
        return m_result;
    }

protected:
    // This run's temporary folder (made on first use, removed at exit).
    test::TempDir& dir()
    {
        if (!m_dir)
            m_dir = std::make_unique<test::TempDir>(m_name);
        return *m_dir;
    }
    // The settings file of this run ($BANDO_CONFIG), fresh unless keepSettings() was called.
    const std::string& settingsFile() const { return m_settings; }
    // A copy of the generated sample (or of another project file, e.g. BANDO_TEST_ANALYSED) in the
    // temporary folder ("" and a message when it is missing).
    std::string copySample(const std::string& fileName, const std::string& sample = test::samplePath())
    {
        if (!std::filesystem::exists(sample)) {
            std::fprintf(stderr, "FAIL: sample project %s missing (the `sample` CTest fixture makes it)\n", sample.c_str());
            return "";
        }
        const std::string path = dir().file(fileName);
        std::filesystem::copy_file(sample, path, std::filesystem::copy_options::overwrite_existing);
        return path;
    }
    // Use this settings file instead of a fresh one (a test of what the app keeps between runs).
    void useSettings(const std::string& path) { m_settings = path; }

    // Starts the app on `project` ("" = the app's own choice: the recovered session or the
    // default sample) with the main window at `size`, and a time limit: at the limit the test
    // fails, naming the step it was at. Call from OnInit(); returns false to stop there.
    bool start(const std::string& project, wxSize size = wxSize(1400, 900), int timeoutMs = 150000)
    {
        if (m_settings.empty())
            m_settings = dir().file("settings.ini");
        setenv("BANDO_CONFIG", m_settings.c_str(), 1);
        if (project.empty() && !m_allowNoProject) {
            std::fprintf(stderr, "FAIL: no project to open\n");
            return false;
        }
        m_projectArg = project;
        if (!BandoApp::OnInit())
            return false;
        mainFrame()->SetSize(size);  // no window manager under Xvfb: set the size ourselves
        m_timeout.Bind(wxEVT_TIMER, [this](wxTimerEvent&) { finish("timed out " + where()); });
        m_timeout.StartOnce(timeoutMs);
        return true;
    }
    // The usual map-driven test: fails when the project does not load, and calls `onCurrentView`
    // after each render that shows the latest view (a render of a view already replaced is skipped).
    void followRenders(std::function<void()> onCurrentView)
    {
        m_onCurrentView = std::move(onCurrentView);
        mainFrame()->onProjectLoaded = [this](bool ok) {
            if (!ok)
                finish("the project did not load");
        };
        mainFrame()->onRenderComplete = [this](uint64_t) {
            auto* canvas = mainFrame()->canvas();
            if (canvas->rendering() || canvas->shownGeneration() != canvas->generation())
                return;  // a newer view is being drawn
            if (m_onCurrentView)
                m_onCurrentView();
        };
    }
    // Moves to `step` and runs `f` once the pending events are handled (queued, not re-entrant).
    void next(int step, std::function<void()> f)
    {
        m_step = step;
        CallAfter([f = std::move(f)] {
            wxTheApp->Yield(true);
            f();
        });
    }

    // start("") is allowed (the app chooses what to open).
    void allowNoProject() { m_allowNoProject = true; }

    // Prints "ok"/"FAIL" and the check; counts failures. Returns `cond`.
    bool check(bool cond, const std::string& what)
    {
        std::printf("  %s %s\n", cond ? "ok  " : "FAIL", what.c_str());
        std::fflush(stdout);
        if (!cond)
            ++m_failures;
        return cond;
    }

    // Ends the test ("" = normally; else the reason it failed): closes the windows, leaves the
    // main loop; the exit code is 0 only without a failure. `beforeClose` runs first (e.g. to
    // destroy a modeless dialog the test made). A normal close (onClose) when `closeNormally`.
    void finish(const std::string& why)
    {
        if (m_finished)
            return;
        m_finished = true;
        m_timeout.Stop();
        if (!why.empty()) {
            std::printf("FAIL: %s\n", why.c_str());
            ++m_failures;
        }
        std::printf("%s (%d failures)\n", m_failures ? "FAIL" : "PASS", m_failures);
        std::fflush(stdout);
        m_result = m_failures ? 1 : 0;
        if (beforeClose)
            beforeClose();
        if (auto* f = mainFrame()) {
            if (closeNormally)
                f->Close(true);  // runs the frame's onClose (saves the layout and the session)
            else
                f->Destroy();
        }
        ExitMainLoop();
    }
    bool finished() const { return m_finished; }
    // Where the test is, for the time-out message ("at step N" unless a test counts otherwise).
    virtual std::string where() const { return "at step " + std::to_string(m_step); }

    std::function<void()> beforeClose;
    bool closeNormally = false;
    int m_step = 0, m_failures = 0;

private:
    std::string m_name, m_settings;
    std::function<void()> m_onCurrentView;
    std::unique_ptr<test::TempDir> m_dir;
    wxTimer m_timeout;
    int m_result = 1;
    bool m_finished = false, m_allowNoProject = false;
};

} // namespace bando::guitest

// main(): skipped (77) without a display, else the wx entry point of the test app.
#define BANDO_GUI_TEST_MAIN(AppClass)                                                                                  \
    wxIMPLEMENT_APP_NO_MAIN(AppClass);                                                                                 \
    int main(int argc, char** argv)                                                                                    \
    {                                                                                                                  \
        if (!bando::app::haveDisplay()) {                                                                              \
            std::fprintf(stderr, "SKIP: no display (run under xvfb-run -a)\n");                                        \
            return 77;                                                                                                 \
        }                                                                                                              \
        return wxEntry(argc, argv);                                                                                    \
    }
