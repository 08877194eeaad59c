#include "app/app.hpp"

#include "app/bridge/bridge.hpp"
#include "app/frames/main_frame.hpp"
#include "core/capi/sqlite.hpp"
#include "core/capi/gdal.hpp"
#include "core/i18n/i18n.hpp"

#include <wx/image.h>
#include <wx/msgdlg.h>

#include <chrono>
#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>

namespace bando::app {

namespace {
const auto kStart = std::chrono::steady_clock::now();
}

bool haveDisplay()
{
    for (const char* var : {"DISPLAY", "WAYLAND_DISPLAY"})
        if (const char* v = std::getenv(var); v && *v)
            return true;
    return false;
}

std::string BandoApp::defaultSamplePath()
{
    std::string base;
    if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x)
        base = x;
    else if (const char* h = std::getenv("HOME"); h && *h)
        base = std::string(h) + "/.local/share";
    else
        base = ".";
    return base + "/bando/lang-son-sample.gpkg";
}

bool BandoApp::Initialize(int& argc, wxChar** argv)
{
    sqlite::configureProcess();  // before anything opens a database
    // Before GTK is touched: without a display, say so clearly and fail.
    if (!haveDisplay()) {
        std::fprintf(stderr,
                     "bando-gui: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set).\n"
                     "  The desktop app needs a graphical session. On a server, use the command line tool\n"
                     "  `bando` (see `bando --help`), or run the app under a virtual display:\n"
                     "  xvfb-run -a bando-gui\n");
        return false;
    }
    return wxApp::Initialize(argc, argv);
}

bool BandoApp::OnInit()
{
    // Arguments: [--lang vi|en] [--help] [project.gpkg]. (No wxCmdLineParser: the language
    // must be chosen before any translated string is built.)
    MainFrame::applySavedLanguage();  // Settings → Language (an argument below wins)
    for (int i = 1; i < argc; ++i) {
        std::string a = utf8(argv[i]);
        if (a == "--lang" && i + 1 < argc) {
            i18n::setLanguage(utf8(argv[++i]));
        } else if (a.rfind("--lang=", 0) == 0) {
            i18n::setLanguage(a.substr(7));
        } else if (a == "--help" || a == "-h") {
            std::printf("Usage: bando-gui [--lang vi|en] [project.gpkg]\n"
                        "Without a project, opens the Lạng Sơn sample (generated on first start in\n"
                        "%s).\n",
                        defaultSamplePath().c_str());
            return false;
        } else if (a.rfind("--", 0) == 0) {
            std::fprintf(stderr, "bando-gui: unknown option %s (try --help)\n", a.c_str());
            return false;
        } else {
            m_projectArg = a;  // otherwise keeps what a subclass (the GUI test) preset
        }
    }
    std::setlocale(LC_NUMERIC, "C");  // numbers in files and labels must not depend on the locale
    gdal::init();
    wxInitAllImageHandlers();
    SetAppName("bando");
    SetAppDisplayName("Bando");

    m_frame = new MainFrame();
    m_frame->Show();
    if (std::getenv("BANDO_TIMING"))
        std::fprintf(stderr, "bando-gui: main window shown %.3f s after start\n",
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - kStart).count());
    std::string project = m_projectArg;
    CallAfter([this, project] {
        if (!m_frame)
            return;
        if (!project.empty())
            m_frame->openProject(project);
        else if (const std::string last = MainFrame::recoverableProject(); !last.empty())
            m_frame->openProject(last);  // the last session did not close cleanly: recover it
        else
            m_frame->openDefaultSample(defaultSamplePath());
    });
    return true;
}

int BandoApp::OnExit()
{
    m_frame = nullptr;
    return wxApp::OnExit();
}

bool BandoApp::OnExceptionInMainLoop()
{
    // Backstop: handlers normally go through guarded(); anything that still escapes is shown
    // and the app keeps running.
    showError(m_frame, wtr("Unexpected error"), std::current_exception());
    return true;
}

void BandoApp::OnUnhandledException()
{
    std::fprintf(stderr, "bando-gui: unhandled exception: %s\n", describeException(std::current_exception()).c_str());
}

} // namespace bando::app
