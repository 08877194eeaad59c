#include "core/store/gpkg_fast.hpp"

#include "core/base/clock.hpp"
#include "core/base/error.hpp"
#include "core/capi/sqlite.hpp"

#include <cpl_conv.h>
#include <sqlite3.h>

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
