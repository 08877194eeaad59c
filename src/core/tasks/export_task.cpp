#include "core/tasks/export_task.hpp"

#include "core/base/error.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace bando::tasks {

io::ExportFormat ExportRequest::resolvedFormat() const
{
    auto f = format.empty() ? io::exportFormatOfPath(out) : io::parseExportFormat(format);
    if (!f)
        throw Error(ErrorKind::Usage, out, "unknown export format (gpkg, shp, kml, kmz, geojson, csv)");
    return *f;
}

void ExportRequest::validate() const
{
    if (project.empty())
        throw Error(ErrorKind::Usage, "", "expected one PROJECT file");
    if (layer.empty())
        throw Error(ErrorKind::Usage, "", "missing option --layer");
    if (out.empty())
        throw Error(ErrorKind::Usage, "", "missing option --out");
    resolvedFormat();
}

namespace {

constexpr const char* kStagingPrefix = ".bando-export-";

// Staging folders left beside the output by an export that was killed (its process is gone).
void removeStaleStaging(const fs::path& folder)
{
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(folder, ec)) {
        const std::string name = e.path().filename().string();
        if (name.rfind(kStagingPrefix, 0) != 0)
            continue;
        const long pid = std::strtol(name.c_str() + std::char_traits<char>::length(kStagingPrefix), nullptr, 10);
        if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
            fs::remove_all(e.path(), ec);
    }
}

} // namespace

// The files are written into a staging folder beside the output and renamed into place when
// complete (companion files first, the named file last): a failure, Ctrl-C or kill -9 leaves the
// output absent or complete, never half-written.
ExportResult run(const ExportRequest& request, Feedback& fb)
{
    io::ExportOptions o;
    o.format = request.resolvedFormat();
    o.epsg = request.epsg;
    o.overwrite = request.overwrite;
    const fs::path out = fs::absolute(request.out);
    if (!fs::is_directory(out.parent_path()))
        throw Error(ErrorKind::Io, request.out, "folder does not exist");
    if (fs::exists(out) && !request.overwrite)
        throw Error(ErrorKind::Io, request.out, "file already exists (use --force to overwrite)");
    removeStaleStaging(out.parent_path());
    const fs::path staging =
        out.parent_path() / (kStagingPrefix + std::to_string(::getpid()) + "-" + out.filename().string());
    io::ExportResult written;
    try {
        fs::remove_all(staging);
        fs::create_directory(staging);
        written = io::exportLayer(request.project, request.layer, (staging / out.filename()).string(), o, &fb);
        std::vector<std::string> placed;
        auto place = [&](const std::string& file) {
            const fs::path target = out.parent_path() / fs::path(file).filename();
            fs::rename(file, target);
            placed.push_back((fs::path(request.out).parent_path() / target.filename()).string());
        };
        for (const auto& f : written.files)
            if (fs::path(f).filename() != out.filename())
                place(f);
        for (const auto& f : written.files)
            if (fs::path(f).filename() == out.filename())
                place(f);
        written.files = std::move(placed);
        fs::remove_all(staging);
    } catch (const fs::filesystem_error& e) {
        std::error_code ec;
        fs::remove_all(staging, ec);
        throw Error(ErrorKind::Io, request.out, std::string("cannot write the output: ") + e.code().message());
    } catch (...) {
        std::error_code ec;
        fs::remove_all(staging, ec);
        throw;
    }
    ExportResult r;
    r.out = request.out;
    r.epsg = request.epsg;
    r.features = written.features;
    r.files = std::move(written.files);
    return r;
}

} // namespace bando::tasks
