#include "core/tasks/analyze_task.hpp"

#include "core/analysis/metric_crs.hpp"
#include "core/base/error.hpp"
#include "core/base/step_timer.hpp"
#include "core/capi/sqlite.hpp"
#include "core/capi/proj.hpp"
#include "core/i18n/i18n.hpp"
#include "core/model/schema.hpp"
#include "core/store/project_store.hpp"
#include "core/tasks/settings_task.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <future>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_map>

namespace bando::tasks {
namespace {

using analysis::VillageIndicators;

bool isIsoDate(const std::string& s)
{
    if (s.size() != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (s[i] < '0' || s[i] > '9')
            return false;
    const int m = std::stoi(s.substr(5, 2)), d = std::stoi(s.substr(8, 2));
    return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

// ---- a read-only sqlite3 connection for fingerprints (GDAL stays the only writer) ----
using Db = sqlite::ConnectionPtr;
using Stmt = sqlite::StatementPtr;

Db openReadOnly(const std::string& path)
{
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
        Db keep(db);
        throw Error(ErrorKind::Io, path, "cannot read the project for fingerprints");
    }
    // map the file: hashing every row reads the whole file, page by page through pread otherwise
    sqlite3_exec(db, "PRAGMA mmap_size = 1073741824", nullptr, nullptr, nullptr);
    return Db(db);
}

using sqlite::prepare;

// The layer's change counter kept by its triggers (ProjectStore::ensureChangeCounters), or -1
// when the project has no counter for it or one of its three triggers is missing (a program
// that dropped and re-created the table drops its triggers too).
int64_t changeCounter(sqlite3* db, const std::string& layer)
{
    Stmt s = prepare(db, "SELECT (SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?1 AND name IN "
                         "('bando_changes_' || ?1 || '_insert', 'bando_changes_' || ?1 || '_update', "
                         "'bando_changes_' || ?1 || '_delete')), (SELECT max(changes) FROM layer_changes WHERE layer = ?1)");
    if (!s)
        return -1;  // no layer_changes table (a project not migrated yet)
    sqlite3_bind_text(s.get(), 1, layer.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s.get()) != SQLITE_ROW || sqlite3_column_int64(s.get(), 0) != 3 ||
        sqlite3_column_type(s.get(), 1) == SQLITE_NULL)
        return -1;
    return sqlite3_column_int64(s.get(), 1);
}

std::string counterFingerprint(int64_t changes, const std::string& lastChange)
{
    return "changes " + std::to_string(changes) + "|" + lastChange;
}

// "changes N|last_change" where the layer's triggers count its edits (no row is read), else
// "last_change|rows|max_fid|hash of every row". `lastChangeOut` receives last_change.
std::string fingerprint(sqlite3* db, const std::string& layer, std::string* lastChangeOut = nullptr)
{
    std::string lastChange;
    {
        Stmt s = prepare(db, "SELECT last_change FROM gpkg_contents WHERE table_name = ?");
        if (!s)
            return "";
        sqlite3_bind_text(s.get(), 1, layer.c_str(), -1, SQLITE_TRANSIENT);
        if (sqlite3_step(s.get()) != SQLITE_ROW)
            return "";  // no such layer
        if (const unsigned char* t = sqlite3_column_text(s.get(), 0))
            lastChange = reinterpret_cast<const char*>(t);
    }
    if (lastChangeOut)
        *lastChangeOut = lastChange;
    if (const int64_t changes = changeCounter(db, layer); changes >= 0)
        return counterFingerprint(changes, lastChange);
    Stmt s = prepare(db, "SELECT * FROM " + sqlite::quoteIdentifier(layer) + " ORDER BY 1");
    if (!s)
        return "";
    // A 64-bit multiply-xorshift hash over every column of every row (type tag, length, raw
    // bytes: geometry blobs are hashed as stored, never decoded), in fid order, eight bytes per
    // step (byte-at-a-time FNV-1a made the nothing-changed re-run hash-bound).
    uint64_t h = 1469598103934665603ull;
    auto step = [&h](uint64_t w) {
        h = (h ^ w) * 0x9E3779B97F4A7C15ull;
        h ^= h >> 29;
    };
    auto mix = [&step](const void* data, size_t n) {
        const auto* p = static_cast<const unsigned char*>(data);
        step(n);
        size_t i = 0;
        for (; i + 8 <= n; i += 8) {
            uint64_t w;
            std::memcpy(&w, p + i, 8);
            step(w);
        }
        if (i < n) {
            uint64_t w = 0;
            std::memcpy(&w, p + i, n - i);
            step(w);
        }
    };
    int64_t rows = 0, maxFid = 0;
    const int cols = sqlite3_column_count(s.get());
    while (sqlite3_step(s.get()) == SQLITE_ROW) {
        ++rows;
        maxFid = std::max<int64_t>(maxFid, sqlite3_column_int64(s.get(), 0));
        for (int c = 0; c < cols; ++c) {
            const int type = sqlite3_column_type(s.get(), c);
            step(static_cast<uint64_t>(type));
            if (type == SQLITE_NULL)
                continue;
            if (type == SQLITE_INTEGER) {
                step(static_cast<uint64_t>(sqlite3_column_int64(s.get(), c)));
            } else if (type == SQLITE_FLOAT) {
                const double v = sqlite3_column_double(s.get(), c);
                uint64_t w;
                std::memcpy(&w, &v, 8);
                step(w);
            } else {
                const void* b = sqlite3_column_blob(s.get(), c);
                mix(b, static_cast<size_t>(sqlite3_column_bytes(s.get(), c)));
            }
        }
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return lastChange + "|" + std::to_string(rows) + "|" + std::to_string(maxFid) + "|" + buf;
}

std::string latestDateSql(sqlite3* db)
{
    std::string best;
    for (const char* col : {"opened", "epay_opened", "locomotive_since"}) {
        Stmt s = prepare(db, std::string("SELECT max(substr(") + col + ", 1, 10)) FROM shops");
        if (s && sqlite3_step(s.get()) == SQLITE_ROW)
            if (const unsigned char* t = sqlite3_column_text(s.get(), 0))
                best = std::max(best, std::string(reinterpret_cast<const char*>(t)));
    }
    return best;
}

// ---- parts and their inputs ----
struct Part {
    const char* name;
    std::vector<const char*> layers;
};
const std::vector<Part>& parts()
{
    static const std::vector<Part> p = {
        {"economy", {"villages", "settlements", "shops", "teams", "targets"}},
        {"coverage", {"villages", "settlements", "coverage", "broadband_nodes", "fibre"}},
        {"access", {"villages", "settlements", "roads", "places"}},
    };
    return p;
}

std::string num(double v)
{
    std::ostringstream o;
    o.imbue(std::locale::classic());
    o.precision(17);
    o << v;
    return o.str();
}

// ---- village_indicators rows ----
Value opt(double v) { return v < 0 ? Value{} : Value{v}; }
Value optI(int64_t v) { return v < 0 ? Value{} : Value{v}; }
double getR(const Layer& l, const Feature& f, const char* n) { return toReal(l.value(f, n)).value_or(-1); }
int64_t getI(const Layer& l, const Feature& f, const char* n) { return toInt(l.value(f, n)).value_or(-1); }

const analysis::CoverageShare* anyShare(const VillageIndicators& v)
{
    for (const auto& c : v.coverage)
        if (c.op == "any" && c.tech == "any")
            return &c;
    return nullptr;
}

// Sets a layer's fields by name, each name looked up once (by the address of its literal): the
// rows of one schema written many times (60 fields by a linear search each were 5 ms of the
// analysis's serial tail).
class FieldSetter {
public:
    explicit FieldSetter(const Layer& layer) : m_layer(layer) {}
    void operator()(Feature& f, const char* name, Value v)
    {
        auto it = m_index.find(name);
        if (it == m_index.end())
            it = m_index.emplace(name, m_layer.requireField(name)).first;
        if (f.values.size() < m_layer.fields.size())
            f.values.resize(m_layer.fields.size());
        f.values[static_cast<size_t>(it->second)] = std::move(v);
    }

private:
    const Layer& m_layer;
    std::unordered_map<const char*, int> m_index;
};

void toRow(FieldSetter& set, Feature& f, const VillageIndicators& v, const std::string& date, const std::string& since,
           int epsg)
{
    set(f, "date", date);
    if (!since.empty()) set(f, "since", since);
    set(f, "village_code", v.code);
    set(f, "village_name", v.name);
    set(f, "commune_code", v.communeCode);
    set(f, "district_code", v.districtCode);
    set(f, "area_km2", v.areaKm2);
    set(f, "households", v.households);
    set(f, "settlements", int64_t{v.settlements});
    set(f, "shops", v.shops);
    set(f, "epay", v.epay);
    set(f, "locomotive", v.locomotive);
    set(f, "shops_since", optI(v.shopsSince));
    set(f, "epay_since", optI(v.epaySince));
    set(f, "locomotive_since", optI(v.locomotiveSince));
    if (v.shopsSince >= 0) {
        set(f, "shops_change", v.shops - v.shopsSince);
        set(f, "epay_change", v.epay - v.epaySince);
        set(f, "locomotive_change", v.locomotive - v.locomotiveSince);
    }
    set(f, "boundary_shops", v.boundaryShops);
    if (!v.targetScope.empty()) set(f, "target_scope", v.targetScope);
    set(f, "target_shop_pct", opt(v.targetShopPct));
    set(f, "target_epay_pct", opt(v.targetEpayPct));
    set(f, "target_locomotive_pct", opt(v.targetLocomotivePct));
    set(f, "shop_pct", v.shopPct);
    set(f, "epay_pct", v.epayPct);
    set(f, "locomotive_pct", v.locomotivePct);
    if (v.targetShopPct > 0) set(f, "shop_vs_target", v.shopPct / v.targetShopPct);
    set(f, "shops_per_km2", v.shopsPerKm2);
    set(f, "teams", int64_t{v.teams});
    set(f, "team_members", v.teamMembers);
    set(f, "team_trained", v.teamTrained);
    set(f, "team_rule_met", int64_t{v.teamRuleMet ? 1 : 0});
    set(f, "class", std::string(analysis::mobileClassName(v.status.mobile)));
    set(f, "share_good", v.status.shareGood);
    set(f, "share_any", v.status.shareAny);
    set(f, "share_broadband", v.status.shareBroadband);
    set(f, "broadband", int64_t{v.status.broadband ? 1 : 0});
    if (const auto* a = anyShare(v)) {
        set(f, "area_good_share", a->areaGood);
        set(f, "area_weak_only_share", a->areaWeakOnly);
        set(f, "hh_good_share", a->hhGood);
        set(f, "hh_weak_only_share", a->hhWeakOnly);
    }
    set(f, "gap_area_km2", v.gapAreaKm2);
    set(f, "weak_only_area_km2", v.weakOnlyAreaKm2);
    set(f, "gap_households", v.gapHouseholds);
    set(f, "weak_only_households", v.weakOnlyHouseholds);
    set(f, "centre_signal", v.centreSignal);
    set(f, "dist_olt_m", opt(v.distOltM));
    set(f, "dist_cabinet_m", opt(v.distCabinetM));
    set(f, "dist_fibre_m", opt(v.distFibreM));
    set(f, "line_commune_seat_m", opt(v.lineCommuneSeatM));
    set(f, "line_district_seat_m", opt(v.lineDistrictSeatM));
    set(f, "line_main_road_m", opt(v.lineMainRoadM));
    set(f, "road_commune_seat_m", opt(v.roadCommuneSeatM));
    set(f, "road_district_seat_m", opt(v.roadDistrictSeatM));
    set(f, "road_main_road_m", opt(v.roadMainRoadM));
    set(f, "minutes_commune_seat", opt(v.minutesCommuneSeat));
    set(f, "minutes_district_seat", opt(v.minutesDistrictSeat));
    set(f, "minutes_main_road", opt(v.minutesMainRoad));
    set(f, "reaches_network", int64_t{v.reachesNetwork ? 1 : 0});
    set(f, "snap_m", opt(v.snapM));
    set(f, "metric_epsg", int64_t{epsg});
}

// Fills the fields of `part` from a stored row.
void fromRow(const Layer& L, const Feature& f, VillageIndicators& v, const std::string& part)
{
    v.code = L.text(f, "village_code");
    v.name = L.text(f, "village_name");
    v.communeCode = L.text(f, "commune_code");
    v.districtCode = L.text(f, "district_code");
    v.areaKm2 = getR(L, f, "area_km2");
    v.settlements = static_cast<int>(getI(L, f, "settlements"));
    if (part == "economy") {
        v.shops = getI(L, f, "shops");
        v.epay = getI(L, f, "epay");
        v.locomotive = getI(L, f, "locomotive");
        v.shopsSince = getI(L, f, "shops_since");
        v.epaySince = getI(L, f, "epay_since");
        v.locomotiveSince = getI(L, f, "locomotive_since");
        v.boundaryShops = getI(L, f, "boundary_shops");
        v.targetScope = L.text(f, "target_scope");
        v.targetShopPct = getR(L, f, "target_shop_pct");
        v.targetEpayPct = getR(L, f, "target_epay_pct");
        v.targetLocomotivePct = getR(L, f, "target_locomotive_pct");
        v.shopPct = getR(L, f, "shop_pct");
        v.epayPct = getR(L, f, "epay_pct");
        v.locomotivePct = getR(L, f, "locomotive_pct");
        v.shopsPerKm2 = getR(L, f, "shops_per_km2");
        v.teams = static_cast<int>(getI(L, f, "teams"));
        v.teamMembers = getI(L, f, "team_members");
        v.teamTrained = getI(L, f, "team_trained");
        v.teamRuleMet = getI(L, f, "team_rule_met") == 1;
    } else if (part == "coverage") {
        v.households = getI(L, f, "households");
        v.status.villageCode = v.code;
        v.status.communeCode = v.communeCode;
        v.status.districtCode = v.districtCode;
        v.status.households = v.households;
        const std::string cls = L.text(f, "class");
        v.status.mobile = cls == "no_signal" ? analysis::MobileClass::NoSignal
                          : cls == "unstable" ? analysis::MobileClass::Unstable
                                              : analysis::MobileClass::Covered;
        v.status.shareGood = getR(L, f, "share_good");
        v.status.shareAny = getR(L, f, "share_any");
        v.status.shareBroadband = getR(L, f, "share_broadband");
        v.status.broadband = getI(L, f, "broadband") == 1;
        analysis::CoverageShare a;
        a.op = a.tech = "any";
        a.areaGood = getR(L, f, "area_good_share");
        a.areaWeakOnly = getR(L, f, "area_weak_only_share");
        a.hhGood = getR(L, f, "hh_good_share");
        a.hhWeakOnly = getR(L, f, "hh_weak_only_share");
        a.centre = L.text(f, "centre_signal");
        v.coverage = {a};
        v.gapAreaKm2 = getR(L, f, "gap_area_km2");
        v.weakOnlyAreaKm2 = getR(L, f, "weak_only_area_km2");
        v.gapHouseholds = getR(L, f, "gap_households");
        v.weakOnlyHouseholds = getR(L, f, "weak_only_households");
        v.centreSignal = a.centre;
        v.distOltM = getR(L, f, "dist_olt_m");
        v.distCabinetM = getR(L, f, "dist_cabinet_m");
        v.distFibreM = getR(L, f, "dist_fibre_m");
    } else if (part == "access") {
        v.lineCommuneSeatM = getR(L, f, "line_commune_seat_m");
        v.lineDistrictSeatM = getR(L, f, "line_district_seat_m");
        v.lineMainRoadM = getR(L, f, "line_main_road_m");
        v.roadCommuneSeatM = getR(L, f, "road_commune_seat_m");
        v.roadDistrictSeatM = getR(L, f, "road_district_seat_m");
        v.roadMainRoadM = getR(L, f, "road_main_road_m");
        v.minutesCommuneSeat = getR(L, f, "minutes_commune_seat");
        v.minutesDistrictSeat = getR(L, f, "minutes_district_seat");
        v.minutesMainRoad = getR(L, f, "minutes_main_road");
        v.reachesNetwork = getI(L, f, "reaches_network") == 1;
        v.snapM = getR(L, f, "snap_m");
    }
}

void rollupToRow(FieldSetter& set, Feature& f, const analysis::Rollup& r, const std::string& date)
{
    set(f, "date", date);
    set(f, "level", r.level);
    set(f, "code", r.code);
    set(f, "name", r.name);
    set(f, "villages", int64_t{r.villages});
    set(f, "households", r.households);
    set(f, "shops", r.shops);
    set(f, "epay", r.epay);
    set(f, "locomotive", r.locomotive);
    set(f, "shops_since", optI(r.shopsSince));
    set(f, "epay_since", optI(r.epaySince));
    set(f, "locomotive_since", optI(r.locomotiveSince));
    set(f, "shop_pct", r.shopPct);
    set(f, "epay_pct", r.epayPct);
    set(f, "locomotive_pct", r.locomotivePct);
    set(f, "shops_per_km2", r.shopsPerKm2);
    set(f, "area_km2", r.areaKm2);
    set(f, "teams", int64_t{r.teams});
    set(f, "villages_team_rule_met", int64_t{r.villagesTeamRuleMet});
    set(f, "no_signal", int64_t{r.counts.noSignal});
    set(f, "unstable", int64_t{r.counts.unstable});
    set(f, "covered", int64_t{r.counts.covered});
    set(f, "no_broadband", int64_t{r.counts.noBroadband});
    set(f, "gap_households", r.gapHouseholds);
    set(f, "weak_only_households", r.weakOnlyHouseholds);
    set(f, "gap_area_km2", r.gapAreaKm2);
    set(f, "villages_unreachable", int64_t{r.villagesUnreachable});
}

} // namespace

const analysis::Rollup* AnalyzeResult::province() const
{
    for (const auto& r : rollups)
        if (r.level == "province")
            return &r;
    return nullptr;
}

std::string layerFingerprint(const std::string& gpkgPath, const std::string& layer)
{
    Db db = openReadOnly(gpkgPath);
    return fingerprint(db.get(), layer);
}

void AnalyzeRequest::validate() const
{
    if (project.empty())
        throw Error(ErrorKind::Usage, "PROJECT", tr("expected one PROJECT file"));
    if (!date.empty() && !isIsoDate(date))
        throw Error(ErrorKind::Usage, "--date", tr("expected a date YYYY-MM-DD"));
    if (!since.empty() && !isIsoDate(since))
        throw Error(ErrorKind::Usage, "--since", tr("expected a date YYYY-MM-DD"));
    if (!since.empty() && !date.empty() && since > date)
        throw Error(ErrorKind::Usage, "--since", tr("must not be after --date"));
    if (metricEpsg < 0)
        throw Error(ErrorKind::Usage, "--epsg", tr("expected a projected EPSG code"));
    if (threads < 1 || threads > 64)
        throw Error(ErrorKind::Usage, "--threads", tr("expected 1 to 64 threads"));
    for (const auto& [cls, kmh] : speedKmh)
        if (cls.empty() || !(kmh > 0) || kmh > 200)
            throw Error(ErrorKind::Usage, "--speed", tr("expected CLASS=KMH with a speed above 0 and at most 200"));
}

AnalyzeResult run(const AnalyzeRequest& request, Feedback& fb)
{
    StepTimer timer;
    // PROJ's database opened on a thread of its own while GDAL opens the project
    std::future<void> projDatabase = std::async(std::launch::async, [] { crs::warmUp(); });
    auto store = ProjectStore::open(request.project, ProjectStore::Mode::ReadWrite);
    timer("task: open (GDAL)");
    if (!store->hasLayer("villages"))
        throw Error(ErrorKind::Format, store->path(), std::string(tr("the project has no layer")) + " 'villages'");
    AnalyzeResult r;
    r.project = store->path();
    r.thresholds = analysis::loadThresholds(*store);
    fb.setStep(tr("Checking what changed"));

    // the metric CRS, the date, the fingerprints
    {
        const auto info = store->layerInfo("villages");
        if (request.metricEpsg > 0) {
            r.metricEpsg = request.metricEpsg;
            r.metricCrsName = crs::crsName(request.metricEpsg);
        } else {
            const auto m = analysis::chooseMetricCrs(info.extent);
            r.metricEpsg = m.epsg;
            r.metricCrsName = m.name;
        }
    }
    timer("task: thresholds, metric CRS");
    // the store's own connection where it has one (its schema is parsed already)
    Db ownDb;
    sqlite3* db = store->readHandle();
    if (!db) {
        ownDb = openReadOnly(store->path());
        db = ownDb.get();
    }
    std::map<std::string, std::string> fp, lastChange;
    for (const auto& part : parts())
        for (const char* l : part.layers)
            if (!fp.count(l))
                fp[l] = fingerprint(db, l, &lastChange[l]);
    // stored state of the last run: part -> layer -> fingerprint, and the date it was computed at
    std::map<std::string, std::map<std::string, std::string>> state;
    std::map<std::string, std::string> stateDate;
    if (store->hasLayer("analysis_state")) {
        const Layer st = store->readLayer("analysis_state");
        for (const auto& f : st.features) {
            state[st.text(f, "part")][st.text(f, "layer")] = st.text(f, "fingerprint");
            stateDate[st.text(f, "part")] = st.text(f, "computed");
        }
    }
    // the latest date of the shops: stored with the shops' fingerprint ("@latest" = "FP#DATE"),
    // scanned only when the shops changed (three scans of every shop otherwise)
    std::string latest;
    if (request.date.empty()) {
        const std::string& known = state["economy"]["@latest"];
        const size_t hash = known.rfind('#');
        latest = hash != std::string::npos && known.compare(0, hash, fp["shops"]) == 0 && hash == fp["shops"].size()
                     ? known.substr(hash + 1)
                     : latestDateSql(db);
    }
    r.date = request.date.empty() ? latest : request.date;
    if (r.date.empty())
        r.date = "0000-00-00";
    r.since = request.since;
    if (!r.since.empty() && r.since > r.date)
        throw Error(ErrorKind::Usage, "--since", tr("must not be after --date"));

    analysis::AnalysisOptions options;
    options.date = r.date;
    options.since = r.since;
    options.metricEpsg = r.metricEpsg;
    options.threads = request.threads;
    options.thresholds = r.thresholds;
    options.gapsInVillageCrs = true;  // stored in the project's CRS without a second transformation
    {
        // the project's road speeds (bando settings --speed) are the defaults; the request's win
        const RoadSpeeds stored = loadRoadSpeeds(*store);
        options.access.speedKmh = stored.speedKmh;
        options.access.otherKmh = stored.otherKmh;
        options.access.offRoadKmh = stored.offRoadKmh;
    }
    for (const auto& [cls, kmh] : request.speedKmh)
        options.access.speedKmh[cls] = kmh;

    std::map<std::string, std::string> settings;
    settings["economy"] = r.date + "|" + r.since + "|" + std::to_string(r.metricEpsg);
    settings["coverage"] = num(r.thresholds.noSignalShareAny) + "|" + num(r.thresholds.unstableShareGood) + "|" +
                           num(r.thresholds.broadbandShare) + "|" + num(r.thresholds.broadbandDistanceM) + "|" +
                           std::to_string(r.metricEpsg);
    {
        std::string s = std::to_string(r.metricEpsg);
        for (const auto& [cls, kmh] : options.access.speedKmh)
            s += "|" + cls + "=" + num(kmh);
        s += "|" + num(options.access.otherKmh) + "|" + num(options.access.offRoadKmh);
        settings["access"] = s;
    }
    ownDb.reset();
    db = nullptr;
    timer("task: open, fingerprints");
    std::map<std::string, bool> reuse;
    for (const auto& part : parts()) {
        bool same = !request.force && state.count(part.name) && state[part.name]["@settings"] == settings[part.name];
        for (const char* l : part.layers)
            same = same && state[part.name].count(l) && state[part.name][l] == fp[l];
        reuse[part.name] = same;
        (same ? r.reused : r.recomputed).push_back(part.name);
    }

    // stored rows for the reused parts
    Layer stored;
    std::set<std::string> datesNeeded;
    for (const auto& part : parts())
        if (reuse[part.name])
            datesNeeded.insert(stateDate[part.name]);
    if (!datesNeeded.empty() && store->hasLayer("village_indicators"))
        stored = store->readLayer("village_indicators", &fb);
    auto storedRows = [&](const std::string& date) {
        std::map<std::string, const Feature*> rows;
        for (const auto& f : stored.features)
            if (stored.text(f, "date") == date)
                rows[stored.text(f, "village_code")] = &f;
        return rows;
    };
    // a reused part needs a stored row for every village at the date it was computed at (rows
    // deleted by hand: recompute the part)
    const int64_t villageCount = store->layerInfo("villages").featureCount;
    for (const auto& part : parts()) {
        if (!reuse[part.name])
            continue;
        const std::string& d = stateDate[part.name];
        int64_t rows = 0;
        for (const auto& f : stored.features)
            rows += stored.text(f, "date") == d ? 1 : 0;
        if (rows != villageCount) {
            reuse[part.name] = false;
            r.reused.erase(std::find(r.reused.begin(), r.reused.end(), part.name));
            r.recomputed.push_back(part.name);
        }
    }
    bool allReused = r.recomputed.empty();
    timer("task: stored rows");

    if (allReused) {
        // nothing changed: the stored results are the answer
        for (const auto& f : stored.features) {
            if (stored.text(f, "date") != r.date)
                continue;
            VillageIndicators v;
            for (const auto& part : parts())
                fromRow(stored, f, v, part.name);
            r.villages.push_back(std::move(v));
        }
        if (static_cast<int64_t>(r.villages.size()) != villageCount)
            allReused = false;  // rows deleted by hand: recompute everything
        else {
            analysis::AnalysisInput names;
            Layer communes, districts;
            if (store->hasLayer("districts")) {
                districts = store->readLayer("districts");
                names.districts = &districts;
            }
            if (store->hasLayer("communes")) {
                communes = store->readLayer("communes");
                names.communes = &communes;
            }
            r.rollups = analysis::rollUp(r.villages, names);
            if (store->hasLayer("coverage_gaps"))
                r.gapRows = store->layerInfo("coverage_gaps").featureCount;
            std::istringstream shops(state["economy"]["@shops"]);
            shops >> r.shopsTotal >> r.shopsLocated >> r.shopsOutside >> r.shopsBoundary >> r.shopsTabular >>
                r.shopsCodeMismatch;
            r.total = r.province() ? r.province()->counts : analysis::ClassCounts{};
            fb.setProgress(100);
            return r;
        }
        r.reused.clear();
        r.recomputed.clear();
        for (const auto& part : parts()) {
            reuse[part.name] = false;
            r.recomputed.push_back(part.name);
        }
    }

    // the metric CRS's transformations made from PROJ's database (about 8 ms each) on a thread of
    // their own while the layers are read: the analysis's threads then only copy them
    std::future<void> projReady = std::async(std::launch::async, [epsg = r.metricEpsg] {
        try {
            crs::prepareTransform(crs::kWgs84, epsg);
            crs::prepareTransform(epsg, crs::kWgs84);
        } catch (const Error&) {
            // the analysis's own transform reports it
        }
    });

    // read the inputs; the shops, the largest layer, on a thread of their own through a second
    // (read-only) connection from now on, while the other layers are read and the analysis runs
    // (the analysis takes them through shopsReader on its economy thread, and frees them there)
    std::future<std::shared_ptr<const PointColumns>> shopsRead;
    if (!reuse["economy"] && store->hasLayer("shops"))
        shopsRead = std::async(std::launch::async, [&] {
            StepTimer shopsTimer;
            auto shops = std::make_shared<const PointColumns>(
                ProjectStore::open(request.project, ProjectStore::Mode::ReadOnly)
                    ->readPointColumns("shops", analysis::kShopColumns, &fb));
            shopsTimer("task: read shops (own thread)");
            return shops;
        });
    fb.setStep(tr("Reading layers"));
    std::map<std::string, Layer> layers;
    auto need = [&](const char* name) -> const Layer* {
        if (!store->hasLayer(name))
            return nullptr;
        auto it = layers.find(name);
        if (it == layers.end()) {
            it = layers.emplace(name, store->readLayer(name, &fb)).first;
            timer(("task: read " + std::string(name)).c_str());
        }
        return &it->second;
    };
    analysis::AnalysisInput in;
    in.villages = need("villages");
    in.settlements = need("settlements");
    in.communes = need("communes");
    in.districts = need("districts");
    options.parts.economy = !reuse["economy"];
    options.parts.coverage = !reuse["coverage"];
    options.parts.access = !reuse["access"];
    if (options.parts.economy) {
        if (shopsRead.valid())
            in.shopsReader = [&]() { return shopsRead.get(); };
        in.teams = need("teams");
        in.targets = need("targets");
    }
    if (options.parts.coverage) {
        in.coverage = need("coverage");
        in.broadbandNodes = need("broadband_nodes");
        in.fibre = need("fibre");
    }
    if (options.parts.access) {
        in.roads = need("roads");
        in.places = need("places");
    }
    timer("task: read (the rest)");

    // The results are stored in one transaction. The coverage part's (village_coverage and
    // coverage_gaps) are written as soon as the analysis has them, while its economy and access
    // parts still run on the other cores.
    std::optional<ProjectStore::Transaction> t;
    bool sharesStored = false, gapsStored = false;
    // The writes that need no result of the analysis, done once, as early as the transaction
    // is open (in afterShares, while the gap rows go back to the villages' CRS on a thread):
    // the rows this run replaces, and the inputs' change counters. Where a layer had no counter
    // yet (first run, or a program re-created the table), its triggers are installed now and the
    // state records the counter, so the next run reads no row of it.
    bool earlyDone = false;
    auto earlyWrites = [&] {
        if (earlyDone)
            return;
        earlyDone = true;
        if (!t)
            t.emplace(*store);
        store->deleteWhere("village_indicators", {{"date", r.date}});
        store->deleteWhere("unit_indicators", {{"date", r.date}});
        std::vector<std::string> inputs;
        for (const auto& [layer, value] : fp)
            if (!value.empty())
                inputs.push_back(layer);
        for (const auto& [layer, changes] : store->ensureChangeCounters(inputs))
            if (changes >= 0 && fp[layer].rfind("changes ", 0) != 0)
                fp[layer] = counterFingerprint(changes, lastChange[layer]);
    };
    auto storeShares = [&](analysis::AnalysisOutput& o) {
        fb.setStep(tr("Storing results"));
        if (!t)
            t.emplace(*store);
        Layer vc = schema::makeLayer("village_coverage");
        for (const auto& v : o.villages)
            for (const auto& c : v.coverage) {
                Feature& f = vc.addFeature(Geometry{});
                vc.set(f, "village_code", v.code);
                vc.set(f, "operator", c.op);
                vc.set(f, "technology", c.tech);
                vc.set(f, "area_good_share", c.areaGood);
                vc.set(f, "area_weak_only_share", c.areaWeakOnly);
                vc.set(f, "hh_good_share", c.hhGood);
                vc.set(f, "hh_weak_only_share", c.hhWeakOnly);
                vc.set(f, "centre_signal", c.centre);
            }
        store->replaceLayer(vc, &fb);
        timer("task: store village_coverage");
        sharesStored = true;
        earlyWrites();
        timer("task: old rows deleted, change counters");
    };
    auto storeGaps = [&](analysis::AnalysisOutput& o) {
        if (!t)
            t.emplace(*store);
        Layer gaps = schema::makeLayer("coverage_gaps");
        gaps.epsg = o.gapEpsg > 0 ? o.gapEpsg : r.metricEpsg;
        for (auto& g : o.gaps) {
            Feature& f = gaps.addFeature(std::move(g.geom));
            gaps.set(f, "village_code", g.villageCode);
            gaps.set(f, "commune_code", g.communeCode);
            gaps.set(f, "district_code", g.districtCode);
            gaps.set(f, "operator", g.op);
            gaps.set(f, "kind", g.kind);
            gaps.set(f, "area_m2", g.areaM2);
            gaps.set(f, "households", g.households);
        }
        store->replaceLayer(gaps, &fb);
        r.gapRows = static_cast<int64_t>(gaps.features.size());
        timer("task: store coverage_gaps");
        gapsStored = true;
    };
    if (options.parts.coverage) {
        options.afterShares = storeShares;
        options.afterGaps = storeGaps;
    }
    fb.setStep(tr("Analysing villages"));
    analysis::AnalysisOutput out = analysis::analyze(in, options, &fb);
    // the reused parts from the stored rows
    for (const auto& part : parts()) {
        if (!reuse[part.name])
            continue;
        const auto rows = storedRows(stateDate[part.name]);
        for (auto& v : out.villages) {
            auto it = rows.find(v.code);
            if (it == rows.end())
                throw Error(ErrorKind::Store, r.project, "village_indicators has no stored row for village " + v.code);
            fromRow(stored, *it->second, v, part.name);
        }
    }
    if (reuse["coverage"] && !reuse["economy"]) {
        // penetration uses the households of the (reused) coverage part
        for (auto& v : out.villages)
            if (v.households > 0) {
                v.shopPct = 100.0 * static_cast<double>(v.shops) / static_cast<double>(v.households);
                v.epayPct = 100.0 * static_cast<double>(v.epay) / static_cast<double>(v.households);
                v.locomotivePct = 100.0 * static_cast<double>(v.locomotive) / static_cast<double>(v.households);
            }
    }
    out.rollups = analysis::rollUp(out.villages, in);
    throwIfCancelled(&fb);
    timer("task: analysis");

    // ---- store: one transaction ----
    fb.setStep(tr("Storing results"));
    {
        if (!t)
            t.emplace(*store);
        Layer vi = schema::makeLayer("village_indicators");
        vi.features.reserve(out.villages.size());
        FieldSetter setVi(vi);
        for (const auto& v : out.villages)
            toRow(setVi, vi.addFeature(Geometry{}), v, r.date, r.since, r.metricEpsg);
        earlyWrites();
        store->appendFeatures(vi, &fb);
        Layer ui = schema::makeLayer("unit_indicators");
        FieldSetter setUi(ui);
        for (const auto& ru : out.rollups)
            rollupToRow(setUi, ui.addFeature(Geometry{}), ru, r.date);
        store->appendFeatures(ui, &fb);
        timer("task: store indicators");
        if (options.parts.coverage && !sharesStored)
            storeShares(out);
        if (options.parts.coverage && !gapsStored)
            storeGaps(out);
        if (!options.parts.coverage && store->hasLayer("coverage_gaps")) {
            r.gapRows = store->layerInfo("coverage_gaps").featureCount;
        }
        earlyWrites();
        Layer st = schema::makeLayer("analysis_state");
        for (const auto& part : parts()) {
            const std::string computed = reuse[part.name] ? stateDate[part.name] : r.date;
            auto row = [&](const std::string& layer, const std::string& value) {
                Feature& f = st.addFeature(Geometry{});
                st.set(f, "part", std::string(part.name));
                st.set(f, "layer", layer);
                st.set(f, "fingerprint", value);
                st.set(f, "computed", computed);
            };
            row("@settings", settings[part.name]);
            if (std::string(part.name) == "economy") {
                const std::string known = request.date.empty() ? fp["shops"] + "#" + latest : state["economy"]["@latest"];
                if (!known.empty())
                    row("@latest", known);  // (a stale one is never used: its fingerprint differs)
            }
            if (std::string(part.name) == "economy")
                row("@shops", reuse["economy"] ? state["economy"]["@shops"]
                                               : std::to_string(out.shopsTotal) + " " + std::to_string(out.shopsLocated) +
                                                     " " + std::to_string(out.shopsOutside) + " " +
                                                     std::to_string(out.shopsBoundary) + " " +
                                                     std::to_string(out.shopsTabular) + " " +
                                                     std::to_string(out.shopsCodeMismatch));
            for (const char* l : part.layers)
                row(l, fp[l]);
        }
        store->replaceLayer(st, &fb);
        throwIfCancelled(&fb);
        timer("task: store state");
        t->commit();
        timer("task: commit");
    }


    r.villages = std::move(out.villages);
    r.rollups = std::move(out.rollups);
    r.notes = std::move(out.notes);
    if (reuse["economy"]) {
        std::istringstream shops(state["economy"]["@shops"]);
        shops >> r.shopsTotal >> r.shopsLocated >> r.shopsOutside >> r.shopsBoundary >> r.shopsTabular >>
            r.shopsCodeMismatch;
    } else {
        r.shopsTotal = out.shopsTotal;
        r.shopsLocated = out.shopsLocated;
        r.shopsOutside = out.shopsOutside;
        r.shopsBoundary = out.shopsBoundary;
        r.shopsTabular = out.shopsTabular;
        r.shopsCodeMismatch = out.shopsCodeMismatch;
    }
    r.total = r.province() ? r.province()->counts : analysis::ClassCounts{};
    fb.setProgress(100);
    return r;
}

} // namespace bando::tasks
