// `bando units --what targets,progress,gaps` on the analysed sample (issue #17): the targets, the
// dated progress reports and the gap lists re-expressed in v2025-07, each checked against the
// project's own rows (the analysis' per-village targets, the reported figures, its gap villages).
#include <catch2/catch.hpp>

#include "core/base/error.hpp"
#include "core/model/schema.hpp"
#include "core/store/project_store.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/layout_task.hpp"
#include "core/tasks/report_task.hpp"
#include "core/units/report_units.hpp"
#include "core/tasks/units_task.hpp"
#include "support/test_support.hpp"

#include <filesystem>
#include <map>
#include <set>

using namespace bando;

TEST_CASE("units: targets, progress reports and gap lists re-expressed in v2025-07, conserved", "[units][integration]")
{
    test::TempDir dir("units-carry");
    const std::string path = dir.file("p.gpkg");
    std::filesystem::copy_file(BANDO_TEST_ANALYSED, path);
    {
        // two commune reports of one date: xã Đại Đồng (split in 2024) and TT Thất Khê (its receiver)
        auto store = ProjectStore::open(path, ProjectStore::Mode::ReadWrite);
        Layer add = schema::makeLayer("progress_reports");
        for (const auto& [code, shops] : std::vector<std::pair<std::string, int64_t>>{{"06040", 101}, {"05995", 50}}) {
            Feature& f = add.addFeature({});
            add.set(f, "date", std::string("2021-10-01")), add.set(f, "scope", std::string("commune"));
            add.set(f, "code", code), add.set(f, "shops", shops), add.set(f, "source", std::string("test"));
        }
        ProjectStore::Transaction tx(*store);
        store->appendFeatures(add);
        tx.commit();
    }
    Feedback fb;
    tasks::UnitsRequest q;
    q.project = path;
    q.to = units::kV2025;
    q.what = {"all"};
    const auto r = tasks::runTask(q, fb);
    REQUIRE(r.conserved);
    REQUIRE(r.date == "2021-09-15");

    auto store = ProjectStore::open(path);
    const Layer vi = store->readLayer("village_indicators");
    const Layer vu = store->readLayer("village_units");
    std::map<std::string, std::string> unitOf;  // village -> 2025 unit
    for (const auto& f : vu.features)
        if (vu.text(f, "version") == units::kV2025)
            unitOf[vu.text(f, "village_code")] = vu.text(f, "unit_code");
    REQUIRE(unitOf.size() == 1699);

    SECTION("targets: the analysis' per-village targets summed per 2025 unit")
    {
        std::map<std::string, double> shops, hh;
        double total = 0;
        for (const auto& f : vi.features) {
            if (vi.text(f, "date") != r.date)
                continue;
            const double h = static_cast<double>(vi.integer(f, "households"));
            const double s = h * vi.real(f, "target_shop_pct") / 100;
            const std::string u = unitOf.at(vi.text(f, "village_code"));
            shops[u] += s, hh[u] += h, total += s;
        }
        REQUIRE(r.targets.size() == 66);  // 65 units and the province
        CHECK(r.targets.back().level == "province");
        CHECK(r.targets.back().targetShops == Approx(total));
        CHECK(r.targetsAfter.shops == Approx(r.targetsBefore.shops));
        CHECK(r.targetsAfter.shops == Approx(total));
        int mixed = 0;
        for (const auto& t : r.targets) {
            if (t.level != "commune")
                continue;
            CHECK(t.targetShops == Approx(shops.at(t.code)));
            CHECK(static_cast<double>(t.households) == Approx(hh.at(t.code)));
            CHECK(t.shopPct == Approx(100 * shops.at(t.code) / hh.at(t.code)));
            mixed += !t.uniform;
        }
        // xã Lộc Bình (2025) = TT Lộc Bình + Khánh Xuân + Đồng Bục + Hữu Khánh: the town's 75 %
        // target and its neighbours'; xã Đình Lập (2025) takes the 55 % of the old TT and xã
        const auto find = [&](const std::string& code) {
            for (const auto& t : r.targets)
                if (t.level == "commune" && t.code == code)
                    return t;
            FAIL("no target row " << code);
            return tasks::UnitTarget{};
        };
        CHECK(find("06529").shopPct > 50);
        CHECK(find("06529").scopes.find("commune:06529") != std::string::npos);
        CHECK(find("06529").method == "summed");
        CHECK(mixed > 0);  // some 2025 units join communes of different targets
        const Layer ut = store->readLayer("unit_targets_versioned");
        CHECK(ut.features.size() == 66);
    }

    SECTION("progress reports: province rows exact, phase rows apportioned, commune rows summed or split")
    {
        const Layer pr = store->readLayer("progress_reports");
        std::map<std::pair<std::string, std::string>, int64_t> reported;  // (date, scope) -> shops
        for (const auto& f : pr.features)
            reported[{pr.text(f, "date"), pr.text(f, "scope")}] += pr.integer(f, "shops");
        std::map<std::pair<std::string, std::string>, int64_t> carried;
        int provinceRows = 0;
        for (const auto& p : r.progress) {
            carried[{p.date, p.fromScope}] += std::max<int64_t>(p.shops, 0);
            if (p.fromScope == "province") {
                provinceRows++;
                CHECK(p.level == "province");
                CHECK(p.method == "exact");
            }
            if (p.fromScope == "phase") {
                CHECK(p.level == "commune");
                CHECK(p.method == "apportioned");
            }
        }
        CHECK(provinceRows == 3);
        CHECK(carried == reported);
        CHECK(r.progressAfter.shops == r.progressBefore.shops);
        // xã Đại Đồng's 101 shops: split between xã Thất Khê (with TT Thất Khê's 50) and xã Quốc Khánh
        int64_t thatKhe = -1, quocKhanh = -1;
        for (const auto& p : r.progress)
            if (p.date == "2021-10-01") {
                if (p.name == "Xã Thất Khê") {
                    thatKhe = p.shops;
                    CHECK(p.method == "apportioned");
                }
                if (p.name == "Xã Quốc Khánh") {
                    quocKhanh = p.shops;
                    CHECK(p.method == "apportioned");
                }
            }
        CHECK(thatKhe > 50);
        CHECK(quocKhanh > 0);
        CHECK(thatKhe + quocKhanh == 151);
        const Layer up = store->readLayer("unit_progress_versioned");
        CHECK(up.features.size() == r.progress.size());
    }

    SECTION("gap lists: every gap village once, in its 2025 unit")
    {
        int noSignal = 0;
        double gapHh = 0;
        for (const auto& f : vi.features)
            if (vi.text(f, "date") == r.date) {
                noSignal += vi.text(f, "class") == "no_signal";
                gapHh += vi.real(f, "gap_households");
            }
        REQUIRE(noSignal > 0);
        CHECK(r.gapsAfter.gapVillages == noSignal);
        CHECK(r.gapsAfter.gapHouseholds == Approx(gapHh));
        std::set<std::string> seen;
        for (const auto& g : r.gaps) {
            REQUIRE(g.list == "analysis");  // the sample has no surveyed list
            CHECK(seen.insert(g.villageCode).second);
            CHECK(g.unitCode == unitOf.at(g.villageCode));
        }
        const Layer ug = store->readLayer("unit_gaps_versioned");
        CHECK(ug.features.size() == r.gaps.size());
    }

    SECTION("the atlas paged by 2025 unit: xã Thất Khê's page lists its 2021 villages")
    {
        store.reset();
        tasks::LayoutRequest lq;
        lq.project = path;
        lq.atlas = "communes";
        lq.units = units::kV2025;
        lq.where = "code = '06040'";
        lq.theme = "coverage";
        lq.out = dir.file("atlas.png");
        lq.dpi = 40;
        const auto lr = tasks::runTask(lq, fb);
        CHECK(lr.units == std::vector<std::string>{"06040"});
        CHECK(lr.pages == 2);  // the cover and xã Thất Khê (its 32 villages fit one page)
        const auto doc = tasks::buildLayoutDocument(lq, fb);
        REQUIRE(doc.pages.size() == 2);
        int rows = 0;
        for (const auto& it : doc.pages[1].items)
            if (it.type == layout::ItemType::Table)
                rows += static_cast<int>(it.table.rows.size());
        int want = 0;
        for (const auto& [v, u] : unitOf)
            want += u == "06040";
        CHECK(rows == want);
        lq.units = "v2030";
        CHECK_THROWS_AS(tasks::runTask(lq, fb), Error);
    }

    SECTION("the gap report grouped and paged by 2025 unit")
    {
        report::GapReport g = report::loadGapReport(*store, "", "", "");
        const size_t all = g.rows.size();
        const int allNoSignal = g.total.noSignal;
        units::gapReportInVersion(*store, g, units::kV2025);
        CHECK(g.rows.size() == all);  // the same gap villages, regrouped
        CHECK(g.total.noSignal == allNoSignal);
        int sum = 0;
        for (const auto& d : g.districts) {
            CHECK(units::Registry::shipped().find(units::kV2025, d.code));
            sum += d.villages;
        }
        CHECK(sum == static_cast<int>(all));
        for (const auto& row : g.rows)
            CHECK(row.districtCode == unitOf.at(row.code));
        store.reset();
        tasks::ReportRequest rq;
        rq.project = path;
        rq.kind = "gaps";
        rq.units = units::kV2025;
        rq.district = "06040";
        rq.out = dir.file("gaps.png");
        rq.dpi = 40;
        rq.byOperator = false;
        const auto rr = tasks::runTask(rq, fb);
        CHECK(rr.pages == 2);  // summary and xã Thất Khê
        rq.byOperator = true;  // plus one section per operator, in the same unit version
        rq.out = dir.file("gaps-ops.png");
        const auto ro = tasks::runTask(rq, fb);
        CHECK(ro.operators.size() == 3);
        CHECK(ro.pages == 2 + static_cast<int>(ro.operators.size()));
        CHECK(ro.rows == rr.rows);
        int want = 0;
        for (const auto& row : g.rows)
            want += row.districtCode == "06040";
        CHECK(rr.rows == want);
        rq.kind = "plan";
        CHECK_THROWS_AS(tasks::runTask(rq, fb), Error);
    }
}
