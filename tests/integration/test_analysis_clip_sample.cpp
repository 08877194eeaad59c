// The coverage overlay of `bando analyze` on the sample (issue #9, speed): the sample's coverage
// is a polygonized raster clipped to the province outline, so ~5 % of the village × coverage
// pairs are degenerate (shared outline edges, vertices exactly on the other boundary, identical
// vertices). The flat clip decides them after a symbolic shift of the village (VillageClipper)
// instead of GEOS. Every share, gap area and gap geometry must equal what the GEOS fallback gives
// for those pairs within 1e-9 of the village's area, and the shares must equal the per-village
// GEOS overlay (AnalysisOptions::geosOverlay).
#include <catch2/catch.hpp>

#include "core/analysis/indicators.hpp"
#include "core/capi/geos.hpp"
#include "core/capi/geos_convert.hpp"
#include "core/store/project_store.hpp"
#include "support/test_support.hpp"

#include <cmath>
#include <map>

using namespace bando;

namespace {

bool valid(const Geometry& g)
{
    geos::GeomPtr p = geos::toGeos(g);
    return GEOSisValid_r(geos::ctx(), p.get()) == 1;
}

} // namespace

TEST_CASE("analyze on the sample: degenerate coverage pairs decided by a shift equal the GEOS fallback and overlay",
          "[analyze][integration][cliparea]")
{
    const auto store = ProjectStore::open(test::samplePath());
    const Layer villages = store->readLayer("villages"), settlements = store->readLayer("settlements"),
                coverage = store->readLayer("coverage");
    analysis::AnalysisInput in;
    in.villages = &villages;
    in.settlements = &settlements;
    in.coverage = &coverage;
    analysis::AnalysisOptions opt;
    opt.metricEpsg = 9215;
    opt.parts.economy = false;
    opt.parts.access = false;
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
