#include "core/capi/sqlite.hpp"

#include "core/base/feedback.hpp"
#include "core/tasks/job.hpp"

#include <sqlite3.h>
// spatialite.h needs sqlite3.h first
#include <spatialite.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <fstream>

namespace bando::sqlite {

void configureProcess() { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }
namespace {

// Stops a running statement when the calling thread's Feedback is cancelled.
int progressHandler(void*)
{
    return isCancelled(tasks::FeedbackScope::current()) ? 1 : 0;
}

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

} // namespace

std::string quoteIdentifier(std::string_view name)
{
    std::string out = "\"";
    for (char c : name) {
        if (c == '"')
            out += '"';
        out += c;
    }
    return out + "\"";
}

void ConnectionDeleter::operator()(sqlite3* db) const { sqlite3_close_v2(db); }
void StatementDeleter::operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }

StatementPtr prepare(sqlite3* db, const std::string& sql)
{
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
        sqlite3_finalize(raw);  // (null when it failed; finalizing null is a no-op)
        return StatementPtr();
    }
    return StatementPtr(raw);
}
void SpatialiteCacheDeleter::operator()(void* cache) const { spatialite_cleanup_ex(cache); }

// ---- crash leftovers ----

Leftover leftoverOf(const std::string& path)
{
    namespace fs = std::filesystem;
    Leftover l;
    std::error_code ec;
    const std::string journal = path + "-journal";
    if (fs::is_regular_file(journal, ec) && fs::file_size(journal, ec) > 0 && !ec) {
        std::ifstream in(journal, std::ios::binary);
        char first = 0;
        l.journal = in.get(first) && first != 0;
    }
    l.staleJournal = !l.journal && fs::is_regular_file(journal, ec);
    const std::string wal = path + "-wal";
    l.wal = fs::is_regular_file(wal, ec) && fs::file_size(wal, ec) > 0 && !ec;
    return l;
}

Leftover recoverInterruptedWrite(const std::string& path)
{
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
    ConnectionPtr db(raw);  // owned even when opening failed
    auto fail = [&](const std::string& what) {
        return Error(ErrorKind::Store, path, what + ": " + (raw ? sqlite3_errmsg(raw) : "out of memory"));
    };
    if (rc != SQLITE_OK)
        throw fail("cannot open the project to recover it");
    sqlite3_busy_timeout(raw, 2000);
    // Any read takes a shared lock, and SQLite rolls a hot journal back before granting it.
    if (sqlite3_exec(raw, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr) != SQLITE_OK)
        throw fail("cannot recover the project");
    if (leftoverOf(path).wal) {
        // Committed transactions in the log go into the file; the log is then removed. Busy
        // (another connection still uses the log) leaves it as it is.
        sqlite3_exec(raw, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr);
        sqlite3_exec(raw, "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr);
    }
    if (leftoverOf(path).staleJournal &&
        sqlite3_exec(raw, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK) {
        if (leftoverOf(path).staleJournal) {
            std::error_code ec;
            std::filesystem::remove(path + "-journal", ec);
        }
        sqlite3_exec(raw, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    db.reset();
    return leftoverOf(path);
}

// ---- Connection ----

std::unique_ptr<Connection> Connection::openReadOnlySpatial(const std::string& path)
{
    std::unique_ptr<Connection> c(new Connection(path));
    c->m_cache.reset(spatialite_alloc_connection());
    if (!c->m_cache)
        throw Error(ErrorKind::Internal, path, "cannot allocate a SpatiaLite connection cache");
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
    c->m_db.reset(raw);  // owned even when opening failed (SQLite allocates the handle anyway)
    if (rc != SQLITE_OK)
        throw Error(ErrorKind::Io, path, "cannot open the project for reading: " + c->lastError());
    sqlite3_extended_result_codes(raw, 1);
    spatialite_init_ex(raw, c->m_cache.get(), 0);
    // SpatiaLite looks CRSs up in `spatial_ref_sys`, a GeoPackage has `gpkg_spatial_ref_sys`:
    // a TEMP table (this connection only, nothing written to the file) lists the project's CRSs
    // by authority and code, which is all SpatiaLite needs to build a PROJ transformation.
    c->execute("CREATE TEMP TABLE spatial_ref_sys (srid INTEGER PRIMARY KEY, auth_name TEXT, auth_srid INTEGER, "
               "ref_sys_name TEXT, proj4text TEXT, srtext TEXT)");
    c->execute("INSERT OR IGNORE INTO temp.spatial_ref_sys SELECT srs_id, lower(organization), "
               "organization_coordsys_id, srs_name, '', definition FROM main.gpkg_spatial_ref_sys "
               "WHERE srs_id > 0 AND organization IS NOT NULL");
    c->execute("PRAGMA query_only = ON");
    Statement amphibious = c->prepare("SELECT EnableGpkgAmphibiousMode()");
    amphibious.step();
    sqlite3_progress_handler(raw, 1000, &progressHandler, nullptr);
    return c;
}

std::string Connection::lastError() const
{
    return m_db ? sqlite3_errmsg(m_db.get()) : "no connection";
}

void Connection::execute(const std::string& sql)
{
    char* message = nullptr;
    if (sqlite3_exec(m_db.get(), sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        std::string text = message ? message : lastError();
        sqlite3_free(message);
        throw Error(ErrorKind::Store, m_path, sql + ": " + text);
    }
}

int Connection::authorize(void* self, int action, const char* a, const char* b, const char*, const char*)
{
    auto* c = static_cast<Connection*>(self);
    switch (action) {
    case SQLITE_ATTACH:
    case SQLITE_DETACH:
        c->m_refusal = action == SQLITE_ATTACH ? "ATTACH" : "DETACH";
        return SQLITE_DENY;
    case SQLITE_PRAGMA: {
        // PRAGMA name (a) with a value or argument (b): only the introspection pragmas whose
        // argument names a table or an index are reads.
        static const std::array<const char*, 6> reads = {"table_info",  "table_xinfo", "index_list",
                                                        "index_info",  "index_xinfo", "foreign_key_list"};
        const std::string name = lower(a ? a : "");
        if (b && std::find(reads.begin(), reads.end(), name) == reads.end()) {
            c->m_refusal = "PRAGMA " + name + " with a value";
            return SQLITE_DENY;
        }
        return SQLITE_OK;
    }
    default: return SQLITE_OK;
    }
}

void Connection::refuseChanges()
{
    sqlite3_set_authorizer(m_db.get(), &Connection::authorize, this);
}

Statement Connection::prepare(std::string_view sql, size_t* tail, ErrorKind kindOnError)
{
    m_refusal.clear();
    sqlite3_stmt* raw = nullptr;
    const char* rest = nullptr;
    const int rc = sqlite3_prepare_v2(m_db.get(), sql.data(), static_cast<int>(sql.size()), &raw, &rest);
    StatementPtr owned(raw);
    if (rc != SQLITE_OK) {
        std::string message = m_refusal.empty() ? lastError() : m_refusal + " is not allowed";
        throw Error(kindOnError, "SQL", message);
    }
    if (tail)
        *tail = rest ? static_cast<size_t>(rest - sql.data()) : sql.size();
    return Statement(*this, std::move(owned));
}

// ---- Statement ----

Statement& Statement::bind(int index, const Value& v)
{
    sqlite3_stmt* s = m_stmt.get();
    int rc = SQLITE_OK;
    if (auto* i = std::get_if<int64_t>(&v))
        rc = sqlite3_bind_int64(s, index, *i);
    else if (auto* d = std::get_if<double>(&v))
        rc = sqlite3_bind_double(s, index, *d);
    else if (auto* t = std::get_if<std::string>(&v))
        rc = sqlite3_bind_text(s, index, t->data(), static_cast<int>(t->size()), SQLITE_TRANSIENT);
    else
        rc = sqlite3_bind_null(s, index);
    if (rc != SQLITE_OK)
        throw Error(ErrorKind::Internal, "SQL", "cannot bind parameter " + std::to_string(index) + ": " +
                                                    m_db->lastError());
    return *this;
}

bool Statement::step()
{
    const int rc = sqlite3_step(m_stmt.get());
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    if ((rc & 0xff) == SQLITE_INTERRUPT && isCancelled(tasks::FeedbackScope::current()))
        throw CancelledError();
    throw Error(ErrorKind::Store, m_db->path(), m_db->lastError());
}

int Statement::columnCount() const { return sqlite3_column_count(m_stmt.get()); }

std::string Statement::columnName(int i) const
{
    const char* n = sqlite3_column_name(m_stmt.get(), i);
    return n ? n : "";
}

Value Statement::column(int i) const
{
    sqlite3_stmt* s = m_stmt.get();
    switch (sqlite3_column_type(s, i)) {
    case SQLITE_INTEGER: return static_cast<int64_t>(sqlite3_column_int64(s, i));
    case SQLITE_FLOAT: return sqlite3_column_double(s, i);
    case SQLITE_TEXT: {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
        return std::string(text, static_cast<size_t>(sqlite3_column_bytes(s, i)));
    }
    case SQLITE_BLOB: return "<blob, " + std::to_string(sqlite3_column_bytes(s, i)) + " bytes>";
    default: return Value{};
    }
}

bool Statement::readOnly() const { return sqlite3_stmt_readonly(m_stmt.get()) != 0; }

} // namespace bando::sqlite
