#include "core/store/project_store.hpp"

#include "core/base/error.hpp"
#include "core/capi/gdal.hpp"
#include "core/capi/ogr_types.hpp"
#include "core/capi/sqlite.hpp"
#include "core/crs/reproject.hpp"
#include "core/i18n/i18n.hpp"
#include "core/model/schema.hpp"
#include "core/store/project_lock.hpp"
#include "core/tasks/job.hpp"

#include <cpl_string.h>
#include <ogr_spatialref.h>

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
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

void ProjectStore::replaceLayer(const Layer& layer, const Feedback* fb)
{
    requireTransaction("replaceLayer");
    if (!m_ds->GetLayerByName(layer.name.c_str()))
        createLayerFromSchema(layer.name, &layer);
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
