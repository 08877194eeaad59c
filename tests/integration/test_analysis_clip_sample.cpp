// The coverage overlay of `bando analyze` on the sample (issue #9, speed): the sample's coverage
// is a polygonized raster clipped to the province outline, so ~5 % of the village × coverage
// pairs are degenerate (shared outline edges, vertices exactly on the other boundary, identical
// vertices). The flat clip decides them after a symbolic shift of the village (VillageClipper)
// instead of GEOS. Every share, gap area and gap geometry must equal what the GEOS fallback gives
// for those pairs within 1e-9 of the village's area, and the shares must equal the per-village
// GEOS overlay (AnalysisOptions::geosOverlay).
#include <catch2/catch.hpp>

#include "core/analysis/indicators.hpp"
#include "core/analysis/simple_polygon.hpp"
#include "core/base/error.hpp"
#include "core/capi/geos.hpp"
#include "core/capi/geos_convert.hpp"
#include "core/crs/reproject.hpp"
#include "core/store/project_store.hpp"
#include "support/test_support.hpp"

#include <cmath>
#include <map>
#include <set>

using namespace bando;

namespace {

bool valid(const Geometry& g)
{
    geos::GeomPtr p = geos::toGeos(g);
    return GEOSisValid_r(geos::ctx(), p.get()) == 1;
}

// The sample's villages, settlements and coverage, for the coverage part alone in EPSG:9215.
struct SampleCoverage {
    std::unique_ptr<ProjectStore> store = ProjectStore::open(test::samplePath());
    Layer villages = store->readLayer("villages"), settlements = store->readLayer("settlements"),
          coverage = store->readLayer("coverage");
    analysis::AnalysisInput in = [this] {
        analysis::AnalysisInput i;
        i.villages = &villages;
        i.settlements = &settlements;
        i.coverage = &coverage;
        return i;
    }();
    static analysis::AnalysisOptions options()
    {
        analysis::AnalysisOptions opt;
        opt.metricEpsg = 9215;
        opt.parts.economy = false;
        opt.parts.access = false;
        return opt;
    }
};

} // namespace

TEST_CASE("analyze on the sample: degenerate coverage pairs decided by a shift equal the GEOS fallback and overlay",
          "[analyze][integration][cliparea]")
{
    const SampleCoverage sample;
    const analysis::AnalysisInput& in = sample.in;
    analysis::AnalysisOptions opt = SampleCoverage::options();
    opt.gridUnions = false;  // the GEOS unions: the general path (the grid's own test is below)
    const auto shifted = analysis::analyze(in, opt);
    opt.shiftDegenerate = false;
    const auto fallback = analysis::analyze(in, opt);
    opt.geosOverlay = true;
    const auto overlay = analysis::analyze(in, opt);

    // the degenerate pairs exist and (almost) none is left to GEOS
    INFO("shifted " << shifted.clipsShifted << ", GEOS " << shifted.clipsGeos << " (before: " << fallback.clipsGeos << ")");
    CHECK(fallback.clipsShifted == 0);
    CHECK(fallback.clipsGeos > 1000);
    CHECK(shifted.clipsShifted > 1000);
    CHECK(shifted.clipsGeos * 100 < shifted.clipsShifted);
    CHECK(shifted.clipsShifted + shifted.clipsGeos == fallback.clipsGeos);

    REQUIRE(shifted.villages.size() > 1600);
    for (const auto* ref : {&fallback, &overlay}) {
        REQUIRE(shifted.villages.size() == ref->villages.size());
        double worst = 0;
        for (size_t v = 0; v < shifted.villages.size(); ++v) {
            const auto& a = shifted.villages[v].coverage;
            const auto& b = ref->villages[v].coverage;
            REQUIRE(a.size() == b.size());
            for (size_t k = 0; k < a.size(); ++k) {
                worst = std::max({worst, std::fabs(a[k].areaGood - b[k].areaGood), std::fabs(a[k].areaWeakOnly - b[k].areaWeakOnly)});
                CHECK(a[k].areaGood == Approx(b[k].areaGood).margin(1e-9));
                CHECK(a[k].areaWeakOnly == Approx(b[k].areaWeakOnly).margin(1e-9));
                CHECK(a[k].hhGood == Approx(b[k].hhGood).margin(1e-9));
                CHECK(a[k].centre == b[k].centre);
            }
            CHECK(shifted.villages[v].status.mobile == ref->villages[v].status.mobile);
            CHECK(shifted.villages[v].gapAreaKm2 ==
                  Approx(ref->villages[v].gapAreaKm2).margin(1e-9 * shifted.villages[v].areaKm2));
        }
        INFO("worst share difference " << worst);
        CHECK(worst < 1e-9);
    }

    // every gap row against the GEOS fallback's: the same area, the same place, no less valid
    std::map<std::string, double> areaOf;
    for (const auto& v : shifted.villages)
        areaOf[v.code] = v.areaKm2 * 1e6;
    REQUIRE(shifted.gaps.size() == fallback.gaps.size());
    int compared = 0, validShifted = 0, validFallback = 0;
    for (size_t k = 0; k < shifted.gaps.size(); ++k) {
        const auto& a = shifted.gaps[k];
        const auto& b = fallback.gaps[k];
        REQUIRE(a.villageCode == b.villageCode);
        REQUIRE(a.op == b.op);
        REQUIRE(a.kind == b.kind);
        const double vArea = areaOf[a.villageCode];
        CHECK(a.areaM2 == Approx(b.areaM2).margin(1e-9 * vArea));
        CHECK(area(a.geom) == Approx(a.areaM2).margin(1e-9 * vArea));
        if (a.geom.isEmpty() || b.geom.isEmpty()) {
            CHECK(std::max(a.areaM2, b.areaM2) <= 1e-9 * vArea);
            continue;
        }
        validShifted += valid(a.geom);
        validFallback += valid(b.geom);
        geos::GeomPtr ga = geos::toGeos(a.geom), gb = geos::toGeos(b.geom);
        geos::GeomPtr d(GEOSSymDifference_r(geos::ctx(), ga.get(), gb.get()));
        double da = 0;
        GEOSArea_r(geos::ctx(), d.get(), &da);
        CHECK(da <= 1e-9 * vArea);
        ++compared;
    }
    CHECK(compared > 1000);
    INFO("valid gap geometries: shifted " << validShifted << ", GEOS fallback " << validFallback << " of " << compared);
    CHECK(validShifted >= validFallback);
    CHECK(validShifted * 100 >= compared * 99);
}

// The sample's coverage is a 250 m raster in EPSG:9215 clipped to the province outline: its unions
// and differences are done on the grid (analysis/grid_union.hpp). Every share, class, gap area and
// gap geometry must equal the GEOS unions' within 1e-6 of the village's area (the raster's
// vertices are a fraction of a millimetre off the grid after the round trip through WGS 84).
TEST_CASE("analyze on the sample: coverage unions on the raster grid equal the GEOS unions",
          "[analyze][integration][gridunion]")
{
    const SampleCoverage sample;
    const analysis::AnalysisInput& in = sample.in;
    analysis::AnalysisOptions opt = SampleCoverage::options();
    const auto grid = analysis::analyze(in, opt);
    opt.gridUnions = false;
    const auto geosU = analysis::analyze(in, opt);
    CHECK(grid.coverageOnGrid);
    CHECK_FALSE(geosU.coverageOnGrid);

    REQUIRE(grid.villages.size() > 1600);
    REQUIRE(grid.villages.size() == geosU.villages.size());
    double worst = 0;
    int classes[3] = {0, 0, 0};
    for (size_t v = 0; v < grid.villages.size(); ++v) {
        const auto& a = grid.villages[v].coverage;
        const auto& b = geosU.villages[v].coverage;
        REQUIRE(a.size() == b.size());
        for (size_t k = 0; k < a.size(); ++k) {
            REQUIRE(a[k].op == b[k].op);
            REQUIRE(a[k].tech == b[k].tech);
            worst = std::max({worst, std::fabs(a[k].areaGood - b[k].areaGood), std::fabs(a[k].areaWeakOnly - b[k].areaWeakOnly)});
            CHECK(a[k].hhGood == b[k].hhGood);
            CHECK(a[k].centre == b[k].centre);
        }
        CHECK(grid.villages[v].status.mobile == geosU.villages[v].status.mobile);
        ++classes[static_cast<int>(grid.villages[v].status.mobile)];
        CHECK(grid.villages[v].gapAreaKm2 == Approx(geosU.villages[v].gapAreaKm2).margin(1e-6 * grid.villages[v].areaKm2));
    }
    INFO("worst share difference " << worst);
    CHECK(worst < 1e-6);
    CHECK(worst > 0);  // the two paths really differ (by the raster's noise)

    std::map<std::string, double> areaOf;
    for (const auto& v : grid.villages)
        areaOf[v.code] = v.areaKm2 * 1e6;
    REQUIRE(grid.gaps.size() == geosU.gaps.size());
    int compared = 0, validGrid = 0, validGeos = 0;
    double worstGeom = 0;
    for (size_t k = 0; k < grid.gaps.size(); ++k) {
        const auto& a = grid.gaps[k];
        const auto& b = geosU.gaps[k];
        REQUIRE(a.villageCode == b.villageCode);
        REQUIRE(a.op == b.op);
        REQUIRE(a.kind == b.kind);
        const double vArea = areaOf[a.villageCode];
        CHECK(a.areaM2 == Approx(b.areaM2).margin(1e-6 * vArea));
        CHECK(a.households == Approx(b.households).margin(1e-6 * std::max(1.0, b.households)));
        if (a.geom.isEmpty() || b.geom.isEmpty()) {
            CHECK(std::max(a.areaM2, b.areaM2) <= 1e-6 * vArea);
            continue;
        }
        validGrid += valid(a.geom);
        validGeos += valid(b.geom);
        geos::GeomPtr ga = geos::toGeos(a.geom), gb = geos::toGeos(b.geom);
        geos::GeomPtr d(GEOSSymDifference_r(geos::ctx(), ga.get(), gb.get()));
        double da = 0;
        GEOSArea_r(geos::ctx(), d.get(), &da);
        worstGeom = std::max(worstGeom, da / vArea);
        CHECK(da <= 1e-6 * vArea);
        ++compared;
    }
    INFO("valid gap geometries: grid " << validGrid << ", GEOS unions " << validGeos << " of " << compared
                                       << "; worst symmetric difference " << worstGeom << " of the village");
    CHECK(compared > 1000);
    CHECK(validGrid >= validGeos);
    CHECK(validGrid == compared);  // touching holes that enclose part of a gap are mended (repairTouches)
}

// The task asks for the gaps in the project's CRS (AnalysisOptions::gapsInVillageCrs): village
// vertices get their stored coordinates back exactly, the other vertices are transformed once.
TEST_CASE("analyze on the sample: gap geometry handed back in the villages' CRS", "[analyze][integration][gridunion]")
{
    const SampleCoverage sample;
    const analysis::AnalysisInput& in = sample.in;
    const Layer& villages = sample.villages;
    analysis::AnalysisOptions opt = SampleCoverage::options();
    const auto metric = analysis::analyze(in, opt);
    opt.gapsInVillageCrs = true;
    const auto stored = analysis::analyze(in, opt);
    CHECK(metric.gapEpsg == 9215);
    CHECK(stored.gapEpsg == 4326);
    REQUIRE(metric.gaps.size() == stored.gaps.size());
    std::set<std::pair<double, double>> villageVertices;
    for (const auto& f : villages.features)
        for (const auto& part : f.geom.parts)
            for (const auto& ring : part)
                for (const XY& p : ring)
                    villageVertices.insert({p.x, p.y});
    double worst = 0;
    size_t vertices = 0, onVillages = 0;
    for (size_t k = 0; k < metric.gaps.size(); ++k) {
        Geometry expect = metric.gaps[k].geom;
        crs::reproject(expect, 9215, 4326);
        const Geometry& got = stored.gaps[k].geom;
        REQUIRE(got.parts.size() == expect.parts.size());
        for (size_t p = 0; p < got.parts.size(); ++p) {
            REQUIRE(got.parts[p].size() == expect.parts[p].size());
            for (size_t r = 0; r < got.parts[p].size(); ++r) {
                REQUIRE(got.parts[p][r].size() == expect.parts[p][r].size());
                for (size_t i = 0; i < got.parts[p][r].size(); ++i) {
                    const XY a = got.parts[p][r][i], b = expect.parts[p][r][i];
                    ++vertices;
                    if (villageVertices.count({a.x, a.y})) {
                        ++onVillages;  // the stored vertex, not its round trip through EPSG:9215
                        worst = std::max({worst, std::fabs(a.x - b.x), std::fabs(a.y - b.y)});
                    } else {
                        CHECK(a == b);  // transformed like crs::reproject does
                    }
                }
            }
        }
    }
    INFO(vertices << " vertices, " << onVillages << " exactly on a stored village vertex, worst " << worst << " degrees");
    CHECK(worst < 1e-8);  // PROJ's round trip through EPSG:9215 moves a vertex by up to ~1 mm
    CHECK(vertices > 200000);
    CHECK(onVillages * 3 > vertices);
}

TEST_CASE("analyze on the sample: the shops reader and the store callbacks give the results of a plain run, and a "
          "failing callback or reader ends the run",
          "[analyze][integration]")
{
    // The task reads the shops on the economy's thread and stores the coverage part's results
    // while the economy and access parts go on (AnalysisInput::shopsReader, afterShares,
    // afterGaps): nothing may change in the results, and an error on either side must come back
    // to the caller instead of hanging the threads that wait for the coverage part.
    auto store = ProjectStore::open(test::samplePath());
    std::map<std::string, Layer> L;
    for (const char* name : {"villages", "settlements", "shops", "teams", "targets", "coverage", "broadband_nodes",
                             "fibre", "roads", "places", "communes", "districts"})
        if (store->hasLayer(name))
            L[name] = store->readLayer(name);
    REQUIRE(L.count("shops"));
    REQUIRE(L["shops"].features.size() > 100000);
    auto layer = [&](const char* name) -> const Layer* { return L.count(name) ? &L[name] : nullptr; };
    analysis::AnalysisInput in;
    in.villages = layer("villages");
    in.settlements = layer("settlements");
    in.shops = layer("shops");
    in.teams = layer("teams");
    in.targets = layer("targets");
    in.coverage = layer("coverage");
    in.broadbandNodes = layer("broadband_nodes");
    in.fibre = layer("fibre");
    in.roads = layer("roads");
    in.places = layer("places");
    in.communes = layer("communes");
    in.districts = layer("districts");
    analysis::AnalysisOptions opt;
    opt.metricEpsg = 9215;
    opt.gapsInVillageCrs = true;
    const auto plain = analysis::analyze(in, opt);
    REQUIRE(plain.shopsTotal > 100000);

    analysis::AnalysisInput piped = in;
    piped.shops = nullptr;
    int readerCalls = 0;
    piped.shopsReader = [&]() {
        ++readerCalls;
        // the compact columns, freed by the analysis
        return std::make_shared<const PointColumns>(PointColumns::fromLayer(*layer("shops"), analysis::kShopColumns));
    };
    analysis::AnalysisOptions popt = opt;
    popt.date = plain.date;
    size_t sharesSeen = 0, gapsSeen = 0;
    int gapEpsgSeen = 0;
    std::vector<std::string> order;
    int readerCallsAtShares = 0;
    popt.afterShares = [&](analysis::AnalysisOutput& o) {
        order.push_back("shares");
        sharesSeen = o.villages.size();
        readerCallsAtShares = readerCalls;  // the shops are read before the caller writes
    };
    popt.afterGaps = [&](analysis::AnalysisOutput& o) {
        order.push_back("gaps");
        gapsSeen = o.gaps.size();
        gapEpsgSeen = o.gapEpsg;
    };
    const auto got = analysis::analyze(piped, popt);
    CHECK(readerCalls == 1);
    CHECK(readerCallsAtShares == 1);
    CHECK(order == std::vector<std::string>{"shares", "gaps"});
    CHECK(sharesSeen == plain.villages.size());
    CHECK(gapsSeen == plain.gaps.size());
    CHECK(gapEpsgSeen == 4326);
    CHECK(got.gapEpsg == plain.gapEpsg);
    CHECK(got.shopsTotal == plain.shopsTotal);
    CHECK(got.shopsLocated == plain.shopsLocated);
    CHECK(got.shopsBoundary == plain.shopsBoundary);
    REQUIRE(got.villages.size() == plain.villages.size());
    int64_t shops = 0;
    for (size_t i = 0; i < got.villages.size(); ++i) {
        const auto& a = got.villages[i];
        const auto& b = plain.villages[i];
        INFO(a.code);
        CHECK(a.shops == b.shops);
        CHECK(a.epay == b.epay);
        CHECK(a.locomotive == b.locomotive);
        CHECK(a.shopPct == b.shopPct);
        CHECK(a.households == b.households);
        CHECK(a.teams == b.teams);
        CHECK(a.targetScope == b.targetScope);
        CHECK(a.status.mobile == b.status.mobile);
        CHECK(a.gapAreaKm2 == b.gapAreaKm2);
        CHECK(a.distFibreM == b.distFibreM);
        CHECK(a.roadDistrictSeatM == b.roadDistrictSeatM);
        CHECK(a.minutesCommuneSeat == b.minutesCommuneSeat);
        CHECK(a.roadMainRoadM == b.roadMainRoadM);
        REQUIRE(a.coverage.size() == b.coverage.size());
        for (size_t k = 0; k < a.coverage.size(); ++k) {
            CHECK(a.coverage[k].areaGood == b.coverage[k].areaGood);
            CHECK(a.coverage[k].hhWeakOnly == b.coverage[k].hhWeakOnly);
        }
        shops += a.shops;
    }
    CHECK(shops == got.shopsLocated + got.shopsTabular);
    REQUIRE(got.gaps.size() == plain.gaps.size());
    for (size_t k = 0; k < got.gaps.size(); ++k) {
        INFO(got.gaps[k].villageCode << " " << got.gaps[k].op << " " << got.gaps[k].kind);
        CHECK(got.gaps[k].geom.parts == plain.gaps[k].geom.parts);
        CHECK(got.gaps[k].areaM2 == plain.gaps[k].areaM2);
    }
    REQUIRE(got.rollups.size() == plain.rollups.size());

    // a store that fails in the first callback, or a reader that fails: the error comes back
    analysis::AnalysisOptions failing = popt;
    failing.afterShares = [](analysis::AnalysisOutput&) { throw Error(ErrorKind::Store, "p.gpkg", "disk full"); };
    CHECK_THROWS_WITH(analysis::analyze(piped, failing), Catch::Contains("disk full"));
    failing = popt;
    failing.afterGaps = [](analysis::AnalysisOutput&) { throw Error(ErrorKind::Store, "p.gpkg", "disk full"); };
    CHECK_THROWS_WITH(analysis::analyze(piped, failing), Catch::Contains("disk full"));
    analysis::AnalysisInput badReader = piped;
    badReader.shopsReader = []() -> std::shared_ptr<const PointColumns> {
        throw Error(ErrorKind::Store, "p.gpkg", "cannot read shops");
    };
    CHECK_THROWS_WITH(analysis::analyze(badReader, popt), Catch::Contains("cannot read shops"));
}

TEST_CASE("analyze on the sample: every village of one ring is proved valid without GEOS, and GEOS agrees",
          "[analyze][integration][validity]")
{
    const SampleCoverage sample;
    int proved = 0, oneRing = 0;
    for (const auto& f : sample.villages.features) {
        const bool p = analysis::provablyValidSimplePolygon(f.geom);
        proved += p ? 1 : 0;
        oneRing += f.geom.parts.size() == 1 && f.geom.parts[0].size() == 1 ? 1 : 0;
        if (p)
            CHECK(valid(f.geom));
    }
    CHECK(sample.villages.features.size() == 1699);
    CHECK(oneRing == 1697);  // the two others have a hole (the hand-made cases): GEOS checks them
    CHECK(proved == oneRing);
    // and in the metric CRS the analysis clips them in
    Layer m = sample.villages;
    crs::reproject(m, 9215);
    int provedMetric = 0;
    for (const auto& f : m.features)
        provedMetric += analysis::provablyValidSimplePolygon(f.geom) ? 1 : 0;
    CHECK(provedMetric == oneRing);
}
