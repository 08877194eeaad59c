// libFuzzer target: the whole importer (io::importFile) on Shapefile, GeoJSON, KML and CSV bytes
// written to temporary files, into one small project created once per fuzzing process.
// Every input is imported with the real code path (inspect, mapping, conversion, transaction,
// write); afterwards the target layer is deleted so the project is the same for every input.
//
// Input layout: byte 0 picks the format (bits 0-1: 0 GeoJSON, 1 KML, 2 CSV, 3 Shapefile) and the
// target (bit 4 set: the schema layer `villages`, with mapping and conversion to its fields; else a
// new layer `fuzz_import` made from the source's fields). The rest is the file. For a Shapefile it
// is four parts: [u32 LE length][.shp] [u32 LE length][.shx] [u32 LE length][.dbf] [.prj: the rest]
// (tests/fuzz/make_seeds.py writes the seeds in that layout).
//
// Invariants: an import either succeeds or throws bando::Error (no other exception escapes), and a
// failed import leaves the project as it was (no half-import: the target layer is absent or
// empty, as before).
#include "core/base/error.hpp"
#include "core/io/importer.hpp"
#include "core/store/project_store.hpp"
#include "fuzz_common.hpp"

#include <cpl_error.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace bando;

namespace {

struct State {
    fs::path dir;
    std::unique_ptr<ProjectStore> store;
};

State& state()
{
    static State s;
    return s;
}

void writeFile(const fs::path& p, std::string_view bytes)
{
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Takes a [u32 LE length][bytes] part off the front of `in` (the length is clamped to what is left).
std::string_view takePart(std::string_view& in)
{
    if (in.size() < 4) {
        std::string_view all = in;
        in = {};
        return all;
    }
    uint32_t n = 0;
    for (int i = 3; i >= 0; --i)
        n = (n << 8) | static_cast<unsigned char>(in[static_cast<size_t>(i)]);
    in.remove_prefix(4);
    const size_t len = std::min<size_t>(n, in.size());
    std::string_view part = in.substr(0, len);
    in.remove_prefix(len);
    return part;
}

int64_t rowsOf(const ProjectStore& store, const std::string& layer)
{
    return store.hasLayer(layer) ? store.layerInfo(layer).featureCount : -1;
}

// Every input sees the same project: the target layer is dropped after each import. (Finding F1,
// fixed: this delete used to fail with "database table is locked" after a table-only import.)
void dropLayer(ProjectStore& store, const std::string& layer)
{
    if (!store.hasLayer(layer))
        return;
    try {
        ProjectStore::Transaction tx(store);
        store.deleteLayer(layer);
        tx.commit();
    } catch (const Error& e) {
        fuzz::fail("cannot delete the imported layer", e.what());
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    CPLSetErrorHandler(CPLQuietErrorHandler);
    State& s = state();
    s.dir = fs::temp_directory_path() / ("bando-fuzz-import-" + std::to_string(getpid()));
    fs::remove_all(s.dir);
    fs::create_directories(s.dir);
    s.store = ProjectStore::create((s.dir / "project.gpkg").string());
    std::atexit([] {
        state().store.reset();
        std::error_code ec;
        fs::remove_all(state().dir, ec);
    });
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
        return -1;  // not worth keeping in the corpus
    State& s = state();
    ProjectStore& store = *s.store;
    const unsigned sel = data[0];
    std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
    const std::string target = (sel & 0x10) ? "villages" : "fuzz_import";

    const fs::path src = s.dir / "src";
    fs::remove_all(src);
    fs::create_directories(src);
    fs::path file;
    switch (sel & 3) {
    case 0:
        file = src / "in.geojson";
        writeFile(file, body);
        break;
    case 1:
        file = src / "in.kml";
        writeFile(file, body);
        break;
    case 2:
        file = src / "in.csv";
        writeFile(file, body);
        break;
    default: {
        file = src / "in.shp";
        writeFile(file, takePart(body));
        writeFile(src / "in.shx", takePart(body));
        writeFile(src / "in.dbf", takePart(body));
        if (!body.empty())
            writeFile(src / "in.prj", body);
        break;
    }
    }

    const int64_t before = rowsOf(store, target);
    io::ImportOptions opts;
    opts.targetLayer = target;
    opts.saveMapping = false;
    try {
        (void)io::importFile(store, file.string(), opts);
    } catch (const Error&) {
        // Refused: the project must be as it was.
        const int64_t after = rowsOf(store, target);
        if (after != before)
            fuzz::fail("a refused import changed the target layer", target);
    }
    dropLayer(store, target);
    return 0;
}
