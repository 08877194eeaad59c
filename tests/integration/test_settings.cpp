// bando settings / tasks::SettingsRequest: the classification thresholds stored in the project
// (bando_meta setting.*), read back by analysis::loadThresholds; refused values write nothing.
#include <catch2/catch.hpp>

#include "core/analysis/classify.hpp"
#include "core/base/error.hpp"
#include "core/store/project_store.hpp"
#include "core/tasks/job.hpp"
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

TEST_CASE("settings: thresholds are stored, read back by the analysis, reset; bad values refused", "[settings][cli]")
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
