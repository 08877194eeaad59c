#pragma once
// Where Bando's run-time resources (domain tables, fonts, message catalogs) live:
// $BANDO_RESOURCES, else <exe>/../share/bando, else the build tree, else the source tree.
#include <string>

namespace bando {

std::string resourceDir();
// Full path of a resource file (e.g. "domain/districts.csv"); throws bando::Error(Io) if missing.
std::string resourcePath(const std::string& relative);

} // namespace bando
