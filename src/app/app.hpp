#pragma once
// BandoApp: the wxApp. Checks for a display before GTK starts, sets up the libraries, parses
// the command line (bando-gui [--lang vi|en] [project.gpkg]) and is the last line of defence
// for exceptions (OnExceptionInMainLoop).
#include "app/frames/main_frame.hpp"

#include <wx/app.h>
#include <wx/weakref.h>

#include <string>

namespace bando::app {

class BandoApp : public wxApp {
public:
    bool Initialize(int& argc, wxChar** argv) override;
    bool OnInit() override;
    int OnExit() override;
    bool OnExceptionInMainLoop() override;
    void OnUnhandledException() override;

    MainFrame* mainFrame() const { return m_frame.get(); }
    const std::string& projectArg() const { return m_projectArg; }

    // Default project for a first start: $XDG_DATA_HOME/bando/lang-son-sample.gpkg.
    static std::string defaultSamplePath();

protected:
    wxWeakRef<MainFrame> m_frame;
    std::string m_projectArg;
};

// True when a display (X11 or Wayland) is configured.
bool haveDisplay();

} // namespace bando::app
