#include "core/tasks/dem_import_task.hpp"

#include "core/base/error.hpp"
#include "core/capi/proj.hpp"
#include "core/store/project_store.hpp"

#include <chrono>
#include <filesystem>

#include <unistd.h>

namespace bando::tasks {

void DemImportRequest::validate() const
{
    if (project.empty())
        throw Error(ErrorKind::Usage, "PROJECT", "expected a PROJECT file");
    if (files.empty())
        throw Error(ErrorKind::Usage, "FILE", "expected at least one DEM file");
    for (const auto& f : files) {
        if (!io::isDemFile(f))
            throw Error(ErrorKind::Usage, f, "not a DEM file (.tif, .tiff, .hgt, .hgt.zip, .vrt, .asc)");
        if (!std::filesystem::exists(f))
            throw Error(ErrorKind::Io, f, "no such file");
    }
    if (!(resolutionM >= 0) || resolutionM > 1000)
        throw Error(ErrorKind::Usage, "--resolution", "expected 0 (the source's) or a cell size up to 1000 m");
}

DemImportResult run(const DemImportRequest& req, Feedback& fb)
{
    req.validate();
    const auto t0 = std::chrono::steady_clock::now();
    DemImportResult r;
    r.project = req.project;
    io::DemImportOptions o;
    o.resolutionM = req.resolutionM;
    o.fillVoids = req.fillVoids;
    o.workEpsg = crs::kVn2000LangSon;
    {
        // The province (districts) must be covered; the project must be writable (it is replaced
        // by a new file only at the end: it is opened read-only here so that a refused import
        // leaves it byte-identical).
        if (::access(req.project.c_str(), W_OK) != 0)
            throw Error(ErrorKind::Store, req.project, "the project is read-only or missing");
        auto store = ProjectStore::open(req.project, ProjectStore::Mode::ReadOnly);
        if (req.checkCoverage && store->hasLayer("districts"))
            o.mustCover = store->readLayer("districts").extent();
    }
    fb.throwIfCancelled();
    const io::DemGrid grid = io::readDem(req.files, o, r.dem, &fb);
    fb.throwIfCancelled();
    std::string desc = "Terrain height in metres (EPSG:" + std::to_string(o.workEpsg) + ") from";
    for (const auto& f : req.files)
        desc += " " + std::filesystem::path(f).filename().string();
    r.replaced = io::writeDem(grid, o.workEpsg, req.project, desc);
    fb.setProgress(100);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

} // namespace bando::tasks
