// The village classification rule on hand-made layers: threshold boundaries, good vs weak,
// union over operators, broadband distance and share.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <limits>
#include <random>

#include "core/analysis/classify.hpp"
#include "core/analysis/households.hpp"
#include "core/analysis/spatial_index.hpp"
#include "core/base/error.hpp"
#include "core/model/schema.hpp"
#include "core/store/project_store.hpp"
#include "support/test_support.hpp"

using namespace bando;
using namespace bando::analysis;

namespace {

Geometry square(double x0, double y0, double x1, double y1)
{
    return Geometry::polygon({{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}});
}

Layer villagesLayer(int n)
{
    Layer v = schema::makeLayer("villages");
    v.epsg = 9215;
    for (int i = 0; i < n; ++i) {
        auto& f = v.addFeature(square(i * 1000.0, 0, i * 1000.0 + 1000, 1000));
        v.set(f, "code", std::string("V") + std::to_string(i));
        v.set(f, "commune_code", std::string("00001"));
        v.set(f, "district_code", std::string("189"));
        v.set(f, "households", int64_t{100});
    }
    return v;
}

Layer settlementsLayer() { Layer s = schema::makeLayer("settlements"); s.epsg = 9215; return s; }

void addSettlement(Layer& s, const std::string& village, double x, double y, int64_t hh)
{
    auto& f = s.addFeature(Geometry::point(x, y));
    s.set(f, "village_code", village);
    s.set(f, "households", hh);
    s.set(f, "is_centre", int64_t{0});
}

void addCoverage(Layer& c, const char* op, const char* tech, const char* level, Geometry g)
{
    g.type = GeomType::MultiPolygon;
    auto& f = c.addFeature(std::move(g));
    c.set(f, "operator", std::string(op));
    c.set(f, "technology", std::string(tech));
    c.set(f, "level", std::string(level));
}

} // namespace

TEST_CASE("mobile classes at the threshold boundaries", "[classify]")
{
    // Village i has 10 clusters of 10 households at x = i*1000 + 50 + 100 k (k = 0..9).
    Layer villages = villagesLayer(6);
    Layer settlements = settlementsLayer();
    for (int i = 0; i < 6; ++i)
        for (int k = 0; k < 10; ++k)
            addSettlement(settlements, "V" + std::to_string(i), i * 1000 + 50 + 100 * k, 500, 10);
    Layer coverage = schema::makeLayer("coverage");
    coverage.epsg = 9215;
    // V0: nothing.  V1: weak over 4 clusters (share_any 0.4 < 0.5) -> no signal.
    addCoverage(coverage, "Viettel", "4G", "weak", square(1000, 0, 1400, 1000));
    // V2: weak over exactly 5 clusters (share_any 0.5, not < 0.5) -> unstable.
    addCoverage(coverage, "VNPT", "3G", "weak", square(2000, 0, 2500, 1000));
    // V3: good over 7 clusters + weak over 3 -> share_good 0.7 < 0.8 -> unstable.
    addCoverage(coverage, "MobiFone", "4G", "good", square(3000, 0, 3700, 1000));
    addCoverage(coverage, "MobiFone", "4G", "weak", square(3700, 0, 4000, 1000));
    // V4: good over exactly 8 clusters, split between two operators (union) -> covered.
    addCoverage(coverage, "Viettel", "3G", "good", square(4000, 0, 4400, 1000));
    addCoverage(coverage, "VNPT", "4G", "good", square(4400, 0, 4800, 1000));
    // V5: 2G-only good coverage does not count -> no signal.
    addCoverage(coverage, "Viettel", "2G", "good", square(5000, 0, 6000, 1000));

    ClassificationInput in;
    in.villages = &villages;
    in.settlements = &settlements;
    in.coverage = &coverage;
    auto st = classifyVillages(in, Thresholds{});
    REQUIRE(st.size() == 6);
    CHECK(st[0].mobile == MobileClass::NoSignal);
    CHECK(st[1].mobile == MobileClass::NoSignal);
    CHECK(st[1].shareAny == Approx(0.4));
    CHECK(st[2].mobile == MobileClass::Unstable);
    CHECK(st[2].shareAny == Approx(0.5));
    CHECK(st[2].shareGood == 0.0);
    CHECK(st[3].mobile == MobileClass::Unstable);
    CHECK(st[3].shareGood == Approx(0.7));
    CHECK(st[3].shareAny == Approx(1.0));
    CHECK(st[4].mobile == MobileClass::Covered);
    CHECK(st[4].shareGood == Approx(0.8));
    CHECK(st[5].mobile == MobileClass::NoSignal);
    CHECK(st[4].households == 100);
    CHECK(st[4].districtCode == "189");
    auto c = countClasses(st);
    CHECK(c.noSignal == 3);
    CHECK(c.unstable == 2);
    CHECK(c.covered == 1);
    CHECK(c.noBroadband == 6);  // no broadband layers given

    // Thresholds are parameters: with share_good >= 0.7 V3 becomes covered.
    Thresholds t;
    t.unstableShareGood = 0.7;
    auto st2 = classifyVillages(in, t);
    CHECK(st2[3].mobile == MobileClass::Covered);
    CHECK(st2[2].mobile == MobileClass::Unstable);
}

TEST_CASE("broadband: households within the distance of a node or a fibre line", "[classify]")
{
    Layer villages = villagesLayer(3);
    Layer settlements = settlementsLayer();
    // V0: 60 households at (500, 500), 40 at (900, 500).
    addSettlement(settlements, "V0", 500, 500, 60);
    addSettlement(settlements, "V0", 900, 500, 40);
    // V1: 50 + 50 households.
    addSettlement(settlements, "V1", 1500, 500, 50);
    addSettlement(settlements, "V1", 1900, 500, 50);
    // V2: no settlements: the village's label point (its centre) with its 100 households.
    Layer nodes = schema::makeLayer("broadband_nodes");
    nodes.epsg = 9215;
    // A node 2,000 m south of (500, 500): exactly at the distance counts.
    auto& n = nodes.addFeature(Geometry::point(500, -1500));
    nodes.set(n, "kind", std::string("cabinet"));
    Layer fibre = schema::makeLayer("fibre");
    fibre.epsg = 9215;
    // A line 1,999 m north of V1's first cluster only (x 1400..1600), and 2,001 m from V2's centre.
    auto& l = fibre.addFeature(Geometry::lineString({{1400, 2499}, {1600, 2499}}));
    fibre.set(l, "kind", std::string("trunk"));

    ClassificationInput in;
    in.villages = &villages;
    in.settlements = &settlements;
    in.broadbandNodes = &nodes;
    in.fibre = &fibre;
    auto st = classifyVillages(in, Thresholds{});
    CHECK(st[0].shareBroadband == Approx(0.6));  // (900,500) is 2,040 m from the node
    CHECK(st[0].broadband);
    CHECK(st[1].shareBroadband == Approx(0.5));  // (1900,500) is 2,021 m from the line end
    CHECK(st[1].broadband);                      // share 0.5 is not below 0.5
    CHECK(st[2].households == 100);
    CHECK_FALSE(st[2].broadband);                // (2500, 500) is 2,022 m from (1600, 2499)
    Thresholds t;
    t.broadbandShare = 0.55;
    CHECK_FALSE(classifyVillages(in, t)[1].broadband);
    t.broadbandDistanceM = 2100;
    auto st3 = classifyVillages(in, t);
    CHECK(st3[0].shareBroadband == Approx(1.0));
    CHECK(countClasses(st3).noBroadband == 1);  // V1: 2,021 m -> both; V2: 2,192 m from (1600,2499)
}

TEST_CASE("point-in-polygon index matches the plain ring test", "[classify]")
{
    // A comb-shaped polygon with a hole, tested on a grid of points.
    Ring shell{{0, 0}, {100, 0}, {100, 100}, {80, 100}, {80, 20}, {60, 20}, {60, 100}, {0, 100}, {0, 0}};
    Ring hole{{10, 30}, {40, 30}, {40, 60}, {10, 60}, {10, 30}};
    Geometry g = Geometry::polygon({shell, hole});
    g.parts.push_back({{{200, 0}, {300, 0}, {250, 80}, {200, 0}}});
    g.type = GeomType::MultiPolygon;
    PolygonIndex idx(g);
    int inside = 0;
    for (double x = -5.5; x < 310; x += 3)
        for (double y = -5.5; y < 110; y += 3) {
            INFO(x << "," << y);
            CHECK(idx.contains(x, y) == contains(g, x, y));
            inside += idx.contains(x, y);
        }
    CHECK(inside > 100);
    SegmentIndex si(50);
    si.addLine({{0, 0}, {1000, 0}});
    si.addPoint(500, 500);
    CHECK(si.withinDistance(300, 49.9, 50));
    CHECK_FALSE(si.withinDistance(300, 50.1, 50));
    CHECK(si.nearestDistance(500, 460, 50) == Approx(40));
    CHECK(si.withinDistance(1030, 40, 50));  // 50 m from the end point
    CHECK_FALSE(si.withinDistance(1040, 40, 50));
}

TEST_CASE("segment index: nearest and within equal the brute-force hypot minimum", "[classify]")
{
    // The index skips the hypot of candidates that are farther by their squared offset: the
    // result must still be the exact minimum over every segment, and withinDistance (which stops
    // at the first hit) must agree with it.
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> u(0, 5000), d(-300, 300);
    SegmentIndex si(250);
    std::vector<std::array<double, 4>> segs;
    for (int i = 0; i < 400; ++i) {
        const double x = u(rng), y = u(rng);
        segs.push_back({x, y, x + d(rng), y + d(rng)});
        si.addSegment(segs.back()[0], segs.back()[1], segs.back()[2], segs.back()[3]);
    }
    int within = 0, checked = 0;
    for (int k = 0; k < 2000; ++k) {
        const double x = u(rng), y = u(rng);
        double brute = std::numeric_limits<double>::infinity();
        for (const auto& s : segs)
            brute = std::min(brute, pointSegmentDistance(x, y, s[0], s[1], s[2], s[3]));
        const double radius = 400;
        const double got = si.nearestDistance(x, y, radius);
        CHECK(si.nearestDistance(x, y, std::numeric_limits<double>::infinity()) == brute);  // unbounded
        INFO(x << "," << y);
        if (brute <= radius) {
            CHECK(got == brute);  // bit for bit
            ++checked;
        } else {
            CHECK(std::isinf(got));
        }
        for (double r : {brute, std::nextafter(brute, 0.0), 50.0, 150.0})
            if (r <= radius) {
                CHECK(si.withinDistance(x, y, r) == (brute <= r));
                within += brute <= r;
            }
    }
    CHECK(checked > 1000);
    CHECK(within > 1000);

    // an empty index (a project without fibre) answers at once: nothing, however far it looks
    SegmentIndex none(1000);
    CHECK(std::isinf(none.nearestDistance(4e5, 2.3e6, std::numeric_limits<double>::infinity())));
    CHECK_FALSE(none.withinDistance(4e5, 2.3e6, 500));
    // a point 1,000 km from a small index: the rings start where the occupied cells are
    SegmentIndex small(1000);
    small.addSegment(0, 0, 3000, 0);
    CHECK(small.nearestDistance(1e6, 4, std::numeric_limits<double>::infinity()) == std::hypot(1e6 - 3000, 4.0));

    // a huge, sparse window (segments 5,000 km apart on a 10 m grid): the sorted-pairs path
    SegmentIndex sparse(10);
    sparse.addSegment(0, 0, 30, 0);
    sparse.addSegment(5e6, 5e6, 5e6, 5e6 + 40);
    sparse.addPoint(-2e6, 3e6);
    CHECK(sparse.nearestDistance(15, 7, 100) == 7);
    CHECK(sparse.nearestDistance(5e6 + 3, 5e6 + 50, 100) == std::hypot(3.0, 10.0));
    CHECK(std::isinf(sparse.nearestDistance(1000, 1000, 100)));
    CHECK(sparse.nearestDistance(1000, 1000, std::numeric_limits<double>::infinity()) == std::hypot(970.0, 1000.0));
    CHECK(sparse.withinDistance(-2e6 + 6, 3e6 + 8, 10));
    CHECK_FALSE(sparse.withinDistance(-2e6 + 6, 3e6 + 8.1, 10));
    CHECK(sparse.withinDistance(40, 0, 10));
    CHECK_FALSE(sparse.withinDistance(40.5, 0, 10));
}

TEST_CASE("thresholds come from the project settings, with defaults", "[classify]")
{
    test::TempDir dir("classify");
    const std::string path = dir.file("t.gpkg");
    {
        auto s = ProjectStore::create(path);
        const Thresholds d = loadThresholds(*s);
        CHECK(d.noSignalShareAny == 0.5);
        CHECK(d.unstableShareGood == 0.8);
        CHECK(d.broadbandShare == 0.5);
        CHECK(d.broadbandDistanceM == 2000);
        ProjectStore::Transaction t(*s);
        s->setMeta("setting.unstable_share_good", "0.9");
        s->setMeta("setting.broadband_distance_m", "1500");
        t.commit();
    }
    {
        auto s = ProjectStore::open(path, ProjectStore::Mode::ReadWrite);
        const Thresholds t = loadThresholds(*s);
        CHECK(t.noSignalShareAny == 0.5);
        CHECK(t.unstableShareGood == Approx(0.9));
        CHECK(t.broadbandDistanceM == Approx(1500));
        ProjectStore::Transaction tx(*s);
        s->setMeta("setting.broadband_share", "half");
        tx.commit();
        try {
            loadThresholds(*s);
            FAIL("a bad setting must be rejected");
        } catch (const Error& e) {
            CHECK(std::string(e.what()).find("setting.broadband_share") != std::string::npos);
            CHECK(std::string(e.what()).find("half") != std::string::npos);
        }
    }
}

TEST_CASE("household clusters: settlements in order, then the label point of unlocated villages", "[classify]")
{
    // V0 has two settlements (the first is the centre), V1 only one without households, V2 none
    // and 0 households (its label-point cluster holds at least 1).
    Layer villages = villagesLayer(3);
    villages.set(villages.features[2], "households", int64_t{0});
    Layer settlements = settlementsLayer();
    addSettlement(settlements, "V0", 100, 200, 30);
    settlements.set(settlements.features.back(), "is_centre", int64_t{1});
    addSettlement(settlements, "V1", 1500, 500, 0);   // no households: ignored
    addSettlement(settlements, "V9", 1500, 500, 10);  // unknown village: ignored
    addSettlement(settlements, "V0", 300, 400, 12);

    const auto clusters = householdClusters(villages, settlements);
    REQUIRE(clusters.size() == 4);
    CHECK(clusters[0].village == 0);
    CHECK(clusters[0].x == 100);
    CHECK(clusters[0].y == 200);
    CHECK(clusters[0].households == 30);
    CHECK(clusters[0].centre);
    CHECK(clusters[1].village == 0);
    CHECK(clusters[1].households == 12);
    CHECK_FALSE(clusters[1].centre);
    // V1 and V2: one cluster at the label point, inside the village, holding its households.
    CHECK(clusters[2].village == 1);
    CHECK(clusters[2].households == 100);
    CHECK(clusters[2].centre);
    CHECK(contains(villages.features[1].geom, clusters[2].x, clusters[2].y));
    CHECK(clusters[3].village == 2);
    CHECK(clusters[3].households == 1);
    CHECK(contains(villages.features[2].geom, clusters[3].x, clusters[3].y));

    // Without settlements every village is one cluster; no schema is needed.
    const auto labelOnly = householdClusters(villages, Layer{});
    REQUIRE(labelOnly.size() == 3);
    CHECK(labelOnly[0].households == 100);
    CHECK(labelOnly[2].households == 1);
}
