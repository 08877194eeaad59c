#pragma once
// Where Bando's run-time files live.
//  - Program resources (fonts, icons, message catalogs, the legacy encoding tables):
//    $BANDO_RESOURCES, else <exe>/../share/bando, else the build tree, else the source tree.
//  - GIS data Bando ships (gisdata/: the province registry tables under domain/ and the real
//    Lạng Sơn outlines under lang-son/): $BANDO_GISDATA, else <resources>/gisdata (installed:
//    share/bando/gisdata; build tree: <build>/resources/gisdata), else the source tree's gisdata/.
#include <string>

namespace bando {

std::string resourceDir();
// Full path of a resource file (e.g. "domain/tcvn3_to_unicode.csv"); throws bando::Error(Io) if
// missing. A path not found among the resources is looked up in gisdata, so the registry tables
// keep their names ("domain/districts.csv") wherever they live.
std::string resourcePath(const std::string& relative);

std::string gisdataDir();
// Full path of a shipped GIS data file (e.g. "lang-son/districts.geojson"); throws bando::Error(Io)
// if missing.
std::string gisdataPath(const std::string& relative);

} // namespace bando
