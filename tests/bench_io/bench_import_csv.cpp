// Benchmark: import speed of a large lon/lat CSV (default 1,000,000 points) into a new project's
// `settlements` layer through bando::io::importFile (decode, parse, transaction, GeoPackage
// writes). Prints rows, seconds and features/s. Usage: bando_bench_io [ROWS] [WORKDIR]
#include "core/base/error.hpp"
#include "core/base/feedback.hpp"
#include "core/capi/gdal.hpp"
#include "core/io/importer.hpp"
#include "core/store/project_store.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace fs = std::filesystem;

int main(int argc, char** argv)
{
    const long rows = argc > 1 ? std::atol(argv[1]) : 1000000;
    const fs::path dir = argc > 2 ? fs::path(argv[2]) : fs::temp_directory_path() / "bando_bench_io";
    fs::create_directories(dir);
    const fs::path csv = dir / "points.csv", project = dir / "bench.gpkg";
    fs::remove(project);
    bando::gdal::init();
    auto t0 = std::chrono::steady_clock::now();
    {
        std::FILE* f = std::fopen(csv.c_str(), "wb");
        if (!f)
            return 1;
        std::fprintf(f, "village_code,households,is_centre,name,lon,lat\n");
        for (long i = 0; i < rows; ++i)
            std::fprintf(f, "V%05ld,%ld,%d,Cụm dân cư số %ld thôn Nà Pài,%.6f,%.6f\n", i % 1705, 1 + i % 40, i % 50 == 0, i,
                         106.1 + (i % 1000) * 0.0012, 21.35 + (i / 1000) * (1.1 / (rows / 1000.0 + 1)));
        std::fclose(f);
    }
    const double genSecs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    try {
        { auto s = bando::ProjectStore::create(project.string()); }
        bando::io::ImportOptions o;
        o.targetLayer = "settlements";
        bando::Feedback fb;
        auto t1 = std::chrono::steady_clock::now();
        auto r = bando::io::importFile(project.string(), csv.string(), o, &fb);
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
        std::printf("rows %ld, file %.1f MB (generated in %.1f s)\nimported %lld features in %.2f s: %.0f features/s\n",
                    rows, static_cast<double>(fs::file_size(csv)) / 1e6, genSecs, static_cast<long long>(r.stats.written),
                    secs, static_cast<double>(r.stats.written) / secs);
        return r.stats.written == rows ? 0 : 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
