// The analysis core on hand-made layers (issue #9): the boundary rule, a village with a hole, a
// multipart village, coverage only touching a boundary, an empty coverage layer, an invalid
// polygon repaired and reported, a village without settlements, a road network in two pieces.
#include "core/analysis/indicators.hpp"
#include "core/analysis/metric_crs.hpp"
#include "core/analysis/point_locator.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>

using namespace bando;
using namespace bando::analysis;

namespace {

constexpr int kEpsg = 9215;  // layers below are in metres already

Ring square(double x0, double y0, double x1, double y1) { return {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}; }

Layer villagesLayer()
{
    Layer l;
    l.name = "villages";
    l.geomType = GeomType::MultiPolygon;
    l.epsg = kEpsg;
    l.fields = {{"code", FieldType::Text}, {"commune_code", FieldType::Text}, {"district_code", FieldType::Text},
                {"households", FieldType::Integer}};
    return l;
}

Feature& addVillage(Layer& l, const std::string& code, Geometry g, int64_t hh = 100, const std::string& commune = "C1")
{
    g.type = GeomType::MultiPolygon;
    Feature& f = l.addFeature(std::move(g));
    l.set(f, "code", code);
    l.set(f, "commune_code", commune);
    l.set(f, "district_code", std::string("D1"));
    l.set(f, "households", hh);
    return f;
}

Layer pointLayer(const std::string& name, std::vector<FieldDef> fields)
{
    Layer l;
    l.name = name;
    l.geomType = GeomType::Point;
    l.epsg = kEpsg;
    l.fields = std::move(fields);
    return l;
}

Layer coverageLayer()
{
    Layer l;
    l.name = "coverage";
    l.geomType = GeomType::MultiPolygon;
    l.epsg = kEpsg;
    l.fields = {{"operator", FieldType::Text}, {"technology", FieldType::Text}, {"level", FieldType::Text}};
    return l;
}

void addCoverage(Layer& l, const std::string& op, const std::string& level, std::vector<Ring> rings)
{
    Geometry g = Geometry::polygon(std::move(rings));
    g.type = GeomType::MultiPolygon;
    Feature& f = l.addFeature(std::move(g));
    l.set(f, "operator", op);
    l.set(f, "technology", std::string("4G"));
    l.set(f, "level", level);
}

AnalysisOptions options()
{
    AnalysisOptions o;
    o.metricEpsg = kEpsg;
    o.date = "2021-12-31";
    return o;
}

const CoverageShare& share(const VillageIndicators& v, const std::string& op, const std::string& tech)
{
    for (const auto& c : v.coverage)
        if (c.op == op && c.tech == tech)
            return c;
    FAIL("no coverage row " << op << " " << tech);
    return v.coverage.front();
}

double gapArea(const AnalysisOutput& out, const std::string& village, const std::string& op, const std::string& kind)
{
    for (const auto& g : out.gaps)
        if (g.villageCode == village && g.op == op && g.kind == kind)
            return g.areaM2;
    return -1;
}

} // namespace

TEST_CASE("orientation is exact for points on a segment", "[analysis][boundary]")
{
    const XY a{106.123456789, 21.987654321}, b{106.223456789, 22.087654321};
    CHECK(orientation(a, b, a) == 0);
    CHECK(orientation(a, b, b) == 0);
    // the exact midpoint in binary (both coordinates' sums are exact here)
    const XY m{(a.x + b.x) / 2, (a.y + b.y) / 2};
    const int o = orientation(a, b, m);
    CHECK((o == 0 || o == 1 || o == -1));
    CHECK(orientation({0, 0}, {3, 3}, {1, 1}) == 0);
    CHECK(orientation({0, 0}, {3, 3}, {1, 1.0000000000001}) == 1);
    CHECK(orientation({0, 0}, {3, 3}, {1, 0.9999999999999}) == -1);
    // a near-degenerate case where the naive float determinant is wrong in sign or zero
    const XY p{0.5, 0.5}, q{12, 12}, r{24, 24};
    CHECK(orientation(p, q, r) == 0);
    CHECK(orientation({0.1, 0.1}, {0.3, 0.3}, {0.7, 0.7}) == orientation({0.1, 0.1}, {0.3, 0.3}, {0.7, 0.7}));
}

TEST_CASE("a point on a shared edge or vertex is counted once in the lower village code", "[analysis][boundary]")
{
    // 2 x 2 squares; codes chosen so that the lowest code is not the first polygon
    Geometry g00 = Geometry::polygon({square(0, 0, 10, 10)}), g10 = Geometry::polygon({square(10, 0, 20, 10)}),
             g01 = Geometry::polygon({square(0, 10, 10, 20)}), g11 = Geometry::polygon({square(10, 10, 20, 20)});
    std::vector<const Geometry*> polys{&g00, &g10, &g01, &g11};
    std::vector<uint32_t> rank{3, 1, 2, 0};  // g11 has the lowest code
    PointLocator loc(polys, rank);
    auto h = loc.locate(5, 5);
    CHECK(h.polygon == 0);
    CHECK_FALSE(h.boundary);
    h = loc.locate(10, 5);  // edge between g00 (rank 3) and g10 (rank 1)
    CHECK(h.polygon == 1);
    CHECK(h.boundary);
    h = loc.locate(5, 10);  // edge between g00 (3) and g01 (2)
    CHECK(h.polygon == 2);
    CHECK(h.boundary);
    h = loc.locate(10, 10);  // the vertex of all four
    CHECK(h.polygon == 3);
    CHECK(h.boundary);
    h = loc.locate(0, 5);  // outer boundary: only g00
    CHECK(h.polygon == 0);
    CHECK(h.boundary);
    h = loc.locate(25, 5);
    CHECK(h.polygon == -1);
    // every point of a grid over the squares (many on edges) lands in exactly one square
    std::vector<XY> pts;
    for (int x = 0; x <= 20; ++x)
        for (int y = 0; y <= 20; ++y)
            pts.push_back({x * 1.0, y * 1.0});
    const auto hits = loc.locateAll(pts, 2);
    std::vector<int> count(4, 0);
    int boundary = 0;
    for (const auto& hit : hits) {
        REQUIRE(hit.polygon >= 0);
        ++count[static_cast<size_t>(hit.polygon)];
        boundary += hit.boundary ? 1 : 0;
    }
    CHECK(std::accumulate(count.begin(), count.end(), 0) == 441);
    CHECK(boundary == 3 * 21 + 3 * 18);  // x or y in {0, 10, 20}
    // g11 (rank 0) takes its own interior (81), its four edges and the shared vertex lines
    CHECK(count[3] == 11 * 11);
}

TEST_CASE("analysis of hand-made villages: hole and multipart and touching coverage and no settlements", "[analysis]")
{
    Layer v = villagesLayer();
    // A: 1 km square with a 200 m hole; B: two parts of 500 x 1000; C: 1 km square beside A
    addVillage(v, "A", Geometry::polygon({square(0, 0, 1000, 1000), square(400, 400, 600, 600)}));
    Geometry multi;
    multi.parts = {{square(2000, 0, 2500, 1000)}, {square(3000, 0, 3500, 1000)}};
    addVillage(v, "B", multi);
    addVillage(v, "C", Geometry::polygon({square(1000, 0, 2000, 1000)}), 50);
    Layer cov = coverageLayer();
    // good over all of A (and its hole) and over B's first part; weak over B's second part.
    addCoverage(cov, "Viettel", "good", {square(-100, -100, 1000, 1100)});  // touches C along x = 1000
    addCoverage(cov, "Viettel", "good", {square(1990, -50, 2600, 1050)});   // also 10 m into C
    addCoverage(cov, "Viettel", "weak", {square(2900, -50, 3600, 1050)});
    Layer settlements = pointLayer("settlements", {{"village_code", FieldType::Text}, {"households", FieldType::Integer},
                                                   {"is_centre", FieldType::Integer}});
    auto settle = [&](const std::string& code, double x, double y, int64_t hh, int centre) {
        Feature& f = settlements.addFeature(Geometry::point(x, y));
        settlements.set(f, "village_code", code);
        settlements.set(f, "households", hh);
        settlements.set(f, "is_centre", int64_t{centre});
    };
    settle("A", 100, 100, 60, 1);
    settle("A", 800, 800, 40, 0);
    settle("B", 2200, 500, 30, 0);
    settle("B", 3200, 500, 70, 1);  // weak only
    // C has no settlements: households weighted by area
    Layer shops = pointLayer("shops", {{"village_code", FieldType::Text}, {"opened", FieldType::Text},
                                       {"epay_opened", FieldType::Text}, {"locomotive", FieldType::Integer}});
    auto shop = [&](double x, double y, const char* opened) {
        Feature& f = shops.addFeature(Geometry::point(x, y));
        shops.set(f, "opened", std::string(opened));
    };
    shop(100, 100, "2021-08-01");
    shop(500, 500, "2021-08-01");   // in A's hole: in no village
    shop(1000, 500, "2021-08-01");  // on the A|C edge: A (lower code)
    shop(1500, 500, "2021-11-01");
    shop(2200, 200, "2022-01-05");  // after the date

    AnalysisInput in;
    in.villages = &v;
    in.settlements = &settlements;
    in.coverage = &cov;
    in.shops = &shops;
    AnalysisOptions o = options();
    o.since = "2021-09-01";
    const AnalysisOutput out = analyze(in, o);
    REQUIRE(out.villages.size() == 3);
    const auto& A = out.villages[0];
    const auto& B = out.villages[1];
    const auto& C = out.villages[2];

    // areas: A without its hole
    CHECK(A.areaKm2 == Approx(0.96));
    CHECK(B.areaKm2 == Approx(1.0));
    // shops: 2 in A (one on the shared edge), 1 in C, the hole's shop outside, one after the date
    CHECK(A.shops == 2);
    CHECK(A.boundaryShops == 1);
    CHECK(C.shops == 1);
    CHECK(B.shops == 0);
    CHECK(out.shopsTotal == 4);
    CHECK(out.shopsOutside == 1);
    CHECK(out.shopsBoundary == 1);
    CHECK(A.shops + B.shops + C.shops == out.shopsTotal - out.shopsOutside);
    CHECK(A.shopsSince == 2);
    CHECK(C.shopsSince == 0);

    // coverage: A fully good; B half good, half weak; C touched along an edge plus a 10 m strip
    CHECK(share(A, "any", "any").areaGood == Approx(1.0));
    CHECK(share(A, "any", "any").hhGood == Approx(1.0));
    CHECK(A.centreSignal == "good");
    CHECK(share(B, "Viettel", "4G").areaGood == Approx(0.5));
    CHECK(share(B, "Viettel", "4G").areaWeakOnly == Approx(0.5));
    CHECK(share(B, "any", "any").hhGood == Approx(0.3));
    CHECK(share(B, "any", "any").hhWeakOnly == Approx(0.7));
    CHECK(B.centreSignal == "weak");
    CHECK(B.status.mobile == MobileClass::Unstable);
    CHECK(share(C, "any", "any").areaGood == Approx(0.01));  // 10 m of 1,000 m; the touching edge adds nothing
    CHECK(C.settlements == 0);
    CHECK(share(C, "any", "any").hhGood == Approx(0.01));   // by area: no settlements
    CHECK(C.gapHouseholds == Approx(50 * 0.99));
    // covered + gap = village area (0.01 %)
    for (const auto& vi : out.villages) {
        const auto& a = share(vi, "any", "any");
        const double covered = (a.areaGood + a.areaWeakOnly) * vi.areaKm2 * 1e6;
        CHECK(std::fabs(covered + gapArea(out, vi.code, "any", "no_coverage") - vi.areaKm2 * 1e6) <=
              1e-4 * vi.areaKm2 * 1e6);
        CHECK(std::fabs(a.areaWeakOnly * vi.areaKm2 * 1e6 - gapArea(out, vi.code, "any", "weak_only")) <=
              1e-4 * vi.areaKm2 * 1e6);
    }
    CHECK(gapArea(out, "A", "any", "no_coverage") == Approx(0).margin(1e-6));
    CHECK(gapArea(out, "C", "Viettel", "no_coverage") == Approx(990000));
    // roll-ups
    REQUIRE(out.rollups.back().level == "province");
    CHECK(out.rollups.back().shops == 3);
    CHECK(out.rollups.back().villages == 3);
    bool noteC = false;
    for (const auto& n : out.notes)
        noteC = noteC || n.find("village C: no settlement") != std::string::npos;
    CHECK(noteC);
}

TEST_CASE("an empty coverage layer and an invalid village polygon", "[analysis]")
{
    Layer v = villagesLayer();
    // a bow-tie: self-intersecting, repaired into two triangles of 250,000 m2 each
    addVillage(v, "BOW", Geometry::polygon({{{0, 0}, {1000, 1000}, {1000, 0}, {0, 1000}, {0, 0}}}));
    addVillage(v, "SQ", Geometry::polygon({square(2000, 0, 3000, 1000)}));
    Layer cov = coverageLayer();  // no features
    AnalysisInput in;
    in.villages = &v;
    in.coverage = &cov;
    const AnalysisOutput out = analyze(in, options());
    REQUIRE(out.villages.size() == 2);
    CHECK(out.villages[0].areaKm2 == Approx(0.5));
    bool repaired = false;
    for (const auto& n : out.notes)
        repaired = repaired || n.find("village BOW: invalid polygon repaired") != std::string::npos;
    CHECK(repaired);
    for (const auto& vi : out.villages) {
        CHECK(vi.gapAreaKm2 == Approx(vi.areaKm2));
        CHECK(vi.status.mobile == MobileClass::NoSignal);
        CHECK(share(vi, "any", "any").areaGood == 0);
    }
    CHECK(gapArea(out, "SQ", "any", "no_coverage") == Approx(1e6));
}

TEST_CASE("raster coverage: an invalid polygon is found by its cells, repaired by GEOS and reported", "[analysis][gridunion]")
{
    // On the raster path the coverage polygons are not sent to GEOS's validity check: a polygon
    // whose cells it covers twice (overlapping parts) or negatively is. The result must be the
    // one of the GEOS path (gridUnions = false), which checks every polygon.
    Layer v = villagesLayer();
    addVillage(v, "V1", Geometry::polygon({square(0, 0, 1000, 1000)}));
    addVillage(v, "V2", Geometry::polygon({square(1000, 0, 2000, 1000)}));
    // A's parts: apart (valid), overlapping (invalid with area: cells covered twice), sharing an
    // edge (invalid for GEOS, but the same cells: harmless on the raster path, not reported there)
    enum Parts { Apart, Overlapping, SharingAnEdge };
    for (Parts parts : {Apart, Overlapping, SharingAnEdge}) {
        INFO((parts == Apart ? "parts apart" : parts == Overlapping ? "overlapping parts" : "parts sharing an edge"));
        Layer cov = coverageLayer();
        Geometry a;
        a.type = GeomType::MultiPolygon;
        const double second = parts == Apart ? 700 : parts == Overlapping ? 400 : 600;
        a.parts = {{square(0, 0, 600, 500)}, {square(second, 0, 1000, 500)}};  // 100 m cells
        const double aShare = parts == Apart ? 0.45 : 0.5;
        Feature& f = cov.addFeature(std::move(a));
        cov.set(f, "operator", std::string("A"));
        cov.set(f, "technology", std::string("4G"));
        cov.set(f, "level", std::string("good"));
        addCoverage(cov, "B", "good", {square(1000, 0, 1500, 1000)});
        addCoverage(cov, "B", "weak", {square(1500, 0, 1800, 1000), square(1600, 100, 1700, 200)});
        AnalysisInput in;
        in.villages = &v;
        in.coverage = &cov;
        AnalysisOptions o = options();
        const AnalysisOutput grid = analyze(in, o);
        o.gridUnions = false;
        const AnalysisOutput geosPath = analyze(in, o);
        CHECK(grid.coverageOnGrid);
        CHECK_FALSE(geosPath.coverageOnGrid);
        auto repairedNote = [](const AnalysisOutput& out) {
            return std::count_if(out.notes.begin(), out.notes.end(), [](const std::string& n) {
                return n.find("coverage A 4G good: invalid polygon repaired") != std::string::npos;
            });
        };
        CHECK(repairedNote(grid) == (parts == Overlapping ? 1 : 0));
        CHECK(repairedNote(geosPath) == (parts == Apart ? 0 : 1));
        REQUIRE(grid.villages.size() == 2);
        CHECK(share(grid.villages[0], "A", "4G").areaGood == Approx(aShare));
        CHECK(share(grid.villages[1], "B", "4G").areaGood == Approx(0.5));
        CHECK(share(grid.villages[1], "B", "4G").areaWeakOnly == Approx(0.29));
        for (size_t i = 0; i < 2; ++i)
            for (const auto& c : grid.villages[i].coverage) {
                INFO(grid.villages[i].code << " " << c.op << " " << c.tech);
                const CoverageShare& g = share(geosPath.villages[i], c.op, c.tech);
                CHECK(c.areaGood == Approx(g.areaGood).margin(1e-9));
                CHECK(c.areaWeakOnly == Approx(g.areaWeakOnly).margin(1e-9));
            }
        CHECK(gapArea(grid, "V1", "A", "no_coverage") == Approx((1 - aShare) * 1e6));
        CHECK(gapArea(grid, "V1", "A", "no_coverage") == Approx(gapArea(geosPath, "V1", "A", "no_coverage")));
    }
}

TEST_CASE("access on a road network in two pieces", "[analysis][access]")
{
    Layer v = villagesLayer();
    addVillage(v, "V1", Geometry::polygon({square(0, 0, 1000, 1000)}), 10, "C1");
    addVillage(v, "V2", Geometry::polygon({square(10000, 0, 11000, 1000)}), 10, "C1");
    Layer settlements = pointLayer("settlements", {{"village_code", FieldType::Text}, {"households", FieldType::Integer},
                                                   {"is_centre", FieldType::Integer}});
    for (auto [code, x] : {std::pair<const char*, double>{"V1", 500}, {"V2", 10500}}) {
        Feature& f = settlements.addFeature(Geometry::point(x, 500));
        settlements.set(f, "village_code", std::string(code));
        settlements.set(f, "households", int64_t{10});
        settlements.set(f, "is_centre", int64_t{1});
    }
    Layer roads;
    roads.name = "roads";
    roads.geomType = GeomType::LineString;
    roads.epsg = kEpsg;
    roads.fields = {{"class", FieldType::Text}};
    auto road = [&](Ring line, const char* cls) {
        Feature& f = roads.addFeature(Geometry::lineString(std::move(line)));
        roads.set(f, "class", std::string(cls));
    };
    // piece 1: a national road along y = 600 from x = 0 to 5000, and a district road up to the seat
    road({{0, 600}, {5000, 600}}, "national");
    road({{3000, 600}, {3000, 2600}}, "district");  // ends on the national road (not at a vertex)
    road({{4000, 2000}, {4000, 600.5}}, "district"); // ends 0.5 m from the national road: joined
    // piece 2: a road near V2 that does not connect
    road({{9000, 700}, {12000, 700}}, "district");
    Layer places = pointLayer("places", {{"kind", FieldType::Text}, {"code", FieldType::Text}});
    auto place = [&](double x, double y, const char* kind, const char* code) {
        Feature& f = places.addFeature(Geometry::point(x, y));
        places.set(f, "kind", std::string(kind));
        places.set(f, "code", std::string(code));
    };
    place(3000, 2600, "commune_seat", "C1");
    place(4000, 2000, "district_seat", "D1");
    AnalysisInput in;
    in.villages = &v;
    in.settlements = &settlements;
    in.roads = &roads;
    in.places = &places;
    AnalysisOptions o = options();
    const AnalysisOutput out = analyze(in, o);
    const auto& V1 = out.villages[0];
    const auto& V2 = out.villages[1];
    // V1's centre (500, 500) snaps 100 m to the national road; along it 2,500 m; up 2,000 m
    CHECK(V1.snapM == Approx(100));
    CHECK(V1.roadCommuneSeatM == Approx(100 + 2500 + 2000));
    CHECK(V1.lineCommuneSeatM == Approx(std::hypot(2500, 2100)));
    CHECK(V1.roadDistrictSeatM == Approx(100 + 3500 + 1399.5 + 0.5).epsilon(1e-6));
    CHECK(V1.roadMainRoadM == Approx(100));
    CHECK(V1.lineMainRoadM == Approx(100));
    // minutes: 100 m off road at 5 km/h, 2,500 m at 60 km/h, 2,000 m at 30 km/h
    CHECK(V1.minutesCommuneSeat == Approx(100 / 5000.0 * 60 + 2500 / 60000.0 * 60 + 2000 / 30000.0 * 60));
    CHECK(V1.reachesNetwork);
    // V2 lies on the other piece: no road distance, reported
    CHECK_FALSE(V2.reachesNetwork);
    CHECK(V2.roadCommuneSeatM < 0);
    CHECK(V2.lineCommuneSeatM == Approx(std::hypot(7500, 2100)));
    CHECK(V2.snapM == Approx(200));
    bool noted = false;
    for (const auto& n : out.notes)
        noted = noted || n.find("village V2: cannot reach") != std::string::npos;
    CHECK(noted);
    CHECK(out.rollups.back().villagesUnreachable == 1);
    // a faster national road changes the time, not the distance
    o.access.speedKmh["national"] = 90;
    const AnalysisOutput fast = analyze(in, o);
    CHECK(fast.villages[0].roadCommuneSeatM == Approx(V1.roadCommuneSeatM));
    CHECK(fast.villages[0].minutesCommuneSeat < V1.minutesCommuneSeat);
}

TEST_CASE("the metric CRS is the province TM-3 zone and UTM elsewhere", "[analysis][crs]")
{
    CHECK(chooseMetricCrs({106.1, 21.35, 107.3, 22.45}).epsg == 9215);  // Lạng Sơn
    CHECK(chooseMetricCrs({102.5, 10.0, 109.0, 23.0}).why == "VN-2000 UTM");  // the whole country
    CHECK(chooseMetricCrs({2.0, 48.0, 2.5, 49.0}).epsg == 32631);
}
