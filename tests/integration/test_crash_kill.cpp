// Kill harness (issue #15): every command that writes (import, import-list, export, sample) is
// killed with SIGKILL at points spread over its measured duration; afterwards the project must
// open (`bando info`, which recovers a hot journal) and its content digest must equal its state
// before the command or after it, never anything in between. Output files (export, sample) must
// be absent, as they were, or complete. CI runs 20 kills (6 + 6 + 5 + 3); BANDO_KILL_COUNT=N runs
// N kills per command instead (the long run: docs/RELIABILITY.md).
#include <catch2/catch.hpp>

#include "core/capi/sqlite.hpp"
#include "core/store/project_store.hpp"
#include "kill/kill_support.hpp"
#include "support/test_support.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <algorithm>

namespace fs = std::filesystem;
using namespace bando;
using Clock = std::chrono::steady_clock;

namespace {

int killCount(int ciDefault)
{
    const char* env = std::getenv("BANDO_KILL_COUNT");
    const int n = env ? std::atoi(env) : 0;
    return n > 0 ? n : ciDefault;
}

// The kill time of trial i of n: spread over [2 %, 98 %] of the duration, in order.
double killTime(int i, int n, double duration)
{
    const double f = n == 1 ? 0.5 : 0.02 + 0.96 * i / (n - 1);
    return f * duration;
}

void copyOver(const std::string& from, const std::string& to)
{
    std::error_code ec;
    fs::remove(to + "-journal", ec);
    fs::remove(to + "-wal", ec);
    fs::copy_file(from, to, fs::copy_options::overwrite_existing);
}

std::string requireSample()
{
    if (!fs::exists(test::samplePath()))
        throw std::runtime_error("the sample project is missing (CTest fixture generate_sample)");
    return test::samplePath();
}

struct Tally {
    int killed = 0, finished = 0, hot = 0, stale = 0, before = 0, after = 0;
    void print(const char* what) const
    {
        std::printf("kill harness %s: %d killed (%d left a hot journal, recovered; %d a stale one), %d finished first; "
                    "state before: %d, after: %d\n",
                    what, killed, hot, stale, finished, before, after);
    }
};

// Kills `args` (run on a fresh copy of `base` at `trial`) `kills` times and checks the project.
Tally killProjectWriter(const std::string& base, const std::string& trial, const std::vector<std::string>& args,
                        int kills)
{
    copyOver(base, trial);
    const auto before = killtest::digestOf(trial);
    const auto t0 = Clock::now();
    const auto full = killtest::runAndKill(args, 600);
    const double duration = std::chrono::duration<double>(Clock::now() - t0).count();
    REQUIRE_FALSE(full.killed);
    REQUIRE(full.exitCode == 0);
    const auto after = killtest::digestOf(trial);
    REQUIRE(after != before);  // the command changes the project: "before" and "after" differ

    Tally tally;
    for (int i = 0; i < kills; ++i) {
        copyOver(base, trial);
        const double at = killTime(i, kills, duration);
        const auto outcome = killtest::runAndKill(args, at);
        INFO("kill " << i << " at " << at << " s of " << duration << " s");
        (outcome.killed ? tally.killed : tally.finished)++;
        if (!outcome.killed)
            CHECK(outcome.exitCode == 0);
        const bool hot = sqlite::leftoverOf(trial).journal;
        tally.hot += hot;
        tally.stale += sqlite::leftoverOf(trial).staleJournal;
        auto info = test::run("BANDO_LANG=en " + test::shellQuote(test::cliPath()) + " info " + test::shellQuote(trial));
        INFO(info.err);
        REQUIRE(info.exitCode == 0);
        if (hot)
            CHECK(info.err.find("it was recovered") != std::string::npos);
        CHECK_FALSE(fs::exists(trial + "-journal"));
        const auto now = killtest::digestOf(trial);
        INFO("digest after the kill: " << now.describe());
        CHECK((now == before || now == after));
        tally.before += now == before;
        tally.after += now == after;
        CHECK(killtest::quickCheck(trial) == "ok");
    }
    return tally;
}

} // namespace

TEST_CASE("kill harness: bando import of 112,000 points into a new layer", "[crash][kill]")
{
    test::TempDir dir("kill-import");
    const std::string base = requireSample();
    const std::string input = dir.file("shops.geojson");
    REQUIRE(test::run(test::shellQuote(test::cliPath()) + " export " + test::shellQuote(base) +
                      " --layer shops --out " + test::shellQuote(input))
                .exitCode == 0);
    const std::string trial = dir.file("trial.gpkg");
    const Tally t = killProjectWriter(
        base, trial, {"import", trial, input, "--layer", "shops_copy", "--no-save-mapping"}, killCount(6));
    t.print("import");
    CHECK(t.killed > 0);
}

TEST_CASE("kill harness: bando import-list of every village's households", "[crash][kill]")
{
    test::TempDir dir("kill-list");
    const std::string base = requireSample();
    const std::string list = dir.file("so_ho.csv");
    {
        auto store = ProjectStore::open(base);
        const Layer v = store->readLayer("villages");
        std::ofstream out(list);
        out << "Mã thôn,so_ho\n";
        for (const auto& f : v.features)
            out << v.text(f, "code") << "," << v.integer(f, "households") + 7 << "\n";
    }
    const std::string trial = dir.file("trial.gpkg");
    const Tally t = killProjectWriter(base, trial, {"import-list", trial, list, "--kind", "households"}, killCount(6));
    t.print("import-list");
    CHECK(t.killed > 0);
}

TEST_CASE("kill harness: bando analyze storing every village's indicators", "[crash][kill]")
{
    test::TempDir dir("kill-analyze");
    const std::string base = requireSample();
    const std::string trial = dir.file("trial.gpkg");
    const Tally t = killProjectWriter(base, trial, {"analyze", trial}, killCount(4));
    t.print("analyze");
    CHECK(t.killed > 0);
}

TEST_CASE("kill harness: bando rank saving a scenario (weights, results, contributions)", "[crash][kill]")
{
    ::setenv("SOURCE_DATE_EPOCH", "1700000000", 1);  // the scenario's date: equal in every run
    test::TempDir dir("kill-rank");
    const std::string base = requireSample();
    const std::string analysed = dir.file("analysed.gpkg");
    std::filesystem::copy_file(base, analysed);
    REQUIRE(test::run(test::shellQuote(test::cliPath()) + " analyze " + test::shellQuote(analysed)).exitCode == 0);
    const std::string trial = dir.file("trial.gpkg");
    const Tally t = killProjectWriter(analysed, trial, {"rank", trial, "--preset", "team", "--scenario", "kill-test"},
                                      killCount(3));
    t.print("rank --scenario");
    CHECK(t.killed > 0);
}

TEST_CASE("kill harness: bando predict writing predicted coverage polygons", "[crash][kill]")
{
    ::setenv("SOURCE_DATE_EPOCH", "1700000000", 1);  // the provenance stamp: equal in every run
    test::TempDir dir("kill-predict");
    const std::string base = requireSample();
    const std::string trial = dir.file("trial.gpkg");
    const Tally t = killProjectWriter(
        base, trial, {"predict", trial, "--operator", "VNPT", "--resolution", "500", "--radius-km", "12"}, killCount(3));
    t.print("predict");
    CHECK(t.killed > 0);
}

namespace {

// The files of `dir` whose name starts with `prefix`, staging folders of killed runs excluded.
std::vector<std::string> outputsIn(const std::string& dir, const std::string& prefix)
{
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) {
        const std::string n = e.path().filename().string();
        if (n.rfind(prefix, 0) == 0 && n.find(".tmp-") == std::string::npos)
            out.push_back(n);
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

TEST_CASE("kill harness: bando export leaves its output absent, as it was, or complete", "[crash][kill]")
{
    test::TempDir dir("kill-export");
    const std::string project = dir.file("p.gpkg");
    copyOver(requireSample(), project);
    const auto projectBefore = killtest::digestOf(project);
    const std::string out = dir.file("out.geojson");
    const std::vector<std::string> args{"export", project, "--layer", "shops", "--out", out, "--force"};
    const auto t0 = Clock::now();
    REQUIRE(killtest::runAndKill(args, 600).exitCode == 0);
    const double duration = std::chrono::duration<double>(Clock::now() - t0).count();
    const uint64_t complete = test::fileHash(out);
    // The old output of odd trials: the places layer exported to the same name.
    REQUIRE(test::run(test::shellQuote(test::cliPath()) + " export " + test::shellQuote(project) +
                      " --layer places --force --out " + test::shellQuote(out))
                .exitCode == 0);
    const uint64_t old = test::fileHash(out);
    REQUIRE(old != complete);

    const int kills = killCount(5);
    Tally tally;
    for (int i = 0; i < kills; ++i) {
        const bool hadOld = i % 2 == 1;
        if (!hadOld)
            fs::remove(out);
        else
            REQUIRE(test::run(test::shellQuote(test::cliPath()) + " export " + test::shellQuote(project) +
                              " --layer places --force --out " + test::shellQuote(out))
                        .exitCode == 0);
        const double at = killTime(i, kills, duration);
        const auto outcome = killtest::runAndKill(args, at);
        INFO("kill " << i << " at " << at << " s of " << duration << " s");
        (outcome.killed ? tally.killed : tally.finished)++;
        if (fs::exists(out)) {
            const uint64_t h = test::fileHash(out);
            CHECK((h == complete || (hadOld && h == old)));
            tally.after += h == complete;
            tally.before += h == old;
        } else {
            CHECK_FALSE(hadOld);  // an old output is replaced, never removed first
            tally.before++;
        }
        // Nothing else with the output's name beside it (staging folders are hidden, removed later).
        for (const auto& n : outputsIn(dir.path().string(), "out."))
            CHECK(n == "out.geojson");
    }
    CHECK(killtest::digestOf(project) == projectBefore);
    // A complete run removes the staging folders the killed runs left.
    REQUIRE(killtest::runAndKill(args, 600).exitCode == 0);
    for (const auto& e : fs::directory_iterator(dir.path()))
        CHECK(e.path().filename().string().rfind(".bando-export-", 0) == std::string::npos);
    tally.print("export");
    CHECK(tally.killed > 0);
}

TEST_CASE("kill harness: bando sample replaces its output atomically", "[crash][kill]")
{
    test::TempDir dir("kill-sample");
    const uint64_t complete = test::fileHash(requireSample());  // same default seed: same bytes
    const std::string out = dir.file("s.gpkg");
    auto writeOld = [&] {
        std::error_code ec;
        fs::remove(out, ec);
        writeProjectAtomically(out, [](ProjectStore& s) {
            ProjectStore::Transaction t(s);
            s.setMeta("note", "the old project");
            t.commit();
        });
        return test::fileHash(out);
    };
    const std::vector<std::string> args{"sample", "--out", out, "--force"};
    auto tmpExists = [&] {
        for (const auto& e : fs::directory_iterator(dir.path()))
            if (e.path().filename().string().rfind("s.gpkg.tmp-", 0) == 0)
                return true;
        return false;
    };
    // Kill points: one during generation, the others spread over the writing phase, which
    // starts when the temporary file appears (it lasts ~5 s on the CI machine).
    const int kills = killCount(3);
    Tally tally;
    for (int i = 0; i < kills; ++i) {
        const uint64_t old = writeOld();  // its timestamps differ each time
        double at = 1.0;
        killtest::KillOutcome outcome;
        if (i == 0) {
            outcome = killtest::runAndKill(args, at);
        } else {
            at = 5.5 * (i - 1) / std::max(1, kills - 2);
            outcome = killtest::runAndKillAfter(args, tmpExists, at, 120);
        }
        INFO("kill " << i << " at " << at << " s");
        (outcome.killed ? tally.killed : tally.finished)++;
        REQUIRE(fs::exists(out));
        const uint64_t h = test::fileHash(out);
        CHECK((h == old || h == complete));
        tally.before += h == old;
        tally.after += h == complete;
        CHECK(killtest::quickCheck(out) == "ok");
    }
    tally.print("sample");
    CHECK(tally.killed > 0);
}
