#pragma once
// Helpers of the crash-safety tests (tests/integration/test_crash_*.cpp): a content digest of a
// project read with plain SQLite (per-layer row counts and a hash of every row, independent of
// GeoPackage bookkeeping such as gpkg_contents.last_change), and running the CLI in a child
// process that is killed with SIGKILL after a given time.
#include "core/capi/sqlite.hpp"
#include "support/test_support.hpp"

#include <sqlite3.h>

#include <chrono>
#include <csignal>
#include <functional>
#include <cstdint>
#include <fcntl.h>
#include <map>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace bando::killtest {

struct Digest {
    std::map<std::string, int64_t> rows;     // data table (gpkg_contents) -> row count
    std::map<std::string, uint64_t> hashes;  // data table -> FNV-1a of its rows in rowid order
    bool operator==(const Digest& o) const { return rows == o.rows && hashes == o.hashes; }
    bool operator!=(const Digest& o) const { return !(*this == o); }
    std::string describe() const
    {
        std::string s;
        for (const auto& [t, n] : rows)
            s += t + "=" + std::to_string(n) + " ";
        return s;
    }
};

inline void fnv(uint64_t& h, const void* data, size_t n)
{
    const auto* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < n; ++i) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
}

// The file opened read-only with plain SQLite (not Bando's store: the check must not depend on
// the code under test); on failure the handle, if any, carries the error (sqlite3_errcode).
inline bando::sqlite::ConnectionPtr openReadOnly(const std::string& path)
{
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    if (!db)
        throw std::runtime_error(path + ": no memory");
    return bando::sqlite::ConnectionPtr(db);
}

// Throws std::runtime_error when the file cannot be opened read-only (e.g. a hot journal is
// still beside it) or a table cannot be read.
inline Digest digestOf(const std::string& path)
{
    bando::sqlite::ConnectionPtr connection = openReadOnly(path);
    sqlite3* db = connection.get();
    if (sqlite3_errcode(db) != SQLITE_OK)
        throw std::runtime_error(path + ": " + sqlite3_errmsg(db));
    auto fail = [&](const std::string& what) { throw std::runtime_error(path + ": " + what + ": " + sqlite3_errmsg(db)); };
    auto prepare = [&](const std::string& sql) {
        sqlite3_stmt* st = nullptr;
        const int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
        bando::sqlite::StatementPtr owned(st);
        return rc == SQLITE_OK ? std::move(owned) : bando::sqlite::StatementPtr();
    };
    std::vector<std::string> tables;
    {
        auto st = prepare("SELECT table_name FROM gpkg_contents ORDER BY table_name");
        if (!st)
            fail("gpkg_contents");
        while (sqlite3_step(st.get()) == SQLITE_ROW)
            tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st.get(), 0)));
    }
    Digest d;
    for (const auto& t : tables) {
        std::string q = "\"";
        for (char c : t)
            q += c == '"' ? std::string("\"\"") : std::string(1, c);
        q += "\"";
        auto owned = prepare("SELECT * FROM " + q + " ORDER BY rowid");
        if (!owned)
            fail(t);
        sqlite3_stmt* st = owned.get();
        uint64_t h = 1469598103934665603ull;
        int64_t n = 0;
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            ++n;
            for (int i = 0; i < sqlite3_column_count(st); ++i) {
                const int type = sqlite3_column_type(st, i);
                fnv(h, &type, sizeof type);
                if (type == SQLITE_INTEGER) {
                    const sqlite3_int64 v = sqlite3_column_int64(st, i);
                    fnv(h, &v, sizeof v);
                } else if (type == SQLITE_FLOAT) {
                    const double v = sqlite3_column_double(st, i);
                    fnv(h, &v, sizeof v);
                } else if (type != SQLITE_NULL) {
                    const void* b = sqlite3_column_blob(st, i);
                    fnv(h, b, static_cast<size_t>(sqlite3_column_bytes(st, i)));
                }
            }
        }
        if (rc != SQLITE_DONE)
            fail(t);
        d.rows[t] = n;
        d.hashes[t] = h;
    }
    return d;
}

// "ok" when SQLite finds the file sound (PRAGMA quick_check), else its first complaint.
inline std::string quickCheck(const std::string& path)
{
    bando::sqlite::ConnectionPtr connection = openReadOnly(path);
    std::string out = "cannot open";
    if (connection && sqlite3_errcode(connection.get()) == SQLITE_OK) {
        sqlite3_stmt* raw = nullptr;
        const int rc = sqlite3_prepare_v2(connection.get(), "PRAGMA quick_check", -1, &raw, nullptr);
        bando::sqlite::StatementPtr st(raw);
        if (rc == SQLITE_OK && sqlite3_step(st.get()) == SQLITE_ROW)
            out = reinterpret_cast<const char*>(sqlite3_column_text(st.get(), 0));
    }
    return out;
}

struct KillOutcome {
    bool killed = false;  // false: the command had finished before the kill time
    int exitCode = -1;    // when not killed
};

// Starts the CLI with `args` (stdout/stderr to /dev/null).
inline pid_t spawnCli(const std::vector<std::string>& args)
{
    std::vector<std::string> argv{test::cliPath()};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> cargv;
    for (auto& a : argv)
        cargv.push_back(a.data());
    cargv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0)
        throw std::runtime_error("fork failed");
    if (pid == 0) {
        const int null = ::open("/dev/null", O_WRONLY);
        ::dup2(null, 1);
        ::dup2(null, 2);
        ::execv(cargv[0], cargv.data());
        ::_exit(127);
    }
    return pid;
}

inline KillOutcome exited(int status)
{
    if (WIFSIGNALED(status))
        return {true, -1};
    return {false, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

// Waits until `until` (or the child's end), then sends SIGKILL.
inline KillOutcome killAt(pid_t pid, std::chrono::steady_clock::time_point until)
{
    int status = 0;
    while (std::chrono::steady_clock::now() < until) {
        if (::waitpid(pid, &status, WNOHANG) == pid)
            return exited(status);
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    return exited(status);
}

// Runs the CLI with `args` and sends SIGKILL after `seconds` (unless it has finished).
inline KillOutcome runAndKill(const std::vector<std::string>& args, double seconds)
{
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = spawnCli(args);
    return killAt(pid, start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                   std::chrono::duration<double>(seconds)));
}

// Runs the CLI with `args`, waits until `ready()` (polled every 2 ms, at most `timeout` seconds),
// then sends SIGKILL `seconds` later.
inline KillOutcome runAndKillAfter(const std::vector<std::string>& args, const std::function<bool()>& ready,
                                   double seconds, double timeout)
{
    using namespace std::chrono;
    const auto start = steady_clock::now();
    const pid_t pid = spawnCli(args);
    int status = 0;
    while (!ready() && steady_clock::now() - start < duration<double>(timeout)) {
        if (::waitpid(pid, &status, WNOHANG) == pid)
            return exited(status);
        std::this_thread::sleep_for(milliseconds(2));
    }
    return killAt(pid, steady_clock::now() + duration_cast<steady_clock::duration>(duration<double>(seconds)));
}

} // namespace bando::killtest
