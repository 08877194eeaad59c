// The sample's telecom layers (issue #3), checked on the generated GeoPackage with an
// independent reference implementation of the village rule (GEOS prepared geometries over the
// stored layers — not analysis::classifyVillages), plus layer properties and determinism.
#include <catch2/catch.hpp>

#include "core/capi/geos.hpp"
#include "core/crs/reproject.hpp"
#include "core/model/geometry.hpp"
#include "core/sample/sample.hpp"
#include "core/store/project_store.hpp"
#include "support/test_support.hpp"

#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>

using namespace bando;

namespace {

const ProjectStore& sampleStore()
{
    static std::unique_ptr<ProjectStore> s = ProjectStore::open(test::samplePath(), ProjectStore::Mode::ReadOnly);
    return *s;
}

const Layer& layer9215(const std::string& name)
{
    static std::map<std::string, Layer> cache;
    auto it = cache.find(name);
    if (it == cache.end()) {
        Layer l = sampleStore().readLayer(name);
        crs::reproject(l, 9215);
        it = cache.emplace(name, std::move(l)).first;
    }
    return it->second;
}

geos::GeomPtr toGeos(const Geometry& g)
{
    auto wkb = toWkb(g);
    GEOSWKBReader* r = GEOSWKBReader_create_r(geos::ctx());
    geos::GeomPtr out(GEOSWKBReader_read_r(geos::ctx(), r, wkb.data(), wkb.size()));
    GEOSWKBReader_destroy_r(geos::ctx(), r);
    REQUIRE(out);
    return out;
}

struct Prepared {
    geos::GeomPtr geom;
    geos::PreparedPtr prep;
};

Prepared prepare(geos::GeomPtr g)
{
    Prepared p;
    p.geom = std::move(g);
    p.prep.reset(GEOSPrepare_r(geos::ctx(), p.geom.get()));
    return p;
}

geos::GeomPtr pointGeom(double x, double y)
{
    return geos::GeomPtr(GEOSGeom_createPointFromXY_r(geos::ctx(), x, y));
}

} // namespace

TEST_CASE("sample telecom: the reported village counts, by an independent GEOS implementation", "[sample][telecom]")
{
    const Layer& villages = layer9215("villages");
    const Layer& settlements = layer9215("settlements");
    const Layer& coverage = layer9215("coverage");
    const Layer& nodes = layer9215("broadband_nodes");
    const Layer& fibre = layer9215("fibre");
    REQUIRE(villages.features.size() > 1500);
    REQUIRE(coverage.features.size() == 12);  // 3 operators x 2 technologies x good/weak

    // Good and weak coverage of every operator/technology as prepared GEOS geometries.
    std::vector<Prepared> good, weak;
    for (const auto& f : coverage.features) {
        const std::string level = coverage.text(f, "level");
        const std::string tech = coverage.text(f, "technology");
        REQUIRE((tech == "3G" || tech == "4G"));
        (level == "good" ? good : weak).push_back(prepare(toGeos(f.geom)));
    }
    REQUIRE(good.size() == 6);
    REQUIRE(weak.size() == 6);
    // Broadband infrastructure as one prepared collection.
    std::vector<GEOSGeometry*> parts;
    for (const auto* l : {&nodes, &fibre})
        for (const auto& f : l->features) parts.push_back(toGeos(f.geom).release());
    REQUIRE(parts.size() > 11);
    Prepared infra = prepare(geos::GeomPtr(GEOSGeom_createCollection_r(
        geos::ctx(), GEOS_GEOMETRYCOLLECTION, parts.data(), static_cast<unsigned>(parts.size()))));

    // Households per village: the settlements; a village without any is one cluster at its
    // label point (documented fallback of the rule).
    struct Acc { int64_t hh = 0, good = 0, any = 0, bb = 0; };
    std::unordered_map<std::string, Acc> acc;
    auto add = [&](const std::string& code, double x, double y, int64_t hh) {
        auto pt = pointGeom(x, y);
        bool g = false, a = false;
        for (const auto& p : good)
            if (GEOSPreparedIntersects_r(geos::ctx(), p.prep.get(), pt.get()) == 1) { g = true; break; }
        a = g;
        for (size_t i = 0; !a && i < weak.size(); ++i)
            a = GEOSPreparedIntersects_r(geos::ctx(), weak[i].prep.get(), pt.get()) == 1;
        const bool b = GEOSPreparedDistanceWithin_r(geos::ctx(), infra.prep.get(), pt.get(), 2000.0) == 1;
        Acc& s = acc[code];
        s.hh += hh;
        if (g) s.good += hh;
        if (a) s.any += hh;
        if (b) s.bb += hh;
    };
    std::set<std::string> located;
    for (const auto& f : settlements.features) {
        const int64_t hh = settlements.integer(f, "households");
        if (hh <= 0) continue;
        const XY p = f.geom.parts[0][0][0];
        const std::string code = settlements.text(f, "village_code");
        located.insert(code);
        add(code, p.x, p.y, hh);
    }
    for (const auto& f : villages.features) {
        const std::string code = villages.text(f, "code");
        if (located.count(code)) continue;
        const XY p = interiorPoint(f.geom);
        add(code, p.x, p.y, std::max<int64_t>(villages.integer(f, "households"), 1));
    }
    int noSignal = 0, unstable = 0, noBroadband = 0, dlNoSignal = 0;
    for (const auto& f : villages.features) {
        const Acc& s = acc[villages.text(f, "code")];
        const double any = s.hh ? double(s.any) / s.hh : 0, g = s.hh ? double(s.good) / s.hh : 0;
        const double bb = s.hh ? double(s.bb) / s.hh : 0;
        if (any < 0.5) {
            ++noSignal;
            if (villages.text(f, "district_code") == "189") ++dlNoSignal;
        } else if (g < 0.8)
            ++unstable;
        if (bb < 0.5) ++noBroadband;
    }
    CHECK(noSignal == 148);
    CHECK(unstable == 140);
    CHECK(noBroadband == 405);
    // Đình Lập: the 9/2021 survey found 16 villages without signal; the sample is close to it.
    CHECK(dlNoSignal >= 12);
    CHECK(dlNoSignal <= 20);
}

TEST_CASE("sample telecom: weak coverage is the ring outside good, per operator and technology", "[sample][telecom]")
{
    const Layer& coverage = layer9215("coverage");
    std::map<std::string, std::pair<const Feature*, const Feature*>> byKey;
    for (const auto& f : coverage.features) {
        auto& e = byKey[coverage.text(f, "operator") + "/" + coverage.text(f, "technology")];
        (coverage.text(f, "level") == "good" ? e.first : e.second) = &f;
    }
    REQUIRE(byKey.size() == 6);
    for (const auto& [key, gw] : byKey) {
        INFO(key);
        REQUIRE(gw.first);
        REQUIRE(gw.second);
        auto g = toGeos(gw.first->geom), w = toGeos(gw.second->geom);
        CHECK(GEOSisValid_r(geos::ctx(), g.get()) == 1);
        CHECK(GEOSisValid_r(geos::ctx(), w.get()) == 1);
        // Interiors never overlap (they share boundaries; the stored WGS 84 round trip moves shared
        // vertices by far less than a millimetre, so allow slivers of a few square metres in total).
        geos::GeomPtr both = geos::check(GEOSIntersection_r(geos::ctx(), g.get(), w.get()), "intersection");
        double overlap = 0;
        GEOSArea_r(geos::ctx(), both.get(), &overlap);
        CHECK(overlap < 5.0);
        const double ga = area(gw.first->geom), wa = area(gw.second->geom);
        CHECK(ga > 50e6);   // every operator has real coverage (> 50 km²)
        CHECK(wa > 10e6);
    }
}

TEST_CASE("sample telecom: sites follow the operators' market shares and the schema", "[sample][telecom]")
{
    const Layer& sites = layer9215("sites");
    std::map<std::string, std::set<std::string>> towers;  // operator -> tower ids
    std::set<int64_t> bands;
    for (const auto& f : sites.features) {
        std::string id = sites.text(f, "site_id");
        const std::string tech = sites.text(f, "technology");
        REQUIRE((tech == "3G" || tech == "4G"));
        REQUIRE(id.size() > 3);
        CHECK(id.substr(id.size() - 3) == "-" + tech);
        towers[sites.text(f, "operator")].insert(id.substr(0, id.size() - 3));
        bands.insert(sites.integer(f, "band_mhz"));
        const double eirp = sites.real(f, "eirp_dbm");
        CHECK(eirp <= 66.0 + 1e-9);
        CHECK(sites.real(f, "height_m") >= 25);
        CHECK_FALSE(sites.text(f, "district_code").empty());
    }
    REQUIRE(towers.size() == 3);
    const double total = towers["Viettel"].size() + towers["VNPT"].size() + towers["MobiFone"].size();
    CHECK(total > 200);
    CHECK(towers["Viettel"].size() / total == Approx(0.56 / 0.95).margin(0.03));
    CHECK(towers["VNPT"].size() / total == Approx(0.21 / 0.95).margin(0.03));
    CHECK(towers["MobiFone"].size() / total == Approx(0.18 / 0.95).margin(0.03));
    CHECK(bands == std::set<int64_t>{900, 1800, 2100});
}

TEST_CASE("sample telecom: broadband starts at the district towns", "[sample][telecom]")
{
    const Layer& nodes = layer9215("broadband_nodes");
    const Layer& fibre = layer9215("fibre");
    int olt = 0;
    for (const auto& f : nodes.features)
        if (nodes.text(f, "kind") == "olt") ++olt;
    CHECK(olt == 11);
    CHECK(fibre.features.size() >= 11);
    double len = 0;
    for (const auto& f : fibre.features) len += length(f.geom);
    CHECK(len > 50e3);
}

TEST_CASE("sample telecom: a fresh run reproduces the fixture's telecom layers, seeded errors", "[sample][telecom][program]")
{
    // The pipeline up to the telecom stage, in memory, against the layers stored by the fixture.
    sample::SampleData d;
    sample::Options o;
    sample::generateGeography(d, o, nullptr);
    sample::generateTelecom(d, o, nullptr);
    for (const char* name : {"sites", "coverage", "broadband_nodes", "fibre"}) {
        INFO(name);
        const Layer* fresh = d.extra(name);
        REQUIRE(fresh);
        const Layer& stored = layer9215(name);
        REQUIRE(fresh->features.size() == stored.features.size());
        size_t points = 0;
        for (size_t k = 0; k < stored.features.size(); ++k) {
            const auto &fa = fresh->features[k], &fb = stored.features[k];
            CHECK(fa.values == fb.values);
            REQUIRE(fa.geom.parts.size() == fb.geom.parts.size());
            for (size_t p = 0; p < fa.geom.parts.size(); ++p) {
                REQUIRE(fa.geom.parts[p].size() == fb.geom.parts[p].size());
                for (size_t r = 0; r < fa.geom.parts[p].size(); ++r) {
                    const Ring &ra = fa.geom.parts[p][r], &rb = fb.geom.parts[p][r];
                    REQUIRE(ra.size() == rb.size());
                    for (size_t q = 0; q < ra.size(); ++q, ++points)
                        if (std::hypot(ra[q].x - rb[q].x, ra[q].y - rb[q].y) > 1e-3)
                            FAIL("vertex differs by more than 1 mm");
                }
            }
        }
        CHECK(points >= stored.features.size());
    }

    // The same run, on with the program stage and the errors of `bando sample --with-errors`.
    sample::generateProgram(d, o, nullptr);
    sample::seedErrors(d, o);
    // 1. a district target far above the district's households (the "350,000" report)
    int64_t dlHouseholds = 0;
    for (const auto& f : d.districts.features)
        if (d.districts.text(f, "code") == "189") dlHouseholds = d.districts.integer(f, "households");
    REQUIRE(dlHouseholds > 0);
    const Layer* targets = d.extra("targets");
    REQUIRE(targets);
    int claimed = 0;
    for (const auto& f : targets->features)
        if (targets->text(f, "code") == "189" && targets->integer(f, "households_claimed") > 10 * dlHouseholds) ++claimed;
    CHECK(claimed == 1);
    // 2. exactly one commune whose households are not the sum of its villages'
    std::map<std::string, int64_t> sum;
    for (const auto& f : d.villages.features) sum[d.villages.text(f, "commune_code")] += d.villages.integer(f, "households");
    int mismatched = 0;
    for (const auto& f : d.communes.features)
        if (d.communes.integer(f, "households") != sum[d.communes.text(f, "code")]) ++mismatched;
    CHECK(mismatched == 1);
    // 3. a province shop count that goes down between two reports
    const Layer* reports = d.extra("progress_reports");
    REQUIRE(reports);
    std::map<std::string, int64_t> provinceShops;
    for (const auto& f : reports->features)
        if (reports->text(f, "scope") == "province") provinceShops[reports->text(f, "date")] = reports->integer(f, "shops");
    int down = 0;
    int64_t prev = -1;
    for (const auto& [date, n] : provinceShops) {
        if (n < prev) ++down;
        prev = n;
    }
    CHECK(down == 1);
    // 4. exactly one shop outside every village
    const Layer* shops = d.extra("shops");
    REQUIRE(shops);
    std::vector<Extent> ve;
    for (const auto& f : d.villages.features) ve.push_back(f.geom.extent());
    int outside = 0;
    for (const auto& f : shops->features) {
        const XY p = f.geom.parts[0][0][0];
        bool in = false;
        for (size_t i = 0; i < ve.size() && !in; ++i)
            in = ve[i].contains(p.x, p.y) && contains(d.villages.features[i].geom, p.x, p.y);
        if (!in) ++outside;
    }
    CHECK(outside == 1);
}
