#include "core/store/gpkg_fast.hpp"

#include "core/base/clock.hpp"
#include "core/base/error.hpp"
#include "core/capi/sqlite.hpp"

#include <cpl_conv.h>
#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <ctime>

namespace bando::gpkg {

void encodeBlob(const Geometry& g, GeomType asType, int32_t srsId, std::vector<uint8_t>& out, Extent& env)
{
    out.clear();
    env = g.extent();
    const bool point = g.type == GeomType::Point;
    // the header in the machine's byte order, little-endian here (flag bit 0), like the WKB after it
    auto put = [&out](auto v) {
        uint8_t raw[sizeof v];
        std::memcpy(raw, &v, sizeof v);
        out.insert(out.end(), raw, raw + sizeof v);
    };
    out.push_back('G');
    out.push_back('P');
    out.push_back(0);                           // version 1.0
    out.push_back(point ? 0x01 : 0x03);         // little-endian; envelope XY unless a point
    put(srsId);                                 // (two's complement for negative ids)
    if (!point)
        for (double v : {env.minX, env.maxX, env.minY, env.maxY})
            put(v);
    appendWkb(g, out, asType);
}

long wkbOffset(const uint8_t* blob, size_t size, bool& empty)
{
    empty = false;
    if (size < 8 || blob[0] != 'G' || blob[1] != 'P')
        return -1;
    const uint8_t flags = blob[3];
    if (flags & 0x20)  // extended GeoPackage geometry: not ours to decode
        return -1;
    empty = (flags & 0x10) != 0;
    static const size_t envelopeBytes[8] = {0, 32, 48, 48, 64, 0, 0, 0};
    const int envelopeType = (flags >> 1) & 0x07;
    if (envelopeType > 4)
        return -1;
    const size_t offset = 8 + envelopeBytes[envelopeType];
    if (offset > size)
        return -1;
    return static_cast<long>(offset);
}

std::vector<Trigger> triggersOn(sqlite3* db, const std::string& table)
{
    std::vector<Trigger> out;
    const sqlite::StatementPtr st = sqlite::prepare(db, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?");
    if (!st)
        throw Error(ErrorKind::Store, table, std::string("cannot list triggers: ") + sqlite3_errmsg(db));
    sqlite3_stmt* raw = st.get();
    sqlite3_bind_text(raw, 1, table.c_str(), static_cast<int>(table.size()), SQLITE_TRANSIENT);
    while (sqlite3_step(raw) == SQLITE_ROW) {
        const auto* n = reinterpret_cast<const char*>(sqlite3_column_text(raw, 0));
        const auto* s = reinterpret_cast<const char*>(sqlite3_column_text(raw, 1));
        out.push_back({n ? n : "", s ? s : ""});
    }
    return out;
}

void exec(sqlite3* db, const std::string& sql, const std::string& where)
{
    char* msg = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
        std::string m = msg ? msg : sqlite3_errmsg(db);
        sqlite3_free(msg);
        throw Error(ErrorKind::Store, where, m);
    }
}

float rtreeDown(double d)
{
    float f = static_cast<float>(d);
    if (f > d)
        f = static_cast<float>(d * (d < 0 ? 1.0 + 1.0 / 8388608.0 : 1.0 - 1.0 / 8388608.0));
    return f;
}

float rtreeUp(double d)
{
    float f = static_cast<float>(d);
    if (f < d)
        f = static_cast<float>(d * (d < 0 ? 1.0 - 1.0 / 8388608.0 : 1.0 + 1.0 / 8388608.0));
    return f;
}

namespace {

// One cell of a node: a box and an id (a feature id in a leaf, a child's index while packing).
struct Cell {
    float minX, maxX, minY, maxY;
    int64_t id;
};

constexpr int kCellBytes = 8 + 4 * 4;  // id, then minx maxx miny maxy

std::string textOf(sqlite3* db, const std::string& sql, const std::string& bind)
{
    const sqlite::StatementPtr st = sqlite::prepare(db, sql);
    if (!st)
        return {};
    sqlite3_bind_text(st.get(), 1, bind.c_str(), static_cast<int>(bind.size()), SQLITE_TRANSIENT);
    std::string out;
    if (sqlite3_step(st.get()) == SQLITE_ROW)
        if (const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st.get(), 0)))
            out = t;
    return out;
}

// Sort-Tile-Recursive: `items` into ceil(n / cap) nodes of near-equal size (so none is nearly
// empty), in ceil(sqrt(nodes)) vertical slices by box centre x, each slice cut by centre y.
std::vector<std::vector<Cell>> packLevel(std::vector<Cell> items, size_t cap)
{
    const size_t n = items.size();
    const size_t nodes = (n + cap - 1) / cap;
    size_t slices = static_cast<size_t>(std::ceil(std::sqrt(static_cast<double>(nodes))));
    slices = std::clamp<size_t>(slices, 1, nodes);
    // a total order (ids are distinct), so the tree does not depend on the sort's implementation
    auto byX = [](const Cell& a, const Cell& b) {
        const double ca = double(a.minX) + a.maxX, cb = double(b.minX) + b.maxX;
        return ca < cb || (ca == cb && a.id < b.id);
    };
    auto byY = [](const Cell& a, const Cell& b) {
        const double ca = double(a.minY) + a.maxY, cb = double(b.minY) + b.maxY;
        return ca < cb || (ca == cb && a.id < b.id);
    };
    std::sort(items.begin(), items.end(), byX);
    std::vector<std::vector<Cell>> out;
    out.reserve(nodes);
    auto firstOf = [&](size_t node) { return n * node / nodes; };  // node i: items [firstOf(i), firstOf(i + 1))
    for (size_t s = 0; s < slices; ++s) {
        const size_t nodeLo = nodes * s / slices, nodeHi = nodes * (s + 1) / slices;
        std::sort(items.begin() + static_cast<std::ptrdiff_t>(firstOf(nodeLo)),
                  items.begin() + static_cast<std::ptrdiff_t>(firstOf(nodeHi)), byY);
        for (size_t k = nodeLo; k < nodeHi; ++k)
            out.emplace_back(items.begin() + static_cast<std::ptrdiff_t>(firstOf(k)),
                             items.begin() + static_cast<std::ptrdiff_t>(firstOf(k + 1)));
    }
    return out;
}

void putBigEndian(uint8_t* p, uint64_t v, int bytes)
{
    for (int i = bytes - 1; i >= 0; --i) {
        p[i] = static_cast<uint8_t>(v & 0xff);
        v >>= 8;
    }
}

void putFloat(uint8_t* p, float f)
{
    uint32_t bits = 0;
    std::memcpy(&bits, &f, sizeof bits);
    putBigEndian(p, bits, 4);
}

} // namespace

int emptyRtreeNodeSize(sqlite3* db, const std::string& rtree)
{
    // SQLITE_DBCONFIG_DEFENSIVE makes shadow tables read-only to SQL
    int defensive = 0;
    if (!db || sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, -1, &defensive) != SQLITE_OK || defensive != 0)
        return 0;
    const char* master = "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?";
    if (textOf(db, master, rtree) != "CREATE VIRTUAL TABLE " + sqlite::quoteIdentifier(rtree) +
                                          " USING rtree(id, minx, maxx, miny, maxy)")
        return 0;
    const std::string node = rtree + "_node", rowid = rtree + "_rowid", parent = rtree + "_parent";
    if (textOf(db, master, node) != "CREATE TABLE " + sqlite::quoteIdentifier(node) + "(nodeno INTEGER PRIMARY KEY,data)" ||
        textOf(db, master, rowid) != "CREATE TABLE " + sqlite::quoteIdentifier(rowid) + "(rowid INTEGER PRIMARY KEY,nodeno)" ||
        textOf(db, master, parent) !=
            "CREATE TABLE " + sqlite::quoteIdentifier(parent) + "(nodeno INTEGER PRIMARY KEY,parentnode)")
        return 0;
    // only the root, without cells (depth 0, no cells: four zero bytes)
    const sqlite::StatementPtr st =
        sqlite::prepare(db, "SELECT (SELECT count(*) FROM " + sqlite::quoteIdentifier(node) + "), (SELECT count(*) FROM " +
                                sqlite::quoteIdentifier(rowid) + "), (SELECT count(*) FROM " +
                                sqlite::quoteIdentifier(parent) + "), length(data), hex(substr(data, 1, 4)) FROM " +
                                sqlite::quoteIdentifier(node) + " WHERE nodeno = 1");
    if (!st || sqlite3_step(st.get()) != SQLITE_ROW)
        return 0;
    sqlite3_stmt* r = st.get();
    const auto* head = reinterpret_cast<const char*>(sqlite3_column_text(r, 4));
    if (sqlite3_column_int64(r, 0) != 1 || sqlite3_column_int64(r, 1) != 0 || sqlite3_column_int64(r, 2) != 0 || !head ||
        std::string(head) != "00000000")
        return 0;
    const int64_t size = sqlite3_column_int64(r, 3);
    // SQLite refuses nodes under 448 bytes; 65535 cells would overflow the two-byte cell count
    if (size < 448 || (size - 4) / kCellBytes > 65535)
        return 0;
    return static_cast<int>(size);
}

void bulkLoadRtree(sqlite3* db, const std::string& rtree, int nodeSize, std::vector<RtreeEntry> entries,
                   const std::string& where)
{
    if (entries.empty())
        return;
    const size_t cap = static_cast<size_t>((nodeSize - 4) / kCellBytes);
    std::vector<Cell> items;
    items.reserve(entries.size());
    for (const RtreeEntry& e : entries) {
        const Cell c{rtreeDown(e.minX), rtreeUp(e.maxX), rtreeDown(e.minY), rtreeUp(e.maxY), e.id};
        if (!(c.minX <= c.maxX && c.minY <= c.maxY))
            throw Error(ErrorKind::Store, where, "cannot index feature " + std::to_string(e.id) + ": bad envelope");
        items.push_back(c);
    }
    entries.clear();
    entries.shrink_to_fit();
    // levels[0]: the leaves; the last level holds the root alone
    std::vector<std::vector<std::vector<Cell>>> levels;
    for (;;) {
        levels.push_back(packLevel(std::move(items), cap));
        const auto& nodes = levels.back();
        if (nodes.size() == 1)
            break;
        items.clear();
        items.reserve(nodes.size());
        for (size_t k = 0; k < nodes.size(); ++k) {
            Cell box = nodes[k].front();
            for (const Cell& c : nodes[k]) {
                box.minX = std::min(box.minX, c.minX);
                box.maxX = std::max(box.maxX, c.maxX);
                box.minY = std::min(box.minY, c.minY);
                box.maxY = std::max(box.maxY, c.maxY);
            }
            box.id = static_cast<int64_t>(k);
            items.push_back(box);
        }
    }
    // node numbers: the root 1, then level by level downwards
    const size_t top = levels.size() - 1;
    std::vector<std::vector<int64_t>> number(levels.size());
    int64_t next = 1;
    for (size_t L = top + 1; L-- > 0;)
        for (size_t k = 0; k < levels[L].size(); ++k)
            number[L].push_back(next++);

    auto prepare = [&](const std::string& sql) {
        sqlite::StatementPtr st = sqlite::prepare(db, sql);
        if (!st)
            throw Error(ErrorKind::Store, where, std::string("cannot write the R-tree: ") + sqlite3_errmsg(db));
        return st;
    };
    auto step = [&](sqlite3_stmt* st) {
        if (sqlite3_step(st) != SQLITE_DONE)
            throw Error(ErrorKind::Store, where, std::string("cannot write the R-tree: ") + sqlite3_errmsg(db));
        sqlite3_reset(st);
    };
    const sqlite::StatementPtr root =
        prepare("UPDATE " + sqlite::quoteIdentifier(rtree + "_node") + " SET data = ?2 WHERE nodeno = ?1");
    const sqlite::StatementPtr node =
        prepare("INSERT INTO " + sqlite::quoteIdentifier(rtree + "_node") + " (nodeno, data) VALUES (?1, ?2)");
    std::vector<std::pair<int64_t, int64_t>> rowids, parents;  // (rowid, leaf), (child, parent)
    std::vector<uint8_t> blob(static_cast<size_t>(nodeSize));
    for (size_t L = top + 1; L-- > 0;) {
        for (size_t k = 0; k < levels[L].size(); ++k) {
            const std::vector<Cell>& cells = levels[L][k];
            const int64_t self = number[L][k];
            std::fill(blob.begin(), blob.end(), 0);
            if (L == top)
                putBigEndian(blob.data(), top, 2);  // the depth, in the root only
            putBigEndian(blob.data() + 2, cells.size(), 2);
            uint8_t* p = blob.data() + 4;
            for (const Cell& c : cells) {
                const int64_t id = L == 0 ? c.id : number[L - 1][static_cast<size_t>(c.id)];
                putBigEndian(p, static_cast<uint64_t>(id), 8);
                putFloat(p + 8, c.minX);
                putFloat(p + 12, c.maxX);
                putFloat(p + 16, c.minY);
                putFloat(p + 20, c.maxY);
                p += kCellBytes;
                if (L == 0)
                    rowids.emplace_back(id, self);
                else
                    parents.emplace_back(id, self);
            }
            sqlite3_stmt* st = self == 1 ? root.get() : node.get();
            sqlite3_bind_int64(st, 1, self);
            sqlite3_bind_blob(st, 2, blob.data(), nodeSize, SQLITE_STATIC);
            step(st);
            if (self == 1 && sqlite3_changes(db) != 1)
                throw Error(ErrorKind::Store, where, "cannot write the R-tree: its root node is missing");
        }
    }
    // in key order: appending to the B-trees
    std::sort(rowids.begin(), rowids.end());
    std::sort(parents.begin(), parents.end());
    auto insertPairs = [&](const std::string& table, const char* columns,
                           const std::vector<std::pair<int64_t, int64_t>>& pairs) {
        const sqlite::StatementPtr ins =
            prepare("INSERT INTO " + sqlite::quoteIdentifier(table) + " " + columns + " VALUES (?1, ?2)");
        for (const auto& pair : pairs) {
            sqlite3_bind_int64(ins.get(), 1, pair.first);
            sqlite3_bind_int64(ins.get(), 2, pair.second);
            step(ins.get());
        }
    };
    insertPairs(rtree + "_rowid", "(rowid, nodeno)", rowids);
    insertPairs(rtree + "_parent", "(nodeno, parentnode)", parents);
}

std::string lastChangeStamp()
{
    if (const char* fixed = CPLGetConfigOption("OGR_CURRENT_DATE", nullptr))
        return fixed;
    const std::time_t t = stampTime();
    std::tm tm{};
    gmtime_r(&t, &tm);
    char b[40];
    std::strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
    return b;
}

} // namespace bando::gpkg
