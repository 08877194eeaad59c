// `bando sites` (issue #11): the CSV form on a hand-made instance with a known optimum, its
// errors naming file, row and field, and the PROJECT form on the analysed sample (demand = the
// settlements of the no-signal/unstable villages, stored in planned_sites), its objective checked
// by recounting households within the radius of the chosen sites.
#include <catch2/catch.hpp>

#include "core/base/error.hpp"
#include "core/model/schema.hpp"
#include "core/optim/mclp.hpp"
#include "core/store/project_store.hpp"
#include "core/tasks/analyze_task.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/sites_task.hpp"
#include "support/test_support.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

using namespace bando;

namespace {
void writeText(const std::string& path, const std::string& text)
{
    std::ofstream(path, std::ios::binary) << text;
}
// The JSON without white space, to look for members in one piece.
std::string compact(const std::string& json)
{
    std::string out;
    for (char c : json)
        if (c != ' ' && c != '\n')
            out += c;
    return out;
}
} // namespace

TEST_CASE("bando sites on CSV files: the optimum, the JSON fields and the errors", "[sites][optim][integration]")
{
    test::TempDir dir("sites-csv");
    // On the equator one degree of longitude is 111.195 km: A and B lie 2.78 km either side of
    // c1; C is alone at c2; D (the heaviest) alone at c3; c4 covers A only. K = 2, R = 3 km:
    // c3 + c1 cover 20 + 10 + 5 = 35.
    writeText(dir.file("d.csv"), "id,lon,lat,weight\nA,0,0,10\nB,0.05,0,5\nC,0.2,0,7\nD,1,0,20\n");
    writeText(dir.file("c.csv"), "id,lon,lat,cost\nc1,0.025,0,3\nc2,0.2,0,1\nc3,1,0,2\nc4,0,0,1\n");
    const std::string base = test::shellQuote(test::cliPath()) + " sites --demand " + test::shellQuote(dir.file("d.csv")) +
                             " --candidates " + test::shellQuote(dir.file("c.csv"));
    auto r = test::run(base + " --radius-km 3 --count 2 --json");
    REQUIRE(r.exitCode == 0);
    r.out = compact(r.out);
    CHECK(r.out.find("\"chosen\":[\"c3\",\"c1\"]") != std::string::npos);
    CHECK(r.out.find("\"objective\":35") != std::string::npos);
    CHECK(r.out.find("\"bound\":35") != std::string::npos);
    CHECK(r.out.find("\"gap\":0") != std::string::npos);
    CHECK(r.out.find("\"optimal\":true") != std::string::npos);
    CHECK(r.out.find("\"total_weight\":42") != std::string::npos);
    // With a budget of 3 (c3 costs 2, c1 3): c3 + c2 or c3 + c4 → 20 + 10 (c4 covers A) = 30.
    r = test::run(base + " --radius-km 3 --count 2 --budget 3 --json");
    REQUIRE(r.exitCode == 0);
    r.out = compact(r.out);
    CHECK(r.out.find("\"chosen\":[\"c3\",\"c4\"]") != std::string::npos);
    CHECK(r.out.find("\"objective\":30") != std::string::npos);
    // A locked site counts toward K.
    r = test::run(base + " --radius-km 3 --count 2 --lock c2 --json");
    REQUIRE(r.exitCode == 0);
    r.out = compact(r.out);
    CHECK(r.out.find("\"objective\":27") != std::string::npos);  // c2 (7) + c3 (20)
    // Bad input: the file, the data row and the field are named; nothing else is printed.
    writeText(dir.file("bad.csv"), "id,lon,lat,weight\nA,0,0,10\nB,0.05,95,5\n");
    r = test::run(test::shellQuote(test::cliPath()) + " sites --demand " + test::shellQuote(dir.file("bad.csv")) +
                  " --candidates " + test::shellQuote(dir.file("c.csv")) + " --count 1 --json");
    CHECK(r.exitCode == ExitFormat);
    CHECK(r.err.find("bad.csv: row 2, field lat") != std::string::npos);
    CHECK(r.out.empty());
    writeText(dir.file("nocol.csv"), "id,lon,lat\nA,0,0\n");
    r = test::run(test::shellQuote(test::cliPath()) + " sites --demand " + test::shellQuote(dir.file("nocol.csv")) +
                  " --candidates " + test::shellQuote(dir.file("c.csv")) + " --count 1");
    CHECK(r.exitCode == ExitFormat);
    CHECK(r.err.find("missing column 'weight'") != std::string::npos);
    r = test::run(base + " --count 0");
    CHECK(r.exitCode == ExitUsage);
    CHECK(r.err.find("--count") != std::string::npos);
}

TEST_CASE("bando sites on the analysed sample: gap settlements, stored in planned_sites", "[sites][optim][integration]")
{
    test::TempDir dir("sites-project");
    const std::string path = dir.file("p.gpkg");
    std::filesystem::copy_file(test::samplePath(), path);
    Feedback fb;
    tasks::AnalyzeRequest areq;
    areq.project = path;
    areq.date = "2021-09-15";
    tasks::runTask(areq, fb);

    // Candidates: every fourth settlement of a gap village (ids "s<fid>").
    std::set<std::string> gapVillages;
    std::vector<optim::Point2> demand;
    std::vector<double> households;
    {
        auto store = ProjectStore::open(path, ProjectStore::Mode::ReadWrite);
        const Layer vi = store->readLayer("village_indicators");
        for (const auto& f : vi.features)
            if (vi.text(f, "class") == "no_signal" || vi.text(f, "class") == "unstable")
                gapVillages.insert(vi.text(f, "village_code"));
        REQUIRE(gapVillages.size() == 288);  // 148 + 140 (DOMAIN.md §2)
        const Layer st = store->readLayer("settlements");
        Layer cand = schema::makeLayer("site_candidates");
        int k = 0;
        for (const auto& f : st.features) {
            if (!gapVillages.count(st.text(f, "village_code")))
                continue;
            const auto xy = f.geom.parts[0][0][0];
            demand.push_back({xy.x, xy.y});
            households.push_back(static_cast<double>(st.integer(f, "households")));
            if (k++ % 4 == 0) {
                Feature& c = cand.addFeature(Geometry::point(xy.x, xy.y));
                cand.set(c, "candidate_id", "s" + std::to_string(f.fid));
            }
        }
        ProjectStore::Transaction tx(*store);
        store->replaceLayer(cand);
        tx.commit();
    }
    tasks::SitesRequest q;
    q.project = path;
    q.count = 6;
    q.radiusKm = 3;
    q.scenario = "k6";
    q.existingSites = false;  // this case pins the plain model; existing stations: the next test case
    const auto r = tasks::runTask(q, fb);
    REQUIRE(r.chosen.size() == 6);
    CHECK(r.optimal);
    CHECK(r.demandPoints == static_cast<int>(demand.size()));
    CHECK(r.greedy <= r.objective);
    CHECK(r.objective > 0);
    // Recount: households of gap settlements within 3 km of a chosen site.
    std::map<std::string, optim::Point2> where;
    for (const auto& s : r.sites)
        where[s.id] = {s.lon, s.lat};
    double covered = 0, attributed = 0;
    for (size_t i = 0; i < demand.size(); ++i) {
        bool in = false;
        for (const auto& [id, pt] : where)
            in = in || optim::haversineKm(pt.x, pt.y, demand[i].x, demand[i].y) <= 3.0 + 1e-9;
        if (in)
            covered += households[i];
    }
    for (const auto& s : r.sites)
        attributed += s.weight;
    CHECK(covered == r.objective);
    CHECK(attributed == r.objective);

    // Stored: six rows of scenario k6; a second run of the same scenario replaces them.
    tasks::runTask(q, fb);
    {
        auto store = ProjectStore::open(path);
        const Layer ps = store->readLayer("planned_sites");
        int rows = 0;
        double hh = 0;
        for (const auto& f : ps.features)
            if (ps.text(f, "scenario") == "k6") {
                ++rows;
                hh += ps.real(f, "households");
                CHECK(ps.integer(f, "optimal") == 1);
                CHECK(ps.real(f, "radius_km") == 3.0);
            }
        CHECK(rows == 6);
        CHECK(hh == r.objective);
    }
    // A missing candidate layer is named.
    q.candidatesLayer = "nope";
    CHECK_THROWS_WITH(tasks::runTask(q, fb), Catch::Contains("nope"));
}

TEST_CASE("bando sites on the analysed sample with its defaults: existing stations kept, candidates generated, class "
          "changes", "[sites][optim][integration]")
{
    test::TempDir dir("sites-defaults");
    const std::string path = dir.file("p.gpkg");
    std::filesystem::copy_file(BANDO_TEST_ANALYSED, path);  // analysed at 2021-09-15; site_candidates empty
    Feedback fb;
    tasks::SitesRequest q;
    q.project = path;
    q.count = 10;
    q.scenario = "auto";
    const auto r = tasks::runTask(q, fb);
    CHECK(r.radiusKm == 5.0);
    CHECK(r.existingSites == 840);  // 196 at 900 MHz, 420 at 1800, 224 at 2100
    CHECK(r.generatedCandidates == r.candidates);
    REQUIRE(r.generatedCandidates > 288);
    REQUIRE(r.chosen.size() == 10);
    CHECK(r.optimal);

    auto store = ProjectStore::open(path);
    // Every generated candidate lies inside its gap village.
    std::map<std::string, Geometry> village;
    {
        Layer v = store->readLayer("villages");
        for (const auto& f : v.features)
            village[v.text(f, "code")] = f.geom;
    }
    for (const auto& s : r.sites) {
        const std::string code = s.id.substr(s.id.find(':') + 1);
        REQUIRE(village.count(code) == 1);
        CHECK(contains(village.at(code), s.lon, s.lat));
        CHECK((s.id.rfind("dem:", 0) == 0 || s.id.rfind("road:", 0) == 0));
    }
    // Demand: the gap settlements outside every existing station's band radius; the objective is
    // their households within 5 km of a chosen site.
    std::set<std::string> gap;
    {
        const Layer vi = store->readLayer("village_indicators");
        for (const auto& f : vi.features)
            if (vi.text(f, "class") == "no_signal" || vi.text(f, "class") == "unstable")
                gap.insert(vi.text(f, "village_code"));
    }
    std::vector<std::pair<optim::Point2, double>> existing;
    {
        const Layer st = store->readLayer("sites");
        const std::map<int64_t, double> radius{{900, 6.0}, {1800, 4.0}, {2100, 3.0}};
        for (const auto& f : st.features)
            existing.push_back({{f.geom.parts[0][0][0].x, f.geom.parts[0][0][0].y}, radius.at(st.integer(f, "band_mhz"))});
    }
    double served = 0, covered = 0;
    int left = 0;
    const Layer st = store->readLayer("settlements");
    for (const auto& f : st.features) {
        if (!gap.count(st.text(f, "village_code")))
            continue;
        const auto xy = f.geom.parts[0][0][0];
        const double hh = static_cast<double>(st.integer(f, "households"));
        bool byExisting = false;
        for (const auto& [pt, km] : existing)
            byExisting = byExisting || optim::haversineKm(pt.x, pt.y, xy.x, xy.y) <= km + 1e-9;
        if (byExisting) {
            served += hh;
            continue;
        }
        ++left;
        bool in = false;
        for (const auto& s : r.sites)
            in = in || optim::haversineKm(s.lon, s.lat, xy.x, xy.y) <= 5.0 + 1e-9;
        covered += in ? hh : 0;
    }
    CHECK(served == r.existingWeight);
    CHECK(left == r.demandPoints);
    CHECK(covered == r.objective);
    // Class changes: gap villages only, each to a better class, each with a settlement within 5 km of a chosen site.
    REQUIRE(!r.classChanges.empty());
    const std::map<std::string, int> order{{"no_signal", 0}, {"unstable", 1}, {"covered", 2}};
    for (const auto& c : r.classChanges) {
        CHECK(gap.count(c.villageCode) == 1);
        CHECK(order.at(c.after) > order.at(c.before));
        CHECK(c.shareGoodAfter > c.shareGoodBefore);
        bool near = false;
        for (const auto& f : st.features)
            if (st.text(f, "village_code") == c.villageCode)
                for (const auto& s : r.sites)
                    near = near || optim::haversineKm(s.lon, s.lat, f.geom.parts[0][0][0].x, f.geom.parts[0][0][0].y) <= 5.0 + 1e-9;
        CHECK(near);
    }
    {
        const Layer pv = store->readLayer("planned_site_villages");
        size_t rows = 0;
        for (const auto& f : pv.features)
            rows += pv.text(f, "scenario") == "auto" ? 1 : 0;
        CHECK(rows == r.classChanges.size());
    }
    std::printf("sites defaults: %d existing stations serve %.0f gap households; %d candidates generated; 10 new sites "
                "cover %.0f of the %.0f left; %zu villages change class\n",
                r.existingSites, r.existingWeight, r.generatedCandidates, r.objective, r.totalWeight, r.classChanges.size());
    // --band gives the new sites' radius; an unknown band is refused naming --band.
    q.band = 700;
    q.store = false;
    q.classChanges = false;
    CHECK(tasks::runTask(q, fb).radiusKm == 7.2);
    q.band = 850;
    CHECK_THROWS_WITH(tasks::runTask(q, fb), Catch::Contains("850"));
}
