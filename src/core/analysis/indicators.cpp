// The analysis core (issue #9). See indicators.hpp and docs/ANALYSIS.md.
#include "core/analysis/indicators.hpp"

#include "core/crs/reproject.hpp"

#include "core/analysis/access.hpp"
#include "core/analysis/clip_area.hpp"
#include "core/analysis/grid_union.hpp"
#include "core/analysis/point_locator.hpp"
#include "core/analysis/simple_polygon.hpp"
#include "core/analysis/spatial_index.hpp"
#include "core/base/error.hpp"
#include "core/base/parallel.hpp"
#include "core/base/step_timer.hpp"
#include "core/capi/geos.hpp"
#include "core/capi/geos_convert.hpp"
#include "core/model/point_table.hpp"
#include "core/planning/targets.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cmath>
#include <ctime>
#include <functional>
#include <future>
#include <limits>
#include <mutex>
#include <numeric>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>



namespace bando::analysis {
namespace {

using geos::ctx;
using geos::GeomPtr;
using geos::PreparedPtr;

int field(const Layer* l, const char* name) { return l ? l->fieldIndex(name) : -1; }
std::string textOf(const Feature& f, int i) { return i >= 0 && i < static_cast<int>(f.values.size()) ? toString(f.values[i]) : std::string(); }
int64_t intOf(const Feature& f, int i, int64_t fallback = 0)
{
    return i >= 0 && i < static_cast<int>(f.values.size()) ? toInt(f.values[i]).value_or(fallback) : fallback;
}

// A copy of `l` in `epsg`.
Layer inCrs(const Layer& l, int epsg)
{
    Layer out = l;
    crs::reproject(out, epsg);
    return out;
}

// ---- coverage pieces ----

// One coverage feature (operator × technology × level), cut into small pieces.
struct BaseCoverage {
    std::string op, tech, level;
    Geometry geom;  // metric
};

struct Entity {
    std::string op, tech;             // "any" for unions
    std::vector<uint32_t> good, weak; // base coverage indexes
    bool gaps = false;                // write coverage_gaps rows (operator and any)
};

Extent envelopeOf(const GEOSGeometry* g)
{
    Extent e;
    double x0, y0, x1, y1;
    if (GEOSGeom_getXMin_r(ctx(), g, &x0) && GEOSGeom_getYMin_r(ctx(), g, &y0) && GEOSGeom_getXMax_r(ctx(), g, &x1) &&
        GEOSGeom_getYMax_r(ctx(), g, &y1)) {
        e.expand(x0, y0);
        e.expand(x1, y1);
    }
    return e;
}

// The pieces of every base coverage, for one thread (GEOS geometries and prepared geometries
// are not shared between threads: PITFALLS).
struct PieceSet {
    struct Piece {
        uint32_t base;
        GeomPtr geom;
        Extent extent;
        double area;
    };
    std::vector<Piece> pieces;
    Extent extent;
    double cell = 1;
    int nx = 0, ny = 0;
    std::vector<uint32_t> cellStart, cellPieces;

    void build(const std::vector<BaseCoverage>& bases)
    {
        for (uint32_t b = 0; b < bases.size(); ++b) {
            if (bases[b].geom.isEmpty())
                continue;
            GeomPtr g = geos::toGeos(bases[b].geom);
            const Extent e = bases[b].geom.extent();
            std::vector<GeomPtr> out;
            subdivide(std::move(g), e.minX, e.minY, e.maxX, e.maxY, 0, out);
            for (auto& p : out) {
                Piece piece{b, std::move(p), {}, 0};
                piece.extent = envelopeOf(piece.geom.get());
                GEOSArea_r(ctx(), piece.geom.get(), &piece.area);
                extent.expand(piece.extent);
                pieces.push_back(std::move(piece));
            }
        }
        if (pieces.empty())
            return;
        cell = std::max(std::sqrt(extent.width() * extent.height() / static_cast<double>(std::max<size_t>(pieces.size(), 1))) * 2, 1.0);
        nx = std::clamp(static_cast<int>(extent.width() / cell) + 1, 1, 2048);
        ny = std::clamp(static_cast<int>(extent.height() / cell) + 1, 1, 2048);
        std::vector<uint32_t> counts(static_cast<size_t>(nx) * ny + 1, 0);
        forCells(counts, nullptr);
        cellStart.assign(counts.size(), 0);
        for (size_t c = 1; c < counts.size(); ++c)
            cellStart[c] = cellStart[c - 1] + counts[c];
        cellPieces.resize(cellStart.back());
        std::vector<uint32_t> fill(cellStart.begin(), cellStart.end() - 1);
        forCells(counts, &fill);
    }
    int cx(double x) const { return std::clamp(static_cast<int>((x - extent.minX) / cell), 0, nx - 1); }
    int cy(double y) const { return std::clamp(static_cast<int>((y - extent.minY) / cell), 0, ny - 1); }
    void forCells(std::vector<uint32_t>& counts, std::vector<uint32_t>* fill)
    {
        for (uint32_t i = 0; i < pieces.size(); ++i) {
            const Extent& e = pieces[i].extent;
            for (int y = cy(e.minY); y <= cy(e.maxY); ++y)
                for (int x = cx(e.minX); x <= cx(e.maxX); ++x) {
                    const size_t c = static_cast<size_t>(y) * nx + x;
                    if (fill)
                        cellPieces[(*fill)[c]++] = i;
                    else
                        ++counts[c + 1];
                }
        }
    }
    // Pieces whose extent meets `e` (each once).
    void candidates(const Extent& e, std::vector<uint32_t>& out, std::vector<uint32_t>& stamp, uint32_t tick) const
    {
        out.clear();
        if (pieces.empty() || !extent.intersects(e))
            return;
        for (int y = cy(e.minY); y <= cy(e.maxY); ++y)
            for (int x = cx(e.minX); x <= cx(e.maxX); ++x) {
                const size_t c = static_cast<size_t>(y) * nx + x;
                for (uint32_t k = cellStart[c]; k < cellStart[c + 1]; ++k) {
                    const uint32_t i = cellPieces[k];
                    if (stamp[i] == tick || !pieces[i].extent.intersects(e))
                        continue;
                    stamp[i] = tick;
                    out.push_back(i);
                }
            }
    }
};

// Intersection of one village with one base coverage.
struct BaseCut {
    enum State { None, Partial, Full } state = None;
    std::vector<GeomPtr> parts;  // village ∩ piece (Partial)
    double area = 0;
};

GeomPtr unionOf(std::vector<const GEOSGeometry*> parts)
{
    std::vector<GEOSGeometry*> clones;
    clones.reserve(parts.size());
    for (auto* p : parts)
        clones.push_back(GEOSGeom_clone_r(ctx(), p));
    GeomPtr coll(GEOSGeom_createCollection_r(ctx(), GEOS_GEOMETRYCOLLECTION, clones.data(),
                                              static_cast<unsigned>(clones.size())));
    return geos::check(GEOSUnaryUnion_r(ctx(), coll.get()), "union");
}

double areaOf(const GEOSGeometry* g)
{
    double a = 0;
    GEOSArea_r(ctx(), g, &a);
    return a;
}

// The covered part of a village for a set of base coverages: full, none, or a geometry.
struct Cover {
    BaseCut::State state = BaseCut::None;
    GeomPtr geom;  // Partial
    double area = 0;
};

Cover coverOf(const std::vector<uint32_t>& members, const std::vector<BaseCut>& cuts, double villageArea,
              bool needGeometry)
{
    Cover c;
    std::vector<const GEOSGeometry*> parts;
    int contributing = 0;
    double sum = 0;
    for (uint32_t b : members) {
        const BaseCut& cut = cuts[b];
        if (cut.state == BaseCut::Full) {
            c.state = BaseCut::Full;
            c.area = villageArea;
            return c;
        }
        if (cut.state == BaseCut::Partial) {
            ++contributing;
            sum += cut.area;
            for (const auto& p : cut.parts)
                parts.push_back(p.get());
        }
    }
    if (parts.empty())
        return c;
    c.state = BaseCut::Partial;
    if (contributing == 1 && !needGeometry) {
        c.area = sum;  // pieces of one coverage feature do not overlap
        return c;
    }
    c.geom = unionOf(parts);
    c.area = areaOf(c.geom.get());
    return c;
}

// The union of covers already computed (the operators' covers for "any").
Cover combine(const std::vector<const Cover*>& covers, double villageArea)
{
    Cover c;
    std::vector<const GEOSGeometry*> parts;
    for (const Cover* x : covers) {
        if (x->state == BaseCut::Full) {
            c.state = BaseCut::Full;
            c.area = villageArea;
            return c;
        }
        if (x->state == BaseCut::Partial)
            parts.push_back(x->geom.get());
    }
    if (parts.empty())
        return c;
    c.state = BaseCut::Partial;
    if (parts.size() == 1)
        c.geom.reset(GEOSGeom_clone_r(ctx(), parts[0]));
    else
        c.geom = unionOf(parts);
    c.area = areaOf(c.geom.get());
    return c;
}

// Point in a village: is_centre settlement, else the largest settlement, else the label point.
struct Centre {
    XY p;
    bool fromSettlement = false;
};

std::string dateOnly(const std::string& s) { return s.size() >= 10 ? s.substr(0, 10) : s; }


Layer schemaless(const Layer*) { return Layer{}; }

// The shops, teams and targets of each village; writes only their fields of out.villages (and
// out's shop totals), so it can run beside the classification and the coverage part.
void economy(const AnalysisInput& in, const PointColumns* shops, const Layer& villages,
             const std::unordered_map<std::string, size_t>& byCode, const std::vector<uint32_t>& rank,
             const AnalysisOptions& opt, AnalysisOutput& out, const Feedback* fb)
{
    const size_t nv = villages.features.size();
    const bool since = !opt.since.empty();
    if (since)
        for (auto& v : out.villages)
            v.shopsSince = v.epaySince = v.locomotiveSince = 0;
    if (shops) {
        PointColumns shopsT;
        const PointColumns* S = shops;
        if (S->epsg != villages.epsg) {
            // the points alone (PROJ transforms each on its own: as the layer's, bit for bit)
            shopsT = *S;
            std::vector<XY> pts;
            for (size_t k = 0; k < S->size(); ++k)
                if (S->hasPoint[k])
                    pts.push_back(S->xy[k]);
            crs::reproject(pts, S->epsg, villages.epsg);
            for (size_t k = 0, j = 0; k < S->size(); ++k)
                if (S->hasPoint[k])
                    shopsT.xy[k] = pts[j++];
            shopsT.epsg = villages.epsg;
            S = &shopsT;
        }
        // the columns (kShopColumns), each value judged once: the shops share a few thousand
        const auto& opened = S->ids[0], &epay = S->ids[1], &loco = S->ids[2], &locoSince = S->ids[3],
                    &village = S->ids[4];
        // a date value: 0 empty, 1 on or before `date`, 2 after it (compared as YYYY-MM-DD text)
        auto dateClasses = [&](size_t column, const std::string& date) {
            std::vector<uint8_t> cls;
            for (const Value& v : S->values[column]) {
                const std::string d = dateOnly(toString(v));
                cls.push_back(d.empty() ? 0 : d <= date ? 1 : 2);
            }
            return cls;
        };
        struct Dates {
            std::vector<uint8_t> opened, epay, locoSince;
        };
        auto datesAt = [&](const std::string& date) {
            return Dates{dateClasses(0, date), dateClasses(1, date), dateClasses(3, date)};
        };
        const Dates atDate = datesAt(out.date);
        const Dates atSince = since ? datesAt(opt.since) : Dates{};
        std::vector<uint8_t> isLocomotive;
        for (const Value& v : S->values[2])
            isLocomotive.push_back(toInt(v).value_or(0) == 1 ? 1 : 0);
        std::vector<std::string> codeText;
        std::vector<int64_t> codeVillage;  // the village named by a village_code value, or -1
        for (const Value& v : S->values[4]) {
            codeText.push_back(toString(v));
            auto it = byCode.find(codeText.back());
            codeVillage.push_back(it == byCode.end() ? -1 : static_cast<int64_t>(it->second));
        }
        // A shop exists at a date when it has no opening date or opened on/before it.
        auto count = [&](size_t k, const Dates& d, int64_t& s, int64_t& e, int64_t& l) {
            if (d.opened[opened[k]] == 2)
                return false;
            ++s;
            if (d.epay[epay[k]] == 1)
                ++e;
            if (isLocomotive[loco[k]] && d.locoSince[locoSince[k]] != 2)
                ++l;
            return true;
        };
        std::vector<XY> pts;
        std::vector<uint32_t> idx;
        pts.reserve(S->size());
        idx.reserve(S->size());
        for (uint32_t k = 0; k < S->size(); ++k) {
            if (S->hasPoint[k]) {
                pts.push_back(S->xy[k]);
                idx.push_back(k);
                continue;
            }
            // tabular: no geometry, counted by village_code
            int64_t s = 0, e = 0, l = 0;
            const int64_t vi = codeVillage[village[k]];
            if (count(k, atDate, s, e, l)) {
                ++out.shopsTotal;
                ++out.shopsTabular;
                if (vi < 0) {
                    ++out.shopsOutside;
                    continue;
                }
            }
            if (vi < 0)
                continue;
            auto& v = out.villages[static_cast<size_t>(vi)];
            v.shops += s;
            v.epay += e;
            v.locomotive += l;
            if (since)
                count(k, atSince, v.shopsSince, v.epaySince, v.locomotiveSince);
        }
        std::vector<const Geometry*> polys(nv);
        for (size_t i = 0; i < nv; ++i)
            polys[i] = &villages.features[i].geom;
        PointLocator locator(polys, rank);
        const auto hits = locator.locateAll(pts, opt.threads, fb);
        for (size_t j = 0; j < pts.size(); ++j) {
            const size_t k = idx[j];
            const auto& hit = hits[j];
            int64_t s = 0, e = 0, l = 0;
            const bool exists = count(k, atDate, s, e, l);
            if (exists)
                ++out.shopsTotal;
            if (hit.polygon < 0) {
                if (exists)
                    ++out.shopsOutside;
                continue;
            }
            auto& v = out.villages[static_cast<size_t>(hit.polygon)];
            if (exists) {
                ++out.shopsLocated;
                if (hit.boundary) {
                    ++out.shopsBoundary;
                    ++v.boundaryShops;
                }
                const std::string& code = codeText[village[k]];
                if (!code.empty() && code != v.code)
                    ++out.shopsCodeMismatch;
            }
            v.shops += s;
            v.epay += e;
            v.locomotive += l;
            if (since)
                count(k, atSince, v.shopsSince, v.epaySince, v.locomotiveSince);
        }
    }

    // targets: the one resolution rule (planning::TargetResolver, as `bando targets` shows it):
    // the most specific level wins (village > commune > district > province); a village with no
    // row at any level has no target here (-1, scope "") rather than the program defaults
    const planning::TargetTable targetTable = planning::readTargetTable(in.targets, nullptr);
    const planning::TargetResolver targetRule(targetTable);

    // teams formed on/before the date (or undated)
    const int mV = field(in.teams, "village_code"), mMembers = field(in.teams, "members"),
              mTrained = field(in.teams, "trained"), mFormed = field(in.teams, "formed");
    if (in.teams)
        for (const auto& f : in.teams->features) {
            auto it = byCode.find(textOf(f, mV));
            if (it == byCode.end())
                continue;
            const std::string formed = dateOnly(textOf(f, mFormed));
            if (!formed.empty() && formed > out.date)
                continue;
            auto& v = out.villages[it->second];
            const int64_t members = intOf(f, mMembers), trained = intOf(f, mTrained);
            ++v.teams;
            v.teamMembers += members;
            v.teamTrained += trained;
            if (members >= 3 && members <= 5 && trained >= 2)
                v.teamRuleMet = true;
        }

    for (auto& v : out.villages) {
        const planning::EffectiveTarget t = targetRule.resolve(v.code, v.communeCode, v.districtCode, "");
        if (t.scope != "program") {
            v.targetScope = t.scope;
            v.targetShopPct = t.shopPct;
            v.targetEpayPct = t.epayPct;
            v.targetLocomotivePct = t.locomotivePct;
        }
        v.shopsPerKm2 = v.areaKm2 > 0 ? static_cast<double>(v.shops) / v.areaKm2 : 0;
    }
}

// Penetration against the households (set by the classification, after economy()).
void penetration(AnalysisOutput& out)
{
    for (auto& v : out.villages) {
        if (v.households > 0) {
            v.shopPct = 100.0 * static_cast<double>(v.shops) / static_cast<double>(v.households);
            v.epayPct = 100.0 * static_cast<double>(v.epay) / static_cast<double>(v.households);
            v.locomotivePct = 100.0 * static_cast<double>(v.locomotive) / static_cast<double>(v.households);
        }
    }
}

struct Settle {
    XY p;
    int64_t hh;
};

// The coverage features in the metric CRS (invalid ones repaired and reported) and the entities
// the indicators are computed for: operator × technology, operator (3G/4G), any operator.
struct CoverageModel {
    std::vector<BaseCoverage> bases;
    std::vector<Entity> entities;
    std::map<std::string, size_t> oIndex;
    size_t anyIndex = 0;
    std::vector<PolygonIndex> pip;
    bool validated = false;  // the bases passed GEOS's validity check (or were repaired)
};

// Runs the tasks on `threads` threads (each its own GEOS context); rethrows the first error.
void runParallel(const std::vector<std::function<void()>>& tasks, unsigned threads);

// Where the caller stores the coverage results while the analysis goes on (afterShares and
// afterGaps), the
// economy and access parts wait at this gate until the coverage part is done: they then run on
// the core the caller's store leaves idle instead of slowing the coverage part down.
class Gate {
public:
    void open()
    {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_open = true;
        }
        m_cv.notify_all();
    }
    void wait()
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_cv.wait(lock, [this] { return m_open; });
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_open = false;
};

// GEOS validity of the bases on the threads; invalid ones repaired (MakeValid), reported in the
// bases' order, and their point indexes rebuilt.
void validateBases(CoverageModel& m, const AnalysisOptions& opt, AnalysisOutput& out)
{
    std::vector<char> repaired(m.bases.size(), 0);
    std::vector<std::function<void()>> tasks;
    for (size_t b = 0; b < m.bases.size(); ++b) {
        if (m.bases[b].geom.isEmpty())
            continue;
        tasks.push_back([&g = m.bases[b].geom, &flag = repaired[b]] {
            GeomPtr gg = geos::toGeos(g);
            if (GEOSisValid_r(ctx(), gg.get()) != 1) {
                GeomPtr fixed = geos::check(GEOSMakeValid_r(ctx(), gg.get()), "make valid");
                g = geos::polygonalPart(fixed.get());
                if (g.isEmpty())
                    g.type = GeomType::MultiPolygon;
                flag = 1;
            }
        });
    }
    runParallel(tasks, std::max(1u, opt.threads));
    for (size_t b = 0; b < m.bases.size(); ++b)
        if (repaired[b]) {
            const BaseCoverage& B = m.bases[b];
            out.notes.push_back("coverage " + B.op + " " + B.tech + " " + B.level + ": invalid polygon repaired");
            if (b < m.pip.size())
                m.pip[b] = PolygonIndex(B.geom);
        }
    m.validated = true;
}

// With `deferValidity`, the GEOS validity check is left to the caller (validateBases), which
// needs it only where the raster path cannot vouch for the polygons (coverageSharesFlat).
CoverageModel coverageModel(const AnalysisInput& in, const AnalysisOptions& opt, AnalysisOutput& out,
                            bool deferValidity = false)
{
    CoverageModel model;
    auto& bases = model.bases;
    auto& entities = model.entities;
    auto& oIndex = model.oIndex;
    Layer covM = inCrs(*in.coverage, opt.metricEpsg);
    const int iOp = covM.fieldIndex("operator"), iTech = covM.fieldIndex("technology"),
              iLevel = covM.requireField("level");
    for (size_t k = 0; k < covM.features.size(); ++k) {
        auto& f = covM.features[k];
        const std::string level = textOf(f, iLevel);
        if ((level != "good" && level != "weak") || f.geom.isEmpty())
            continue;
        bases.push_back({textOf(f, iOp), textOf(f, iTech), level, std::move(f.geom)});
    }
    if (!deferValidity) {
        validateBases(model, opt, out);
        // a polygon repaired into nothing is no coverage
        bases.erase(std::remove_if(bases.begin(), bases.end(), [](const BaseCoverage& B) { return B.geom.isEmpty(); }),
                    bases.end());
    }
    // entities: operator × technology, operator (3G/4G), any operator (3G/4G)
    std::map<std::pair<std::string, std::string>, size_t> otIndex;
    for (uint32_t b = 0; b < bases.size(); ++b) {
        const auto& B = bases[b];
        auto [it, added] = otIndex.emplace(std::make_pair(B.op, B.tech), 0);
        (void)it;
        (void)added;
    }
    for (auto& [key, idx] : otIndex) {
        idx = entities.size();
        entities.push_back({key.first, key.second, {}, {}, false});
    }
    for (uint32_t b = 0; b < bases.size(); ++b)
        oIndex.emplace(bases[b].op, 0);
    for (auto& [op, idx] : oIndex) {
        idx = entities.size();
        entities.push_back({op, "any", {}, {}, true});
    }
    const size_t anyIndex = entities.size();
    model.anyIndex = anyIndex;
    entities.push_back({"any", "any", {}, {}, true});
    for (uint32_t b = 0; b < bases.size(); ++b) {
        const auto& B = bases[b];
        const bool mobile = B.tech.empty() || B.tech == "3G" || B.tech == "4G";
        const bool good = B.level == "good";
        std::vector<size_t> targets{otIndex[{B.op, B.tech}]};
        if (mobile) {
            targets.push_back(oIndex[B.op]);
            targets.push_back(anyIndex);
        }
        for (size_t e : targets)
            (good ? entities[e].good : entities[e].weak).push_back(b);
    }
    auto& pip = model.pip;
    pip.reserve(bases.size());
    for (const auto& B : bases)
        pip.emplace_back(B.geom);
    return model;
}

bool anyFlag(const std::vector<uint32_t>& members, const std::vector<char>& flags)
{
    for (uint32_t b : members)
        if (flags[b])
            return true;
    return false;
}

// One operator × technology's shares in a village: of its area (good, weak only) and of its
// households, located by its settlements (by area where it has none: hhTotal 0); and the signal at
// its centre. goodAt(s) / weakAt(s): settlement s lies in good / weak coverage. hhGood and hhSig
// return the households with good signal and with any.
template <class GoodAt, class WeakAt>
CoverageShare shareOf(const Entity& e, double vArea, double goodArea, double sigArea, const std::vector<Settle>& settle,
                      int64_t hhTotal, GoodAt&& goodAt, WeakAt&& weakAt, bool centreGood, bool centreWeak,
                      double& hhGood, double& hhSig)
{
    CoverageShare cs;
    cs.op = e.op;
    cs.tech = e.tech;
    cs.areaGood = vArea > 0 ? std::min(1.0, goodArea / vArea) : 0;
    cs.areaWeakOnly = vArea > 0 ? std::clamp((sigArea - goodArea) / vArea, 0.0, 1.0) : 0;
    hhGood = hhSig = 0;
    for (size_t s = 0; s < settle.size(); ++s) {
        const bool g = goodAt(s);
        const bool a = g || weakAt(s);
        if (g) hhGood += static_cast<double>(settle[s].hh);
        if (a) hhSig += static_cast<double>(settle[s].hh);
    }
    if (hhTotal > 0) {
        cs.hhGood = hhGood / static_cast<double>(hhTotal);
        cs.hhWeakOnly = (hhSig - hhGood) / static_cast<double>(hhTotal);
    } else {
        cs.hhGood = cs.areaGood;
        cs.hhWeakOnly = cs.areaWeakOnly;
    }
    cs.centre = centreGood ? "good" : centreWeak ? "weak" : "none";
    return cs;
}

// The two coverage_gaps rows of a village for a gap entity (an operator or "any"): `none` and
// `weak` come with their geometry and area; here their keys and households (by settlements
// where the village has some, by area otherwise), and for "any" the village's gap columns.
void addGapRows(VillageIndicators& v, const Entity& e, bool isAny, const CoverageShare& cs, GapPiece none,
                GapPiece weak, int64_t hhTotal, double hhSig, double hhGood, double vArea, std::vector<GapPiece>& rows)
{
    none.villageCode = weak.villageCode = v.code;
    none.communeCode = weak.communeCode = v.communeCode;
    none.districtCode = weak.districtCode = v.districtCode;
    none.op = weak.op = e.op;
    none.kind = "no_coverage";
    weak.kind = "weak_only";
    if (hhTotal > 0) {
        none.households = static_cast<double>(hhTotal) - hhSig;
        weak.households = hhSig - hhGood;
    } else {
        const double hh = static_cast<double>(v.households);
        none.households = vArea > 0 ? hh * none.areaM2 / vArea : 0;
        weak.households = vArea > 0 ? hh * weak.areaM2 / vArea : 0;
    }
    if (isAny) {
        v.gapAreaKm2 = none.areaM2 / 1e6;
        v.weakOnlyAreaKm2 = weak.areaM2 / 1e6;
        v.gapHouseholds = none.households;
        v.weakOnlyHouseholds = weak.households;
        v.centreSignal = cs.centre;
    }
    rows.push_back(std::move(none));
    rows.push_back(std::move(weak));
}

void runParallel(const std::vector<std::function<void()>>& tasks, unsigned threads);

// Runs `worker` on `threads` threads (this one included; each takes villages from the counter),
// rethrows the first error, then appends every village's gap rows to `out` in the villages' order.
void runVillageWorkers(size_t nv, unsigned threads, const std::function<void(WorkCounter&)>& worker,
                       const Feedback* fb, std::vector<std::vector<GapPiece>>& gapsOf, AnalysisOutput& out)
{
    runWorkers(nv, std::max(1u, threads), worker);
    throwIfCancelled(fb);
    for (auto& g : gapsOf)
        for (auto& p : g)
            out.gaps.push_back(std::move(p));
}

void coverageShares(const AnalysisInput& in, const Layer& villagesM, const std::vector<std::vector<Settle>>& settle,
                    const std::vector<Centre>& centre, const AnalysisOptions& opt, AnalysisOutput& out,
                    const Feedback* fb)
{
    const size_t nv = villagesM.features.size();
    CoverageModel model = coverageModel(in, opt, out);
    const auto& bases = model.bases;
    const auto& entities = model.entities;
    const auto& oIndex = model.oIndex;
    const size_t anyIndex = model.anyIndex;
    const auto& pip = model.pip;

    std::vector<std::vector<GapPiece>> gapsOf(nv);
    const auto mainThread = std::this_thread::get_id();
    auto worker = [&](WorkCounter& work) {
        StepTimer t;
        PieceSet ps;
        ps.build(bases);
        if (std::this_thread::get_id() == mainThread)
            t("coverage: pieces (per thread)");
        std::vector<uint32_t> stamp(ps.pieces.size(), UINT32_MAX), cand;
        uint32_t tick = 0;
        std::vector<BaseCut> cuts(bases.size());
        std::vector<char> inBase(bases.size());
        for (size_t i; (i = work.next()) < nv;) {
            if (isCancelled(fb))
                return;
            const Geometry& vg = villagesM.features[i].geom;
            auto& v = out.villages[i];
            if (vg.isEmpty())
                continue;
            GeomPtr V = geos::toGeos(vg);
            PreparedPtr P(GEOSPrepare_r(ctx(), V.get()));
            const double vArea = areaOf(V.get());
            const Extent ve = vg.extent();
            for (auto& c : cuts) {
                c.state = BaseCut::None;
                c.parts.clear();
                c.area = 0;
            }
            ps.candidates(ve, cand, stamp, tick++);
            for (uint32_t k : cand) {
                const auto& piece = ps.pieces[k];
                BaseCut& cut = cuts[piece.base];
                if (cut.state == BaseCut::Full)
                    continue;
                if (GEOSPreparedIntersects_r(ctx(), P.get(), piece.geom.get()) != 1)
                    continue;
                const bool pieceHoldsBox = piece.extent.minX <= ve.minX && piece.extent.minY <= ve.minY &&
                                           piece.extent.maxX >= ve.maxX && piece.extent.maxY >= ve.maxY;
                if (pieceHoldsBox && GEOSPreparedCoveredBy_r(ctx(), P.get(), piece.geom.get()) == 1) {
                    cut.state = BaseCut::Full;
                    cut.parts.clear();
                    cut.area = vArea;
                    continue;
                }
                GeomPtr I;
                const bool boxHoldsPiece = ve.minX <= piece.extent.minX && ve.minY <= piece.extent.minY &&
                                           ve.maxX >= piece.extent.maxX && ve.maxY >= piece.extent.maxY;
                if (boxHoldsPiece && GEOSPreparedContains_r(ctx(), P.get(), piece.geom.get()) == 1)
                    I.reset(GEOSGeom_clone_r(ctx(), piece.geom.get()));
                else
                    I = geos::check(GEOSIntersection_r(ctx(), V.get(), piece.geom.get()), "intersection");
                const double a = areaOf(I.get());
                if (!(a > 0))
                    continue;
                cut.state = BaseCut::Partial;
                cut.area += a;
                cut.parts.push_back(std::move(I));
            }
            // households located by settlements (by area where the village has none)
            std::vector<std::vector<char>> sIn(settle[i].size(), std::vector<char>(bases.size(), 0));
            int64_t hhTotal = 0;
            for (size_t s = 0; s < settle[i].size(); ++s) {
                hhTotal += settle[i][s].hh;
                for (size_t b = 0; b < bases.size(); ++b)
                    sIn[s][b] = cuts[b].state != BaseCut::None && pip[b].contains(settle[i][s].p.x, settle[i][s].p.y);
            }
            for (size_t b = 0; b < bases.size(); ++b)
                inBase[b] = pip[b].contains(centre[i].p.x, centre[i].p.y);
            auto anyOf = [](const std::vector<uint32_t>& m, const std::vector<char>& flags) {
                for (uint32_t b : m)
                    if (flags[b])
                        return true;
                return false;
            };
            v.coverage.clear();
            std::vector<Cover> goodOf(entities.size()), sigOf(entities.size());
            for (size_t ei = 0; ei < entities.size(); ++ei) {
                const Entity& e = entities[ei];
                Cover& good = goodOf[ei];
                Cover& sig = sigOf[ei];
                if (ei == anyIndex) {
                    // any = the union of the operators' covers (computed just before)
                    std::vector<const Cover*> g, a;
                    for (const auto& [op, oi] : oIndex) {
                        g.push_back(&goodOf[oi]);
                        a.push_back(&sigOf[oi]);
                    }
                    good = combine(g, vArea);
                    sig = combine(a, vArea);
                } else if (!e.gaps) {
                    // operator x technology: areas only; weak is the ring outside good (the
                    // coverage schema), so the signal area is good + weak
                    good = coverOf(e.good, cuts, vArea, false);
                    const Cover weak = coverOf(e.weak, cuts, vArea, false);
                    sig.state = good.state == BaseCut::Full || weak.state == BaseCut::Full ? BaseCut::Full
                                : good.state == BaseCut::None && weak.state == BaseCut::None ? BaseCut::None
                                                                                              : BaseCut::Partial;
                    sig.area = std::min(vArea, good.area + weak.area);
                } else {
                    // signal = good ∪ weak parts: the good union is reused rather than
                    // re-unioning every good part with the weak ones
                    good = coverOf(e.good, cuts, vArea, true);
                    if (good.state == BaseCut::Full) {
                        sig.state = BaseCut::Full;
                        sig.area = vArea;
                    } else {
                        Cover weakCover = coverOf(e.weak, cuts, vArea, true);
                        if (good.state == BaseCut::None)
                            sig = std::move(weakCover);
                        else
                            sig = combine({&good, &weakCover}, vArea);
                    }
                }
                double hhGood = 0, hhSig = 0;
                CoverageShare cs = shareOf(
                    e, vArea, good.area, sig.area, settle[i], hhTotal, [&](size_t s) { return anyOf(e.good, sIn[s]); },
                    [&](size_t s) { return anyOf(e.weak, sIn[s]); }, anyOf(e.good, inBase), anyOf(e.weak, inBase),
                    hhGood, hhSig);
                if (e.gaps) {
                    GapPiece none, weak;
                    // no_coverage = village − signal
                    GeomPtr gapGeom;
                    if (sig.state == BaseCut::None)
                        gapGeom.reset(GEOSGeom_clone_r(ctx(), V.get()));
                    else if (sig.state == BaseCut::Partial)
                        gapGeom = geos::check(GEOSDifference_r(ctx(), V.get(), sig.geom.get()), "difference");
                    // weak_only = signal − good
                    GeomPtr weakGeom;
                    if (sig.state != BaseCut::None && good.state != BaseCut::Full) {
                        const GEOSGeometry* s = sig.state == BaseCut::Full ? V.get() : sig.geom.get();
                        if (good.state == BaseCut::None)
                            weakGeom.reset(GEOSGeom_clone_r(ctx(), s));
                        else
                            weakGeom = geos::check(GEOSDifference_r(ctx(), s, good.geom.get()), "difference");
                    }
                    if (gapGeom) {
                        none.geom = geos::polygonalPart(gapGeom.get());
                        none.areaM2 = areaOf(gapGeom.get());
                    }
                    if (weakGeom) {
                        weak.geom = geos::polygonalPart(weakGeom.get());
                        weak.areaM2 = areaOf(weakGeom.get());
                    }
                    addGapRows(v, e, ei == anyIndex, cs, std::move(none), std::move(weak), hhTotal, hhSig, hhGood,
                               vArea, gapsOf[i]);
                }
                v.coverage.push_back(std::move(cs));
            }
        }
    };
    runVillageWorkers(nv, opt.threads, worker, fb, gapsOf, out);
}

// Runs the tasks on `threads` threads (each its own GEOS context); rethrows the first error.
void runParallel(const std::vector<std::function<void()>>& tasks, unsigned threads)
{
    runWorkers(tasks.size(), threads, [&](WorkCounter& work) {
        for (size_t i; (i = work.next()) < work.size();)
            tasks[i]();
    });
}

// The coverage part without a GEOS overlay per village (issue #9, speed). Every polygon a
// village is intersected with is built once for the whole layer: per operator × technology its
// good and weak coverage; per operator and for "any" its good coverage, its weak-only part
// (signal − good) and its gap (the villages' box − signal). Each is indexed (IndexedPolygon) and
// every village is clipped against it from flat arrays (analysis::clip): areas directly, and the
// gap geometry traced from the crossings of the two boundaries. A village wholly inside or
// outside a polygon costs one point test. GEOS only where the flat clip meets a degenerate
// configuration (collinear edges, a vertex on an edge). Villages are spread over the threads.
void coverageSharesFlat(const AnalysisInput& in, const Layer& villagesM, const std::vector<std::vector<Settle>>& settle,
                        const std::vector<Centre>& centre, const AnalysisOptions& opt, AnalysisOutput& out,
                        const Feedback* fb, const std::function<void()>& beforeVillages)
{
    const size_t nv = villagesM.features.size();
    StepTimer timer;
    // the raster path checks the polygons itself (from their cells): GEOS's validity check is
    // needed only where it cannot vouch for them
    CoverageModel m = coverageModel(in, opt, out, /*deferValidity=*/opt.gridUnions);
    timer("coverage: layer to metric");
    const auto& bases = m.bases;
    const auto& entities = m.entities;
    Extent box;
    for (const auto& f : villagesM.features)
        box.expand(f.geom.extent());
    box = box.buffered(1000);

    // the polygons: per entity good, weak (operator × technology) or weak-only and gap (gap
    // entities). Built with GEOS once for the whole layer, the independent overlays on the threads
    // (each thread its own GEOS context; every input geometry is the thread's own copy).
    struct EntityPolys {
        int good = -1, weak = -1, gap = -1;
    };
    std::vector<EntityPolys> ep(entities.size());
    std::vector<Geometry> geoms;
    std::vector<size_t> gapEntities, operators;
    for (size_t ei = 0; ei < entities.size(); ++ei) {
        if (!entities[ei].gaps) {
            ep[ei].good = static_cast<int>(geoms.size());
            ep[ei].weak = static_cast<int>(geoms.size() + 1);
            geoms.resize(geoms.size() + 2);
        } else {
            ep[ei].good = static_cast<int>(geoms.size());
            ep[ei].weak = static_cast<int>(geoms.size() + 1);
            ep[ei].gap = static_cast<int>(geoms.size() + 2);
            geoms.resize(geoms.size() + 3);
            gapEntities.push_back(ei);
            if (ei != m.anyIndex)
                operators.push_back(ei);
        }
    }
    const Geometry rectG = Geometry::polygon({{{box.minX, box.minY}, {box.maxX, box.minY}, {box.maxX, box.maxY},
                                               {box.minX, box.maxY}, {box.minX, box.minY}}});
    // Whole (valid) MultiPolygons folded by binary unions: one noding pass per input. A unary
    // union of the collection would cut them into their thousands of polygons (a polygonized
    // raster) and union those pairwise: about twice the time on the sample.
    auto unionOf = [&](const std::vector<const Geometry*>& parts) {
        std::vector<GeomPtr> owned;
        for (const Geometry* g : parts)
            if (!g->isEmpty())
                owned.push_back(geos::toGeos(*g));
        if (owned.empty()) {
            Geometry none;
            none.type = GeomType::MultiPolygon;
            return none;
        }
        GeomPtr acc = std::move(owned[0]);
        for (size_t k = 1; k < owned.size(); ++k)
            acc = geos::check(GEOSUnion_r(ctx(), acc.get(), owned[k].get()), "union");
        return geos::polygonalPart(acc.get());
    };
    auto basesOf = [&](const std::vector<uint32_t>& members) {
        std::vector<const Geometry*> out;
        for (uint32_t b : members)
            out.push_back(&bases[b].geom);
        return out;
    };
    // weak-only (signal − good) and gap (box − signal) of a gap entity from its good and signal
    std::vector<Geometry> signal(entities.size());
    // (two independent differences: two tasks, so that the threads share them)
    auto finish = [&](size_t ei, std::vector<std::function<void()>>& tasks) {
        tasks.push_back([&, ei] {
            GeomPtr good = geos::toGeos(geoms[static_cast<size_t>(ep[ei].good)]);
            GeomPtr sig = geos::toGeos(signal[ei]);
            GeomPtr weakOnly = geos::check(GEOSDifference_r(ctx(), sig.get(), good.get()), "difference");
            geoms[static_cast<size_t>(ep[ei].weak)] = geos::polygonalPart(weakOnly.get());
        });
        tasks.push_back([&, ei] {
            GeomPtr sig = geos::toGeos(signal[ei]);
            GeomPtr rect = geos::toGeos(rectG);
            GeomPtr gap = geos::check(GEOSDifference_r(ctx(), rect.get(), sig.get()), "difference");
            geoms[static_cast<size_t>(ep[ei].gap)] = geos::polygonalPart(gap.get());
        });
    };
    const unsigned threads = std::max(1u, opt.threads);
    // 0. a polygonized raster: every union and difference cell by cell, traced back to polygons
    bool unionsDone = false;
    std::vector<char> tracedSlot(geoms.size(), 0);  // traced polygons touch only at shared corners
    std::optional<CellMasks> cellMasks;             // (kept: the villages' area shares come from it)
    std::vector<uint64_t> goodBits(entities.size(), 0), weakBits(entities.size(), 0);
    // 1 done on the grid, 0 not a raster (or not traced), -1 some polygon is invalid with area
    auto onGrid = [&]() -> int {
        std::vector<const Geometry*> baseGeoms;
        for (const auto& B : bases)
            baseGeoms.push_back(&B.geom);
        std::vector<Segment> sloping;
        auto grid = detectCellGrid(baseGeoms, box, {}, &sloping);
        if (grid && !sloping.empty()) {
            // a raster clipped to an outline: a cell a sloping edge cuts counts whole, exact for
            // every village as long as no village lies outside (right of) such an edge
            std::vector<const Geometry*> vp;
            std::vector<uint32_t> vr;
            for (const auto& f : villagesM.features) {
                vr.push_back(static_cast<uint32_t>(vp.size()));
                vp.push_back(&f.geom);
            }
            const PointLocator villagesAt(vp, vr);
            for (const Segment& e : sloping) {
                const double dx = e.b.x - e.a.x, dy = e.b.y - e.a.y, len = std::hypot(dx, dy);
                const double nx = dy / len * 0.01, ny = -dx / len * 0.01;  // 1 cm to the right
                bool outside = true;
                for (int k = 1; k < 4 && outside; ++k) {
                    const double t = k / 4.0;
                    outside = villagesAt.locate(e.a.x + t * dx + nx, e.a.y + t * dy + ny).polygon < 0;
                }
                if (!outside) {
                    grid.reset();
                    break;
                }
            }
            timer(grid ? "coverage: raster outline checked" : "coverage: raster outline crosses villages");
        }
        if (grid) {
            const CellMasks& cells = cellMasks.emplace(*grid, baseGeoms);
            if (!m.validated)
                for (size_t b = 0; b < baseGeoms.size(); ++b) {
                    const auto [least, greatest] = cells.coverRange(b);
                    if (least < -1e-6 || greatest > 1 + 1e-6) {
                        cellMasks.reset();
                        return -1;
                    }
                }
            auto bitsOf = [](const std::vector<uint32_t>& members) {
                uint64_t bits = 0;
                for (uint32_t b : members)
                    bits |= uint64_t{1} << b;
                return bits;
            };
            std::atomic<bool> traced{true};
            std::vector<std::function<void()>> tasks;
            auto trace = [&](int slot, uint64_t anyOf, uint64_t noneOf) {
                tracedSlot[static_cast<size_t>(slot)] = 1;
                tasks.push_back([&, slot, anyOf, noneOf] {
                    if (auto g = cells.polygons(anyOf, noneOf))
                        geoms[static_cast<size_t>(slot)] = std::move(*g);
                    else
                        traced = false;
                });
            };
            for (size_t ei = 0; ei < entities.size(); ++ei) {
                const Entity& e = entities[ei];
                const uint64_t good = bitsOf(e.good), weak = bitsOf(e.weak);
                goodBits[ei] = good;
                weakBits[ei] = weak;
                // the area shares come from the cells: only the gap rows' polygons are traced
                if (e.gaps) {
                    trace(ep[ei].weak, weak, good);    // weak only: signal − good
                    trace(ep[ei].gap, 0, good | weak); // gap: the window − signal
                }
            }
            runParallel(tasks, threads);
            unionsDone = traced;
            out.coverageOnGrid = traced;
            if (!traced)
                cellMasks.reset();
            timer(unionsDone ? "coverage: unions on the raster grid" : "coverage: raster grid not traced");
        }
        return unionsDone ? 1 : 0;
    };
    if (opt.gridUnions && bases.size() <= 64 && onGrid() < 0) {
        validateBases(m, opt, out);  // repaired: the raster path once more
        timer("coverage: validity (GEOS), invalid polygons repaired");
        onGrid();
    }
    if (!unionsDone && !m.validated) {
        validateBases(m, opt, out);  // the GEOS overlays need valid polygons
        timer("coverage: validity (GEOS)");
    }
    if (!unionsDone) {
        // 1. operator × technology (a union only where several features share a level) and operators
        std::vector<std::function<void()>> stage;
        for (size_t ei = 0; ei < entities.size(); ++ei) {
            const Entity& e = entities[ei];
            if (!e.gaps) {
                stage.push_back([&, ei] {
                    const Entity& x = entities[ei];
                    geoms[static_cast<size_t>(ep[ei].good)] = x.good.size() == 1 ? bases[x.good[0]].geom : unionOf(basesOf(x.good));
                    geoms[static_cast<size_t>(ep[ei].weak)] = x.weak.size() == 1 ? bases[x.weak[0]].geom : unionOf(basesOf(x.weak));
                });
            } else if (ei != m.anyIndex) {
                stage.push_back([&, ei] {
                    const Entity& x = entities[ei];
                    geoms[static_cast<size_t>(ep[ei].good)] = unionOf(basesOf(x.good));
                    // signal = good ∪ every weak feature (the good union is not redone)
                    std::vector<const Geometry*> all{&geoms[static_cast<size_t>(ep[ei].good)]}, weak = basesOf(x.weak);
                    all.insert(all.end(), weak.begin(), weak.end());
                    signal[ei] = unionOf(all);
                });
            }
        }
        runParallel(stage, threads);
        timer("coverage: operator unions");
        // 2. any operator: the union of the operators' good and signal polygons
        stage.clear();
        const size_t anyI = m.anyIndex;
        stage.push_back([&] {
            std::vector<const Geometry*> parts;
            for (size_t o : operators)
                parts.push_back(&geoms[static_cast<size_t>(ep[o].good)]);
            geoms[static_cast<size_t>(ep[anyI].good)] = unionOf(parts);
        });
        stage.push_back([&] {
            std::vector<const Geometry*> parts;
            for (size_t o : operators)
                parts.push_back(&signal[o]);
            signal[anyI] = unionOf(parts);
        });
        for (size_t o : operators)
            finish(o, stage);  // the operators' differences after the two longer unions
        runParallel(stage, threads);
        stage.clear();
        finish(anyI, stage);
        runParallel(stage, threads);
        timer("coverage: any-operator unions");
    }
    std::vector<IndexedPolygon> polys(geoms.size());
    {
        std::vector<std::function<void()>> tasks;
        for (size_t k = 0; k < geoms.size(); ++k)
            tasks.push_back([&, k] { polys[k] = IndexedPolygon(geoms[k], !(unionsDone && tracedSlot[k])); });
        runParallel(tasks, threads);
    }
    timer("coverage: index");
    beforeVillages();  // the villages' classes (their households)
    timer("coverage: classification (the rest of it)");

    std::vector<std::vector<GapPiece>> gapsOf(nv);
    std::atomic<int64_t> fallbacks{0}, shifted{0}, touching{0};
    auto worker = [&](WorkCounter& work) {
        std::vector<GeomPtr> geosOf(polys.size());  // GEOS copies for the fallback, per thread
        std::vector<std::pair<size_t, double>> cellAreas;
        std::vector<char> inBase(bases.size());
        for (size_t i; (i = work.next()) < nv;) {
            if (isCancelled(fb))
                return;
            const Geometry& vg = villagesM.features[i].geom;
            auto& v = out.villages[i];
            if (vg.isEmpty())
                continue;
            VillageClipper clipV(vg, opt.shiftDegenerate);
            const double vArea = clipV.flat().area();
            // on a raster: the village's area in each cell, once; an area share is then a sum
            // over the cells of the coverage (no clip)
            if (cellMasks)
                cellMasks->areasIn(vg, cellAreas);
            auto cellSum = [&](uint64_t bits) {
                double a = 0;
                for (const auto& [c, area] : cellAreas)
                    if (cellMasks->at(c) & bits)
                        a += area;
                return a;
            };
            auto cut = [&](int poly, bool wantGeometry) {
                Clip c = clipV(polys[static_cast<size_t>(poly)], wantGeometry);
                if (!c.exact) {
                    ++fallbacks;
                    auto& g = geosOf[static_cast<size_t>(poly)];
                    if (!g)
                        g = geos::toGeos(geoms[static_cast<size_t>(poly)]);
                    c = clipWithGeos(vg, g.get(), wantGeometry);
                }
                if (wantGeometry && c.cutAtTouches) {
                    ++touching;
                    repairTouches(c);
                }
                return c;
            };
            // households located by settlements (by area where the village has none)
            std::vector<std::vector<char>> sIn(settle[i].size(), std::vector<char>(bases.size(), 0));
            int64_t hhTotal = 0;
            for (size_t s = 0; s < settle[i].size(); ++s) {
                hhTotal += settle[i][s].hh;
                for (size_t b = 0; b < bases.size(); ++b)
                    sIn[s][b] = m.pip[b].contains(settle[i][s].p.x, settle[i][s].p.y);
            }
            for (size_t b = 0; b < bases.size(); ++b)
                inBase[b] = m.pip[b].contains(centre[i].p.x, centre[i].p.y);
            v.coverage.clear();
            for (size_t ei = 0; ei < entities.size(); ++ei) {
                const Entity& e = entities[ei];
                const double goodArea = std::clamp(
                    cellMasks ? cellSum(goodBits[ei]) : cut(ep[ei].good, false).area, 0.0, std::max(vArea, 0.0));
                double sigArea = 0;
                Clip gapC, weakC;
                if (!e.gaps) {
                    // weak is the ring outside good (the coverage schema): signal = good + weak
                    sigArea = std::min(vArea, goodArea + (cellMasks ? cellSum(weakBits[ei]) : cut(ep[ei].weak, false).area));
                } else {
                    gapC = cut(ep[ei].gap, true);
                    weakC = cut(ep[ei].weak, true);
                    sigArea = std::clamp(vArea - gapC.area, goodArea, vArea);
                }
                double hhGood = 0, hhSig = 0;
                CoverageShare cs = shareOf(
                    e, vArea, goodArea, sigArea, settle[i], hhTotal, [&](size_t s) { return anyFlag(e.good, sIn[s]); },
                    [&](size_t s) { return anyFlag(e.weak, sIn[s]); }, anyFlag(e.good, inBase),
                    anyFlag(e.weak, inBase), hhGood, hhSig);
                if (e.gaps) {
                    GapPiece none, weak;
                    none.geom = std::move(gapC.geom);
                    none.areaM2 = gapC.area;
                    weak.geom = std::move(weakC.geom);
                    weak.areaM2 = weakC.area;
                    addGapRows(v, e, ei == m.anyIndex, cs, std::move(none), std::move(weak), hhTotal, hhSig,
                               hhGood, vArea, gapsOf[i]);
                }
                v.coverage.push_back(std::move(cs));
            }
            shifted += clipV.shiftedClips;
        }
    };
    runVillageWorkers(nv, opt.threads, worker, fb, gapsOf, out);
    out.clipsShifted = shifted.load();
    out.clipsGeos = fallbacks.load();
    if (timer.on)
        std::fprintf(stderr,
                     "[timing] coverage: %lld clips decided after a shift, %lld fell back to GEOS, %lld gap geometries "
                     "with touching rings checked by GEOS\n",
                     static_cast<long long>(shifted.load()), static_cast<long long>(fallbacks.load()),
                     static_cast<long long>(touching.load()));
    timer("coverage: villages");
}

// The gap geometries from the metric CRS back to the villages' CRS: village vertices by lookup
// (their stored coordinates, exactly), the others transformed once each, over the threads.
void gapsToVillageCrs(std::vector<GapPiece>& gaps, const Layer& villages, const Layer& villagesM)
{
    // metric point -> its index among the distinct points; `to` the point in the villages' CRS
    PointTable at(villagesM.features.size() * 64);
    std::vector<XY> to;
    for (size_t f = 0; f < villages.features.size() && f < villagesM.features.size(); ++f) {
        const auto& a = villages.features[f].geom.parts;
        const auto& m = villagesM.features[f].geom.parts;
        for (size_t p = 0; p < a.size() && p < m.size(); ++p)
            for (size_t r = 0; r < a[p].size() && r < m[p].size(); ++r)
                for (size_t k = 0; k < a[p][r].size() && k < m[p][r].size(); ++k) {
                    bool added = false;
                    at.add(m[p][r][k], &added);
                    if (added)
                        to.push_back(a[p][r][k]);
                }
    }
    // the other vertices, once each, transformed on the threads; every gap vertex's index kept
    // in walking order for the way back
    const size_t firstOther = to.size();
    std::vector<uint32_t> which;
    for (const auto& gap : gaps)
        for (const auto& part : gap.geom.parts)
            for (const auto& ring : part)
                for (const XY& p : ring) {
                    bool added = false;
                    which.push_back(at.add(p, &added));
                    if (added)
                        to.push_back(p);
                }
    std::vector<XY> rest(to.begin() + static_cast<std::ptrdiff_t>(firstOther), to.end());
    crs::reproject(rest, villagesM.epsg, villages.epsg);
    std::copy(rest.begin(), rest.end(), to.begin() + static_cast<std::ptrdiff_t>(firstOther));
    size_t k = 0;
    for (auto& gap : gaps)
        for (auto& part : gap.geom.parts)
            for (auto& ring : part)
                for (XY& p : ring)
                    p = to[which[k++]];
}

void broadbandDistances(const AnalysisInput& in, const std::vector<Centre>& centre, const AnalysisOptions& opt,
                        AnalysisOutput& out)
{
    std::vector<XY> olt, cabinet;
    std::vector<std::pair<XY, XY>> fibre;
    if (in.broadbandNodes) {
        Layer n = inCrs(*in.broadbandNodes, opt.metricEpsg);
        const int k = n.fieldIndex("kind");
        for (const auto& f : n.features) {
            XY p;
            if (!firstPointOf(f.geom, p))
                continue;
            (textOf(f, k) == "olt" ? olt : cabinet).push_back(p);
        }
    }
    if (in.fibre) {
        Layer l = inCrs(*in.fibre, opt.metricEpsg);
        for (const auto& f : l.features)
            for (const auto& part : f.geom.parts)
                for (const auto& ring : part)
                    for (size_t i = 0; i + 1 < ring.size(); ++i)
                        fibre.push_back({ring[i], ring[i + 1]});
    }
    // fibre: a 1 km grid of its segments
    SegmentIndex fibreIndex(1000);
    for (const auto& [a, b] : fibre)
        fibreIndex.addSegment(a.x, a.y, b.x, b.y);
    for (size_t i = 0; i < out.villages.size(); ++i) {
        auto& v = out.villages[i];
        const XY c = centre[i].p;
        auto nearest = [&](const std::vector<XY>& pts) {
            double best = std::numeric_limits<double>::infinity();
            const XY* at = nullptr;
            for (const auto& p : pts)
                if (const double d2 = (p.x - c.x) * (p.x - c.x) + (p.y - c.y) * (p.y - c.y); d2 < best) {
                    best = d2;
                    at = &p;
                }
            return at ? std::hypot(at->x - c.x, at->y - c.y) : -1.0;
        };
        v.distOltM = nearest(olt);
        v.distCabinetM = nearest(cabinet);
        // rings of cells outwards until the best is nearer than the next ring: the exact minimum
        const double best = fibreIndex.nearestDistance(c.x, c.y, std::numeric_limits<double>::infinity());
        v.distFibreM = std::isfinite(best) ? best : -1.0;
    }
}

} // namespace

std::string latestDate(const Layer* shops)
{
    return shops ? latestDate(PointColumns::fromLayer(*shops, kShopColumns)) : std::string();
}

std::string latestDate(const PointColumns& shops)
{
    std::string best;
    for (const char* name : {"opened", "epay_opened", "locomotive_since"}) {
        auto it = std::find(shops.columns.begin(), shops.columns.end(), name);
        if (it == shops.columns.end())
            continue;
        for (const Value& v : shops.values[static_cast<size_t>(it - shops.columns.begin())]) {
            const std::string d = dateOnly(toString(v));
            if (d > best)
                best = d;
        }
    }
    return best;
}

AnalysisOutput analyze(const AnalysisInput& in, const AnalysisOptions& opt, const Feedback* fb)
{
    if (!in.villages)
        throw Error(ErrorKind::Usage, "analyze", "the villages layer is required");
    AnalysisOutput out;
    out.metricEpsg = opt.metricEpsg;
    std::shared_ptr<const PointColumns> shopsRead;
    if (!in.shops && in.shopsReader && opt.parts.economy && opt.date.empty())
        shopsRead = in.shopsReader();  // the date comes from the shops: read them now
    out.date = !opt.date.empty() ? opt.date
               : in.shops        ? latestDate(in.shops)
               : shopsRead       ? latestDate(*shopsRead)
                                 : std::string();
    out.since = opt.since;

    StepTimer timer;
    // ---- villages: repaired where invalid (reported), in storage and metric CRS ----
    Layer villages = *in.villages;
    const int vCode = villages.requireField("code");
    const int vName = villages.fieldIndex("name"), vCommune = villages.fieldIndex("commune_code"),
              vDistrict = villages.fieldIndex("district_code");
    const size_t nv = villages.features.size();
    {
        // validity on the threads (each its own GEOS context), repairs reported in village order
        std::vector<std::string> why(nv);
        std::vector<std::function<void()>> tasks;
        const size_t block = 128;
        for (size_t first = 0; first < nv; first += block)
            tasks.push_back([&, first] {
                for (size_t i = first; i < std::min(nv, first + block); ++i) {
                    auto& f = villages.features[i];
                    if (f.geom.isEmpty() || provablyValidSimplePolygon(f.geom))
                        continue;  // (the common case, without building it in GEOS)
                    GeomPtr g = geos::toGeos(f.geom);
                    if (GEOSisValid_r(ctx(), g.get()) == 1)
                        continue;
                    why[i] = geos::validReason(g.get());
                    if (why[i].empty())
                        why[i] = "invalid";
                    GeomPtr fixed = geos::check(GEOSMakeValid_r(ctx(), g.get()), "make valid");
                    f.geom = geos::polygonalPart(fixed.get());
                }
            });
        runParallel(tasks, std::max(1u, opt.threads));
        for (size_t i = 0; i < nv; ++i)
            if (!why[i].empty())
                out.notes.push_back("village " + textOf(villages.features[i], vCode) + ": invalid polygon repaired (" +
                                    why[i] + ")");
    }
    Layer villagesM = inCrs(villages, opt.metricEpsg);
    timer("villages: validity, CRS");

    out.villages.resize(nv);
    std::unordered_map<std::string, size_t> byCode;
    std::vector<uint32_t> rank(nv);
    {
        std::vector<uint32_t> order(nv);
        std::iota(order.begin(), order.end(), 0u);
        std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
            return textOf(villages.features[a], vCode) < textOf(villages.features[b], vCode);
        });
        for (uint32_t r = 0; r < nv; ++r)
            rank[order[r]] = r;
    }
    for (size_t i = 0; i < nv; ++i) {
        const auto& f = villages.features[i];
        auto& v = out.villages[i];
        v.code = textOf(f, vCode);
        v.name = textOf(f, vName);
        v.communeCode = textOf(f, vCommune);
        v.districtCode = textOf(f, vDistrict);
        v.areaKm2 = area(villagesM.features[i].geom) / 1e6;
        byCode.emplace(v.code, i);
    }

    // ---- digital economy, on its own thread (reading the shops first where the caller lets it,
    // then waiting at the gate) ----
    Gate gate;
    const bool overlapStore = opt.parts.coverage && (opt.afterShares || opt.afterGaps);
    if (!overlapStore)
        gate.open();  // nothing to overlap: no waiting
    std::exception_ptr economyError;
    std::thread economyThread;
    std::promise<void> shopsReadDone;
    std::future<void> shopsReadFuture = shopsReadDone.get_future();
    // beside the caller's store, the access part waits for the economy part: the two after each
    // other on one core leave the store the other
    Gate economyDone;
    if (!opt.parts.economy)
        economyDone.open();
    if (opt.parts.economy) {
        economyThread = std::thread([&] {
            try {
                std::shared_ptr<const PointColumns> shops = std::move(shopsRead);  // freed on this thread
                try {
                    if (in.shops)
                        shops = std::make_shared<const PointColumns>(PointColumns::fromLayer(*in.shops, kShopColumns));
                    else if (!shops && in.shopsReader)
                        shops = in.shopsReader();
                } catch (...) {
                    shopsReadDone.set_value();
                    throw;
                }
                shopsReadDone.set_value();
                gate.wait();
                // beside the caller's store: one thread, so that the store keeps its core
                AnalysisOptions eopt = opt;
                if (overlapStore)
                    eopt.threads = 1;
                economy(in, shops.get(), villages, byCode, rank, eopt, out, fb);
            } catch (...) {
                economyError = std::current_exception();
            }
            economyDone.open();
        });
    }
    // joined on every way out of this function
    struct Join {
        std::thread& t;
        ~Join()
        {
            if (t.joinable())
                t.join();
        }
    } joinEconomy{economyThread};
    // the gate opens on every way out, before a thread waiting at it is joined
    struct OpenOnExit {
        Gate& g;
        ~OpenOnExit() { g.open(); }
    } openBeforeJoiningEconomy{gate};

    // ---- settlements (metric): households and the centre of each village ----
    Layer settlementsM;
    if (in.settlements)
        settlementsM = inCrs(*in.settlements, opt.metricEpsg);
    std::vector<std::vector<Settle>> settle(nv);
    std::vector<Centre> centre(nv);
    {
        const int sV = field(&settlementsM, "village_code"), sH = field(&settlementsM, "households"),
                  sC = field(&settlementsM, "is_centre");
        std::vector<int64_t> bestHh(nv, -1);
        std::vector<char> hasMarked(nv, 0);
        for (const auto& f : settlementsM.features) {
            auto it = byCode.find(textOf(f, sV));
            XY p;
            if (it == byCode.end() || !firstPointOf(f.geom, p))
                continue;
            const size_t i = it->second;
            const int64_t hh = intOf(f, sH);
            const bool marked = intOf(f, sC) == 1;
            if ((marked && !hasMarked[i]) || (!hasMarked[i] && hh > bestHh[i])) {
                centre[i] = {p, true};
                hasMarked[i] = marked ? 1 : 0;
                bestHh[i] = hh;
            }
            ++out.villages[i].settlements;
            if (hh > 0)
                settle[i].push_back({p, hh});
        }
        for (size_t i = 0; i < nv; ++i)
            if (!centre[i].fromSettlement && !villagesM.features[i].geom.isEmpty()) {
                centre[i].p = interiorPoint(villagesM.features[i].geom);
                out.notes.push_back("village " + out.villages[i].code + ": no settlement, the label point is its centre");
            }
    }

    // ---- access, on its own thread while the rest goes on (it needs only the centres) ----
    std::vector<std::string> accessNotes;
    std::exception_ptr accessError;
    std::thread accessThread;
    if (opt.parts.access && in.roads) {
        accessThread = std::thread([&] {
            try {
                gate.wait();
                if (overlapStore)
                    economyDone.wait();
                std::vector<XY> centres(nv);
                for (size_t i = 0; i < nv; ++i)
                    centres[i] = centre[i].p;
                computeAccess(in, out.villages, centres, opt, accessNotes, fb);
            } catch (...) {
                accessError = std::current_exception();
            }
        });
    }
    Join joinAccess{accessThread};
    OpenOnExit openBeforeJoiningAccess{gate};

    // ---- the coverage in the metric CRS, once for the rule and the shares ----
    Layer coverageM;
    AnalysisInput inM = in;
    if (opt.parts.coverage && in.coverage) {
        coverageM = inCrs(*in.coverage, opt.metricEpsg);
        inM.coverage = &coverageM;
    }
    timer("settlements, coverage to metric");

    // ---- classification rule, unchanged (on the layers already in the metric CRS); on a thread
    // of its own while the flat coverage path builds its model (which needs no class), and taken
    // in before its villages are clipped (their gaps' households are the class's) ----
    std::vector<VillageStatus> statuses;
    std::exception_ptr classifyError;
    std::thread classifyThread;
    Join joinClassify{classifyThread};
    Layer emptySettlements = schemaless(in.settlements);
    emptySettlements.epsg = opt.metricEpsg;
    auto classify = [&] {
        ClassificationInput ci;
        ci.villages = &villagesM;
        ci.settlements = in.settlements ? &settlementsM : &emptySettlements;
        ci.coverage = inM.coverage;
        ci.broadbandNodes = in.broadbandNodes;
        ci.fibre = in.fibre;
        statuses = classifyVillages(ci, opt.thresholds, opt.metricEpsg, fb);
    };
    bool classesTaken = false;
    auto takeClasses = [&] {
        if (classesTaken)
            return;
        classesTaken = true;
        if (classifyThread.joinable())
            classifyThread.join();
        if (classifyError)
            std::rethrow_exception(classifyError);
        for (size_t i = 0; i < nv && i < statuses.size(); ++i) {
            out.villages[i].status = std::move(statuses[i]);
            out.villages[i].households = out.villages[i].status.households;
        }
    };
    const bool classifyBeside = opt.parts.coverage && in.coverage && !opt.geosOverlay && opt.threads > 1;
    if (opt.parts.coverage) {
        if (classifyBeside)
            classifyThread = std::thread([&] {
                try {
                    classify();
                } catch (...) {
                    classifyError = std::current_exception();
                }
            });
        else {
            classify();
            takeClasses();
        }
    } else {
        for (size_t i = 0; i < nv; ++i) {
            int64_t hh = 0;
            for (const auto& s : settle[i])
                hh += s.hh;
            if (settle[i].empty())
                hh = std::max<int64_t>(villages.integer(villages.features[i], "households", 1), 1);
            out.villages[i].households = hh;
        }
    }
    timer(classifyBeside ? "classification (started)" : "classification");
    reportProgress(const_cast<Feedback*>(fb), 15);

    reportProgress(const_cast<Feedback*>(fb), 35);

    // ---- mobile coverage shares and gaps ----
    std::thread gapsThread;
    std::exception_ptr gapsError;
    Join joinGaps{gapsThread};
    int gapEpsg = opt.metricEpsg;
    if (opt.parts.coverage && in.coverage) {
        if (opt.geosOverlay)
            coverageShares(inM, villagesM, settle, centre, opt, out, fb);
        else
            coverageSharesFlat(inM, villagesM, settle, centre, opt, out, fb, takeClasses);
        takeClasses();  // (where the flat path had no village to clip)
        out.gapEpsg = opt.metricEpsg;
        if (opt.gapsInVillageCrs && villages.epsg != opt.metricEpsg) {
            timer("coverage, broadband");
            if (opt.afterShares) {  // on a thread of its own while the caller stores the shares
                gapsThread = std::thread([&] {
                    try {
                        gapsToVillageCrs(out.gaps, villages, villagesM);
                    } catch (...) {
                        gapsError = std::current_exception();
                    }
                });
            } else {
                gapsToVillageCrs(out.gaps, villages, villagesM);
            }
            gapEpsg = villages.epsg;
        }
    } else if (opt.parts.coverage) {
        for (size_t i = 0; i < nv; ++i) {
            auto& v = out.villages[i];
            v.gapAreaKm2 = v.areaKm2;
            v.gapHouseholds = static_cast<double>(v.households);
        }
    }
    timer(gapsThread.joinable() ? "coverage, broadband" : "coverage: gaps to the villages' CRS");
    reportProgress(const_cast<Feedback*>(fb), 80);
    if (overlapStore) {
        if (economyThread.joinable())
            shopsReadFuture.wait();  // the caller may write to the file the shops were read from
        if (opt.afterShares) {
            opt.afterShares(out);
            timer("coverage: the caller's afterShares");
        }
    }
    // (while the gap rows go back to the villages' CRS)
    if (opt.parts.coverage) {
        broadbandDistances(in, centre, opt, out);
        timer("broadband distances");
    }
    if (gapsThread.joinable()) {
        gapsThread.join();
        timer("coverage: gaps to the villages' CRS (the rest of it)");
    }
    if (gapsError)
        std::rethrow_exception(gapsError);
    if (opt.parts.coverage)
        out.gapEpsg = gapEpsg;
    if (overlapStore) {
        gate.open();
        if (opt.afterGaps) {
            opt.afterGaps(out);
            timer("coverage: the caller's afterGaps");
        }
    }

    // ---- digital economy (started above) ----
    if (economyThread.joinable())
        economyThread.join();
    if (economyError)
        std::rethrow_exception(economyError);
    if (opt.parts.economy)
        penetration(out);
    timer("economy (the rest of it)");

    // ---- access (started above) ----
    if (accessThread.joinable())
        accessThread.join();
    if (accessError)
        std::rethrow_exception(accessError);
    out.notes.insert(out.notes.end(), accessNotes.begin(), accessNotes.end());
    timer("access (the rest of it)");
    out.rollups = rollUp(out.villages, in);
    reportProgress(const_cast<Feedback*>(fb), 95);
    return out;
}

std::vector<Rollup> rollUp(const std::vector<VillageIndicators>& villages, const AnalysisInput& in)
{
    std::map<std::string, std::string> communeNames, districtNames;
    if (in.communes)
        for (const auto& f : in.communes->features)
            communeNames[in.communes->text(f, "code")] = in.communes->text(f, "name");
    if (in.districts)
        for (const auto& f : in.districts->features)
            districtNames[in.districts->text(f, "code")] = in.districts->text(f, "name");
    std::map<std::string, Rollup> communes, districts;
    Rollup province;
    province.level = "province";
    const bool since = !villages.empty() && villages.front().shopsSince >= 0;
    auto add = [&](Rollup& r, const VillageIndicators& v) {
        ++r.villages;
        r.households += v.households;
        r.shops += v.shops;
        r.epay += v.epay;
        r.locomotive += v.locomotive;
        if (since) {
            r.shopsSince = std::max<int64_t>(r.shopsSince, 0) + v.shopsSince;
            r.epaySince = std::max<int64_t>(r.epaySince, 0) + v.epaySince;
            r.locomotiveSince = std::max<int64_t>(r.locomotiveSince, 0) + v.locomotiveSince;
        }
        r.areaKm2 += v.areaKm2;
        r.teams += v.teams;
        if (v.teamRuleMet)
            ++r.villagesTeamRuleMet;
        switch (v.status.mobile) {
        case MobileClass::NoSignal: ++r.counts.noSignal; break;
        case MobileClass::Unstable: ++r.counts.unstable; break;
        case MobileClass::Covered: ++r.counts.covered; break;
        }
        if (!v.status.broadband)
            ++r.counts.noBroadband;
        r.gapHouseholds += v.gapHouseholds;
        r.weakOnlyHouseholds += v.weakOnlyHouseholds;
        r.gapAreaKm2 += v.gapAreaKm2;
        if (v.snapM >= 0 && !v.reachesNetwork)
            ++r.villagesUnreachable;
    };
    for (const auto& v : villages) {
        Rollup& c = communes[v.communeCode];
        c.level = "commune";
        c.code = v.communeCode;
        add(c, v);
        Rollup& d = districts[v.districtCode];
        d.level = "district";
        d.code = v.districtCode;
        add(d, v);
        add(province, v);
    }
    std::vector<Rollup> out;
    auto finish = [](Rollup& r) {
        if (r.households > 0) {
            r.shopPct = 100.0 * static_cast<double>(r.shops) / static_cast<double>(r.households);
            r.epayPct = 100.0 * static_cast<double>(r.epay) / static_cast<double>(r.households);
            r.locomotivePct = 100.0 * static_cast<double>(r.locomotive) / static_cast<double>(r.households);
        }
        r.shopsPerKm2 = r.areaKm2 > 0 ? static_cast<double>(r.shops) / r.areaKm2 : 0;
    };
    for (auto& [code, r] : communes) {
        if (auto it = communeNames.find(code); it != communeNames.end())
            r.name = it->second;
        finish(r);
        out.push_back(r);
    }
    for (auto& [code, r] : districts) {
        if (auto it = districtNames.find(code); it != districtNames.end())
            r.name = it->second;
        finish(r);
        out.push_back(r);
    }
    finish(province);
    out.push_back(province);
    return out;
}

} // namespace bando::analysis
