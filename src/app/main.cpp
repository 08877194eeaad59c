// bando-gui: the desktop app. Everything else lives in the bando_app library.
#include "app/app.hpp"

wxIMPLEMENT_APP(bando::app::BandoApp);
