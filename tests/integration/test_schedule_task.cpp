// `bando schedule` (issue #11) on the analysed sample: bases from `bando bases`, every village
// scheduled once, no team in two villages on a day, only working days outside the holidays and
// inside the windows, each base's own villages in rank order, road legs never shorter than the
// straight line, the stored tables, the naive 2021 order's finish date and travel, and the CLI.
#include <catch2/catch.hpp>

#include "core/analysis/indicators.hpp"
#include "core/base/error.hpp"
#include "core/crs/reproject.hpp"
#include "core/planning/targets.hpp"
#include "core/store/project_store.hpp"
#include "core/tasks/bases_task.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/schedule_task.hpp"
#include "support/test_support.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

using namespace bando;

namespace {

int weekday(const std::string& iso) { return ((planning::dayNumber(iso) % 7) + 7 + 3) % 7 + 1; }

} // namespace

TEST_CASE("bando schedule on the sample: constraints, rank order, stored rows, naive comparison", "[schedule][integration]")
{
    test::TempDir dir("schedule");
    const std::string path = dir.file("p.gpkg");
    std::filesystem::copy_file(BANDO_TEST_ANALYSED, path);  // analysed at 2021-09-15 (the ranking reads its indicators)
    Feedback fb;
    {
        tasks::BasesRequest b;
        b.project = path;
        b.count = 11;
        b.timeLimitSeconds = 1;
        REQUIRE(tasks::runTask(b, fb).bases.size() == 11);
    }

    // 1. No windows: within each base, its own villages are visited in rank order.
    tasks::ScheduleRequest q;
    q.project = path;
    q.scenario = "plain";
    const auto r = tasks::runTask(q, fb);
    CHECK(r.bases == 11);
    CHECK(r.teams == 55);
    CHECK(r.villages > 1600);
    CHECK(r.planned.unscheduled == 0);
    CHECK(r.planned.scheduled == r.villages);
    CHECK(r.naive.scheduled == r.villages);
    REQUIRE(static_cast<int>(r.visits.size()) == r.villages);
    std::map<std::string, std::vector<const tasks::ScheduledVisit*>> byBase;  // own villages per base, by rank
    std::map<std::string, std::string> villageBase;
    {
        auto store = ProjectStore::open(path);
        const Layer tv = store->readLayer("team_base_villages");
        for (const auto& f : tv.features)
            villageBase[tv.text(f, "village_code")] = tv.text(f, "base_commune_code");
    }
    for (const auto& v : r.visits)
        if (villageBase[v.villageCode] == v.baseCode)
            byBase[v.baseCode].push_back(&v);
    for (auto& [base, list] : byBase) {
        std::sort(list.begin(), list.end(), [](auto* a, auto* b) { return a->rank < b->rank; });
        for (size_t k = 1; k < list.size(); ++k)
            CHECK(list[k - 1]->date <= list[k]->date);
    }
    CHECK(r.planned.travelKm < r.naive.travelKm);
    std::printf("schedule (55 teams, 1 village a day, 2021-07-20..): planned finish %s, %d team-days, %.0f km, "
                "%d visits away from base; naive finish %s, %d team-days, %.0f km, %d away\n",
                r.planned.finishDate.c_str(), r.planned.teamDays, r.planned.travelKm, r.planned.helpVisits,
                r.naive.finishDate.c_str(), r.naive.teamDays, r.naive.travelKm, r.naive.helpVisits);

    // 2. Holidays, a six-day week, windows: phase-2 district Đình Lập (189) only from 2021-09-20.
    const std::string holidays = dir.file("holidays.csv");
    {
        std::ofstream h(holidays);
        h << "date,name\n2021-09-02,Quoc khanh\n2021-09-03,Quoc khanh\n";
    }
    q.scenario = "windows";
    q.holidaysFile = holidays;
    q.holidays = {"2021-07-27"};
    q.workdays = {1, 2, 3, 4, 5, 6};
    q.windows["189"] = {"2021-09-20", "2021-12-20"};
    q.teams = 2;
    const auto w = tasks::runTask(q, fb);
    CHECK(w.planned.unscheduled == 0);
    const std::set<std::string> off{"2021-09-02", "2021-09-03", "2021-07-27"};
    std::set<std::pair<std::string, std::string>> teamDay;
    std::set<std::string> villages;
    int dinhLap = 0;
    for (const auto& v : w.visits) {
        REQUIRE(!v.date.empty());
        CHECK(teamDay.insert({v.team, v.date}).second);  // no team in two villages on a day
        CHECK(villages.insert(v.villageCode).second);     // every village once
        CHECK(off.count(v.date) == 0);
        CHECK(weekday(v.date) != 7);
        CHECK(v.date >= "2021-07-20");
        CHECK(v.date <= "2021-12-20");
        if (v.districtCode == "189") {
            ++dinhLap;
            CHECK(v.date >= "2021-09-20");
        }
    }
    CHECK(dinhLap > 50);
    CHECK(static_cast<int>(villages.size()) == w.villages);
    CHECK(w.planned.finishDate > r.planned.finishDate);  // 22 teams instead of 55
    std::printf("schedule (22 teams, 6-day weeks, holidays, 189 from 2021-09-20): planned finish %s, %d team-days, "
                "%.0f km; naive finish %s, %d team-days, %.0f km\n",
                w.planned.finishDate.c_str(), w.planned.teamDays, w.planned.travelKm, w.naive.finishDate.c_str(),
                w.naive.teamDays, w.naive.travelKm);

    // Stored rows: one per village at its label point; leg ≥ straight line from the base.
    {
        auto store = ProjectStore::open(path);
        Layer ts = store->readLayer("team_schedule");
        int rows = 0;
        std::map<std::string, XY> baseXY;
        {
            Layer tb = store->readLayer("team_bases");
            crs::reproject(tb, analysis::AnalysisOptions{}.metricEpsg);
            for (const auto& f : tb.features)
                baseXY[tb.text(f, "commune_code")] = f.geom.parts[0][0][0];
        }
        std::map<std::string, XY> villageXY;  // label points in the metric CRS, as the road distances use
        {
            Layer v = store->readLayer("villages");
            crs::reproject(v, analysis::AnalysisOptions{}.metricEpsg);
            for (const auto& f : v.features)
                villageXY[v.text(f, "code")] = interiorPoint(f.geom);
        }
        for (const auto& f : ts.features) {
            if (ts.text(f, "scenario") != "windows")
                continue;
            ++rows;
            if (ts.integer(f, "slot") == 0) {
                const XY a = villageXY.at(ts.text(f, "village_code")), b = baseXY.at(ts.text(f, "base_commune_code"));
                CHECK(ts.real(f, "leg_km") * 1000 >= std::hypot(a.x - b.x, a.y - b.y) - 1e-6);
            }
        }
        CHECK(rows == w.villages);
        const Layer runs = store->readLayer("team_schedule_runs");
        int found = 0;
        for (const auto& f : runs.features)
            if (runs.text(f, "scenario") == "windows") {
                ++found;
                CHECK(runs.text(f, "finish_date") == w.planned.finishDate);
                CHECK(runs.real(f, "naive_travel_km") == Approx(w.naive.travelKm));
                CHECK(runs.integer(f, "teams") == 22);
            }
        CHECK(found == 1);
        const Layer d = store->readLayer("team_schedule_districts");
        int districts = 0;
        for (const auto& f : d.features)
            if (d.text(f, "scenario") == "windows") {
                ++districts;
                CHECK(d.text(f, "target_date") > d.text(f, "last_visit"));
            }
        CHECK(districts == 11);
    }

    // A window with no working day leaves the district unscheduled, reported, never dropped.
    q.scenario = "closed";
    q.windows["189"] = {"2021-07-24", "2021-07-25"};  // a Saturday and a Sunday
    q.workdays = {1, 2, 3, 4, 5};  // Monday to Friday
    const auto c = tasks::runTask(q, fb);
    CHECK(c.planned.unscheduled == dinhLap);
    CHECK(static_cast<int>(c.visits.size()) == c.villages);

    // The CLI: JSON and CSV; a bad date names its option.
    const std::string csv = dir.file("s.csv");
    auto run = test::run(test::shellQuote(test::cliPath()) + " schedule " + test::shellQuote(path) +
                         " --teams 3 --start 2021-08-02 --no-store --json --csv " + test::shellQuote(csv));
    REQUIRE(run.exitCode == 0);
    CHECK(run.out.find("\"teams\": 33") != std::string::npos);
    CHECK(run.out.find("\"naive\"") != std::string::npos);
    const std::string text = test::readFile(csv);
    CHECK(text.rfind("village_code,village_name,", 0) == 0);
    CHECK(static_cast<int>(std::count(text.begin(), text.end(), '\n')) == r.villages + 1);
    run = test::run(test::shellQuote(test::cliPath()) + " schedule " + test::shellQuote(path) + " --to 2021-02-30 --no-store");
    CHECK(run.exitCode == ExitUsage);
    CHECK(run.err.find("--to") != std::string::npos);
}
