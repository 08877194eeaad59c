// Unit tests of the sample generator's building blocks: the portable RNG, apportionment,
// the CSV reader and the terrain function.
#include <catch2/catch.hpp>

#include "core/base/error.hpp"
#include "core/capi/proj.hpp"
#include "core/sample/geo_util.hpp"
#include "core/sample/sample.hpp"
#include "support/test_support.hpp"

#include <cmath>
#include <fstream>
#include <numeric>

using namespace bando;
using namespace bando::sample;

TEST_CASE("the sample RNG is xoshiro256** seeded by splitmix64", "[sample][rng]")
{
    // Reference values from an independent implementation of the published algorithms.
    Rng a(0);
    CHECK(a.next() == 0x99ec5f36cb75f2b4ull);
    CHECK(a.next() == 0xbf6e1f784956452aull);
    CHECK(a.next() == 0x1a5f849d4933e6e0ull);
    Rng b(20210720);
    CHECK(b.next() == 0xef747131c8e3838eull);
    CHECK(b.next() == 0xc0c57bc7d1579051ull);
    CHECK(b.next() == 0x367bc8f7018e4d84ull);
    CHECK(b.next() == 0x91ce9e85d7e49b72ull);
    Rng c(20210720);
    CHECK(c.uniform() == Approx(0.9353705164475183).epsilon(1e-15));
}

TEST_CASE("sample RNG distributions have the right moments", "[sample][rng]")
{
    Rng r(12345);
    const int n = 100000;
    double sum = 0, sq = 0, nsum = 0, nsq = 0;
    int64_t lo = 100, hi = -100;
    for (int i = 0; i < n; ++i) {
        double u = r.uniform();
        REQUIRE(u >= 0.0);
        REQUIRE(u < 1.0);
        sum += u;
        sq += u * u;
        double g = r.normal(10, 2);
        nsum += g;
        nsq += g * g;
        int64_t k = r.range(-3, 3);
        lo = std::min(lo, k);
        hi = std::max(hi, k);
    }
    CHECK(sum / n == Approx(0.5).margin(0.005));
    CHECK(sq / n - (sum / n) * (sum / n) == Approx(1.0 / 12).margin(0.002));
    CHECK(nsum / n == Approx(10).margin(0.03));
    CHECK(std::sqrt(nsq / n - (nsum / n) * (nsum / n)) == Approx(2).margin(0.03));
    CHECK(lo == -3);
    CHECK(hi == 3);
    // forked streams are reproducible and differ from each other
    Rng p(7);
    Rng f1 = p.fork(1), f1b = p.fork(1), f2 = p.fork(2);
    uint64_t x = f1.next();
    CHECK(x == f1b.next());
    CHECK(x != f2.next());
}

TEST_CASE("apportion splits totals exactly by largest remainder", "[sample]")
{
    auto a = geo::apportion(10, {1, 1, 1});
    CHECK(std::accumulate(a.begin(), a.end(), int64_t(0)) == 10);
    CHECK(a == std::vector<int64_t>{4, 3, 3});
    auto b = geo::apportion(200000, {103284, 59827, 52689}, 0);
    CHECK(std::accumulate(b.begin(), b.end(), int64_t(0)) == 200000);
    CHECK(b[0] == 95722);  // 200000 * 103284 / 215800 = 95721.97
    auto c = geo::apportion(20, {0, 0, 100}, 5);
    CHECK(c == std::vector<int64_t>{5, 5, 10});
}

TEST_CASE("the CSV reader handles quotes and names the row of a bad number", "[sample]")
{
    test::TempDir dir("csv");
    {
        std::ofstream o(dir.file("t.csv"), std::ios::binary);
        o << "code,name,area\n05971,\"Phường \"\"A\"\", B\",12.5\r\n05974,Xã C,abc\n";
    }
    auto t = geo::CsvTable::read(dir.file("t.csv"));
    REQUIRE(t.rows() == 2);
    CHECK(t.at(0, "code") == "05971");
    CHECK(t.at(0, "name") == "Phường \"A\", B");
    CHECK(t.number(0, "area") == 12.5);
    CHECK_THROWS_WITH(t.number(1, "area"), Catch::Contains("row 3") && Catch::Contains("area"));
    CHECK_THROWS_AS(t.at(0, "missing"), Error);
}

TEST_CASE("the synthetic terrain stays in 200-1541 m and peaks at Mẫu Sơn", "[sample][terrain]")
{
    geo::Terrain t(99);
    auto peak = crs::transform(crs::kWgs84, crs::kVn2000LangSon, 107.0, 21.85);
    CHECK(t.height(peak.x, peak.y) == Approx(1541).margin(1));
    double lo = 1e9, hi = -1e9;
    Rng r(3);
    for (int i = 0; i < 20000; ++i) {
        double x = r.uniform(380000, 520000), y = r.uniform(2360000, 2490000);
        double h = t.height(x, y);
        lo = std::min(lo, h);
        hi = std::max(hi, h);
    }
    CHECK(lo >= 200);
    CHECK(lo < 320);
    CHECK(hi <= 1541);
    CHECK(hi > 1000);
}
