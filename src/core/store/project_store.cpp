#include "core/store/project_store.hpp"

#include "core/base/error.hpp"
#include "core/capi/gdal.hpp"
#include "core/capi/ogr_types.hpp"
#include "core/capi/sqlite.hpp"
#include "core/crs/reproject.hpp"
#include "core/i18n/i18n.hpp"
#include "core/model/schema.hpp"
#include "core/store/gpkg_fast.hpp"
#include "core/store/project_lock.hpp"
#include "core/tasks/job.hpp"

#include <cpl_string.h>
#include <ogr_spatialref.h>
#include <sqlite3.h>

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cmath>
#include <cstring>
#include <string_view>
#include <type_traits>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <set>

namespace fs = std::filesystem;

namespace bando {
using gdal::fromOgr;
using gdal::toOgr;

namespace {

constexpr const char* kMetaTable = "bando_meta";

// Paths of the projects this process has open for writing (absolute), for a clear message
// before the file lock (which would refuse the second writer too) is even tried.
std::set<std::string>& openForWriting()
{
    static std::set<std::string> paths;
    return paths;
}
std::mutex& openForWritingMutex()
{
    static std::mutex m;
    return m;
}

// The file may be written: its permission bits allow it (chmod a-w means read-only, even for
// root, who would otherwise write it anyway) and the process has write access to it.
bool fileWritable(const std::string& path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && (st.st_mode & 0222) != 0 && ::access(path.c_str(), W_OK) == 0;
}

// SQLite writes its rollback journal beside the file: the folder must be writable too.
bool folderWritable(const std::string& path)
{
    fs::path dir = fs::absolute(path).parent_path();
    return ::access(dir.c_str(), W_OK) == 0;
}

} // namespace

std::optional<Diagnostic> recoverInterruptedProject(const std::string& path)
{
    const sqlite::Leftover before = sqlite::leftoverOf(path);
    const bool writable = fileWritable(path) && folderWritable(path);
    if (!before.any() && (!before.staleJournal || !writable))
        return std::nullopt;  // nothing to replay (a stale journal is only tidied when possible)
    if (!writable)
        throw Error(ErrorKind::Store, path,
                    tr("the project was left unfinished by an interrupted write and cannot be recovered because "
                       "the file or its folder is read-only; make them writable (chmod u+w) and open the project "
                       "again"));
    // A live Bando writer holds the exclusive lock: its journal is not left over, leave it alone.
    std::unique_ptr<ProjectLock> lock;
    try {
        lock = std::make_unique<ProjectLock>(path, ProjectLock::Kind::Exclusive);
    } catch (const Error&) {
        return std::nullopt;
    }
    const sqlite::Leftover after = sqlite::recoverInterruptedWrite(path);
    if (!before.any())
        return std::nullopt;  // a stale journal removed: nothing changed, nothing to tell
    if (after.journal || (before.wal && after.wal))
        return std::nullopt;  // another program (not Bando) still uses the file
    Diagnostic d;
    d.severity = Severity::Warning;
    d.where = path;
    d.message = before.journal
                    ? tr("the project had been left by an interrupted write (a crash or kill); it was recovered: "
                         "the unfinished change was undone and the project is as it was before it")
                    : tr("the project had been left with a write-ahead log by an interrupted program; it was "
                         "recovered: the committed changes were kept and the log was merged into the file");
    return d;
}

ProjectStore::ProjectStore(std::string path, Mode mode, GDALDatasetUniquePtr ds)
    : m_path(std::move(path)), m_mode(mode), m_ds(std::move(ds))
{
}

// Marks `path` open for writing in this process and takes the exclusive file lock.
static std::unique_ptr<ProjectLock> lockForWriting(const std::string& path)
{
    std::lock_guard g(openForWritingMutex());
    const std::string key = fs::absolute(path).string();
    if (openForWriting().count(key))
        throw Error(ErrorKind::Store, path, tr("the project is already open for writing"));
    auto lock = std::make_unique<ProjectLock>(path, ProjectLock::Kind::Exclusive);
    openForWriting().insert(key);
    return lock;
}

ProjectStore::~ProjectStore()
{
    try {
        close();
    } catch (...) {
    }
}

std::unique_ptr<ProjectStore> ProjectStore::create(const std::string& path)
{
    gdal::init();
    if (fs::exists(path))
        throw Error(ErrorKind::Io, path, tr("file already exists"));
    gdal::ErrorCapture cap;
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
    if (!drv)
        throw Error(ErrorKind::Internal, path, "GDAL has no GPKG driver");
    CPLStringList opts;
    opts.SetNameValue("VERSION", "1.3");
    GDALDatasetUniquePtr ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, opts.List()));
    if (!ds)
        throw Error(ErrorKind::Io, path, tr("cannot create project: ") + cap.lastMessage());
    std::unique_ptr<ProjectStore> store(new ProjectStore(path, Mode::ReadWrite, std::move(ds)));
    store->m_writerLock = lockForWriting(path);
    store->migrate();
    return store;
}

std::unique_ptr<ProjectStore> ProjectStore::open(const std::string& path, Mode mode)
{
    gdal::init();
    if (!fs::exists(path))
        throw Error(ErrorKind::Io, path, tr("no such file"));
    if (mode == Mode::ReadWrite && !fileWritable(path))
        throw Error(ErrorKind::Store, path,
                    tr("the project file is read-only, so it cannot be changed; make it writable (chmod u+w) or "
                       "work on a copy"));
    if (mode == Mode::ReadWrite && !folderWritable(path))
        throw Error(ErrorKind::Store, path,
                    tr("the folder of the project is read-only, so the project cannot be changed (SQLite writes a "
                       "journal beside it); make the folder writable or work on a copy elsewhere"));
    std::optional<Diagnostic> recovered = recoverInterruptedProject(path);
    if (recovered)
        if (Feedback* fb = tasks::FeedbackScope::current())
            fb->notify(*recovered);
    gdal::ErrorCapture cap;
    const char* drivers[] = {"GPKG", nullptr};
    unsigned flags = GDAL_OF_VECTOR | (mode == Mode::ReadWrite ? GDAL_OF_UPDATE : GDAL_OF_READONLY);
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), flags, drivers, nullptr, nullptr));
    if (!ds)
        throw Error(ErrorKind::Format, path, trf("not a readable GeoPackage ({1}): check that it is a Bando project and not damaged", {cap.lastMessage()}));
    std::unique_ptr<ProjectStore> store(new ProjectStore(path, mode, std::move(ds)));
    store->m_recovered = std::move(recovered);
    if (!store->m_ds->GetLayerByName(kMetaTable))
        throw Error(ErrorKind::Format, path, tr("not a Bando project (it is a GeoPackage without the bando_meta table): import it into a project instead"));
    int v = store->schemaVersion();
    if (v > schema::currentVersion())
        throw Error(ErrorKind::Store, path,
                    trf("project schema version {1} is newer than this Bando ({2}): open it with a newer Bando",
                        {std::to_string(v), std::to_string(schema::currentVersion())}));
    if (mode == Mode::ReadWrite) {
        store->m_writerLock = lockForWriting(path);
        store->migrate();
    }
    return store;
}

void ProjectStore::close()
{
    if (!m_ds)
        return;
    if (m_inTransaction) {
        m_ds->RollbackTransaction();
        m_inTransaction = false;
    }
    m_ds.reset();
    if (m_writerLock) {
        std::lock_guard g(openForWritingMutex());
        openForWriting().erase(fs::absolute(m_path).string());
        m_writerLock.reset();
    }
}

int ProjectStore::schemaVersion() const
{
    auto v = meta("schema_version");
    return v ? std::stoi(*v) : 0;
}

std::optional<std::string> ProjectStore::meta(const std::string& key) const
{
    OGRLayer* l = m_ds->GetLayerByName(kMetaTable);
    if (!l)
        return std::nullopt;
    // Read to the end (or reset): a statement left pending on bando_meta makes SQLite refuse a
    // later DROP TABLE on this connection with "database table is locked" (finding F1).
    std::optional<std::string> found;
    l->ResetReading();
    for (auto& f : *l)
        if (!found && key == f->GetFieldAsString("key"))
            found = std::string(f->GetFieldAsString("value"));
    l->ResetReading();
    return found;
}

std::map<std::string, std::string> ProjectStore::allMeta() const
{
    std::map<std::string, std::string> out;
    OGRLayer* l = m_ds->GetLayerByName(kMetaTable);
    if (!l)
        return out;
    l->ResetReading();
    for (auto& f : *l)
        out[f->GetFieldAsString("key")] = f->GetFieldAsString("value");
    return out;
}

std::vector<std::string> ProjectStore::layerNames() const
{
    std::vector<std::string> names;
    for (int i = 0; i < m_ds->GetLayerCount(); ++i) {
        std::string n = m_ds->GetLayer(i)->GetName();
        if (n != kMetaTable)
            names.push_back(n);
    }
    return names;
}

bool ProjectStore::hasLayer(const std::string& name) const
{
    return name != kMetaTable && m_ds->GetLayerByName(name.c_str()) != nullptr;
}

LayerInfo ProjectStore::layerInfo(const std::string& name) const
{
    OGRLayer* l = m_ds->GetLayerByName(name.c_str());
    if (!l)
        throw Error(ErrorKind::Store, m_path, "no layer '" + name + "'");
    LayerInfo info;
    info.name = name;
    info.geomType = fromOgr(l->GetGeomType());
    info.featureCount = l->GetFeatureCount(TRUE);
    OGREnvelope env;
    if (info.geomType != GeomType::None && info.featureCount > 0 && l->GetExtent(&env, TRUE) == OGRERR_NONE)
        info.extent = {env.MinX, env.MinY, env.MaxX, env.MaxY};
    if (const char* d = l->GetMetadataItem("DESCRIPTION"))
        info.description = d;
    return info;
}

Layer ProjectStore::readLayer(const std::string& name, const Feedback* fb) const
{
    OGRLayer* l = name == kMetaTable ? nullptr : m_ds->GetLayerByName(name.c_str());
    if (!l)
        throw Error(ErrorKind::Store, m_path, "no layer '" + name + "'");
    if (std::optional<Layer> fast = readLayerFast(l, fb)) {
        fast->name = name;
        return std::move(*fast);
    }
    Layer out;
    out.name = name;
    out.geomType = fromOgr(l->GetGeomType());
    out.epsg = 4326;
    OGRFeatureDefn* defn = l->GetLayerDefn();
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        OGRFieldDefn* fd = defn->GetFieldDefn(i);
        out.fields.push_back({fd->GetNameRef(), fromOgr(fd->GetType()), fd->GetWidth(), !fd->IsNullable()});
    }
    const int64_t total = std::max<GIntBig>(1, l->GetFeatureCount(FALSE));
    std::vector<unsigned char> wkb;
    l->ResetReading();
    int64_t n = 0;
    for (auto& f : *l) {
        if ((++n & 1023) == 0) {
            throwIfCancelled(fb);
        }
        Feature feat;
        feat.fid = f->GetFID();
        feat.values.resize(out.fields.size());
        for (int i = 0; i < defn->GetFieldCount(); ++i) {
            if (!f->IsFieldSetAndNotNull(i))
                continue;
            switch (out.fields[i].type) {
            case FieldType::Integer: feat.values[i] = static_cast<int64_t>(f->GetFieldAsInteger64(i)); break;
            case FieldType::Real: feat.values[i] = f->GetFieldAsDouble(i); break;
            default: feat.values[i] = std::string(f->GetFieldAsString(i)); break;
            }
        }
        if (const OGRGeometry* g = f->GetGeometryRef()) {
            wkb.resize(g->WkbSize());
            g->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
            feat.geom = fromWkb(wkb.data(), wkb.size());
        }
        out.features.push_back(std::move(feat));
    }
    (void)total;
    return out;
}

// ---- transactions ----

ProjectStore::Transaction::Transaction(ProjectStore& store) : m_store(&store)
{
    if (!store.writable())
        throw Error(ErrorKind::Store, store.path(), tr("project is open read-only"));
    if (store.m_inTransaction)
        throw Error(ErrorKind::Store, store.path(), "nested transaction");
    gdal::ErrorCapture cap;
    if (store.m_ds->StartTransaction(TRUE) != OGRERR_NONE)
        throw Error(ErrorKind::Store, store.path(), "cannot start transaction: " + cap.lastMessage());
    store.m_inTransaction = true;
    m_layersBefore = store.gdalLayerList();
}

ProjectStore::Transaction::~Transaction()
{
    if (!m_done && m_store->m_ds && m_store->m_inTransaction) {
        gdal::ErrorCapture cap;
        m_store->m_ds->RollbackTransaction();
        m_store->m_inTransaction = false;
        // A layer created (or deleted) inside the transaction stays in (or out of) GDAL's list
        // although SQLite undid it: reopen so the list is the file's again (fuzz_import finding).
        if (m_store->gdalLayerList() != m_layersBefore) {
            try {
                m_store->reopenDataset();
            } catch (...) {
                // A destructor must not throw; the next use of the store reports the problem.
            }
        }
    }
}

std::vector<std::string> ProjectStore::gdalLayerList() const
{
    std::vector<std::string> names;
    for (int i = 0; i < m_ds->GetLayerCount(); ++i)
        names.emplace_back(m_ds->GetLayer(i)->GetName());
    return names;
}

void ProjectStore::reopenDataset()
{
    gdal::ErrorCapture cap;
    m_ds.reset();
    const char* drivers[] = {"GPKG", nullptr};
    const unsigned flags = GDAL_OF_VECTOR | (m_mode == Mode::ReadWrite ? GDAL_OF_UPDATE : GDAL_OF_READONLY);
    m_ds.reset(GDALDataset::Open(m_path.c_str(), flags, drivers, nullptr, nullptr));
    if (!m_ds)
        throw Error(ErrorKind::Store, m_path, "cannot reopen the project after a rollback: " + cap.lastMessage());
}

void ProjectStore::Transaction::commit()
{
    gdal::ErrorCapture cap;
    m_store->m_inTransaction = false;
    m_done = true;
    if (m_store->m_ds->CommitTransaction() != OGRERR_NONE)
        throw Error(ErrorKind::Store, m_store->path(), "commit failed: " + cap.lastMessage());
}

void ProjectStore::requireTransaction(const char* what) const
{
    if (!m_inTransaction)
        throw Error(ErrorKind::Store, m_path, std::string(what) + " outside a transaction");
}

void ProjectStore::setMeta(const std::string& key, const std::string& value)
{
    requireTransaction("setMeta");
    OGRLayer* l = m_ds->GetLayerByName(kMetaTable);
    if (!l)
        throw Error(ErrorKind::Store, m_path, "no bando_meta table");
    gdal::ErrorCapture cap;
    l->ResetReading();
    for (auto& f : *l) {
        if (key == f->GetFieldAsString("key")) {
            f->SetField("value", value.c_str());
            const bool ok = l->SetFeature(f.get()) == OGRERR_NONE;
            l->ResetReading();  // no statement left pending (see meta())
            if (!ok)
                throw Error(ErrorKind::Store, m_path, "cannot write metadata: " + cap.lastMessage());
            return;
        }
    }
    OGRFeature f(l->GetLayerDefn());
    f.SetField("key", key.c_str());
    f.SetField("value", value.c_str());
    if (l->CreateFeature(&f) != OGRERR_NONE)
        throw Error(ErrorKind::Store, m_path, "cannot write metadata: " + cap.lastMessage());
}

void ProjectStore::createLayerFromSchema(const std::string& name, const Layer* fallback)
{
    gdal::ErrorCapture cap;
    const schema::LayerSchema* known = nullptr;
    for (const auto& s : schema::all())
        if (s.name == name)
            known = &s;
    GeomType gt = known ? known->geomType : (fallback ? fallback->geomType : GeomType::None);
    const std::vector<FieldDef>& fields = known ? known->fields : fallback->fields;
    OGRSpatialReference srs;
    srs.importFromEPSG(4326);
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    CPLStringList opts;
    opts.SetNameValue("FID", "fid");
    if (gt != GeomType::None)
        opts.SetNameValue("GEOMETRY_NAME", "geom");
    if (known && !known->description.empty())
        opts.SetNameValue("DESCRIPTION", known->description.c_str());
    OGRLayer* l = m_ds->CreateLayer(name.c_str(), gt == GeomType::None ? nullptr : &srs, toOgr(gt), opts.List());
    if (!l)
        throw Error(ErrorKind::Store, m_path, "cannot create layer '" + name + "': " + cap.lastMessage());
    for (const auto& f : fields) {
        OGRFieldDefn fd(f.name.c_str(), toOgr(f.type));
        if (f.width > 0)
            fd.SetWidth(f.width);
        fd.SetNullable(!f.notNull);
        if (l->CreateField(&fd) != OGRERR_NONE)
            throw Error(ErrorKind::Store, m_path,
                        "cannot create field '" + f.name + "' in '" + name + "': " + cap.lastMessage());
    }
}

void ProjectStore::writeFeatures(const Layer& input, const Feedback* fb)
{
    OGRLayer* l = m_ds->GetLayerByName(input.name.c_str());
    const Layer* src = &input;
    Layer reprojected;
    if (input.epsg != 4326) {
        reprojected = input;
        crs::reproject(reprojected, 4326);
        src = &reprojected;
    }
    if (writeFeaturesFast(l, *src, fb))
        return;
    OGRFeatureDefn* defn = l->GetLayerDefn();
    // map input fields to the layer's fields by name
    std::vector<int> map(src->fields.size(), -1);
    for (size_t i = 0; i < src->fields.size(); ++i)
        map[i] = defn->GetFieldIndex(src->fields[i].name.c_str());
    gdal::ErrorCapture cap;
    size_t row = 0;
    for (const auto& feat : src->features) {
        ++row;
        if ((row & 1023) == 0)
            throwIfCancelled(fb);
        OGRFeature f(defn);
        for (size_t i = 0; i < src->fields.size() && i < feat.values.size(); ++i) {
            if (map[i] < 0)
                continue;
            const Value& v = feat.values[i];
            if (auto* iv = std::get_if<int64_t>(&v))
                f.SetField(map[i], static_cast<GIntBig>(*iv));
            else if (auto* dv = std::get_if<double>(&v))
                f.SetField(map[i], *dv);
            else if (auto* sv = std::get_if<std::string>(&v))
                f.SetField(map[i], sv->c_str());
            else
                f.SetFieldNull(map[i]);
        }
        if (!feat.geom.isEmpty()) {
            std::vector<uint8_t> wkb = toWkb(feat.geom);
            OGRGeometry* raw = nullptr;
            const OGRErr err = OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &raw, wkb.size());
            OGRGeometryUniquePtr g(raw);
            if (err != OGRERR_NONE || !g)
                throw Error(ErrorKind::Geometry, m_path + ": " + input.name + " row " + std::to_string(row),
                            "cannot encode geometry");
            // forceTo…() take ownership of their argument and return the result.
            if (wkbFlatten(l->GetGeomType()) == wkbMultiPolygon && wkbFlatten(g->getGeometryType()) == wkbPolygon)
                g.reset(OGRGeometryFactory::forceToMultiPolygon(g.release()));
            else if (wkbFlatten(l->GetGeomType()) == wkbMultiLineString &&
                     wkbFlatten(g->getGeometryType()) == wkbLineString)
                g.reset(OGRGeometryFactory::forceToMultiLineString(g.release()));
            f.SetGeometryDirectly(g.release());  // the feature owns it from here, even on failure
        }
        if (l->CreateFeature(&f) != OGRERR_NONE)
            throw Error(ErrorKind::Store, m_path + ": " + input.name + " row " + std::to_string(row),
                        "cannot write feature: " + cap.lastMessage());
    }
}

// ---- the fast path: rows bound straight to GDAL's sqlite3 connection ----

namespace {

// How `src` maps onto a GeoPackage table, when the fast path gives exactly the rows the OGR path
// would store; nullopt sends the write through OGR. This is the one place that decides.
struct FastTarget {
    std::string table;
    std::string geomColumn;  // empty for an attribute table
    int32_t srsId = 0;
    GeomType type = GeomType::None;
    std::vector<int> column;         // input field -> layer field (-1: not stored)
    std::vector<std::string> names;  // of the stored columns, in INSERT order
};

int64_t queryInt64(sqlite3* db, const std::string& sql, const std::string& bindText, bool* isNull = nullptr)
{
    sqlite::StatementPtr st = sqlite::prepare(db, sql);
    if (!st)
        throw Error(ErrorKind::Store, "SQL", sqlite3_errmsg(db));
    sqlite3_stmt* raw = st.get();
    if (sqlite3_bind_parameter_count(raw) > 0)
        sqlite3_bind_text(raw, 1, bindText.c_str(), static_cast<int>(bindText.size()), SQLITE_TRANSIENT);
    int64_t v = -1;
    if (isNull)
        *isNull = true;
    if (sqlite3_step(raw) == SQLITE_ROW && sqlite3_column_type(raw, 0) != SQLITE_NULL) {
        v = sqlite3_column_int64(raw, 0);
        if (isNull)
            *isNull = false;
    }
    return v;
}

std::string textOf(sqlite3* db, const std::string& sql, const std::string& bindText)
{
    sqlite::StatementPtr st = sqlite::prepare(db, sql);
    if (!st)
        throw Error(ErrorKind::Store, "SQL", sqlite3_errmsg(db));
    sqlite3_stmt* raw = st.get();
    sqlite3_bind_text(raw, 1, bindText.c_str(), static_cast<int>(bindText.size()), SQLITE_TRANSIENT);
    std::string out;
    if (sqlite3_step(raw) == SQLITE_ROW)
        if (const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(raw, 0)))
            out = t;
    return out;
}

std::optional<FastTarget> fastTarget(sqlite3* db, OGRLayer* l, const Layer& src)
{
    if (!db || !l)
        return std::nullopt;
    FastTarget t;
    t.table = l->GetName();
    const char* fid = l->GetFIDColumn();
    if (!fid || !*fid)
        return std::nullopt;
    // a GeoPackage feature or attribute table (not a view or a table GDAL does not list)
    if (queryInt64(db,
                   "SELECT count(*) FROM gpkg_contents WHERE table_name = ? AND data_type IN ('features', "
                   "'attributes')",
                   t.table) != 1)
        return std::nullopt;
    const OGRwkbGeometryType lt = l->GetGeomType();
    if (lt != wkbNone) {
        if (wkbHasZ(lt) || wkbHasM(lt))
            return std::nullopt;
        t.type = fromOgr(lt);
        if (t.type == GeomType::None)
            return std::nullopt;  // unknown / collection layers: OGR decides
        const char* gc = l->GetGeometryColumn();
        if (!gc || !*gc)
            return std::nullopt;
        t.geomColumn = gc;
        bool isNull = true;
        const int64_t srs =
            queryInt64(db, "SELECT srs_id FROM gpkg_geometry_columns WHERE table_name = ?", t.table, &isNull);
        if (isNull)
            return std::nullopt;
        t.srsId = static_cast<int32_t>(srs);
    }
    // every geometry is the layer's type or promoted to it, and has points
    for (const auto& f : src.features) {
        if (f.geom.isEmpty())
            continue;
        if (t.type == GeomType::None || f.geom.pointCount() == 0)
            return std::nullopt;
        const GeomType g = f.geom.type;
        const bool ok = g == t.type || (g == GeomType::Polygon && t.type == GeomType::MultiPolygon) ||
                        (g == GeomType::LineString && t.type == GeomType::MultiLineString);
        if (!ok)
            return std::nullopt;
    }
    OGRFeatureDefn* defn = l->GetLayerDefn();
    t.column.assign(src.fields.size(), -1);
    for (size_t i = 0; i < src.fields.size(); ++i) {
        const int k = defn->GetFieldIndex(src.fields[i].name.c_str());
        t.column[i] = k;
        if (k < 0)
            continue;
        OGRFieldDefn* fd = defn->GetFieldDefn(k);
        const OGRFieldType ft = fd->GetType();
        if ((ft != OFTInteger && ft != OFTInteger64 && ft != OFTReal && ft != OFTString) || fd->GetSubType() != OFSTNone)
            return std::nullopt;
        // a row with fewer values leaves the field unset (its default), which one INSERT cannot
        if (fd->GetDefault() != nullptr)
            for (const auto& f : src.features)
                if (f.values.size() <= i)
                    return std::nullopt;
        for (size_t j = 0; j < i; ++j)
            if (t.column[j] == k)
                return std::nullopt;  // two input fields on one column: OGR's last-wins
    }
    return t;
}

// The sqlite3 type OGR's GPKG driver binds for `v` in a field of type `ft`: the value as is when
// it is already of the field's type, else converted the way OGRFeature::SetField converts it.
void bindValue(sqlite3_stmt* st, int index, const Value& v, OGRFieldType ft, OGRFeature& scratch, int scratchField)
{
    if (std::holds_alternative<std::monostate>(v)) {
        sqlite3_bind_null(st, index);
        return;
    }
    if (ft == OFTInteger64 || ft == OFTInteger) {
        if (auto* iv = std::get_if<int64_t>(&v)) {
            if (ft == OFTInteger64 || (*iv >= INT32_MIN && *iv <= INT32_MAX)) {
                sqlite3_bind_int64(st, index, *iv);
                return;
            }
        }
    } else if (ft == OFTReal) {
        if (auto* dv = std::get_if<double>(&v)) {
            sqlite3_bind_double(st, index, *dv);
            return;
        }
    } else if (auto* sv = std::get_if<std::string>(&v)) {
        sqlite3_bind_text(st, index, sv->data(), static_cast<int>(sv->size()), SQLITE_STATIC);
        return;
    }
    // a value of another type: let OGR convert it
    if (auto* iv = std::get_if<int64_t>(&v))
        scratch.SetField(scratchField, static_cast<GIntBig>(*iv));
    else if (auto* dv = std::get_if<double>(&v))
        scratch.SetField(scratchField, *dv);
    else
        scratch.SetField(scratchField, std::get<std::string>(v).c_str());
    if (!scratch.IsFieldSetAndNotNull(scratchField))
        sqlite3_bind_null(st, index);
    else if (ft == OFTReal)
        sqlite3_bind_double(st, index, scratch.GetFieldAsDouble(scratchField));
    else if (ft == OFTString)
        sqlite3_bind_text(st, index, scratch.GetFieldAsString(scratchField), -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_int64(st, index, scratch.GetFieldAsInteger64(scratchField));
}

// Drops triggers for the length of a bulk statement and re-creates them with their stored SQL
// (also when the write fails: the transaction's rollback would, but the caller decides that).
class TriggersDropped {
public:
    TriggersDropped(sqlite3* db, std::vector<gpkg::Trigger> triggers, const std::string& where)
        : m_db(db), m_triggers(std::move(triggers))
    {
        for (const auto& t : m_triggers)
            gpkg::exec(m_db, "DROP TRIGGER " + sqlite::quoteIdentifier(t.name), where);
    }
    void restore(const std::string& where)
    {
        for (const auto& t : m_triggers)
            gpkg::exec(m_db, t.sql, where);
        m_triggers.clear();
    }
    ~TriggersDropped()
    {
        for (const auto& t : m_triggers)
            sqlite3_exec(m_db, t.sql.c_str(), nullptr, nullptr, nullptr);
    }
    TriggersDropped(const TriggersDropped&) = delete;
    TriggersDropped& operator=(const TriggersDropped&) = delete;

private:
    sqlite3* m_db;
    std::vector<gpkg::Trigger> m_triggers;
};

// The column a constraint message names ("NOT NULL constraint failed: t.col" -> "col").
std::string columnOfMessage(const std::string& msg, const std::string& table)
{
    const std::string key = table + ".";
    const size_t at = msg.rfind(key);
    if (at == std::string::npos)
        return {};
    size_t end = at + key.size();
    while (end < msg.size() && msg[end] != ',' && msg[end] != ' ')
        ++end;
    return msg.substr(at + key.size(), end - at - key.size());
}

} // namespace

sqlite3* ProjectStore::fastHandle(bool forWrite) const
{
    if (!m_fastIo || !m_ds || (forWrite && m_mode != Mode::ReadWrite))
        return nullptr;
    return static_cast<sqlite3*>(m_ds->GetInternalHandle("SQLITE_HANDLE"));
}

void ProjectStore::afterRawWrite(const std::string& table, const Extent* added)
{
    // GDAL 3.6 caches a layer's feature count and extent. A no-op DELETE through its SQL makes it
    // forget the count. RECOMPUTE EXTENT reloads its extent from the R-tree (float bounds, a hair
    // wider); the stored extent is then set exactly as GDAL's own writes keep it: the union of the
    // extent before and the envelopes written.
    sqlite3* db = static_cast<sqlite3*>(m_ds->GetInternalHandle("SQLITE_HANDLE"));
    Extent before;
    if (added && !added->isEmpty()) {
        sqlite::StatementPtr st =
            sqlite::prepare(db, "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE lower(table_name) = lower(?)");
        if (!st)
            throw Error(ErrorKind::Store, m_path, sqlite3_errmsg(db));
        sqlite3_stmt* raw = st.get();
        sqlite3_bind_text(raw, 1, table.c_str(), static_cast<int>(table.size()), SQLITE_TRANSIENT);
        if (sqlite3_step(raw) == SQLITE_ROW && sqlite3_column_type(raw, 0) != SQLITE_NULL &&
            sqlite3_column_type(raw, 1) != SQLITE_NULL && sqlite3_column_type(raw, 2) != SQLITE_NULL &&
            sqlite3_column_type(raw, 3) != SQLITE_NULL)
            before = {sqlite3_column_double(raw, 0), sqlite3_column_double(raw, 1), sqlite3_column_double(raw, 2),
                      sqlite3_column_double(raw, 3)};
    }
    gdal::ErrorCapture cap;
    std::vector<std::string> sqls{"DELETE FROM " + sqlite::quoteIdentifier(table) + " WHERE 0"};
    if (added && !added->isEmpty())
        sqls.push_back("RECOMPUTE EXTENT ON " + table);
    for (const std::string& sql : sqls)
        if (OGRLayer* none = m_ds->ExecuteSQL(sql.c_str(), nullptr, nullptr))
            m_ds->ReleaseResultSet(none);
    if (!cap.errors().empty())
        throw Error(ErrorKind::Store, m_path, "cannot refresh layer '" + table + "': " + cap.lastMessage());
    if (added && !added->isEmpty()) {
        Extent e = before;
        e.expand(*added);
        // formatted by SQLite's printf like GDAL's SaveExtent (so the stored doubles are GDAL's)
        char* sql = sqlite3_mprintf("UPDATE gpkg_contents SET min_x = %.18g, min_y = %.18g, max_x = %.18g, max_y = "
                                    "%.18g WHERE lower(table_name) = lower('%q')",
                                    e.minX, e.minY, e.maxX, e.maxY, table.c_str());
        const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
        sqlite3_free(sql);
        if (rc != SQLITE_OK)
            throw Error(ErrorKind::Store, m_path, std::string("cannot save the extent: ") + sqlite3_errmsg(db));
    }
}

bool ProjectStore::writeFeaturesFast(OGRLayer* l, const Layer& src, const Feedback* fb)
{
    sqlite3* db = fastHandle();
    const std::optional<FastTarget> target = fastTarget(db, l, src);
    if (!target)
        return false;
    const FastTarget& t = *target;
    const std::string where = m_path + ": " + t.table;
    if (src.features.empty())
        return true;
    {
        // GDAL's pending work on the layer first (deferred table creation and R-tree, the
        // feature-count triggers it dropped while writing, its extent), so the file is whole.
        gdal::ErrorCapture cap;
        if (l->SyncToDisk() != OGRERR_NONE)
            throw Error(ErrorKind::Store, where, "cannot prepare the layer: " + cap.lastMessage());
    }
    // The feature-count trigger runs an UPDATE per row: like GDAL, drop it for the bulk insert
    // and set the count once.
    // The R-tree insert trigger reads each new blob back four times: insert the envelope we
    // computed (the same doubles ST_MinX & co. read from the blob) ourselves instead.
    const std::string rtree = t.geomColumn.empty() ? std::string() : "rtree_" + t.table + "_" + t.geomColumn;
    std::vector<gpkg::Trigger> off;
    bool ownRtree = false;
    for (auto& tr : gpkg::triggersOn(db, t.table)) {
        if (tr.name == "trigger_insert_feature_count_" + t.table) {
            off.push_back(std::move(tr));
        } else if (!rtree.empty() && tr.name == rtree + "_insert" &&
                   tr.sql.find("BEGIN INSERT OR REPLACE INTO \"" + rtree + "\" VALUES (NEW.\"" + l->GetFIDColumn() +
                               "\",ST_MinX(NEW.\"" + t.geomColumn + "\"), ST_MaxX(NEW.\"" + t.geomColumn +
                               "\"),ST_MinY(NEW.\"" + t.geomColumn + "\"), ST_MaxY(NEW.\"" + t.geomColumn +
                               "\")); END") != std::string::npos) {
            off.push_back(std::move(tr));
            ownRtree = true;
        }
    }
    // An empty R-tree (a new layer, or one replaceLayer just cleared) is bulk-loaded after the
    // rows: far cheaper than one insert per row into the rtree module.
    const int rtreeNodeSize = ownRtree && m_rtreeBulkLoad ? gpkg::emptyRtreeNodeSize(db, rtree) : 0;
    TriggersDropped dropped(db, off, where);
    sqlite::StatementPtr rtreeInsert;
    if (ownRtree) {
        rtreeInsert = sqlite::prepare(db, "INSERT OR REPLACE INTO " + sqlite::quoteIdentifier(rtree) + " VALUES (?, ?, ?, ?, ?)");
        if (!rtreeInsert)
            throw Error(ErrorKind::Store, where, std::string("cannot prepare the R-tree insert: ") + sqlite3_errmsg(db));
    }
    bool bulk = rtreeNodeSize > 0;
    std::vector<gpkg::RtreeEntry> entries;  // for the bulk load
    std::vector<size_t> entryRows;          // their row numbers
    auto insertEntry = [&](const gpkg::RtreeEntry& e, size_t row) {
        sqlite3_stmt* r = rtreeInsert.get();
        sqlite3_bind_int64(r, 1, e.id);
        sqlite3_bind_double(r, 2, e.minX);
        sqlite3_bind_double(r, 3, e.maxX);
        sqlite3_bind_double(r, 4, e.minY);
        sqlite3_bind_double(r, 5, e.maxY);
        if (sqlite3_step(r) != SQLITE_DONE)
            throw Error(ErrorKind::Store, where + " row " + std::to_string(row),
                        std::string("cannot index feature: ") + sqlite3_errmsg(db));
        sqlite3_reset(r);
    };
    auto addEntry = [&](int64_t id, const Extent& env, size_t row) {
        const gpkg::RtreeEntry e{id, env.minX, env.maxX, env.minY, env.maxY};
        // bounds beyond float range or NaN: SQLite's own rounding decides, entry by entry
        auto fits = [](double v) { return std::isfinite(v) && std::fabs(v) <= 1e38; };
        if (bulk && !(fits(e.minX) && fits(e.maxX) && fits(e.minY) && fits(e.maxY))) {
            for (size_t k = 0; k < entries.size(); ++k)
                insertEntry(entries[k], entryRows[k]);
            entries.clear();
            entryRows.clear();
            bulk = false;
        }
        if (bulk) {
            entries.push_back(e);
            entryRows.push_back(row);
        } else {
            insertEntry(e, row);
        }
    };

    OGRFeatureDefn* defn = l->GetLayerDefn();
    std::string sql = "INSERT INTO " + sqlite::quoteIdentifier(t.table) + " (";
    std::string params;
    std::vector<std::pair<size_t, int>> bound;  // input field, layer field
    auto addColumn = [&](const std::string& name) {
        sql += (params.empty() ? "" : ", ") + sqlite::quoteIdentifier(name);
        params += params.empty() ? "?" : ", ?";
    };
    if (!t.geomColumn.empty())
        addColumn(t.geomColumn);
    for (size_t i = 0; i < t.column.size(); ++i)
        if (t.column[i] >= 0) {
            addColumn(defn->GetFieldDefn(t.column[i])->GetNameRef());
            bound.emplace_back(i, t.column[i]);
        }
    // Several rows per INSERT (fewer statement steps); a failed batch is replayed row by row to
    // name the failing row.
    const int perRow = static_cast<int>(bound.size()) + (t.geomColumn.empty() ? 0 : 1);
    size_t batch = 1;
    if (perRow > 0)
        batch = static_cast<size_t>(std::clamp(sqlite3_limit(db, SQLITE_LIMIT_VARIABLE_NUMBER, -1) / perRow, 1, 32));
    auto prepareInsert = [&](size_t rows) {
        std::string text = sql;
        if (params.empty()) {
            text = "INSERT INTO " + sqlite::quoteIdentifier(t.table) + " DEFAULT VALUES";
        } else {
            text += ") VALUES (" + params + ")";
            for (size_t k = 1; k < rows; ++k)
                text += ", (" + params + ")";
        }
        sqlite::StatementPtr p = sqlite::prepare(db, text);
        if (!p)
            throw Error(ErrorKind::Store, where, std::string("cannot prepare the insert: ") + sqlite3_errmsg(db));
        return p;
    };
    const sqlite::StatementPtr single = prepareInsert(1);
    const sqlite::StatementPtr many = batch > 1 ? prepareInsert(batch) : sqlite::StatementPtr();
    sqlite::StatementPtr tail;  // the last, shorter batch

    OGRFeature scratch(defn);
    gdal::ErrorCapture cap;  // OGR's conversion warnings, as the OGR path would give them
    std::vector<std::vector<uint8_t>> blobs(batch);
    std::vector<Extent> envs(batch);
    Extent written;
    const int first = t.geomColumn.empty() ? 1 : 2;
    // binds row `feat` as the `j`-th row of statement `s` (its blob and envelope kept in slot j)
    auto bindRow = [&](sqlite3_stmt* s, size_t j, const Feature& feat) {
        const int base = static_cast<int>(j) * perRow;
        if (!t.geomColumn.empty()) {
            if (feat.geom.isEmpty())
                sqlite3_bind_null(s, base + 1);
            else
                sqlite3_bind_blob(s, base + 1, blobs[j].data(), static_cast<int>(blobs[j].size()), SQLITE_STATIC);
        }
        for (size_t b = 0; b < bound.size(); ++b) {
            const auto [i, k] = bound[b];
            const int index = base + first + static_cast<int>(b);
            if (i < feat.values.size())
                bindValue(s, index, feat.values[i], defn->GetFieldDefn(k)->GetType(), scratch, k);
            else
                sqlite3_bind_null(s, index);
        }
    };
    auto failRow = [&](size_t row, const std::string& msg) {
        const std::string column = columnOfMessage(msg, t.table);
        throw Error(ErrorKind::Store, where + " row " + std::to_string(row),
                    (column.empty() ? std::string() : "field '" + column + "': ") + "cannot write feature: " + msg);
    };
    const size_t total = src.features.size();
    try {
        for (size_t start = 0; start < total; start += batch) {
            const size_t n = std::min(batch, total - start);
            if (start / 1024 != (start + n) / 1024)
                throwIfCancelled(fb);
            for (size_t j = 0; j < n; ++j) {
                const Feature& feat = src.features[start + j];
                if (!t.geomColumn.empty() && !feat.geom.isEmpty()) {
                    gpkg::encodeBlob(feat.geom, t.type, t.srsId, blobs[j], envs[j]);
                    written.expand(envs[j]);
                }
            }
            if (n < batch && n > 1 && !tail)
                tail = prepareInsert(n);
            sqlite3_stmt* s = n == 1 ? single.get() : n == batch ? many.get() : tail.get();
            for (size_t j = 0; j < n; ++j)
                bindRow(s, j, src.features[start + j]);
            const int rc = sqlite3_step(s);
            const std::string msg = rc == SQLITE_DONE ? std::string() : sqlite3_errmsg(db);
            sqlite3_reset(s);
            if (rc != SQLITE_DONE) {
                if (n == 1)
                    failRow(start + 1, msg);
                // the failed statement changed nothing: replay its rows one by one up to the failing one
                for (size_t j = 0; j < n; ++j) {
                    sqlite3_stmt* one = single.get();
                    bindRow(one, 0, src.features[start + j]);
                    const int rc1 = sqlite3_step(one);
                    const std::string msg1 = rc1 == SQLITE_DONE ? std::string() : sqlite3_errmsg(db);
                    sqlite3_reset(one);
                    if (rc1 != SQLITE_DONE)
                        failRow(start + j + 1, msg1);
                    if (rtreeInsert && !src.features[start + j].geom.isEmpty())
                        addEntry(sqlite3_last_insert_rowid(db), envs[j], start + j + 1);
                }
                throw Error(ErrorKind::Store, where + " rows " + std::to_string(start + 1) + "-" + std::to_string(start + n),
                            "cannot write features: " + msg);
            }
            if (!rtreeInsert)
                continue;
            // the rows of one INSERT get consecutive ids, the last one last_insert_rowid()
            const int64_t lastId = sqlite3_last_insert_rowid(db);
            for (size_t j = 0; j < n; ++j)
                if (!src.features[start + j].geom.isEmpty())
                    addEntry(lastId - static_cast<int64_t>(n - 1 - j), envs[j], start + j + 1);
        }
    } catch (...) {
        // the rows written so far keep their R-tree entries (the bulk load of the empty tree
        // now), as with one insert per row: the table and its index agree for a caller that
        // catches this error and commits; its own error, if any, gives way to the first one
        if (bulk && !entries.empty())
            try {
                gpkg::bulkLoadRtree(db, rtree, rtreeNodeSize, std::move(entries), where);
            } catch (...) {
            }
        throw;
    }
    rtreeInsert.reset();
    if (bulk)
        gpkg::bulkLoadRtree(db, rtree, rtreeNodeSize, std::move(entries), where);
    dropped.restore(where);
    const std::string q = sqlite::quoteIdentifier(t.table);
    std::string lit = "'";
    for (char c : t.table)
        lit += c == '\'' ? std::string("''") : std::string(1, c);
    lit += "'";
    if (queryInt64(db, "SELECT count(*) FROM sqlite_master WHERE name = 'gpkg_ogr_contents'", "") == 1)
        gpkg::exec(db,
                   "UPDATE gpkg_ogr_contents SET feature_count = (SELECT count(*) FROM " + q +
                       ") WHERE lower(table_name) = lower(" + lit + ")",
                   where);
    gpkg::exec(db,
               "UPDATE gpkg_contents SET last_change = '" + gpkg::lastChangeStamp() + "' WHERE lower(table_name) = lower(" +
                   lit + ")",
               where);
    afterRawWrite(t.table, &written);
    return true;
}

namespace {

// ---- shared by the fast reads (readLayerFast, readPointColumnsFast) ----

// A GeoPackage feature or attribute table that GDAL lists, with a fid column: read through sqlite.
bool fastReadable(sqlite3* db, OGRLayer* l)
{
    const char* fid = l->GetFIDColumn();
    return fid && *fid &&
           queryInt64(db,
                      "SELECT count(*) FROM gpkg_contents WHERE table_name = ? AND data_type IN ('features', "
                      "'attributes')",
                      l->GetName()) == 1;
}

// A field the fast reads take as stored. Dates, times, binary and subtypes come back formatted by
// OGR: OGR reads those layers.
bool fastField(const OGRFieldDefn* fd)
{
    const OGRFieldType ft = fd->GetType();
    return (ft == OFTInteger || ft == OFTInteger64 || ft == OFTReal || ft == OFTString) && fd->GetSubType() == OFSTNone;
}

// Column `c` of the current row (not NULL) as readLayerFast stores a field of type `ft`: visit
// gets an int64_t, a double or a std::string_view (valid until the next step).
template <class Visit> void visitColumn(sqlite3_stmt* st, int c, OGRFieldType ft, Visit&& visit)
{
    switch (ft) {
    case OFTInteger: visit(static_cast<int64_t>(sqlite3_column_int(st, c))); break;
    case OFTInteger64: visit(static_cast<int64_t>(sqlite3_column_int64(st, c))); break;
    case OFTReal: visit(sqlite3_column_double(st, c)); break;
    default: {
        const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st, c));
        visit(std::string_view(t ? t : "", static_cast<size_t>(sqlite3_column_bytes(st, c))));
    }
    }
}

// The offset of the WKB in a GeoPackage blob when it is plain little-endian 2D WKB (types 1..6),
// as Bando and GDAL write it, with its type; -1 otherwise (OGR reads anything else).
long plainWkb(const uint8_t* blob, size_t size, uint32_t& type)
{
    bool empty = false;
    const long at = gpkg::wkbOffset(blob, size, empty);
    if (at < 0 || size < static_cast<size_t>(at) + 5 || blob[at] != 1)
        return -1;
    std::memcpy(&type, blob + at + 1, 4);
    return type >= 1 && type <= 6 ? at : -1;
}

} // namespace

std::optional<Layer> ProjectStore::readLayerFast(OGRLayer* l, const Feedback* fb) const
{
    sqlite3* db = fastHandle(false);
    if (!db || !l || !fastReadable(db, l))
        return std::nullopt;
    const std::string table = l->GetName();
    const char* fid = l->GetFIDColumn();
    Layer out;
    out.name = table;
    out.geomType = fromOgr(l->GetGeomType());
    out.epsg = 4326;
    const char* gc = l->GetGeomType() != wkbNone ? l->GetGeometryColumn() : nullptr;
    std::string sql = "SELECT " + sqlite::quoteIdentifier(fid);
    sql += gc && *gc ? ", " + sqlite::quoteIdentifier(gc) : std::string(", NULL");
    OGRFeatureDefn* defn = l->GetLayerDefn();
    std::vector<OGRFieldType> types;
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        OGRFieldDefn* fd = defn->GetFieldDefn(i);
        if (!fastField(fd))
            return std::nullopt;
        const OGRFieldType ft = fd->GetType();
        types.push_back(ft);
        out.fields.push_back({fd->GetNameRef(), fromOgr(ft), fd->GetWidth(), !fd->IsNullable()});
        sql += ", " + sqlite::quoteIdentifier(fd->GetNameRef());
    }
    sql += " FROM " + sqlite::quoteIdentifier(table);
    // no statement of GDAL's may be left pending on the table we read (see meta())
    sqlite::StatementPtr st = sqlite::prepare(db, sql);
    if (!st)
        return std::nullopt;
    sqlite3_stmt* raw = st.get();
    const int64_t expected = queryInt64(db, "SELECT count(*) FROM " + sqlite::quoteIdentifier(table), "");
    if (expected > 0)
        out.features.reserve(static_cast<size_t>(expected));
    int64_t n = 0;
    int rc;
    while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
        if ((++n & 1023) == 0)
            throwIfCancelled(fb);
        Feature feat;
        feat.fid = sqlite3_column_int64(raw, 0);
        feat.values.resize(types.size());
        for (size_t i = 0; i < types.size(); ++i) {
            const int c = static_cast<int>(i) + 2;
            if (sqlite3_column_type(raw, c) == SQLITE_NULL)
                continue;
            visitColumn(raw, c, types[i], [&](auto v) {
                if constexpr (std::is_same_v<decltype(v), std::string_view>)
                    feat.values[i] = std::string(v);
                else
                    feat.values[i] = v;
            });
        }
        if (sqlite3_column_type(raw, 1) == SQLITE_BLOB) {
            const auto* blob = static_cast<const uint8_t*>(sqlite3_column_blob(raw, 1));
            const auto size = static_cast<size_t>(sqlite3_column_bytes(raw, 1));
            uint32_t type = 0;
            const long at = plainWkb(blob, size, type);
            if (at < 0)
                return std::nullopt;
            try {
                feat.geom = fromWkb(blob + at, size - static_cast<size_t>(at));
            } catch (const Error&) {
                return std::nullopt;  // OGR decides what a damaged blob gives
            }
        } else if (sqlite3_column_type(raw, 1) != SQLITE_NULL) {
            return std::nullopt;
        }
        out.features.push_back(std::move(feat));
    }
    if (rc != SQLITE_DONE)
        throw Error(ErrorKind::Store, m_path + ": " + table, std::string("cannot read: ") + sqlite3_errmsg(db));
    return out;
}

PointColumns ProjectStore::readPointColumns(const std::string& name, const std::vector<std::string>& columns,
                                           const Feedback* fb) const
{
    OGRLayer* l = name == kMetaTable ? nullptr : m_ds->GetLayerByName(name.c_str());
    if (!l)
        throw Error(ErrorKind::Store, m_path, "no layer '" + name + "'");
    if (std::optional<PointColumns> fast = readPointColumnsFast(l, columns, fb))
        return std::move(*fast);
    return PointColumns::fromLayer(readLayer(name, fb), columns);
}

std::optional<PointColumns> ProjectStore::readPointColumnsFast(OGRLayer* l, const std::vector<std::string>& columns,
                                                               const Feedback* fb) const
{
    sqlite3* db = fastHandle(false);
    if (!db || !l || !fastReadable(db, l))
        return std::nullopt;
    const std::string table = l->GetName();
    PointColumns out;
    out.epsg = 4326;
    out.columns = columns;
    const char* gc = l->GetGeomType() != wkbNone ? l->GetGeometryColumn() : nullptr;
    std::string sql = "SELECT ";
    sql += gc && *gc ? sqlite::quoteIdentifier(gc) : std::string("NULL");
    // the columns as readLayerFast reads them (its types only); a column the layer lacks is null
    OGRFeatureDefn* defn = l->GetLayerDefn();
    struct Selected {
        int column = -1;  // its place in the SELECT; -1: the layer has no such field
        OGRFieldType type = OFTString;
    };
    std::vector<Selected> selected;  // per requested column
    int next = 1;
    for (const auto& name : columns) {
        Selected sel;
        for (int i = 0; i < defn->GetFieldCount(); ++i) {
            OGRFieldDefn* fd = defn->GetFieldDefn(i);
            if (name != fd->GetNameRef())
                continue;
            if (!fastField(fd))
                return std::nullopt;
            sel = {next++, fd->GetType()};
            sql += ", " + sqlite::quoteIdentifier(fd->GetNameRef());
            break;
        }
        selected.push_back(sel);
    }
    sql += " FROM " + sqlite::quoteIdentifier(table);
    sqlite::StatementPtr st = sqlite::prepare(db, sql);
    if (!st)
        return std::nullopt;
    sqlite3_stmt* raw = st.get();
    const int64_t expected = queryInt64(db, "SELECT count(*) FROM " + sqlite::quoteIdentifier(table), "");
    const size_t reserve = expected > 0 ? static_cast<size_t>(expected) : 0;
    out.xy.reserve(reserve);
    out.hasPoint.reserve(reserve);
    std::vector<ValueInterner> interners(columns.size());
    out.ids.resize(columns.size());
    for (auto& ids : out.ids)
        ids.reserve(reserve);
    int64_t n = 0;
    int rc;
    while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
        if ((++n & 4095) == 0)
            throwIfCancelled(fb);
        for (size_t c = 0; c < columns.size(); ++c) {
            const Selected& sel = selected[c];
            uint32_t id = 0;
            if (sel.column >= 0 && sqlite3_column_type(raw, sel.column) != SQLITE_NULL) {
                ValueInterner& in = interners[c];
                visitColumn(raw, sel.column, sel.type, [&](auto v) {
                    if constexpr (std::is_same_v<decltype(v), int64_t>)
                        id = in.integer(v);
                    else if constexpr (std::is_same_v<decltype(v), double>)
                        id = in.real(v);
                    else
                        id = in.text(v);
                });
            }
            out.ids[c].push_back(id);
        }
        XY p;
        bool has = false;
        if (sqlite3_column_type(raw, 0) == SQLITE_BLOB) {
            const auto* blob = static_cast<const uint8_t*>(sqlite3_column_blob(raw, 0));
            const auto size = static_cast<size_t>(sqlite3_column_bytes(raw, 0));
            uint32_t type = 0;
            const long at = plainWkb(blob, size, type);
            if (at < 0)
                return std::nullopt;
            if (type == 1 && size >= static_cast<size_t>(at) + 21) {
                // a point: its coordinates (both NaN: an empty point, as fromWkb reads it)
                std::memcpy(&p.x, blob + at + 5, 8);
                std::memcpy(&p.y, blob + at + 13, 8);
                has = !(std::isnan(p.x) && std::isnan(p.y));
            } else {
                try {
                    has = firstPointOf(fromWkb(blob + at, size - static_cast<size_t>(at)), p);
                } catch (const Error&) {
                    return std::nullopt;  // OGR decides what a damaged blob gives
                }
            }
        } else if (sqlite3_column_type(raw, 0) != SQLITE_NULL) {
            return std::nullopt;
        }
        out.xy.push_back(has ? p : XY{});
        out.hasPoint.push_back(has ? 1 : 0);
    }
    if (rc != SQLITE_DONE)
        throw Error(ErrorKind::Store, m_path + ": " + table, std::string("cannot read: ") + sqlite3_errmsg(db));
    for (auto& in : interners)
        out.values.push_back(in.take());
    return out;
}

int64_t ProjectStore::deleteRowsFast(OGRLayer* l, const std::string& condition, const std::vector<std::string>& binds)
{
    sqlite3* db = fastHandle();
    if (!db || !l)
        return -1;
    const std::string table = l->GetName();
    if (queryInt64(db,
                   "SELECT count(*) FROM gpkg_contents WHERE table_name = ? AND data_type IN ('features', "
                   "'attributes')",
                   table) != 1)
        return -1;
    const std::string where = m_path + ": " + table;
    const std::string q = sqlite::quoteIdentifier(table);
    const std::string filter = condition.empty() ? std::string() : " WHERE " + condition;
    std::string lit = "'";
    for (char c : table)
        lit += c == '\'' ? std::string("''") : std::string(1, c);
    lit += "'";
    const char* gc = l->GetGeomType() != wkbNone ? l->GetGeometryColumn() : nullptr;
    const std::string rtree = gc && *gc ? "rtree_" + table + "_" + gc : std::string();
    auto run = [&](const std::string& sql, bool count) {
        sqlite::StatementPtr st = sqlite::prepare(db, sql);
        if (!st)
            throw Error(ErrorKind::Store, where, sqlite3_errmsg(db));
        sqlite3_stmt* raw = st.get();
        for (size_t i = 0; i < binds.size(); ++i)
            sqlite3_bind_text(raw, static_cast<int>(i + 1), binds[i].data(), static_cast<int>(binds[i].size()),
                              SQLITE_STATIC);
        const int rc = sqlite3_step(raw);
        if (count)
            return rc == SQLITE_ROW ? static_cast<int64_t>(sqlite3_column_int64(raw, 0)) : int64_t(-1);
        if (rc != SQLITE_DONE)
            throw Error(ErrorKind::Store, where, std::string("cannot delete: ") + sqlite3_errmsg(db));
        return static_cast<int64_t>(sqlite3_changes(db));
    };
    const int64_t n = run("SELECT count(*) FROM " + q + filter, true);
    if (n < 0)
        return -1;
    if (n == 0)
        return 0;  // nothing to delete
    // A DELETE fires each delete trigger once per row. The ones this file is known to have are
    // replaced by their effect done once (emptying a whole table is then one step for SQLite);
    // any other delete trigger sends the delete through GDAL as before.
    std::vector<gpkg::Trigger> dropped;
    std::vector<std::string> effects;
    auto has = [](const std::string& sql, const std::string& part) { return sql.find(part) != std::string::npos; };
    for (auto& tr : gpkg::triggersOn(db, table)) {
        const std::string& name = tr.name;
        if (name == "trigger_delete_feature_count_" + table &&
            has(tr.sql, "SET feature_count = feature_count - 1 WHERE lower(table_name) = lower(" + lit + ")")) {
            effects.push_back("UPDATE gpkg_ogr_contents SET feature_count = feature_count - " + std::to_string(n) +
                              " WHERE lower(table_name) = lower(" + lit + ")");
            dropped.push_back(std::move(tr));
        } else if (!rtree.empty() && name == rtree + "_delete" &&
                   has(tr.sql, "DELETE FROM \"" + rtree + "\" WHERE id = OLD.\"" + l->GetFIDColumn() + "\"")) {
            if (!condition.empty())
                continue;  // some rows: the trigger keeps the R-tree
            // emptying an R-tree row by row costs as much as filling it: drop and re-create it
            // (its CREATE statement as stored, so the table is the one GDAL made)
            const std::string create = textOf(db, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", rtree);
            if (create.empty())
                return -1;
            effects.push_back("DROP TABLE " + sqlite::quoteIdentifier(rtree));
            effects.push_back(create);
            dropped.push_back(std::move(tr));
        } else if (name == "bando_changes_" + table + "_delete" &&
                   has(tr.sql, "BEGIN UPDATE layer_changes SET changes = changes + 1 WHERE layer = " + lit + "; END")) {
            effects.push_back("UPDATE layer_changes SET changes = changes + " + std::to_string(n) + " WHERE layer = " + lit);
            dropped.push_back(std::move(tr));
        } else {
            std::string upper = tr.sql;
            for (char& c : upper)
                c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            if (has(upper, "DELETE ON"))
                return -1;  // an unknown delete trigger
        }
    }
    {
        gdal::ErrorCapture cap;
        if (l->SyncToDisk() != OGRERR_NONE)
            throw Error(ErrorKind::Store, where, "cannot prepare the layer: " + cap.lastMessage());
    }
    // SQLite refuses DROP TABLE while a read statement of this connection is pending.
    for (int i = 0; i < m_ds->GetLayerCount(); ++i)
        m_ds->GetLayer(i)->ResetReading();
    int64_t deleted = 0;
    {
        TriggersDropped off(db, dropped, where);
        deleted = run("DELETE FROM " + q + filter, false);
        if (deleted != n)
            throw Error(ErrorKind::Internal, where, "deleted " + std::to_string(deleted) + " rows of " + std::to_string(n));
        for (const auto& e : effects)
            gpkg::exec(db, e, where);
        off.restore(where);
    }
    gpkg::exec(db,
               "UPDATE gpkg_contents SET last_change = '" + gpkg::lastChangeStamp() + "' WHERE lower(table_name) = lower(" +
                   lit + ")",
               where);
    afterRawWrite(table, nullptr);
    return deleted;
}

void ProjectStore::replaceLayer(const Layer& layer, const Feedback* fb)
{
    requireTransaction("replaceLayer");
    if (!m_ds->GetLayerByName(layer.name.c_str()))
        createLayerFromSchema(layer.name, &layer);
    if (deleteRowsFast(m_ds->GetLayerByName(layer.name.c_str()), "", {}) >= 0) {
        writeFeatures(layer, fb);
        return;
    }
    gdal::ErrorCapture cap;
    const std::string sql = "DELETE FROM " + sqlite::quoteIdentifier(layer.name);
    if (OGRLayer* none = m_ds->ExecuteSQL(sql.c_str(), nullptr, nullptr))  // a DELETE gives no result set
        m_ds->ReleaseResultSet(none);
    if (!cap.errors().empty())
        throw Error(ErrorKind::Store, m_path, "cannot clear layer '" + layer.name + "': " + cap.lastMessage());
    writeFeatures(layer, fb);
}

void ProjectStore::appendFeatures(const Layer& layer, const Feedback* fb)
{
    requireTransaction("appendFeatures");
    if (!m_ds->GetLayerByName(layer.name.c_str()))
        throw Error(ErrorKind::Store, m_path, "no layer '" + layer.name + "'");
    writeFeatures(layer, fb);
}

void ProjectStore::replaceRowsWhere(const std::string& field, const std::string& value,
                                    const std::vector<const Layer*>& layers, const Feedback* fb)
{
    Transaction tx(*this);
    for (const Layer* l : layers)
        deleteWhere(l->name, {{field, value}});
    for (const Layer* l : layers)
        appendFeatures(*l, fb);
    throwIfCancelled(fb);
    tx.commit();
}

void ProjectStore::deleteLayer(const std::string& name)
{
    requireTransaction("deleteLayer");
    // SQLite refuses DROP TABLE while any read statement of this connection is pending.
    for (int i = 0; i < m_ds->GetLayerCount(); ++i)
        m_ds->GetLayer(i)->ResetReading();
    for (int i = 0; i < m_ds->GetLayerCount(); ++i)
        if (name == m_ds->GetLayer(i)->GetName()) {
            gdal::ErrorCapture cap;
            if (m_ds->DeleteLayer(i) != OGRERR_NONE)
                throw Error(ErrorKind::Store, m_path, "cannot delete layer '" + name + "': " + cap.lastMessage());
            return;
        }
}

void ProjectStore::migrate()
{
    if (!m_ds->GetLayerByName(kMetaTable)) {
        Transaction t(*this);
        gdal::ErrorCapture cap;
        CPLStringList opts;
        opts.SetNameValue("DESCRIPTION", "Bando project metadata (schema version, provenance)");
        OGRLayer* l = m_ds->CreateLayer(kMetaTable, nullptr, wkbNone, opts.List());
        if (!l)
            throw Error(ErrorKind::Store, m_path, "cannot create bando_meta: " + cap.lastMessage());
        OGRFieldDefn k("key", OFTString), v("value", OFTString);
        k.SetNullable(FALSE);
        l->CreateField(&k);
        l->CreateField(&v);
        setMeta("schema_version", "0");
        setMeta("application", "Bando");
        t.commit();
    }
    for (int target = schemaVersion() + 1; target <= schema::currentVersion(); ++target) {
        Transaction t(*this);
        for (const auto& s : schema::all())
            if (s.sinceVersion == target && !m_ds->GetLayerByName(s.name.c_str()))
                createLayerFromSchema(s.name, nullptr);
        setMeta("schema_version", std::to_string(target));
        t.commit();
    }
}

// Temporary files `<target>.tmp-<pid>-<n>` (and their journals) left beside `target` by a writer
// that was killed: the process that made them is gone.
static void removeStaleTemporaries(const fs::path& target)
{
    const std::string prefix = target.filename().string() + ".tmp-";
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(target.parent_path(), ec)) {
        const std::string name = e.path().filename().string();
        if (name.rfind(prefix, 0) != 0)
            continue;
        const long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
        if (pid > 0 && pid != ::getpid() && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
            fs::remove(e.path(), ec);
    }
}

void writeProjectAtomically(const std::string& path, const std::function<void(ProjectStore&)>& fill,
                            const std::function<void(const std::string& tmpPath)>& afterClose)
{
    fs::path target = fs::absolute(path);
    if (target.has_parent_path() && !fs::exists(target.parent_path()))
        throw Error(ErrorKind::Io, path, "folder does not exist");
    removeStaleTemporaries(target);
    static std::atomic<unsigned> counter{0};
    fs::path tmp = target;
    tmp += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    try {
        {
            auto store = ProjectStore::create(tmp.string());
            fill(*store);
            store->close();
        }
        if (afterClose)
            afterClose(tmp.string());
        std::error_code ec;
        fs::rename(tmp, target, ec);
        if (ec)
            throw Error(ErrorKind::Io, path, "cannot replace file: " + ec.message());
    } catch (...) {
        std::error_code ec;
        fs::remove(tmp, ec);
        fs::path journal = tmp;
        journal += "-journal";
        fs::remove(journal, ec);
        throw;
    }
}

// ---- schema reads and filtered deletes ----

std::optional<ProjectStore::LayerSchema> ProjectStore::layerSchema(const std::string& name) const
{
    OGRLayer* l = name == kMetaTable ? nullptr : m_ds->GetLayerByName(name.c_str());
    if (!l)
        return std::nullopt;
    LayerSchema s;
    s.name = name;
    s.geomType = fromOgr(l->GetGeomType());
    OGRFeatureDefn* defn = l->GetLayerDefn();
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        OGRFieldDefn* fd = defn->GetFieldDefn(i);
        s.fields.push_back({fd->GetNameRef(), fromOgr(fd->GetType()), fd->GetWidth(), !fd->IsNullable()});
    }
    return s;
}

int64_t ProjectStore::deleteWhere(const std::string& layer, const std::vector<std::pair<std::string, std::string>>& equals)
{
    requireTransaction("deleteWhere");
    OGRLayer* l = layer == kMetaTable ? nullptr : m_ds->GetLayerByName(layer.c_str());
    if (!l)
        return 0;
    OGRFeatureDefn* defn = l->GetLayerDefn();
    std::vector<std::pair<int, std::string>> conditions;
    for (const auto& [field, value] : equals) {
        const int i = defn->GetFieldIndex(field.c_str());
        if (i < 0)
            throw Error(ErrorKind::Store, m_path, "layer '" + layer + "' has no field '" + field + "'");
        conditions.emplace_back(i, value);
    }
    // Text fields: one DELETE with bound values (the text compares as GetFieldAsString gives it).
    bool allText = true;
    std::string condition;
    std::vector<std::string> binds;
    for (const auto& [i, value] : conditions) {
        allText = allText && defn->GetFieldDefn(i)->GetType() == OFTString;
        condition += (condition.empty() ? "" : " AND ") + sqlite::quoteIdentifier(defn->GetFieldDefn(i)->GetNameRef()) + " = ?";
        binds.push_back(value);
    }
    if (allText && !conditions.empty())
        if (const int64_t n = deleteRowsFast(l, condition, binds); n >= 0)
            return n;
    // Matched in C++ (no filter expression to quote), then deleted by FID.
    std::vector<GIntBig> fids;
    l->SetAttributeFilter(nullptr);
    l->ResetReading();
    for (auto& f : *l) {
        bool match = true;
        for (const auto& [i, value] : conditions)
            match = match && f->IsFieldSetAndNotNull(i) && value == f->GetFieldAsString(i);
        if (match)
            fids.push_back(f->GetFID());
    }
    gdal::ErrorCapture cap;
    for (GIntBig fid : fids)
        if (l->DeleteFeature(fid) != OGRERR_NONE)
            throw Error(ErrorKind::Store, m_path, "cannot delete from '" + layer + "': " + cap.lastMessage());
    return static_cast<int64_t>(fids.size());
}

std::map<std::string, int64_t> ProjectStore::ensureChangeCounters(const std::vector<std::string>& layers)
{
    requireTransaction("ensureChangeCounters");
    std::map<std::string, int64_t> out;
    if (!m_ds->GetLayerByName("layer_changes"))
        return out;
    gdal::ErrorCapture cap;
    auto exec = [&](const std::string& sql) {
        if (OGRLayer* none = m_ds->ExecuteSQL(sql.c_str(), nullptr, nullptr))
            m_ds->ReleaseResultSet(none);
        if (!cap.errors().empty())
            throw Error(ErrorKind::Store, m_path, "change counters: " + cap.lastMessage());
    };
    auto queryInt = [&](const std::string& sql) {
        int64_t v = -1;
        if (OGRLayer* rs = m_ds->ExecuteSQL(sql.c_str(), nullptr, nullptr)) {
            if (OGRFeature* f = rs->GetNextFeature()) {
                if (f->IsFieldSetAndNotNull(0))
                    v = f->GetFieldAsInteger64(0);
                OGRFeature::DestroyFeature(f);
            }
            m_ds->ReleaseResultSet(rs);
        }
        return v;
    };
    auto textLiteral = [](const std::string& text) {
        std::string q = "'";
        for (char c : text)
            q += c == '\'' ? std::string("''") : std::string(1, c);
        return q + "'";
    };
    for (const auto& layer : layers) {
        if (layer == kMetaTable || layer == "layer_changes" || !m_ds->GetLayerByName(layer.c_str()))
            continue;
        const std::string literal = textLiteral(layer);
        bool installed = false;
        for (const char* event : {"insert", "update", "delete"}) {
            const std::string name = "bando_changes_" + layer + "_" + event;
            if (queryInt("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = " + textLiteral(name)) > 0)
                continue;
            std::string upper = event;
            for (char& c : upper)
                c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            exec("CREATE TRIGGER " + sqlite::quoteIdentifier(name) + " AFTER " + upper + " ON " +
                 sqlite::quoteIdentifier(layer) + " BEGIN UPDATE layer_changes SET changes = changes + 1 WHERE layer = " +
                 literal + "; END");
            installed = true;
        }
        if (queryInt("SELECT count(*) FROM layer_changes WHERE layer = " + literal) <= 0)
            exec("INSERT INTO layer_changes (layer, changes) VALUES (" + literal + ", 0)");
        if (installed)
            exec("UPDATE layer_changes SET changes = changes + 1 WHERE layer = " + literal);
        out[layer] = queryInt("SELECT changes FROM layer_changes WHERE layer = " + literal);
    }
    return out;
}

void ProjectStore::updateFields(const std::string& layer, int64_t fid,
                                const std::vector<std::pair<std::string, Value>>& values)
{
    requireTransaction("updateFields");
    OGRLayer* l = layer == kMetaTable ? nullptr : m_ds->GetLayerByName(layer.c_str());
    if (!l)
        throw Error(ErrorKind::Store, m_path, "no layer '" + layer + "'");
    OGRFeatureUniquePtr f(l->GetFeature(static_cast<GIntBig>(fid)));
    if (!f)
        throw Error(ErrorKind::Store, m_path, "layer '" + layer + "' has no feature " + std::to_string(fid));
    for (const auto& [field, v] : values) {
        const int i = f->GetFieldIndex(field.c_str());
        if (i < 0)
            throw Error(ErrorKind::Store, m_path, "layer '" + layer + "' has no field '" + field + "'");
        if (auto* iv = std::get_if<int64_t>(&v))
            f->SetField(i, static_cast<GIntBig>(*iv));
        else if (auto* dv = std::get_if<double>(&v))
            f->SetField(i, *dv);
        else if (auto* sv = std::get_if<std::string>(&v))
            f->SetField(i, sv->c_str());
        else
            f->SetFieldNull(i);
    }
    gdal::ErrorCapture cap;
    if (l->SetFeature(f.get()) != OGRERR_NONE)
        throw Error(ErrorKind::Store, m_path, "cannot update '" + layer + "' feature " + std::to_string(fid) + ": " +
                                                  cap.lastMessage());
}

} // namespace bando
