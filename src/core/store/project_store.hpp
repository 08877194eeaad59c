#pragma once
// The project store: one GeoPackage 1.3 file, opened through GDAL (the single writer).
// Bando's schema version lives in the `bando_meta` table (GeoPackage reserves user_version).
// Every write happens inside a Transaction: an interrupted write leaves the file as it was.
// Geometry is stored in WGS 84 lon/lat (EPSG:4326).
#include "core/base/diagnostics.hpp"
#include "core/base/feedback.hpp"
#include "core/model/layer.hpp"
#include "core/model/point_columns.hpp"

#include <gdal_priv.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace bando {

class ProjectLock;

struct LayerInfo {
    std::string name;
    GeomType geomType = GeomType::None;
    int64_t featureCount = 0;
    Extent extent;  // WGS 84
    std::string description;
};

class ProjectStore {
public:
    enum class Mode { ReadOnly, ReadWrite };

    // Creates a new, empty project at the current schema version. Fails if the file exists.
    static std::unique_ptr<ProjectStore> create(const std::string& path);
    // Opens a project; in ReadWrite mode pending migrations run (each in its own transaction).
    // A project left by an interrupted write (hot rollback journal or WAL beside it) is recovered
    // first, in either mode: the notice goes to the thread's Feedback (FeedbackScope) and to
    // recovered(). Throws bando::Error(Store) for a read-only file (or folder) in ReadWrite mode,
    // and for a leftover that cannot be recovered because the file is read-only.
    static std::unique_ptr<ProjectStore> open(const std::string& path, Mode mode = Mode::ReadOnly);

    ~ProjectStore();
    ProjectStore(const ProjectStore&) = delete;
    ProjectStore& operator=(const ProjectStore&) = delete;

    const std::string& path() const { return m_path; }
    bool writable() const { return m_mode == Mode::ReadWrite; }
    int schemaVersion() const;
    // The notice when open() recovered the file after an interrupted write, else nullopt.
    const std::optional<Diagnostic>& recovered() const { return m_recovered; }

    std::optional<std::string> meta(const std::string& key) const;
    std::map<std::string, std::string> allMeta() const;

    std::vector<std::string> layerNames() const;  // data layers, without bando_meta
    bool hasLayer(const std::string& name) const;
    // GDAL's sqlite3 connection, for the caller's read-only SQL between the store's calls (no
    // statement left pending); nullptr when the fast path is off. A second connection would parse
    // the whole schema again (3 ms on the sample's 55 layers and their triggers).
    sqlite3* readHandle() const { return fastHandle(false); }
    LayerInfo layerInfo(const std::string& name) const;
    // Reads a whole layer (geometry in EPSG:4326). Throws bando::Error(Store) for unknown layers.
    Layer readLayer(const std::string& name, const Feedback* fb = nullptr) const;
    // Each row's first point and the values of `columns`, interned (model/point_columns.hpp): the
    // compact read of a large point layer, equal to PointColumns::fromLayer(readLayer(name), columns).
    PointColumns readPointColumns(const std::string& name, const std::vector<std::string>& columns,
                                  const Feedback* fb = nullptr) const;

    // ---- writes: only inside a transaction ----
    class Transaction {
    public:
        explicit Transaction(ProjectStore& store);
        ~Transaction();  // rolls back unless committed
        Transaction(const Transaction&) = delete;
        Transaction& operator=(const Transaction&) = delete;
        void commit();

    private:
        ProjectStore* m_store;
        bool m_done = false;
        std::vector<std::string> m_layersBefore;  // GDAL's layer list when the transaction began
    };

    void setMeta(const std::string& key, const std::string& value);
    // Creates the layer if needed (from schema::layer() when known, else from `layer`'s fields),
    // deletes its features, and writes `layer`'s features (transformed to EPSG:4326 if needed).
    void replaceLayer(const Layer& layer, const Feedback* fb = nullptr);
    // Appends `layer`'s features to an existing layer with a compatible schema.
    void appendFeatures(const Layer& layer, const Feedback* fb = nullptr);
    void deleteLayer(const std::string& name);

    // Closes the file (a single .gpkg with no -wal/-shm). Called by the destructor too.
    void close();

    // Bulk writes and layer clears go straight to GDAL's sqlite3 connection (gpkg_fast.hpp) where
    // that gives the same stored rows; off, everything goes through OGR features (the reference
    // the tests compare the fast path with). On by default.
    void setFastIo(bool on) { m_fastIo = on; }
    bool fastIo() const { return m_fastIo; }
    // Off, a fast write into an empty R-tree inserts its entries one by one through the rtree
    // module instead of bulk-loading the tree (the reference the tests compare the bulk load with).
    void setRtreeBulkLoad(bool on) { m_rtreeBulkLoad = on; }

private:
    ProjectStore(std::string path, Mode mode, GDALDatasetUniquePtr ds);
    void requireTransaction(const char* what) const;
    void migrate();
    void createLayerFromSchema(const std::string& name, const Layer* fallback);
    void writeFeatures(const Layer& layer, const Feedback* fb);
    // The fast path of writeFeatures and replaceLayer's clear (false: not applicable, use OGR).
    bool writeFeaturesFast(OGRLayer* l, const Layer& src, const Feedback* fb);
    // Deletes the rows matching `condition` (SQL with `?` bound to `binds`; empty: every row);
    // returns how many, or -1 when the fast path does not apply.
    int64_t deleteRowsFast(OGRLayer* l, const std::string& condition, const std::vector<std::string>& binds);
    // GDAL's sqlite3 connection when the fast path is on (and, for writes, the store writable).
    sqlite3* fastHandle(bool forWrite = true) const;
    // readLayer through that connection; nullopt when OGR must read the layer.
    std::optional<Layer> readLayerFast(OGRLayer* l, const Feedback* fb) const;
    // readPointColumns through that connection; nullopt when it must go through readLayer.
    std::optional<PointColumns> readPointColumnsFast(OGRLayer* l, const std::vector<std::string>& columns,
                                                     const Feedback* fb) const;
    // Makes GDAL forget what it cached about a table written behind its back (count, extent).
    void afterRawWrite(const std::string& table, const Extent* added);

    // GDAL's layer names, as its dataset lists them (internal tables included).
    std::vector<std::string> gdalLayerList() const;
    // Closes and reopens the GDAL dataset (after a rollback that created or dropped a layer: GDAL
    // 3.6 keeps such a layer in its list although SQLite undid it).
    void reopenDataset();
    std::string m_path;
    Mode m_mode;
    GDALDatasetUniquePtr m_ds;
    std::unique_ptr<ProjectLock> m_writerLock;  // ReadWrite: held from open to close
    bool m_inTransaction = false;
    bool m_fastIo = true;
    bool m_rtreeBulkLoad = true;
    std::optional<Diagnostic> m_recovered;

public:
    // ---- schema reads and filtered deletes (import/export, without raw dataset access) ----
    struct LayerSchema {
        std::string name;
        GeomType geomType = GeomType::None;
        std::vector<FieldDef> fields;  // as readLayer() reports them
    };
    // The geometry type and fields of a data layer; nullopt when the project has no such layer.
    std::optional<LayerSchema> layerSchema(const std::string& name) const;
    // Deletes the features of `layer` whose text fields equal the given values (all of them);
    // returns how many were deleted. Only inside a transaction; a missing layer deletes nothing.
    int64_t deleteWhere(const std::string& layer, const std::vector<std::pair<std::string, std::string>>& equals);
    // Replaces, in one transaction of its own, the rows of each layer in `layers` whose text
    // field `field` equals `value` (one planning scenario's results, say) with that layer's
    // features: the old rows are deleted, the new ones appended, and nothing changes when `fb`
    // is cancelled or a write fails. Each layer must exist.
    void replaceRowsWhere(const std::string& field, const std::string& value, const std::vector<const Layer*>& layers,
                          const Feedback* fb = nullptr);
    // Sets attribute values of one feature (by fid), geometry untouched. Only inside a
    // transaction; throws bando::Error(Store) for an unknown layer, feature or field.
    void updateFields(const std::string& layer, int64_t fid, const std::vector<std::pair<std::string, Value>>& values);
    // Change counters (issue #9): SQLite triggers on each of `layers` (AFTER INSERT, UPDATE,
    // DELETE: plain SQL, they fire for any program that edits the file) add one to the layer's
    // row of `layer_changes`. Missing triggers are created and the counter is bumped (the layer
    // may have changed while they were missing). Only inside a transaction. Returns the counter
    // of every listed layer the project has.
    std::map<std::string, int64_t> ensureChangeCounters(const std::vector<std::string>& layers);
};

// A project left with a hot rollback journal or a WAL by a writer that died (kill -9, power cut)
// is recovered here: SQLite rolls the unfinished transaction back, or keeps what the log had
// committed and merges it into the file. A read-only open cannot replay either, so every open
// (ProjectStore::open, ProjectQuery::open) calls this first. Returns the notice to give the
// user (in their language), or nullopt when there was nothing to recover or a live writer owns
// the journal. Throws bando::Error(Store) when the leftover cannot be replayed because the file
// or its folder is read-only.
std::optional<Diagnostic> recoverInterruptedProject(const std::string& path);

// Writes a new project to `path` atomically: builds it in a temporary file beside `path`,
// then renames it over `path`. On any exception the temporary file is removed and `path` is
// untouched. `afterClose`, when given, runs on the temporary file after the store has closed
// and before the rename (e.g. to add a raster table to the same GeoPackage with GDAL).
void writeProjectAtomically(const std::string& path, const std::function<void(ProjectStore&)>& fill,
                            const std::function<void(const std::string& tmpPath)>& afterClose = nullptr);

} // namespace bando
