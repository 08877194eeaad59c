// ITM (Longley-Rice) point-to-point against the NTIA reference vectors (/work/shared/rf):
// ntia_itm/p2p.csv + pfls.csv (NTIA ITM v1.4 examples), the ITMDrvr command-line example
// (pfl.txt) and the 30 quantiles of the ITM 1.2.2 QKPFL sample run (Crystal Palace - Mursley).
// Every vector within 0.1 dB. Without ../shared the cases skip through CTest.
#include <catch2/catch.hpp>

#include "core/base/error.hpp"
#include "core/predict/itm.hpp"
#include "support/test_support.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace bando::predict;

namespace {
std::vector<double> numbers(const std::string& line)
{
    std::vector<double> out;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ','))
        if (!cell.empty() && cell != "\r")
            out.push_back(std::stod(cell));
    return out;
}

std::vector<std::string> lines(const std::string& path)
{
    std::ifstream in(path);
    std::vector<std::string> out;
    std::string l;
    while (std::getline(in, l))
        if (!l.empty())
            out.push_back(l);
    return out;
}
} // namespace

TEST_CASE("ITM point-to-point reproduces the NTIA v1.4 reference vectors", "[itm]")
{
    if (!bando::test::haveShared())
        BANDO_SKIP("shared/ folder absent: NTIA ITM vectors not checked");
    const std::string dir = bando::test::sharedDir() + "/rf/ntia_itm/";
    const auto cases = lines(dir + "p2p.csv");
    const auto profiles = lines(dir + "pfls.csv");
    REQUIRE(cases.size() == 6);  // header + 5
    REQUIRE(profiles.size() == 5);
    for (size_t i = 0; i < 5; ++i) {
        const auto c = numbers(cases[i + 1]);
        REQUIRE(c.size() == 13);
        const auto pfl = numbers(profiles[i]);
        const int np = static_cast<int>(pfl[0]);
        REQUIRE(static_cast<int>(pfl.size()) == np + 3);
        itm::Params p;
        p.txHeightM = c[0];
        p.rxHeightM = c[1];
        p.epsilon = c[2];
        p.sigma = c[3];
        p.n0 = c[4];
        p.fMhz = c[5];
        p.pol = c[6] == 1 ? itm::Polarization::Vertical : itm::Polarization::Horizontal;
        p.climate = static_cast<itm::Climate>(static_cast<int>(c[7]));
        p.timePct = c[8];
        p.locationPct = c[9];
        p.situationPct = c[10];
        p.mdvar = static_cast<int>(c[11]);
        const std::vector<double> z(pfl.begin() + 2, pfl.end());
        const auto r = itm::pointToPoint(z, pfl[1], p);
        INFO("case " << i + 1 << ": f " << p.fMhz << " MHz, d " << r.distanceM / 1000 << " km, A_ref " << r.referenceAttenuationDb);
        // The issue asks for 0.1 dB; the vectors are printed to 0.01 dB and we meet that.
        CHECK(r.lossDb == Approx(c[12]).margin(0.005));
    }
}

TEST_CASE("ITM point-to-point reproduces the ITMDrvr example with its intermediate values", "[itm]")
{
    if (!bando::test::haveShared())
        BANDO_SKIP("shared/ folder absent: NTIA ITM driver example not checked");
    const auto l = lines(bando::test::sharedDir() + "/rf/ntia_itm/cmd_examples/pfl.txt");
    REQUIRE(!l.empty());
    const auto pfl = numbers(l[0]);
    const std::vector<double> z(pfl.begin() + 2, pfl.end());
    itm::Params p;
    p.txHeightM = 15;
    p.rxHeightM = 3;
    p.climate = itm::Climate::ContinentalTemperate;
    p.n0 = 301;
    p.fMhz = 3500;
    p.pol = itm::Polarization::Vertical;
    p.epsilon = 15;
    p.sigma = 0.005;
    p.mdvar = 1;
    const auto r = itm::pointToPoint(z, pfl[1], p);
    // o_p2ptls.txt: 114.5 dB, LOS, d 3.635 km, N_s 251.5, delta_h 3.2 m, horizons 14868 / 6494 m,
    // theta -1.949 / -0.856 mrad, A_ref 0.0 dB.
    CHECK(r.lossDb == Approx(114.5).margin(0.05));
    CHECK(r.mode == itm::PropagationMode::LineOfSight);
    CHECK(r.distanceM / 1000 == Approx(3.635).margin(0.0005));
    CHECK(r.surfaceRefractivity == Approx(251.5).margin(0.05));
    CHECK(r.deltaHM == Approx(3.2).margin(0.05));
    CHECK(r.horizonDistanceM[0] == Approx(14868).margin(1));
    CHECK(r.horizonDistanceM[1] == Approx(6494).margin(1));
    CHECK(r.horizonAngleRad[0] * 1000 == Approx(-1.949).margin(0.0005));
    CHECK(r.horizonAngleRad[1] * 1000 == Approx(-0.856).margin(0.0005));
    CHECK(r.referenceAttenuationDb == Approx(0.0).margin(0.05));
    CHECK(r.warnings == 0);
}

TEST_CASE("ITM point-to-point reproduces the 30 QKPFL quantiles (Crystal Palace - Mursley)", "[itm]")
{
    if (!bando::test::haveShared())
        BANDO_SKIP("shared/ folder absent: ITM 1.2.2 QKPFL vectors not checked");
    const std::string dir = bando::test::sharedDir() + "/rf/ntia_itm_qkpfl/";
    const auto pl = lines(dir + "crystal_palace_mursley_pfl.csv");
    REQUIRE(pl.size() == 2);
    const auto pfl = numbers(pl[1]);
    REQUIRE(static_cast<int>(pfl.size()) == static_cast<int>(pfl[0]) + 3);
    const std::vector<double> z(pfl.begin() + 2, pfl.end());
    const auto expected = lines(dir + "qkpfl_expected.csv");
    REQUIRE(expected.size() == 31);
    int checked = 0;
    for (size_t i = 1; i < expected.size(); ++i) {
        const auto e = numbers(expected[i]);
        itm::Params p;
        p.fMhz = e[1];
        p.txHeightM = e[2];
        p.rxHeightM = e[3];
        p.surfaceRefractivity = 314;  // the deck states N_s directly
        p.epsilon = 15;
        p.sigma = 0.005;
        p.climate = itm::Climate::ContinentalTemperate;
        p.pol = itm::Polarization::Horizontal;
        p.mdvar = 12;
        p.timePct = e[4];      // reliability
        p.locationPct = e[4];
        p.situationPct = e[5]; // confidence
        const auto r = itm::pointToPoint(z, pfl[1], p);
        INFO("test " << e[0] << " reliability " << e[4] << " confidence " << e[5]);
        CHECK(r.lossDb == Approx(e[6]).margin(0.1));
        ++checked;
        if (e[4] == 50 && e[5] == 50) {
            // qkpflanx.txt: free space 102.6 / 125.4 dB, delta_h 89 / 91 m, h_e 240.5/18.4, 292.5/19.0 m.
            const bool first = e[0] == 1;
            CHECK(r.freeSpaceDb == Approx(first ? 102.6 : 125.4).margin(0.05));
            // delta_h depends on the horizon distances (hence on N_s): 91.31 m against 91.2 for test 2.
            CHECK(r.deltaHM == Approx(first ? 89.2 : 91.2).margin(0.15));
            CHECK(r.effectiveHeightM[0] == Approx(first ? 240.5 : 292.5).margin(0.1));
            CHECK(r.effectiveHeightM[1] == Approx(first ? 18.4 : 19.0).margin(0.1));
        }
    }
    CHECK(checked == 30);
}

TEST_CASE("ITM inverse complementary normal", "[itm]")
{
    CHECK(itm::inverseComplementaryNormal(0.5) == Approx(0.0).margin(1e-6));
    CHECK(itm::inverseComplementaryNormal(0.1) == Approx(1.2816).margin(0.0005));
    CHECK(itm::inverseComplementaryNormal(0.9) == Approx(-1.2816).margin(0.0005));
    CHECK(itm::inverseComplementaryNormal(0.01) == Approx(2.3263).margin(0.0005));
}

TEST_CASE("ITM refuses a profile without two intervals", "[itm]")
{
    itm::Params p;
    CHECK_THROWS(itm::pointToPoint({100, 100}, 100, p));
    CHECK_THROWS(itm::pointToPoint({100, 100, 100}, 0, p));
    p.timePct = 100;
    CHECK_THROWS(itm::pointToPoint({100, 100, 100}, 100, p));
}

TEST_CASE("ITM on every prefix of a profile: the prefix evaluator against point-to-point", "[itm]")
{
    // A 30 km mountain-and-valley profile at 90 m (LOS, diffraction and troposcatter prefixes),
    // two frequencies, the NTIA-style parameters of the radial engine.
    std::vector<double> z(334);
    for (size_t k = 0; k < z.size(); ++k) {
        const double x = static_cast<double>(k);
        z[k] = 320 + 260 * std::sin(x * 0.031) + 90 * std::sin(x * 0.17 + 1.3) + 25 * std::sin(x * 0.9);
    }
    for (double f : {900.0, 2100.0}) {
        itm::Params p;
        p.fMhz = f;
        p.txHeightM = 30;
        p.rxHeightM = 1.5;
        p.climate = itm::Climate::ContinentalTemperate;
        itm::PrefixEvaluator exact(p);
        itm::PrefixEvaluator reuse(p, 0.02);
        exact.setProfile(z.data(), 333, 90);
        reuse.setProfile(z.data(), 333, 90);
        std::vector<double> reuseDiff;
        int modes[4] = {0, 0, 0, 0};
        for (int np = 2; np <= 333; ++np) {
            const itm::Result ref = itm::pointToPoint(z.data(), np, 90, p);
            const itm::Result a = exact.at(np);
            // Exact mode: the same path quantities and loss (prefix sums only change rounding).
            REQUIRE(a.lossDb == Approx(ref.lossDb).margin(1e-6));
            REQUIRE(a.surfaceRefractivity == Approx(ref.surfaceRefractivity).margin(1e-9));
            REQUIRE(a.effectiveHeightM[0] == Approx(ref.effectiveHeightM[0]).margin(1e-6));
            REQUIRE(a.effectiveHeightM[1] == Approx(ref.effectiveHeightM[1]).margin(1e-6));
            REQUIRE(a.deltaHM == Approx(ref.deltaHM).margin(1e-9));
            REQUIRE(a.horizonDistanceM[1] == Approx(ref.horizonDistanceM[1]).margin(1e-6));
            REQUIRE(a.horizonDistanceM[0] == Approx(ref.horizonDistanceM[0]).margin(1e-6));
            REQUIRE(a.horizonAngleRad[0] == Approx(ref.horizonAngleRad[0]).margin(1e-12));
            REQUIRE(a.horizonAngleRad[1] == Approx(ref.horizonAngleRad[1]).margin(1e-12));
            ++modes[static_cast<int>(ref.mode)];
            reuseDiff.push_back(std::abs(reuse.at(np).lossDb - ref.lossDb));
        }
        CHECK(modes[1] > 0);
        CHECK(modes[2] > 0);
        // Reused delta_h (refreshed every 2 % of growth): close to exact ITM, never far.
        std::sort(reuseDiff.begin(), reuseDiff.end());
        const double median = reuseDiff[reuseDiff.size() / 2], p99 = reuseDiff[reuseDiff.size() * 99 / 100];
        INFO("f " << f << " median " << median << " p99 " << p99 << " max " << reuseDiff.back());
        CHECK(median < 0.05);
        CHECK(p99 < 1.0);
        CHECK(reuseDiff.back() > 0);  // the reuse does change something (the test can fail)
    }
    itm::Params bad;
    bad.fMhz = 0;
    CHECK_THROWS_AS(itm::PrefixEvaluator(bad), bando::Error);
}

TEST_CASE("ITM prefix evaluator: exact horizons on rough profiles, from any first prefix, in any order", "[itm]")
{
    // Rough terrain (a pseudo-random walk with spikes and a deep valley) so that the horizon
    // envelope and hull change often; prefixes evaluated from npMin on, then below npMin and in
    // decreasing order: every one equals point-to-point.
    for (unsigned seed : {1u, 7u, 42u}) {
        std::vector<double> z(401);
        unsigned state = seed;
        auto rnd = [&] {
            state = state * 1664525u + 1013904223u;
            return static_cast<double>(state >> 8) / 16777216.0;
        };
        double h = 400;
        for (size_t k = 0; k < z.size(); ++k) {
            h += (rnd() - 0.5) * 60;
            h = std::clamp(h, 20.0, 1800.0);
            z[k] = h + (rnd() < 0.05 ? 150 * rnd() : 0) - (k > 150 && k < 220 ? 300 : 0);
        }
        itm::Params p;
        p.fMhz = seed == 7 ? 2100 : 900;
        p.txHeightM = seed == 42 ? 10 : 30;
        itm::PrefixEvaluator e(p);
        const int npMin = 120;
        e.setProfile(z.data(), 400, 90, npMin);
        std::vector<int> order;
        for (int np = npMin; np <= 400; ++np)
            order.push_back(np);
        for (int np = npMin - 1; np >= 2; np -= 3)
            order.push_back(np);
        for (int np : order) {
            const itm::Result ref = itm::pointToPoint(z.data(), np, 90, p);
            const itm::Result a = e.at(np);
            INFO("seed " << seed << " np " << np);
            REQUIRE(a.horizonDistanceM[0] == Approx(ref.horizonDistanceM[0]).margin(1e-6));
            REQUIRE(a.horizonDistanceM[1] == Approx(ref.horizonDistanceM[1]).margin(1e-6));
            REQUIRE(a.horizonAngleRad[0] == Approx(ref.horizonAngleRad[0]).margin(1e-12));
            REQUIRE(a.horizonAngleRad[1] == Approx(ref.horizonAngleRad[1]).margin(1e-12));
            REQUIRE(a.lossDb == Approx(ref.lossDb).margin(1e-6));
        }
    }
}
