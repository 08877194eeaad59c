#include "core/base/resources.hpp"

#include "core/base/error.hpp"

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <unistd.h>

namespace fs = std::filesystem;

namespace bando {
namespace {

bool looksLikeResources(const fs::path& p) { return fs::exists(p / "domain" / "districts.csv"); }

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

} // namespace

std::string resourceDir()
{
    static std::once_flag once;
    static std::string dir;
    std::call_once(once, [] { dir = findResourceDir(); });
    return dir;
}

std::string resourcePath(const std::string& relative)
{
    fs::path p = fs::path(resourceDir()) / relative;
    if (!fs::exists(p))
        throw Error(ErrorKind::Io, p.string(), "missing resource file");
    return p.string();
}

} // namespace bando
