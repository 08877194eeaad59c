// Crash recovery (issue #15): a project left by a writer killed mid-transaction (hot rollback
// journal) or with a write-ahead log is recovered by the next open, read-only or read-write, with
// a notice in the user's language; a read-only project file says so (exit 5). The leftovers are
// made deterministically: a child process writes with plain SQLite and kills itself (SIGKILL)
// before committing, after its small page cache has spilled changed pages into the file.
#include <catch2/catch.hpp>

#include "core/base/error.hpp"
#include "core/store/project_store.hpp"
#include "core/tasks/job.hpp"
#include "kill/kill_support.hpp"
#include "support/test_support.hpp"

#include <sqlite3.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace bando;

namespace {

std::string copySample(const test::TempDir& dir, const std::string& name = "p.gpkg")
{
    if (!fs::exists(test::samplePath()))
        throw std::runtime_error("the sample project is missing (CTest fixture generate_sample)");
    const std::string p = dir.file(name);
    fs::copy_file(test::samplePath(), p, fs::copy_options::overwrite_existing);
    return p;
}

// A child process runs `sql` (several statements) on `path` and SIGKILLs itself before it
// returns: whatever transaction is open stays unfinished on disk.
void writeThenDie(const std::string& path, const std::string& sql)
{
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        sqlite3* db = nullptr;
        if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
            ::_exit(2);
        if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
            ::_exit(3);
        ::raise(SIGKILL);
        ::_exit(4);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    REQUIRE(WIFSIGNALED(status));
    REQUIRE(WTERMSIG(status) == SIGKILL);
}

// Deletes a table's rows and adds 3 MB with a 5-page cache, so changed pages reach the file.
const char* kUnfinishedWrite = "PRAGMA cache_size=5; BEGIN; DELETE FROM teams; CREATE TABLE junk(x);"
                               "INSERT INTO junk SELECT randomblob(1000) FROM (SELECT 1 FROM shops LIMIT 3000);";

std::string cli(const std::string& args)
{
    return test::shellQuote(test::cliPath()) + " " + args;
}

} // namespace

TEST_CASE("A hot journal left by a killed writer is rolled back by a read-only open, with a notice", "[crash]")
{
    test::TempDir dir("crash-hot");
    const std::string p = copySample(dir);
    const auto before = killtest::digestOf(p);
    const uint64_t beforeBytes = test::fileHash(p);
    REQUIRE(before.rows.at("teams") > 1000);

    writeThenDie(p, kUnfinishedWrite);
    REQUIRE(fs::exists(p + "-journal"));
    REQUIRE(test::fileHash(p) != beforeBytes);        // pages of the unfinished change are in the file
    REQUIRE_THROWS(killtest::digestOf(p));            // a read-only SQLite open cannot replay it

    Feedback fb;
    {
        tasks::FeedbackScope scope(fb);
        auto store = ProjectStore::open(p, ProjectStore::Mode::ReadOnly);
        REQUIRE(store->recovered().has_value());
        CHECK(store->recovered()->severity == Severity::Warning);
        CHECK(store->recovered()->where == p);
        CHECK(store->layerInfo("teams").featureCount == before.rows.at("teams"));
        CHECK_FALSE(store->hasLayer("junk"));
        REQUIRE(fb.notices().size() == 1);
        CHECK(fb.notices()[0].message == store->recovered()->message);
    }
    CHECK_FALSE(fs::exists(p + "-journal"));
    CHECK(test::fileHash(p) == beforeBytes);  // byte for byte the project before the write
    CHECK(killtest::digestOf(p) == before);
    CHECK(killtest::quickCheck(p) == "ok");

    // Nothing left to recover: the next open gives no notice.
    auto again = ProjectStore::open(p, ProjectStore::Mode::ReadWrite);
    CHECK_FALSE(again->recovered().has_value());
}

TEST_CASE("bando info, sql and import recover a hot journal and say so on stderr", "[crash]")
{
    test::TempDir dir("crash-cli");
    const std::string p = copySample(dir);
    const auto before = killtest::digestOf(p);

    writeThenDie(p, kUnfinishedWrite);
    REQUIRE(fs::exists(p + "-journal"));
    auto r = test::run(cli("info " + test::shellQuote(p)));  // Vietnamese by default
    INFO(r.err);
    CHECK(r.exitCode == 0);
    CHECK(r.out.find("teams") != std::string::npos);
    CHECK(r.err.find(p + ": dự án đã được khôi phục") != std::string::npos);
    CHECK(killtest::digestOf(p) == before);

    writeThenDie(p, kUnfinishedWrite);
    r = test::run(cli("--lang en sql " + test::shellQuote(p) + " \"SELECT count(*) FROM teams\" --csv"));
    INFO(r.err);
    CHECK(r.exitCode == 0);
    CHECK(r.out.find(std::to_string(before.rows.at("teams"))) != std::string::npos);
    CHECK(r.err.find("it was recovered: the unfinished change was undone") != std::string::npos);

    // A writing command recovers too, then writes.
    const std::string sites = dir.file("sites.geojson");
    REQUIRE(test::run(cli("export " + test::shellQuote(p) + " --layer sites --out " + test::shellQuote(sites)))
                .exitCode == 0);
    writeThenDie(p, kUnfinishedWrite);
    r = test::run(cli("--lang en import " + test::shellQuote(p) + " " + test::shellQuote(sites) +
                      " --layer sites_copy --no-save-mapping --allow-outside"));
    INFO(r.out << r.err);
    CHECK(r.exitCode == 0);
    CHECK(r.err.find("it was recovered") != std::string::npos);
    const auto after = killtest::digestOf(p);
    CHECK(after.rows.at("sites_copy") == before.rows.at("sites"));
    CHECK(after.rows.at("teams") == before.rows.at("teams"));
}

TEST_CASE("A write-ahead log left by a killed program keeps what it committed and leaves one file", "[crash]")
{
    test::TempDir dir("crash-wal");
    const std::string p = copySample(dir);
    const auto before = killtest::digestOf(p);
    writeThenDie(p, "PRAGMA journal_mode=WAL; INSERT INTO bando_meta(key, value) VALUES ('crash_committed', 'yes');"
                    "BEGIN; INSERT INTO bando_meta(key, value) VALUES ('crash_lost', 'no'); DELETE FROM teams;");
    REQUIRE(fs::exists(p + "-wal"));
    REQUIRE(fs::file_size(p + "-wal") > 0);

    Feedback fb;
    tasks::FeedbackScope scope(fb);
    {
        auto store = ProjectStore::open(p, ProjectStore::Mode::ReadOnly);
        REQUIRE(store->recovered().has_value());
        CHECK(store->meta("crash_committed") == std::optional<std::string>("yes"));
        CHECK_FALSE(store->meta("crash_lost").has_value());
        CHECK(store->layerInfo("teams").featureCount == before.rows.at("teams"));
    }
    CHECK(fb.notices().size() == 1);
    CHECK_FALSE(fs::exists(p + "-wal"));
    // Back to a rollback journal: file format bytes 18 and 19 are 1 (2 means WAL).
    std::ifstream in(p, std::ios::binary);
    char header[20] = {};
    in.read(header, 20);
    CHECK(header[18] == 1);
    CHECK(header[19] == 1);
    CHECK(killtest::quickCheck(p) == "ok");
}

TEST_CASE("A read-only project file says so (exit 5) and still opens for reading", "[crash]")
{
    test::TempDir dir("crash-ro");
    const std::string p = copySample(dir);
    const std::string input = dir.file("sites.geojson");
    REQUIRE(test::run(cli("export " + test::shellQuote(p) + " --layer sites --out " + test::shellQuote(input)))
                .exitCode == 0);
    const auto before = killtest::digestOf(p);
    fs::permissions(p, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);

    auto r = test::run(cli("--lang en import " + test::shellQuote(p) + " " + test::shellQuote(input) +
                           " --layer sites_copy --no-save-mapping --allow-outside"));
    INFO(r.out << r.err);
    CHECK(r.exitCode == 5);
    CHECK(r.err.find(p + ": the project file is read-only") != std::string::npos);
    CHECK(r.err.find("GDAL") == std::string::npos);
    r = test::run(cli("import " + test::shellQuote(p) + " " + test::shellQuote(input) + " --layer sites_copy"));
    CHECK(r.exitCode == 5);
    CHECK(r.err.find("chỉ đọc") != std::string::npos);
    CHECK_THROWS_AS(ProjectStore::open(p, ProjectStore::Mode::ReadWrite), Error);
    try {
        ProjectStore::open(p, ProjectStore::Mode::ReadWrite);
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Store);
    }

    r = test::run(cli("info " + test::shellQuote(p)));
    CHECK(r.exitCode == 0);
    CHECK(r.out.find("sites") != std::string::npos);
    CHECK(killtest::digestOf(p) == before);

    // Left by an interrupted write AND read-only: it cannot be recovered, and the message says
    // what to do; once writable, the next open recovers it.
    fs::permissions(p, fs::perms::owner_write, fs::perm_options::add);
    writeThenDie(p, kUnfinishedWrite);
    fs::permissions(p, fs::perms::owner_write, fs::perm_options::remove);
    r = test::run(cli("--lang en info " + test::shellQuote(p)));
    INFO(r.err);
    CHECK(r.exitCode == 5);
    CHECK(r.err.find("interrupted write and cannot be recovered because the file or its folder is read-only") !=
          std::string::npos);
    CHECK(fs::exists(p + "-journal"));
    fs::permissions(p, fs::perms::owner_write, fs::perm_options::add);
    r = test::run(cli("--lang en info " + test::shellQuote(p)));
    CHECK(r.exitCode == 0);
    CHECK(r.err.find("it was recovered") != std::string::npos);
    CHECK(killtest::digestOf(p) == before);
}

TEST_CASE("Temporary files of a killed atomic project write are removed by the next write", "[crash]")
{
    test::TempDir dir("crash-tmp");
    const std::string p = dir.file("new.gpkg");
    // A pid that does not exist (above the kernel's pid_max) and one that does (ours' parent).
    const std::string dead = p + ".tmp-99999999-0", deadJournal = dead + "-journal";
    const std::string alive = p + ".tmp-" + std::to_string(::getppid()) + "-0";
    for (const auto& f : {dead, deadJournal, alive})
        std::ofstream(f) << "partial";
    writeProjectAtomically(p, [](ProjectStore& s) {
        ProjectStore::Transaction t(s);
        s.setMeta("note", "complete");
        t.commit();
    });
    CHECK_FALSE(fs::exists(dead));
    CHECK_FALSE(fs::exists(deadJournal));
    CHECK(fs::exists(alive));  // another live process may still be writing it
    CHECK(ProjectStore::open(p)->meta("note") == std::optional<std::string>("complete"));
}
