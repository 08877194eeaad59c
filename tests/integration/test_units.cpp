// `bando units` on the sample (issue #17): the indicators re-expressed in v2024-12 and v2025-07
// with households, shops and gap villages conserved, Đại Đồng split along village lines at the
// published area share, the method column, the stored tables and the dissolved 2025 communes.
#include <catch2/catch.hpp>

#include "core/base/error.hpp"
#include "core/model/geometry.hpp"
#include "core/store/project_store.hpp"
#include "core/tasks/analyze_task.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/render_task.hpp"
#include "core/tasks/units_task.hpp"
#include "core/units/map_units.hpp"
#include "core/units/villages.hpp"
#include "support/test_support.hpp"

#include <filesystem>
#include <map>
#include <set>

using namespace bando;

namespace {

const tasks::UnitFigures* unit(const tasks::UnitsResult& r, const std::string& level, const std::string& code)
{
    for (const auto& u : r.units)
        if (u.level == level && u.code == code)
            return &u;
    return nullptr;
}

} // namespace

TEST_CASE("units: the analysed sample re-expressed in v2024-12 and v2025-07, figures conserved", "[units][integration]")
{
    test::TempDir dir("units");
    const std::string path = dir.file("p.gpkg");
    std::filesystem::copy_file(test::samplePath(), path);
    Feedback fb;
    tasks::AnalyzeRequest areq;
    areq.project = path;
    const auto an = tasks::runTask(areq, fb);
    const analysis::Rollup* prov = an.province();
    REQUIRE(prov);
    REQUIRE(prov->households > 0);
    REQUIRE(prov->shops > 0);
    REQUIRE(prov->counts.noSignal > 0);

    tasks::UnitsRequest q;
    q.project = path;
    q.to = units::kV2025;
    const auto r = tasks::runTask(q, fb);
    CHECK(r.date == an.date);
    CHECK(r.communesFrom == 200);
    CHECK(r.communesTo == 65);
    CHECK(r.conserved);
    // conserved against the analysis' own province roll-up
    CHECK(r.after.households == prov->households);
    CHECK(r.after.shops == prov->shops);
    CHECK(r.after.epay == prov->epay);
    CHECK(r.after.noSignal == prov->counts.noSignal);
    CHECK(r.after.gapHouseholds == Approx(prov->gapHouseholds));
    CHECK(r.after.villages == prov->villages);
    CHECK(r.after.villages == 1699);  // the sample's villages
    // no districts in v2025-07: communes then the province
    int communes = 0, districts = 0;
    for (const auto& u : r.units) {
        communes += u.level == "commune";
        districts += u.level == "district";
        if (u.level == "commune" && u.households > 0)
            CHECK(u.shopPct == Approx(100.0 * static_cast<double>(u.shops) / static_cast<double>(u.households)));
    }
    CHECK(communes == 65);
    CHECK(districts == 0);
    const auto* p = unit(r, "province", "20");
    REQUIRE(p);
    CHECK(p->households == prov->households);
    CHECK(p->shopPct == Approx(prov->shopPct));

    // methods: Quốc Khánh takes part of Đại Đồng; Tân Tiến is three whole communes
    REQUIRE(unit(r, "commune", "06004"));
    CHECK(unit(r, "commune", "06004")->method == "apportioned");
    CHECK(unit(r, "commune", "06040")->method == "apportioned");  // xã Thất Khê: most of Đại Đồng
    CHECK(unit(r, "commune", "06019")->method == "summed");
    CHECK(unit(r, "commune", "06019")->sources == "06019@v2021; 06022@v2021; 06031@v2021");

    // three splits: Đại Đồng (published area share), Kiên Mộc and Bính Xá (nearest)
    REQUIRE(r.splits.size() == 3);
    std::map<std::string, const tasks::SplitReport*> split;
    for (const auto& s : r.splits)
        split[s.fromCode] = &s;
    REQUIRE(split.count("06040"));
    const auto& dd = *split["06040"];
    CHECK(dd.fromVersion == units::kV2021);
    CHECK(dd.rule.find("18.61/27.61") != std::string::npos);
    REQUIRE(dd.parts.size() == 2);
    const double ddArea = dd.parts[0].areaKm2 + dd.parts[1].areaKm2;
    CHECK(dd.parts[0].toName == "Thị trấn Thất Khê");
    CHECK(dd.parts[0].villages >= 1);
    CHECK(dd.parts[1].villages >= 1);
    // along village lines the area share is as near 18.61/27.61 as whole villages allow
    CHECK(std::abs(dd.parts[0].areaKm2 / ddArea - 18.61 / 27.61) < 0.25);
    CHECK(dd.parts[0].share + dd.parts[1].share == Approx(1));
    for (const char* c : {"06622", "06625"}) {
        REQUIRE(split.count(c));
        CHECK(split[c]->fromVersion == units::kV2024);
        for (const auto& part : split[c]->parts)
            CHECK(part.villages >= 1);
    }
    // the project's crosswalk: shares by households sum to 1 per old commune
    std::map<std::string, double> sums;
    for (const auto& l : r.crosswalk)
        sums[l.fromCode] += l.share;
    CHECK(sums.size() == 200);
    for (const auto& [code, s] : sums) {
        INFO(code);
        CHECK(s == Approx(1));
    }

    // stored: indicators with their version, the registry, the villages' units, the 2025 communes
    {
        auto store = ProjectStore::open(path);
        const Layer ui = store->readLayer("unit_indicators_versioned");
        int rows = 0;
        int64_t hh = 0;
        for (const auto& f : ui.features) {
            CHECK(ui.text(f, "version") == "v2025-07");
            CHECK(!ui.text(f, "method").empty());
            rows++;
            if (ui.text(f, "level") == "commune")
                hh += ui.integer(f, "households");
        }
        CHECK(rows == 66);
        CHECK(hh == prov->households);
        CHECK(store->readLayer("unit_versions").features.size() == 200 + 194 + 65 + 22);
        const Layer vu = store->readLayer("village_units");
        CHECK(vu.features.size() == 1699);
        const Layer c25 = store->readLayer("communes_v2025_07");
        REQUIRE(c25.features.size() == 65);
        double area = 0;
        int64_t chh = 0;
        for (const auto& f : c25.features) {
            CHECK(!f.geom.isEmpty());
            area += c25.real(f, "area_km2");
            chh += c25.integer(f, "households");
        }
        CHECK(chh == prov->households);
        CHECK(area == Approx(prov->areaKm2).epsilon(0.01));
        // the communes layer of 2021 holds the same households
        const Layer c21 = store->readLayer("communes");
        int64_t hh21 = 0;
        for (const auto& f : c21.features)
            hh21 += c21.integer(f, "households");
        CHECK(hh21 == prov->households);
    }

    // the map in v2025-07: the 65 units take the districts' place, no 2021 communes or seats
    {
        auto store = ProjectStore::open(path);
        const auto data = render::loadMapData(*store, 9215, nullptr, {});
        store.reset();
        CHECK_THROWS_AS(units::mapInVersion(*data, units::kV2024), Error);  // not stored yet
        const auto m25 = units::mapInVersion(*data, units::kV2025);
        REQUIRE(m25->layer("districts"));
        CHECK(m25->layer("districts")->features.size() == 65);
        CHECK(m25->layer("communes") == nullptr);
        CHECK(m25->layer("places") == nullptr);
        CHECK(m25->layer("villages")->features.size() == 1699);
        tasks::RenderRequest rq;
        rq.project = path;
        rq.out = dir.file("v2025.png");
        rq.units = units::kV2025;
        rq.district = "06040";  // zoom to xã Thất Khê (2025)
        tasks::runTask(rq, fb);
        CHECK(std::filesystem::file_size(rq.out) > 10000);
    }

    // v2024-12: 194 communes and 11 districts; districts unchanged in their villages
    q.to = units::kV2024;
    const auto r24 = tasks::runTask(q, fb);
    CHECK(r24.communesTo == 194);
    CHECK(r24.conserved);
    CHECK(r24.splits.size() == 1);
    int d24 = 0;
    for (const auto& u : r24.units)
        if (u.level == "district") {
            d24++;
            CHECK(u.method == "exact");
        }
    CHECK(d24 == 11);
    CHECK(unit(r24, "commune", "06004")->method == "exact");      // Quốc Khánh unchanged in 2024
    CHECK(unit(r24, "commune", "06040")->method == "apportioned");  // TT Thất Khê + part of Đại Đồng
    CHECK(unit(r24, "commune", "06040")->name == "Thị trấn Thất Khê");
    CHECK(unit(r24, "commune", "05998")->method == "summed");  // Khánh Long + Vĩnh Tiến
    {
        auto store = ProjectStore::open(path);
        const Layer ui = store->readLayer("unit_indicators_versioned");
        std::map<std::string, int> byVersion;
        for (const auto& f : ui.features)
            byVersion[ui.text(f, "version")]++;
        CHECK(byVersion["v2025-07"] == 66);
        CHECK(byVersion["v2024-12"] == 194 + 11 + 1);
        CHECK(store->readLayer("communes_v2024_12").features.size() == 194);
        // the map in v2024-12: 194 communes under the 11 districts; the seats of the six communes
        // gone in 12/2024 are not drawn (06040 is xã Đại Đồng's seat code, TT Thất Khê's unit code)
        const auto data = render::loadMapData(*store, 9215, nullptr, {});
        const auto m24 = units::mapInVersion(*data, units::kV2024);
        CHECK(m24->layer("communes")->features.size() == 194);
        CHECK(m24->layer("districts")->features.size() == 11);
        const Layer* places = m24->layer("places");
        REQUIRE(places);
        std::set<std::string> seats;
        for (const auto& f : places->features)
            if (places->text(f, "kind") == "commune_seat")
                seats.insert(places->text(f, "code"));
        CHECK(seats.size() == 194);
        CHECK_FALSE(seats.count("06040"));  // xã Đại Đồng
        CHECK_FALSE(seats.count("06007"));  // xã Vĩnh Tiến
        CHECK(seats.count("05995"));        // TT Thất Khê (its 2021 code)
        CHECK(seats.count("05998"));        // xã Khánh Long
    }
}

TEST_CASE("units: the sample's village version of 12/2021 (synthetic merge), figures carried", "[units][integration]")
{
    // the crosswalk the sample carries: 1,699 -> 1,670 (44 merged into 22, 7 dissolved)
    auto store = ProjectStore::open(test::samplePath());
    const Layer vc = store->readLayer("village_crosswalk");
    store.reset();
    REQUIRE(vc.features.size() == 1699);
    std::map<std::string, int> how;
    std::map<std::string, std::set<std::string>> communesOf;
    std::set<std::string> targets;
    for (const auto& f : vc.features) {
        how[vc.text(f, "how")]++;
        targets.insert(vc.text(f, "to_code"));
        communesOf[vc.text(f, "to_code")].insert(vc.text(f, "commune_code"));
        CHECK(vc.integer(f, "synthetic") == 1);
        CHECK(vc.text(f, "to_version") == "v2021-12");
    }
    CHECK(how["merged"] == 44);
    CHECK(how["dissolved"] == 7);
    CHECK(how["absorbed"] == 7);
    CHECK(targets.size() == 1699 - 22 - 7);
    for (const auto& [code, cs] : communesOf)
        CHECK(cs.size() == 1);  // merges stay inside a commune

    test::TempDir dir("units-villages");
    const std::string path = dir.file("p.gpkg");
    std::filesystem::copy_file(test::samplePath(), path);
    Feedback fb;
    tasks::AnalyzeRequest areq;
    areq.project = path;
    areq.force = true;
    const auto an = tasks::runTask(areq, fb);
    const analysis::Rollup* prov = an.province();
    REQUIRE(prov);
    tasks::UnitsRequest q;
    q.project = path;
    q.villages = units::kVillagesV2021_12;
    q.geometry = false;
    const auto r = tasks::runTask(q, fb);
    CHECK(r.villagesTo == 1670);
    CHECK(r.villagesMerged == 44);
    CHECK(r.villagesDissolved == 7);
    int64_t hh = 0, shops = 0;
    int gaps = 0, summed = 0;
    std::map<std::string, int64_t> hhOld;
    for (const auto& v : an.villages)
        hhOld[v.code] = v.households;
    for (const auto& u : r.units) {
        if (u.level != "village")
            continue;
        hh += u.households, shops += u.shops, gaps += u.noSignal;
        if (u.method == "summed") {
            summed++;
            // the merged village's households are its old villages' (sources "A@v2021; B@v2021")
            int64_t expect = 0;
            size_t start = 0;
            while (start < u.sources.size()) {
                const size_t at = u.sources.find('@', start);
                expect += hhOld[u.sources.substr(start, at - start)];
                const size_t next = u.sources.find("; ", at);
                start = next == std::string::npos ? u.sources.size() : next + 2;
            }
            CHECK(u.households == expect);
            if (u.households > 0)
                CHECK(u.shopPct == Approx(100.0 * static_cast<double>(u.shops) / static_cast<double>(u.households)));
        } else {
            CHECK(u.method == "exact");
        }
    }
    CHECK(summed == 22 + 7);
    CHECK(hh == prov->households);
    CHECK(shops == prov->shops);
    CHECK(gaps == prov->counts.noSignal);
    auto st = ProjectStore::open(path);
    const Layer ui = st->readLayer("unit_indicators_versioned");
    int rows = 0;
    for (const auto& f : ui.features)
        rows += ui.text(f, "version") == "v2021-12" && ui.text(f, "level") == "village";
    CHECK(rows == 1670);
}

TEST_CASE("units: bando units --json on an unanalysed sample, and bad versions refused", "[units][integration][cli]")
{
    test::TempDir dir("units-cli");
    const std::string path = dir.file("p.gpkg");
    std::filesystem::copy_file(test::samplePath(), path);
    auto r = test::run(test::shellQuote(test::cliPath()) + " units " + test::shellQuote(path) +
                       " --to v2025-07 --dry-run --no-geometry --json");
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("\"conserved\": true") != std::string::npos);
    CHECK(r.out.find("\"communes_to\": 65") != std::string::npos);
    CHECK(r.out.find("\"name\": \"Xã Lộc Bình\"") != std::string::npos);
    // --dry-run stored nothing
    {
        auto store = ProjectStore::open(path);
        CHECK(store->readLayer("unit_indicators_versioned").features.empty());
        CHECK(store->readLayer("village_units").features.empty());
    }
    r = test::run(test::shellQuote(test::cliPath()) + " units " + test::shellQuote(path) + " --to v2030");
    CHECK(r.exitCode == 2);
    CHECK(r.err.find("v2030") != std::string::npos);
    r = test::run(test::shellQuote(test::cliPath()) + " units " + test::shellQuote(path) +
                  " --from v2025-07 --to v2021");
    CHECK(r.exitCode == 2);
}
