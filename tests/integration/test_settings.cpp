// bando settings / tasks::SettingsRequest: the classification thresholds stored in the project
// (bando_meta setting.*), read back by analysis::loadThresholds; refused values write nothing.
#include <catch2/catch.hpp>

#include "core/analysis/classify.hpp"
#include "core/base/error.hpp"
#include "core/store/project_store.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/analyze_task.hpp"
#include "core/tasks/settings_task.hpp"
#include "support/test_support.hpp"

#include <filesystem>

using namespace bando;
namespace fs = std::filesystem;

namespace {
analysis::Thresholds stored(const std::string& project)
{
    auto store = ProjectStore::open(project, ProjectStore::Mode::ReadOnly);
    return analysis::loadThresholds(*store);
}
} // namespace

TEST_CASE("settings: thresholds are stored, read back by the analysis, reset, bad values refused", "[settings][cli]")
{
    test::TempDir dir("settings");
    const std::string project = dir.file("sample.gpkg");
    fs::copy_file(test::samplePath(), project);
    const std::string cli = "BANDO_LANG=en " + test::shellQuote(test::cliPath()) + " settings " + test::shellQuote(project);

    auto r = test::run(cli + " --unstable-share-good 0.65 --broadband-distance-m 1200 --json");
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("\"changed\": true") != std::string::npos);
    CHECK(r.out.find("\"unstable_share_good\": 0.65") != std::string::npos);
    auto t = stored(project);
    CHECK(t.unstableShareGood == 0.65);
    CHECK(t.broadbandDistanceM == 1200);
    CHECK(t.noSignalShareAny == 0.5);  // untouched: the default
    CHECK(t.broadbandShare == 0.5);

    // refused: out of range, or not a number; the stored values stay
    r = test::run(cli + " --no-signal-share-any 1.2");
    CHECK(r.exitCode != 0);
    CHECK(r.err.find("--no-signal-share-any") != std::string::npos);
    r = test::run(cli + " --broadband-distance-m 0");
    CHECK(r.exitCode != 0);
    r = test::run(cli + " --broadband-share half");
    CHECK(r.exitCode != 0);
    t = stored(project);
    CHECK(t.noSignalShareAny == 0.5);
    CHECK(t.unstableShareGood == 0.65);
    CHECK(t.broadbandDistanceM == 1200);

    tasks::SettingsRequest reset;
    reset.project = project;
    reset.reset = true;
    Feedback fb;
    const auto res = tasks::runTask(reset, fb);
    CHECK(res.changed);
    CHECK(res.thresholds.unstableShareGood == 0.8);
    CHECK(stored(project).broadbandDistanceM == 2000);

    tasks::SettingsRequest both = reset;
    both.broadbandShare = 0.4;
    CHECK_THROWS_AS(tasks::runTask(both, fb), Error);
}

TEST_CASE("settings: road speeds are stored, every analysis starts from them, the request wins, reset", "[settings][cli]")
{
    test::TempDir dir("settings-speeds");
    const std::string project = dir.file("analysed.gpkg");
    fs::copy_file(BANDO_TEST_ANALYSED, project);  // analysed at 2021-09-15 with the default speeds
    const std::string cli = "BANDO_LANG=en " + test::shellQuote(test::cliPath()) + " settings " + test::shellQuote(project);
    auto speeds = [&] {
        auto store = ProjectStore::open(project, ProjectStore::Mode::ReadOnly);
        return tasks::loadRoadSpeeds(*store);
    };
    // the access part's stored settings fingerprint: "<epsg>|class=kmh|...|other|off-road"
    auto accessSettings = [&] {
        auto store = ProjectStore::open(project, ProjectStore::Mode::ReadOnly);
        const Layer st = store->readLayer("analysis_state");
        for (const auto& f : st.features)
            if (st.text(f, "part") == "access" && st.text(f, "layer") == "@settings")
                return st.text(f, "fingerprint");
        return std::string("(none)");
    };
    CHECK(speeds().speedKmh.at("national") == 60);
    CHECK(accessSettings().find("|national=60|") != std::string::npos);

    auto r = test::run(cli + " --speed national=45 --speed forest_track=8 --speed-other 15 --json");
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("\"national\": 45") != std::string::npos);
    CHECK(r.out.find("\"speed_other_kmh\": 15") != std::string::npos);
    auto s = speeds();
    CHECK(s.speedKmh.at("national") == 45);
    CHECK(s.speedKmh.at("provincial") == 40);  // untouched: the default
    CHECK(s.speedKmh.at("forest_track") == 8);
    CHECK(s.otherKmh == 15);
    CHECK(s.offRoadKmh == 5);

    // refused: zero, above 200, not a number, a class that is not a plain name; nothing changes
    for (const char* bad : {" --speed national=0", " --speed-off-road 300", " --speed national=fast", " --speed Quốc_lộ=50",
                            " --speed =50", " --speed-other 20 --speed district=-1"}) {
        r = test::run(cli + bad);
        CHECK(r.exitCode != 0);
        CHECK(r.err.find("--speed") != std::string::npos);
    }
    s = speeds();
    CHECK(s.speedKmh.at("national") == 45);
    CHECK(s.speedKmh.at("district") == 30);
    CHECK(s.otherKmh == 15);

    // an analysis without --speed uses the stored speeds: only the access part is recomputed
    Feedback fb;
    tasks::AnalyzeRequest a;
    a.project = project;
    a.date = "2021-09-15";
    auto ar = tasks::runTask(a, fb);
    CHECK(ar.recomputed == std::vector<std::string>{"access"});
    CHECK(accessSettings().find("|national=45|") != std::string::npos);
    CHECK(accessSettings().find("|forest_track=8|") != std::string::npos);
    CHECK(accessSettings().find("|15|5") != std::string::npos);
    // the request's speed wins for its run (the stored ones fill the rest)
    a.speedKmh["national"] = 70;
    ar = tasks::runTask(a, fb);
    CHECK(accessSettings().find("|national=70|") != std::string::npos);
    CHECK(accessSettings().find("|forest_track=8|") != std::string::npos);
    CHECK(speeds().speedKmh.at("national") == 45);  // the run did not change the setting

    // reset removes the speeds too
    r = test::run(cli + " --reset --json");
    REQUIRE(r.exitCode == 0);
    s = speeds();
    CHECK(s.speedKmh.at("national") == 60);
    CHECK(s.speedKmh.count("forest_track") == 0);
    CHECK(s.otherKmh == 20);
}
