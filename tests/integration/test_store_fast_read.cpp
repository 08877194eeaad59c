// readLayer through GDAL's sqlite3 connection (issue #9) gives what the OGR path gives, field by
// field and geometry by geometry, on every layer of the sample and of the analysed sample.
#include <catch2/catch.hpp>

#include "core/store/project_store.hpp"
#include "support/test_support.hpp"

#include <cmath>
#include <cstring>

using namespace bando;

namespace {

// Values equal as OGR gives them: same alternative, same bits for reals (NaN equal to NaN).
bool sameValue(const Value& a, const Value& b)
{
    if (a.index() != b.index())
        return false;
    if (auto* x = std::get_if<double>(&a)) {
        const double y = std::get<double>(b);
        return std::memcmp(x, &y, sizeof y) == 0;
    }
    return a == b;
}

void compareEveryLayer(const std::string& path)
{
    auto store = ProjectStore::open(path);
    int layersWithRows = 0;
    for (const auto& name : store->layerNames()) {
        INFO(path << " layer " << name);
        store->setFastIo(false);
        const Layer ogr = store->readLayer(name);
        store->setFastIo(true);
        const Layer fast = store->readLayer(name);
        CHECK(fast.name == ogr.name);
        CHECK(fast.geomType == ogr.geomType);
        CHECK(fast.epsg == ogr.epsg);
        REQUIRE(fast.fields.size() == ogr.fields.size());
        for (size_t i = 0; i < ogr.fields.size(); ++i) {
            CHECK(fast.fields[i].name == ogr.fields[i].name);
            CHECK(fast.fields[i].type == ogr.fields[i].type);
            CHECK(fast.fields[i].width == ogr.fields[i].width);
            CHECK(fast.fields[i].notNull == ogr.fields[i].notNull);
        }
        REQUIRE(fast.features.size() == ogr.features.size());
        layersWithRows += ogr.features.empty() ? 0 : 1;
        size_t differing = 0;
        for (size_t k = 0; k < ogr.features.size(); ++k) {
            const Feature& a = ogr.features[k];
            const Feature& b = fast.features[k];
            bool same = a.fid == b.fid && a.values.size() == b.values.size() && a.geom.type == b.geom.type &&
                        toWkb(a.geom) == toWkb(b.geom);
            for (size_t i = 0; same && i < a.values.size(); ++i)
                same = sameValue(a.values[i], b.values[i]);
            if (!same && differing++ < 3) {
                INFO("feature fid " << a.fid);
                CHECK(same);
            }
        }
        CHECK(differing == 0);
    }
    CHECK(layersWithRows >= 10);
}

} // namespace

TEST_CASE("readLayer through sqlite equals the OGR read on every layer of the sample", "[store][fast]")
{
    compareEveryLayer(test::samplePath());
}

TEST_CASE("readLayer through sqlite equals the OGR read on every layer of the analysed sample", "[store][fast]")
{
    compareEveryLayer(test::analysedPath());
}
