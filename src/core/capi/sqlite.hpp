#pragma once
// SQLite / SpatiaLite: an owned connection (the sqlite3 handle and SpatiaLite's per-connection
// cache, freed in that order), owned prepared statements with bound values, and identifier
// quoting. No SQL text in Bando is assembled from hand-escaped values: identifiers go through
// quoteIdentifier(), values are bound to `?` parameters.
#include "core/base/error.hpp"
#include "core/model/layer.hpp"

#include <memory>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace bando::sqlite {

// "name" with embedded double quotes doubled: safe as a table or column name in any SQL dialect
// GDAL and SQLite accept.
std::string quoteIdentifier(std::string_view name);

struct ConnectionDeleter {
    void operator()(sqlite3* db) const;  // sqlite3_close_v2
};
struct StatementDeleter {
    void operator()(sqlite3_stmt* s) const;  // sqlite3_finalize
};
struct SpatialiteCacheDeleter {
    void operator()(void* cache) const;  // spatialite_cleanup_ex
};
using ConnectionPtr = std::unique_ptr<sqlite3, ConnectionDeleter>;
using StatementPtr = std::unique_ptr<sqlite3_stmt, StatementDeleter>;
using SpatialiteCachePtr = std::unique_ptr<void, SpatialiteCacheDeleter>;

// Process-wide SQLite settings, called first thing in main() (before GDAL, PROJ or Bando open a
// database; later it changes nothing): SQLite's memory statistics off. Every SQLite allocation
// took their global mutex, so the connections of the store, GDAL and PROJ working on several
// threads waited on each other (13 ms of CPU in a sample analysis). Bando reads no statistic.
void configureProcess();

// Prepares `sql` on a connection Bando does not own (GDAL's, or a bare read-only one): empty when
// SQLite refuses it (sqlite3_errmsg(db) says why).
StatementPtr prepare(sqlite3* db, const std::string& sql);

class Connection;

// What a writer that died (kill -9, power cut) can leave beside a database file: a hot rollback
// journal (`<path>-journal`, non-empty with a non-zero first byte: SQLite's own test) and/or a
// non-empty write-ahead log (`<path>-wal`). A read-only connection cannot replay either. A
// journal that is not hot (empty or zeroed: the writer died before writing a page) is stale.
struct Leftover {
    bool journal = false;
    bool wal = false;
    bool staleJournal = false;
    bool any() const { return journal || wal; }
};
Leftover leftoverOf(const std::string& path);
// Opens `path` read-write with plain SQLite and reads it, which makes SQLite roll a hot journal
// back (the unfinished transaction is undone) or recover a WAL (committed transactions kept);
// a WAL is then checkpointed into the file and the file returned to a rollback journal. Returns
// what is left afterwards (nothing when recovered; a live writer's files stay untouched, since
// SQLite only treats a journal as hot when no connection holds a lock). A stale journal is
// removed while holding SQLite's RESERVED lock (no writer can be using it then). Throws
// bando::Error(Store) when SQLite cannot open or recover the file.
Leftover recoverInterruptedWrite(const std::string& path);

// One prepared statement. Values bind to `?` parameters (1-based); rows are read with step().
class Statement {
public:
    Statement(Connection& db, StatementPtr stmt) : m_db(&db), m_stmt(std::move(stmt)) {}
    Statement& bind(int index, const Value& v);
    // Advances to the next row: true while there is one. Throws bando::Error(Store) on failure,
    // CancelledError when the thread's Feedback was cancelled meanwhile.
    bool step();
    int columnCount() const;
    std::string columnName(int i) const;
    // NULL, INTEGER, REAL or TEXT of column i; a BLOB reads as "<blob, N bytes>".
    Value column(int i) const;
    // True when the statement does not write to the database (sqlite3_stmt_readonly).
    bool readOnly() const;
    sqlite3_stmt* handle() const { return m_stmt.get(); }

private:
    Connection* m_db;
    StatementPtr m_stmt;
};

class Connection {
public:
    // Opens `path` read-only (SQLITE_OPEN_READONLY, PRAGMA query_only) with SpatiaLite's
    // functions registered on this connection and GeoPackage amphibious mode on, so spatial
    // functions read the GeoPackage geometry blobs. Throws bando::Error(Io/Store).
    static std::unique_ptr<Connection> openReadOnlySpatial(const std::string& path);

    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection() = default;

    // From now on statements that could change anything are refused when prepared: ATTACH,
    // DETACH and PRAGMAs that set a value (an authorizer); prepare() then throws with the reason.
    void refuseChanges();
    // Prepares the first statement of `sql`; `tail` receives the offset of the rest of the text.
    // Throws bando::Error(kindOnError, "SQL", message) when SQLite or the authorizer refuses it.
    // A text with nothing but blanks/comments gives a statement whose handle() is null.
    Statement prepare(std::string_view sql, size_t* tail = nullptr, ErrorKind kindOnError = ErrorKind::Store);
    // What the authorizer refused in the last prepare() ("ATTACH", "PRAGMA x with a value"), or "".
    const std::string& refusal() const { return m_refusal; }
    // Runs statements without results (setup): throws on failure.
    void execute(const std::string& sql);
    std::string lastError() const;
    const std::string& path() const { return m_path; }
    sqlite3* handle() const { return m_db.get(); }

private:
    explicit Connection(std::string path) : m_path(std::move(path)) {}
    static int authorize(void* self, int action, const char* a, const char* b, const char*, const char*);
    std::string m_path;
    std::string m_refusal;  // why the authorizer denied the last prepared statement
    SpatialiteCachePtr m_cache;  // declared first: destroyed after the connection that uses it
    ConnectionPtr m_db;
};

} // namespace bando::sqlite
