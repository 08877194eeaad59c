#include "core/base/resources.hpp"

#include "core/base/error.hpp"

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <unistd.h>

namespace fs = std::filesystem;

namespace bando {
namespace {

bool looksLikeResources(const fs::path& p) { return fs::exists(p / "domain" / "tcvn3_to_unicode.csv"); }
bool looksLikeGisdata(const fs::path& p) { return fs::exists(p / "domain" / "districts.csv"); }

std::string findResourceDir()
{
    if (const char* env = std::getenv("BANDO_RESOURCES"); env && *env && looksLikeResources(env))
        return env;
    char buf[4096];
    ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n > 0) {
        buf[n] = 0;
        fs::path exe(buf);
        fs::path installed = exe.parent_path().parent_path() / "share" / "bando";
        if (looksLikeResources(installed))
            return installed.string();
    }
#ifdef BANDO_BUILD_RESOURCES
    if (looksLikeResources(BANDO_BUILD_RESOURCES))
        return BANDO_BUILD_RESOURCES;
#endif
#ifdef BANDO_INSTALL_RESOURCES
    if (looksLikeResources(BANDO_INSTALL_RESOURCES))
        return BANDO_INSTALL_RESOURCES;
#endif
#ifdef BANDO_SOURCE_RESOURCES
    if (looksLikeResources(BANDO_SOURCE_RESOURCES))
        return BANDO_SOURCE_RESOURCES;
#endif
    throw Error(ErrorKind::Io, "resources", "cannot find Bando's resource folder (set BANDO_RESOURCES)");
}

std::string findGisdataDir()
{
    if (const char* env = std::getenv("BANDO_GISDATA"); env && *env && looksLikeGisdata(env))
        return env;
    // Beside the resources: installed share/bando/gisdata, staged <build>/resources/gisdata, or
    // an older $BANDO_RESOURCES folder that still holds the registry tables itself.
    const fs::path res = resourceDir();
    if (looksLikeGisdata(res / "gisdata"))
        return (res / "gisdata").string();
    if (looksLikeGisdata(res.parent_path() / "gisdata"))  // source tree: resources/../gisdata
        return (res.parent_path() / "gisdata").string();
    if (looksLikeGisdata(res))
        return res.string();
    throw Error(ErrorKind::Io, "gisdata", "cannot find Bando's GIS data folder (set BANDO_GISDATA)");
}

} // namespace

std::string resourceDir()
{
    static std::once_flag once;
    static std::string dir;
    std::call_once(once, [] { dir = findResourceDir(); });
    return dir;
}

std::string gisdataDir()
{
    static std::once_flag once;
    static std::string dir;
    std::call_once(once, [] { dir = findGisdataDir(); });
    return dir;
}

std::string resourcePath(const std::string& relative)
{
    fs::path p = fs::path(resourceDir()) / relative;
    if (fs::exists(p))
        return p.string();
    fs::path g = fs::path(gisdataDir()) / relative;
    if (fs::exists(g))
        return g.string();
    throw Error(ErrorKind::Io, p.string(), "missing resource file");
}

std::string gisdataPath(const std::string& relative)
{
    fs::path p = fs::path(gisdataDir()) / relative;
    if (!fs::exists(p))
        throw Error(ErrorKind::Io, p.string(), "missing GIS data file");
    return p.string();
}

} // namespace bando
