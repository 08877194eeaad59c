// Telecom layers of the sample (issue #3): sites, coverage, broadband nodes and fibre.
//
// Sites are placed at the district and commune seats (on the highest ground nearby) and along
// the national roads; their coverage is modelled with analysis/propagation (Hata / COST-231 +
// knife-edge diffraction over the DEM) on a 250 m grid, thresholded into good / weak levels per
// operator and technology and polygonised. The calibration then tunes the network - a global
// power offset, per-tower power and, where no existing tower can do it, public-interest gap
// filler sites - until the village rule (analysis/classify) gives the reported counts: 148
// villages without signal, 140 with an unstable signal (DOMAIN.md §2), leaving the most remote
// villages (and ~16 in Đình Lập) uncovered. Broadband likewise: OLTs at the district seats,
// fibre along the roads out of the district towns, then cabinets until 405 villages remain
// without broadband. Nothing is labelled: the counts follow from the geometry.
#include "core/analysis/classify.hpp"
#include "core/analysis/households.hpp"
#include "core/analysis/spatial_index.hpp"
#include "core/base/error.hpp"
#include "core/capi/gdal.hpp"
#include "core/capi/geos.hpp"
#include "core/capi/geos_convert.hpp"
#include "core/model/schema.hpp"
#include "core/sample/geo_util.hpp"
#include "core/sample/tel_network.hpp"

#include <gdal_alg.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <unordered_map>

namespace bando::sample {
namespace {

using namespace tel;
using analysis::rf::Technology;

constexpr int kTargetNoSignal = 148;
constexpr int kTargetUnstable = 140;
constexpr int kTargetNoBroadband = 405;
constexpr const char* kDinhLap = "189";
constexpr int kDinhLapNoSignal = 16;
constexpr int kDinhLapUnstable = 14;
constexpr double kRadiusM = 10000;
constexpr double kFillerRadiusM = 6000;  // gap fillers are low-power sites
constexpr double kMaxEirp = 66.0;  // dBm, per technology

struct TelecomContext {
    SampleData& data;
    Rng rng;
    Grid grid;
    std::vector<analysis::HouseholdCluster> clusters;
    std::vector<std::string> villageDistrict;
    std::vector<int64_t> villageHh;
    std::vector<double> remoteness;
    std::vector<XY> districtSeats, communeSeats;
    std::vector<std::string> districtSeatCode, communeSeatDistrict;
    std::vector<int64_t> communeSeatHh;
    double terrain(double x, double y) const
    {
        if (data.dem.empty()) return 0;
        double z = data.dem.height(x, y);
        return z == data.dem.noData ? 0 : z;
    }
};

double distToRoads(const Layer& roads, double x, double y)
{
    double best = std::numeric_limits<double>::infinity();
    for (const auto& f : roads.features)
        for (const auto& part : f.geom.parts)
            for (const auto& ring : part)
                for (size_t i = 0; i + 1 < ring.size(); ++i)
                    best = std::min(best, analysis::pointSegmentDistance(x, y, ring[i].x, ring[i].y, ring[i + 1].x,
                                                                         ring[i + 1].y));
    return best;
}

// The highest DEM point within `r` metres of (x, y), on a 150 m lattice (deterministic).
XY hilltop(const TelecomContext& ctx, double x, double y, double r)
{
    XY best{x, y};
    double bz = ctx.terrain(x, y);
    for (double dy = -r; dy <= r; dy += 150)
        for (double dx = -r; dx <= r; dx += 150) {
            if (dx * dx + dy * dy > r * r) continue;
            const double z = ctx.terrain(x + dx, y + dy);
            if (z > bz + 1e-9) {
                bz = z;
                best = {x + dx, y + dy};
            }
        }
    return best;
}

void prepare(TelecomContext& ctx)
{
    const Layer& v = ctx.data.villages;
    Extent ext = ctx.data.districts.extent();
    ext.expand(v.extent());
    if (ext.isEmpty())
        throw Error(ErrorKind::Internal, "sample telecom", "no geography to place the network on");
    ctx.grid.cell = 250;
    ctx.grid.originX = std::floor(ext.minX / 1000) * 1000 - 2000;
    ctx.grid.originY = std::ceil(ext.maxY / 1000) * 1000 + 2000;
    ctx.grid.cols = static_cast<int>(std::ceil((ext.maxX + 2000 - ctx.grid.originX) / ctx.grid.cell));
    ctx.grid.rows = static_cast<int>(std::ceil((ctx.grid.originY - (ext.minY - 2000)) / ctx.grid.cell));
    ctx.clusters = analysis::householdClusters(v, ctx.data.settlements);
    const int vd = v.fieldIndex("district_code");
    ctx.villageDistrict.resize(v.features.size());
    ctx.villageHh.assign(v.features.size(), 0);
    for (size_t i = 0; i < v.features.size(); ++i)
        ctx.villageDistrict[i] = vd >= 0 ? toString(v.features[i].values[vd]) : "";
    for (const auto& cl : ctx.clusters)
        ctx.villageHh[cl.village] += cl.households;

    const Layer& pl = ctx.data.places;
    const int pk = pl.fieldIndex("kind"), pc = pl.fieldIndex("code");
    std::unordered_map<std::string, std::string> communeDistrict;
    std::unordered_map<std::string, int64_t> communeHh;
    {
        const Layer& cm = ctx.data.communes;
        const int cc = cm.fieldIndex("code"), cd = cm.fieldIndex("district_code"), ch = cm.fieldIndex("households");
        for (const auto& f : cm.features) {
            communeDistrict[toString(f.values[cc])] = cd >= 0 ? toString(f.values[cd]) : "";
            communeHh[toString(f.values[cc])] = ch >= 0 ? toInt(f.values[ch]).value_or(0) : 0;
        }
    }
    for (const auto& f : pl.features) {
        if (f.geom.isEmpty()) continue;
        const XY p = f.geom.parts[0][0][0];
        const std::string kind = pk >= 0 ? toString(f.values[pk]) : "";
        const std::string code = pc >= 0 ? toString(f.values[pc]) : "";
        if (kind == "district_seat") {
            ctx.districtSeats.push_back(p);
            ctx.districtSeatCode.push_back(code);
        } else if (kind == "commune_seat") {
            ctx.communeSeats.push_back(p);
            ctx.communeSeatDistrict.push_back(communeDistrict[code]);
            ctx.communeSeatHh.push_back(communeHh[code]);
        }
    }
    // Remoteness of a village: household-weighted distance of its clusters to the nearest district
    // seat and to the nearest national road, plus height above 300 m.
    std::vector<double> sum(v.features.size(), 0);
    Rng jr = ctx.rng.fork(11);
    for (const auto& cl : ctx.clusters) {
        double ds = std::numeric_limits<double>::infinity();
        for (const auto& s : ctx.districtSeats)
            ds = std::min(ds, std::hypot(cl.x - s.x, cl.y - s.y));
        const double dr = std::min(distToRoads(ctx.data.roads, cl.x, cl.y), 30000.0);
        const double z = ctx.terrain(cl.x, cl.y);
        sum[cl.village] += cl.households * (ds / 1000 + 0.6 * dr / 1000 + std::max(0.0, z - 300) / 80);
    }
    ctx.remoteness.resize(v.features.size());
    for (size_t i = 0; i < sum.size(); ++i)
        ctx.remoteness[i] = (ctx.villageHh[i] > 0 ? sum[i] / ctx.villageHh[i] : 0) + jr.uniform(0, 3);
}

Tower makeTower(TelecomContext& ctx, int op, XY p, double height, const std::string& district, bool town, Rng& r)
{
    Tower t;
    t.op = op;
    t.x = p.x;
    t.y = p.y;
    t.ground = ctx.terrain(p.x, p.y);
    t.height = height;
    t.district = district;
    Radio g4;
    g4.tech = Technology::G4;
    g4.bandMhz = 1800;
    g4.eirpDbm = std::round(r.uniform(58, 62) * 10) / 10;
    Radio g3;
    g3.tech = Technology::G3;
    g3.bandMhz = (!town && op != MobiFone && r.chance(0.6)) ? 900 : 2100;
    g3.eirpDbm = std::round(r.uniform(55, 59) * 10) / 10;
    t.radios = {g3, g4};
    return t;
}

// Operator whose tower count is furthest below its market share.
int neediestOperator(const std::vector<Tower>& towers)
{
    int counts[kOperators] = {0, 0, 0};
    for (const auto& t : towers) ++counts[t.op];
    const double total = towers.size() + 1;
    const double shareSum = operatorShare(0) + operatorShare(1) + operatorShare(2);
    int best = 0;
    double bestGap = -1e9;
    for (int op = 0; op < kOperators; ++op) {
        const double gap = operatorShare(op) / shareSum - counts[op] / total;
        if (gap > bestGap) {
            bestGap = gap;
            best = op;
        }
    }
    return best;
}

std::string districtAt(const TelecomContext& ctx, double x, double y)
{
    const Layer& d = ctx.data.districts;
    const int dc = d.fieldIndex("code");
    for (const auto& f : d.features)
        if (f.geom.extent().contains(x, y) && contains(f.geom, x, y))
            return toString(f.values[dc]);
    return "";
}

std::vector<Tower> placeTowers(TelecomContext& ctx)
{
    std::vector<Tower> towers;
    Rng r = ctx.rng.fork(21);
    // District towns: several towers per operator around the seat (more in the city).
    for (size_t i = 0; i < ctx.districtSeats.size(); ++i) {
        const bool city = ctx.districtSeatCode[i] == "178";
        const int perSeat = city ? 9 : (ctx.districtSeatCode[i] == kDinhLap ? 3 : 4);
        for (int k = 0; k < perSeat; ++k) {
            const double a = 2 * M_PI * k / perSeat + r.uniform(0, 0.5), d = k == 0 ? 300 : r.uniform(900, city ? 3500 : 2200);
            XY p{ctx.districtSeats[i].x + d * std::cos(a), ctx.districtSeats[i].y + d * std::sin(a)};
            towers.push_back(makeTower(ctx, neediestOperator(towers), hilltop(ctx, p.x, p.y, 400), r.uniform(30, 42),
                                       ctx.districtSeatCode[i], true, r));
        }
    }
    // Commune seats: a tower on the nearest hill (Đình Lập: only the larger half).
    for (size_t i = 0; i < ctx.communeSeats.size(); ++i) {
        if (ctx.communeSeatDistrict[i] == kDinhLap && r.chance(0.5)) continue;
        XY p = hilltop(ctx, ctx.communeSeats[i].x, ctx.communeSeats[i].y, 1200);
        towers.push_back(makeTower(ctx, neediestOperator(towers), p, r.uniform(30, 45), ctx.communeSeatDistrict[i], false, r));
    }
    // National roads: every ~9 km, on a hill within 1.5 km of the road.
    for (const auto& f : ctx.data.roads.features) {
        for (const auto& part : f.geom.parts)
            for (const auto& ring : part) {
                double acc = r.uniform(0, 9000);
                for (size_t i = 0; i + 1 < ring.size(); ++i) {
                    const double len = std::hypot(ring[i + 1].x - ring[i].x, ring[i + 1].y - ring[i].y);
                    double pos = 9000 - acc;
                    while (pos <= len) {
                        const double t = len > 0 ? pos / len : 0;
                        XY q{ring[i].x + (ring[i + 1].x - ring[i].x) * t, ring[i].y + (ring[i + 1].y - ring[i].y) * t};
                        XY p = hilltop(ctx, q.x, q.y, 1500);
                        const std::string dist = districtAt(ctx, p.x, p.y);
                        if (!dist.empty())
                            towers.push_back(makeTower(ctx, neediestOperator(towers), p, r.uniform(35, 50), dist, false, r));
                        pos += 9000;
                    }
                    acc = len - (pos - 9000);
                }
            }
    }
    return towers;
}

// ---- mobile calibration on the settlement cells ----
// A radio whose loss window covers a settled cell, and its path loss there.
struct Reach {
    uint32_t tower;
    uint8_t radio;  // index into the tower's radios
    float loss;
};

struct Mobile {
    TelecomContext& ctx;
    std::vector<Tower>& towers;
    double offset = 0;
    // A settled cell is a grid cell that holds household clusters; they are numbered in the
    // order of the clusters.
    std::vector<int> gridCellOf;                                  // settled cell -> grid cell
    std::unordered_map<int, int> settledCellAt;                   // grid cell -> settled cell
    std::vector<std::vector<uint32_t>> cellsOfVillage;            // village -> settled cells
    std::vector<std::vector<Reach>> reachesOf;                    // settled cell -> radios reaching it
    std::vector<std::vector<std::pair<int, int64_t>>> villagesOf; // settled cell -> (village, households)
    std::vector<std::vector<uint32_t>> cellsOfTower;              // tower -> settled cells it reaches
    std::vector<int8_t> statusOf;                                 // settled cell: 0 none, 1 weak, 2 good
    std::vector<int64_t> anyHouseholds, goodHouseholds;           // village -> households with signal
    std::vector<int8_t> villageClass;                             // 0 no signal, 1 unstable, 2 covered
    int noSignal = 0, unstable = 0;                               // villages per class
    int noSignalDinhLap = 0, unstableDinhLap = 0;                 // the same in Đình Lập

    Mobile(TelecomContext& context, std::vector<Tower>& allTowers) : ctx(context), towers(allTowers)
    {
        std::unordered_map<int, int> settledIndex;
        for (const auto& cl : ctx.clusters) {
            const int cell = ctx.grid.cellOf(cl.x, cl.y);
            if (cell < 0)
                throw Error(ErrorKind::Internal, "sample telecom", "settlement outside the coverage grid");
            auto [it, fresh] = settledIndex.emplace(cell, static_cast<int>(gridCellOf.size()));
            if (fresh) {
                gridCellOf.push_back(cell);
                villagesOf.emplace_back();
            }
            auto& here = villagesOf[it->second];
            bool found = false;
            for (auto& [vi, hh] : here)
                if (vi == cl.village) {
                    hh += cl.households;
                    found = true;
                }
            if (!found) here.push_back({cl.village, cl.households});
        }
        reachesOf.resize(gridCellOf.size());
        cellsOfVillage.resize(ctx.villageHh.size());
        for (size_t s = 0; s < gridCellOf.size(); ++s)
            for (auto [vi, hh] : villagesOf[s]) cellsOfVillage[vi].push_back(static_cast<uint32_t>(s));
        settledCellAt = std::move(settledIndex);
        for (size_t tower = 0; tower < towers.size(); ++tower)
            attach(static_cast<uint32_t>(tower));
    }

    void attach(uint32_t tower)
    {
        if (cellsOfTower.size() <= tower) cellsOfTower.resize(tower + 1);
        const Tower& t = towers[tower];
        for (int j = 0; j < t.windowRows; ++j)
            for (int i = 0; i < t.windowCols; ++i) {
                const int gridCol = t.windowCol + i, gridRow = t.windowRow + j;
                if (gridCol < 0 || gridRow < 0 || gridCol >= ctx.grid.cols || gridRow >= ctx.grid.rows) continue;
                auto it = settledCellAt.find(gridRow * ctx.grid.cols + gridCol);
                if (it == settledCellAt.end()) continue;
                bool any = false;
                for (uint8_t radio = 0; radio < t.radios.size(); ++radio) {
                    const float l = t.radios[radio].loss[static_cast<size_t>(j) * t.windowCols + i];
                    if (std::isfinite(l)) {
                        reachesOf[it->second].push_back({tower, radio, l});
                        any = true;
                    }
                }
                if (any) cellsOfTower[tower].push_back(static_cast<uint32_t>(it->second));
            }
    }

    // Status of a settled cell with `boostedTower` at `towerBoost` and every other tower at its
    // current boost (boostedTower = -1: all at their current boosts).
    int8_t cellStatus(size_t cell, int64_t boostedTower = -1, double towerBoost = 0) const
    {
        double good = -1e300, any = -1e300;
        for (const auto& reach : reachesOf[cell]) {
            const Tower& t = towers[reach.tower];
            const double b = (static_cast<int64_t>(reach.tower) == boostedTower ? towerBoost : t.boost);
            const Radio& radio = t.radios[reach.radio];
            const double m = goodMargin(radio, reach.loss, b);
            good = std::max(good, m);
            any = std::max(any, m + weakOffset(radio.tech));
        }
        return good >= 0 ? 2 : (any >= 0 ? 1 : 0);
    }

    int8_t classOf(int v, int64_t any, int64_t good) const
    {
        const int64_t hh = ctx.villageHh[v];
        if (hh <= 0) return 0;
        const double sa = static_cast<double>(any) / hh, sg = static_cast<double>(good) / hh;
        analysis::Thresholds th;
        if (sa < th.noSignalShareAny) return 0;
        if (sg < th.unstableShareGood) return 1;
        return 2;
    }

    // Recomputes every settled cell and village from the current boosts.
    void evaluateAll()
    {
        statusOf.assign(gridCellOf.size(), 0);
        anyHouseholds.assign(ctx.villageHh.size(), 0);
        goodHouseholds.assign(ctx.villageHh.size(), 0);
        for (size_t s = 0; s < gridCellOf.size(); ++s) {
            statusOf[s] = cellStatus(s);
            for (auto [vi, hh] : villagesOf[s]) {
                if (statusOf[s] >= 1) anyHouseholds[vi] += hh;
                if (statusOf[s] == 2) goodHouseholds[vi] += hh;
            }
        }
        villageClass.assign(ctx.villageHh.size(), 0);
        noSignal = unstable = noSignalDinhLap = unstableDinhLap = 0;
        for (size_t v = 0; v < villageClass.size(); ++v) {
            villageClass[v] = classOf(static_cast<int>(v), anyHouseholds[v], goodHouseholds[v]);
            tally(static_cast<int>(v), villageClass[v], +1);
        }
    }

    // Adds `delta` to the counter of class `cls` (and Đình Lập's when the village is there).
    void tally(int v, int8_t cls, int delta)
    {
        const bool dinhLap = ctx.villageDistrict[v] == kDinhLap;
        if (cls == 0) {
            noSignal += delta;
            if (dinhLap) noSignalDinhLap += delta;
        } else if (cls == 1) {
            unstable += delta;
            if (dinhLap) unstableDinhLap += delta;
        }
    }

    void setBoostAll(double b)
    {
        offset = b;
        for (auto& t : towers) t.boost = b;
        evaluateAll();
    }

    struct Trial {
        int noSignal = 0, unstable = 0;  // the counters after the change
        int sideFlips = 0;               // villages other than the target that change class
        bool targetFlipped = false;
        std::vector<std::pair<uint32_t, int8_t>> cells;  // changed cells and their new status
    };

    Trial trial(uint32_t tower, double boost, int target, int8_t targetClass)
    {
        Trial tr;
        std::unordered_map<int, std::pair<int64_t, int64_t>> householdChanges;
        for (uint32_t s : cellsOfTower[tower]) {
            const int8_t newStatus = cellStatus(s, tower, boost);
            if (newStatus == statusOf[s]) continue;
            tr.cells.push_back({s, newStatus});
            for (auto [vi, hh] : villagesOf[s]) {
                auto& d = householdChanges[vi];
                d.first += ((newStatus >= 1) - (statusOf[s] >= 1)) * hh;
                d.second += ((newStatus == 2) - (statusOf[s] == 2)) * hh;
            }
        }
        tr.noSignal = noSignal;
        tr.unstable = unstable;
        for (auto& [vi, d] : householdChanges) {
            const int8_t newClass = classOf(vi, anyHouseholds[vi] + d.first, goodHouseholds[vi] + d.second);
            if (newClass == villageClass[vi]) continue;
            if (vi == target && newClass >= targetClass) tr.targetFlipped = true;
            else ++tr.sideFlips;
            tr.noSignal += (newClass == 0) - (villageClass[vi] == 0);
            tr.unstable += (newClass == 1) - (villageClass[vi] == 1);
        }
        return tr;
    }

    void apply(uint32_t tower, double boost, const Trial& tr)
    {
        towers[tower].boost = boost;
        for (auto [s, newStatus] : tr.cells) {
            for (auto [vi, hh] : villagesOf[s]) {
                anyHouseholds[vi] += ((newStatus >= 1) - (statusOf[s] >= 1)) * hh;
                goodHouseholds[vi] += ((newStatus == 2) - (statusOf[s] == 2)) * hh;
                const int8_t newClass = classOf(vi, anyHouseholds[vi], goodHouseholds[vi]);
                if (newClass != villageClass[vi]) {
                    tally(vi, villageClass[vi], -1);
                    villageClass[vi] = newClass;
                    tally(vi, newClass, +1);
                }
            }
            statusOf[s] = newStatus;
        }
    }

    // Smallest boost of `tower` that lifts village v to class `want` (or above), or NaN. Only
    // v's cells are evaluated; the caller checks the side effects with trial().
    double neededBoost(uint32_t tower, int v, int8_t want) const
    {
        struct CellNeed { double need; int64_t hh; };
        std::vector<CellNeed> needs;
        int64_t have = 0;
        for (uint32_t s : cellsOfVillage[v]) {
            int64_t householdsHere = 0;
            for (auto [vi, hh] : villagesOf[s])
                if (vi == v) householdsHere += hh;
            double otherTowers = -1e300, thisTower = -1e300;  // best margins
            for (const auto& reach : reachesOf[s]) {
                const Radio& radio = towers[reach.tower].radios[reach.radio];
                const double off = want == 2 ? 0.0 : weakOffset(radio.tech);
                if (reach.tower == tower) thisTower = std::max(thisTower, goodMargin(radio, reach.loss, 0) + off);
                else
                    otherTowers = std::max(otherTowers, goodMargin(radio, reach.loss, towers[reach.tower].boost) + off);
            }
            if (otherTowers >= 0) have += householdsHere;
            else if (thisTower > -1e299) needs.push_back({-thisTower, householdsHere});
        }
        const int64_t hh = ctx.villageHh[v];
        const analysis::Thresholds th;
        const double share = want == 2 ? th.unstableShareGood : th.noSignalShareAny;
        std::sort(needs.begin(), needs.end(), [](const CellNeed& a, const CellNeed& b) { return a.need < b.need; });
        const double eirpCap = kMaxEirp - std::max(towers[tower].radios[0].eirpDbm, towers[tower].radios[1].eirpDbm);
        for (const auto& cellNeed : needs) {
            have += cellNeed.hh;
            if (static_cast<double>(have) / hh >= share) {
                const double b = std::max(cellNeed.need, towers[tower].boost) + 0.02;
                return b <= eirpCap ? b : std::nan("");
            }
        }
        return std::nan("");
    }
};

double calibrateMobile(TelecomContext& ctx, std::vector<Tower>& towers, TelecomSummary& summary, Feedback* fb)
{
    Mobile m(ctx, towers);
    // 1. Global offset: the strongest network that still leaves enough villages out.
    double lo = -40, hi = 10;
    auto ok = [&](double b) {
        m.setBoostAll(b);
        return m.noSignal >= kTargetNoSignal + 25 && m.noSignal + m.unstable >= kTargetNoSignal + kTargetUnstable + 50;
    };
    if (!ok(lo))
        throw Error(ErrorKind::Internal, "sample telecom", "calibration: the weakest network covers too much");
    for (int it = 0; it < 24; ++it) {
        const double mid = (lo + hi) / 2;
        if (ok(mid)) lo = mid;
        else hi = mid;
    }
    m.setBoostAll(std::round(lo * 100) / 100);
    if (!(m.noSignal >= kTargetNoSignal && m.noSignal + m.unstable >= kTargetNoSignal + kTargetUnstable))
        m.setBoostAll(std::round(lo * 100) / 100 - 0.01);

    summary.startOffsetDb = m.offset;
    summary.startNoSignal = m.noSignal;
    summary.startUnstable = m.unstable;
    // 2. Greedy: lift the least remote gap villages one class at a time, never overshooting.
    Rng fillerRng = ctx.rng.fork(31);
    int steps = 0, fillerTries = 0;
    while (!(m.noSignal == kTargetNoSignal && m.unstable == kTargetUnstable)) {
        throwIfCancelled(fb);
        if (++steps > 5000)
            throw Error(ErrorKind::Internal, "sample telecom", "mobile calibration did not converge");
        const bool liftNoSignal = m.noSignal > kTargetNoSignal;
        const int8_t from = liftNoSignal ? 0 : 1, want = liftNoSignal ? 1 : 2;
        std::vector<std::pair<double, int>> candidates;
        for (size_t v = 0; v < m.villageClass.size(); ++v) {
            if (m.villageClass[v] != from || ctx.villageHh[v] <= 0) continue;
            double key = ctx.remoteness[v];
            if (ctx.villageDistrict[v] == kDinhLap) {
                const int have = liftNoSignal ? m.noSignalDinhLap : m.unstableDinhLap;
                const int quota = liftNoSignal ? kDinhLapNoSignal : kDinhLapUnstable;
                key += have > quota ? -1000 : 1000;
            }
            candidates.push_back({key, static_cast<int>(v)});
        }
        std::sort(candidates.begin(), candidates.end());
        bool done = false;
        // First the existing towers for the 80 least remote candidates; gap fillers only when none works.
        for (int pass = 0; pass < 2 && !done; ++pass)
        for (size_t ci = 0; ci < candidates.size() && ci < (pass == 0 ? 80u : 12u) && !done; ++ci) {
            const int v = candidates[ci].second;
            // towers reaching v
            std::vector<uint32_t> reachingTowers;
            for (uint32_t cell : m.cellsOfVillage[v])
                for (const auto& reach : m.reachesOf[cell])
                    if (std::find(reachingTowers.begin(), reachingTowers.end(), reach.tower) == reachingTowers.end())
                        reachingTowers.push_back(reach.tower);
            double bestBoost = 0;
            int bestTower = -1, bestFlips = 1 << 30;
            for (uint32_t tower : reachingTowers) {
                if (pass == 1) break;
                const double b = m.neededBoost(tower, v, want);
                if (std::isnan(b)) continue;
                auto tr = m.trial(tower, b, v, want);
                if (!tr.targetFlipped) continue;
                if (tr.noSignal < kTargetNoSignal || tr.noSignal + tr.unstable < kTargetNoSignal + kTargetUnstable)
                    continue;
                if (tr.sideFlips < bestFlips ||
                    (tr.sideFlips == bestFlips && b - towers[tower].boost < bestBoost - towers[bestTower].boost)) {
                    bestFlips = tr.sideFlips;
                    bestTower = static_cast<int>(tower);
                    bestBoost = b;
                }
            }
            if (bestTower < 0 && pass == 1) {
                // A public-interest gap filler on the hill next to the village's largest cluster.
                const analysis::HouseholdCluster* largest = nullptr;
                for (const auto& cl : ctx.clusters)
                    if (cl.village == v && (!largest || cl.households > largest->households)) largest = &cl;
                if (!largest) continue;
                const double a = fillerRng.uniform(0, 2 * M_PI);
                XY p = hilltop(ctx, largest->x + 350 * std::cos(a), largest->y + 350 * std::sin(a), 300);
                Tower t = makeTower(ctx, neediestOperator(towers), p, 30, ctx.villageDistrict[v], false, fillerRng);
                ++fillerTries;
                t.filler = true;
                t.boost = -40;
                towers.push_back(std::move(t));
                computeLossWindows(towers, towers.size() - 1, ctx.grid, ctx.data.dem, kFillerRadiusM);
                const uint32_t tower = static_cast<uint32_t>(towers.size() - 1);
                m.attach(tower);
                const double b = m.neededBoost(tower, v, want);
                bool kept = false;
                if (!std::isnan(b)) {
                    auto tr = m.trial(tower, b, v, want);
                    if (tr.targetFlipped && tr.noSignal >= kTargetNoSignal &&
                        tr.noSignal + tr.unstable >= kTargetNoSignal + kTargetUnstable) {
                        m.apply(tower, b, tr);
                        kept = done = true;
                    }
                }
                if (!kept) {  // remove the filler again
                    for (uint32_t s : m.cellsOfTower[tower]) {
                        auto& reaches = m.reachesOf[s];
                        reaches.erase(std::remove_if(reaches.begin(), reaches.end(),
                                                     [&](const Reach& r) { return r.tower == tower; }),
                                      reaches.end());
                    }
                    m.cellsOfTower.pop_back();
                    towers.pop_back();
                }
                continue;
            }
            if (bestTower >= 0) {
                auto tr = m.trial(bestTower, bestBoost, v, want);
                m.apply(bestTower, bestBoost, tr);
                done = true;
            }
        }
        if (!done)
            throw Error(ErrorKind::Internal, "sample telecom",
                        "mobile calibration is stuck at " + std::to_string(m.noSignal) + " / " +
                            std::to_string(m.unstable));
    }
    summary.calibrationSteps = steps;
    summary.fillerAttempts = fillerTries;
    // The boosts stay separate from the nominal EIRPs until the sites are written, so the
    // coverage rasters evaluate exactly the expression the calibration evaluated.
    return m.offset;
}

// ---- coverage polygons ----

// Coverage is modelled on a grid that reaches past the border; the project keeps the part inside
// the province (the sample lies inside the province's bounding box). Settlements are inside the
// province, so the classification is unchanged (generateTelecom verifies it after this).
void clipToProvince(Layer& coverage, const Layer& districts)
{
    std::vector<geos::GeomPtr> parts;
    for (const auto& f : districts.features)
        parts.push_back(geos::toGeos(f.geom));
    geos::GeomPtr all = geos::collection(GEOS_GEOMETRYCOLLECTION, std::move(parts), "collect districts");
    geos::GeomPtr province = geos::make("union districts", [&] { return GEOSUnaryUnion_r(geos::ctx(), all.get()); });
    for (auto& f : coverage.features) {
        geos::GeomPtr g = geos::toGeos(f.geom);
        geos::GeomPtr clipped =
            geos::make("clip coverage", [&] { return GEOSIntersection_r(geos::ctx(), g.get(), province.get()); });
        f.geom = geos::polygonalPart(clipped.get());
    }
}

void buildCoverage(TelecomContext& ctx, const std::vector<Tower>& towers, Layer& coverage)
{
    gdal::init();
    const Grid& g = ctx.grid;
    const size_t N = static_cast<size_t>(g.cols) * g.rows;
    for (int op = 0; op < kOperators; ++op)
        for (Technology tech : {Technology::G3, Technology::G4}) {
            std::vector<double> best(N, -1e300);
            for (const auto& t : towers) {
                if (t.op != op) continue;
                for (const auto& radio : t.radios) {
                    if (radio.tech != tech) continue;
                    for (int j = 0; j < t.windowRows; ++j) {
                        const int r = t.windowRow + j;
                        if (r < 0 || r >= g.rows) continue;
                        for (int i = 0; i < t.windowCols; ++i) {
                            const int col = t.windowCol + i;
                            if (col < 0 || col >= g.cols) continue;
                            const float l = radio.loss[static_cast<size_t>(j) * t.windowCols + i];
                            if (!std::isfinite(l)) continue;
                            double& b = best[static_cast<size_t>(r) * g.cols + col];
                            b = std::max(b, goodMargin(radio, l, t.boost));
                        }
                    }
                }
            }
            std::vector<uint8_t> level(N, 0);
            const double wo = weakOffset(tech);
            for (size_t i = 0; i < N; ++i)
                level[i] = best[i] >= 0 ? 2 : (best[i] + wo >= 0 ? 1 : 0);
            gdal::ErrorCapture ec;
            GDALDatasetUniquePtr ds(GDALDataset::FromHandle(
                GDALCreate(GDALGetDriverByName("MEM"), "", g.cols, g.rows, 1, GDT_Byte, nullptr)));
            if (!ds) throw Error(ErrorKind::Internal, "sample telecom", ec.lastMessage());
            double gt[6] = {g.originX, g.cell, 0, g.originY, 0, -g.cell};
            ds->SetGeoTransform(gt);
            GDALRasterBandH band = GDALGetRasterBand(GDALDataset::ToHandle(ds.get()), 1);
            if (GDALRasterIO(band, GF_Write, 0, 0, g.cols, g.rows, level.data(), g.cols, g.rows, GDT_Byte, 0, 0) != CE_None)
                throw Error(ErrorKind::Internal, "sample telecom", ec.lastMessage());
            GDALDatasetUniquePtr vds(GDALDataset::FromHandle(
                GDALCreate(GDALGetDriverByName("Memory"), "", 0, 0, 0, GDT_Unknown, nullptr)));
            if (!vds) throw Error(ErrorKind::Internal, "sample telecom", ec.lastMessage());
            OGRLayerH lyr = GDALDatasetCreateLayer(GDALDataset::ToHandle(vds.get()), "p", nullptr, wkbPolygon, nullptr);
            OGRFieldDefn levelField("v", OFTInteger);
            OGR_L_CreateField(lyr, OGRFieldDefn::ToHandle(&levelField), TRUE);
            const CPLErr err = GDALPolygonize(band, band, lyr, 0, nullptr, nullptr, nullptr);
            Geometry good, weak;
            good.type = weak.type = GeomType::MultiPolygon;
            if (err == CE_None) {
                OGR_L_ResetReading(lyr);
                while (OGRFeatureUniquePtr owned{OGRFeature::FromHandle(OGR_L_GetNextFeature(lyr))}) {
                    OGRFeatureH f = OGRFeature::ToHandle(owned.get());
                    const int v = OGR_F_GetFieldAsInteger(f, 0);
                    OGRGeometryH gh = OGR_F_GetGeometryRef(f);
                    std::vector<uint8_t> wkb(OGR_G_WkbSize(gh));
                    OGR_G_ExportToIsoWkb(gh, wkbNDR, wkb.data());
                    Geometry pg = fromWkb(wkb.data(), wkb.size());
                    for (auto& part : pg.parts) (v == 2 ? good : weak).parts.push_back(std::move(part));
                }
            }
            vds.reset();
            ds.reset();
            if (err != CE_None) throw Error(ErrorKind::Internal, "sample telecom", ec.lastMessage());
            for (int lv : {2, 1}) {
                Geometry& geom = lv == 2 ? good : weak;
                if (geom.parts.empty()) continue;
                // Parts of one level only touch at corners: valid as a MultiPolygon. Checked, and repaired if not.
                geos::GeomPtr gg = geos::toGeos(geom);
                if (!geos::predicate("isValid", [&] { return GEOSisValid_r(geos::ctx(), gg.get()); })) {
                    geos::GeomPtr fixed = geos::make("make valid", [&] { return GEOSMakeValid_r(geos::ctx(), gg.get()); });
                    geom = geos::polygonalPart(fixed.get());
                }
                Feature& f = coverage.addFeature(std::move(geom));
                coverage.set(f, "operator", std::string(operatorName(op)));
                coverage.set(f, "technology", std::string(tech == Technology::G3 ? "3G" : "4G"));
                coverage.set(f, "level", std::string(lv == 2 ? "good" : "weak"));
            }
        }
}

// ---- broadband ----
void buildBroadband(TelecomContext& ctx, Layer& nodes, Layer& fibre)
{
    const double D = analysis::Thresholds{}.broadbandDistanceM;
    const double shareMin = analysis::Thresholds{}.broadbandShare;
    const size_t V = ctx.villageHh.size();
    // Base: OLT at each district seat, fibre along the roads within a radius of the seat.
    auto baseCount = [&](double radius, std::vector<char>* reachedOut, std::vector<Ring>* lines) {
        analysis::SegmentIndex idx(D);
        for (const auto& s : ctx.districtSeats) idx.addPoint(s.x, s.y);
        std::vector<Ring> runs;
        for (size_t di = 0; di < ctx.districtSeats.size(); ++di) {
            const XY s = ctx.districtSeats[di];
            for (const auto& f : ctx.data.roads.features)
                for (const auto& part : f.geom.parts)
                    for (const auto& ring : part) {
                        Ring cur;
                        for (const auto& p : ring) {
                            if (std::hypot(p.x - s.x, p.y - s.y) <= radius) cur.push_back(p);
                            else {
                                if (cur.size() >= 2) runs.push_back(cur);
                                cur.clear();
                            }
                        }
                        if (cur.size() >= 2) runs.push_back(cur);
                    }
        }
        for (const auto& r : runs) idx.addLine(r);
        std::vector<char> reached(ctx.clusters.size(), 0);
        std::vector<int64_t> bb(V, 0);
        for (size_t i = 0; i < ctx.clusters.size(); ++i)
            if (idx.withinDistance(ctx.clusters[i].x, ctx.clusters[i].y, D)) {
                reached[i] = 1;
                bb[ctx.clusters[i].village] += ctx.clusters[i].households;
            }
        int noBb = 0;
        for (size_t v = 0; v < V; ++v)
            if (!(ctx.villageHh[v] > 0 && static_cast<double>(bb[v]) / ctx.villageHh[v] >= shareMin)) ++noBb;
        if (reachedOut) *reachedOut = reached;
        if (lines) *lines = runs;
        return noBb;
    };
    double radius = 8000;
    while (radius > 0 && baseCount(radius, nullptr, nullptr) < kTargetNoBroadband + 30) radius -= 1000;
    std::vector<char> reached;
    std::vector<Ring> runs;
    int noBb = baseCount(std::max(radius, 0.0), &reached, &runs);
    if (noBb < kTargetNoBroadband)
        throw Error(ErrorKind::Internal, "sample telecom", "broadband base network covers too much");
    std::vector<int64_t> bb(V, 0);
    for (size_t i = 0; i < ctx.clusters.size(); ++i)
        if (reached[i]) bb[ctx.clusters[i].village] += ctx.clusters[i].households;
    auto hasBb = [&](size_t v, int64_t b) {
        return ctx.villageHh[v] > 0 && static_cast<double>(b) / ctx.villageHh[v] >= shareMin;
    };
    // Cluster grid for neighbourhood queries.
    std::unordered_map<int64_t, std::vector<uint32_t>> cgrid;
    auto gkey = [&](double x, double y) {
        return (static_cast<int64_t>(std::floor(x / D)) << 32) ^ (static_cast<int64_t>(std::floor(y / D)) & 0xffffffff);
    };
    for (uint32_t i = 0; i < ctx.clusters.size(); ++i) cgrid[gkey(ctx.clusters[i].x, ctx.clusters[i].y)].push_back(i);
    std::vector<XY> cabinets;
    std::vector<std::string> cabinetDistrict;
    auto tryCabinet = [&](XY p, const std::string& dist) {
        std::vector<uint32_t> fresh;
        const int64_t cx = static_cast<int64_t>(std::floor(p.x / D)), cy = static_cast<int64_t>(std::floor(p.y / D));
        for (int64_t ix = cx - 1; ix <= cx + 1; ++ix)
            for (int64_t iy = cy - 1; iy <= cy + 1; ++iy) {
                auto it = cgrid.find((ix << 32) ^ (iy & 0xffffffff));
                if (it == cgrid.end()) continue;
                for (uint32_t i : it->second)
                    if (!reached[i] && analysis::pointSegmentDistance(ctx.clusters[i].x, ctx.clusters[i].y, p.x, p.y, p.x, p.y) <= D)
                        fresh.push_back(i);
            }
        std::unordered_map<int, int64_t> dv;
        for (uint32_t i : fresh) dv[ctx.clusters[i].village] += ctx.clusters[i].households;
        int flips = 0;
        for (auto& [v, d] : dv)
            if (!hasBb(v, bb[v]) && hasBb(v, bb[v] + d)) ++flips;
        if (flips == 0 || noBb - flips < kTargetNoBroadband) return false;
        for (uint32_t i : fresh) reached[i] = 1;
        for (auto& [v, d] : dv) bb[v] += d;
        noBb -= flips;
        cabinets.push_back(p);
        cabinetDistrict.push_back(dist);
        return true;
    };
    // Commune seats first (larger communes first), then village centres from the least remote.
    std::vector<size_t> order(ctx.communeSeats.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return ctx.communeSeatHh[a] > ctx.communeSeatHh[b]; });
    for (size_t i : order) {
        if (noBb == kTargetNoBroadband) break;
        tryCabinet(ctx.communeSeats[i], ctx.communeSeatDistrict[i]);
    }
    std::vector<std::pair<double, uint32_t>> centres;
    for (uint32_t i = 0; i < ctx.clusters.size(); ++i)
        if (ctx.clusters[i].centre) centres.push_back({ctx.remoteness[ctx.clusters[i].village], i});
    std::sort(centres.begin(), centres.end());
    for (auto [key, i] : centres) {
        if (noBb == kTargetNoBroadband) break;
        (void)key;
        if (!hasBb(ctx.clusters[i].village, bb[ctx.clusters[i].village]))
            tryCabinet({ctx.clusters[i].x, ctx.clusters[i].y}, ctx.villageDistrict[ctx.clusters[i].village]);
    }
    if (noBb != kTargetNoBroadband)
        throw Error(ErrorKind::Internal, "sample telecom",
                    "broadband calibration ended at " + std::to_string(noBb) + " villages without broadband");
    for (size_t i = 0; i < ctx.districtSeats.size(); ++i) {
        Feature& f = nodes.addFeature(Geometry::point(ctx.districtSeats[i].x, ctx.districtSeats[i].y));
        nodes.set(f, "node_id", "OLT-" + ctx.districtSeatCode[i]);
        nodes.set(f, "kind", std::string("olt"));
        nodes.set(f, "district_code", ctx.districtSeatCode[i]);
    }
    for (size_t i = 0; i < cabinets.size(); ++i) {
        char id[32];
        std::snprintf(id, sizeof id, "CAB-%04zu", i + 1);
        Feature& f = nodes.addFeature(Geometry::point(cabinets[i].x, cabinets[i].y));
        nodes.set(f, "node_id", std::string(id));
        nodes.set(f, "kind", std::string("cabinet"));
        nodes.set(f, "district_code", cabinetDistrict[i]);
    }
    for (const auto& r : runs) {
        const XY mid = r[r.size() / 2];
        Feature& f = fibre.addFeature(Geometry::lineString(r));
        fibre.set(f, "district_code", districtAt(ctx, mid.x, mid.y));
        fibre.set(f, "kind", std::string("trunk"));
    }
}

} // namespace

void generateTelecom(SampleData& data, const Options& opt, Feedback* fb)
{
    bool fallbackDem = false;
    // The network is modelled over the DEM. Should the geography stage not have made one, a
    // coarse one is sampled from the same synthetic terrain function.
    if (data.dem.empty() && !data.districts.features.empty()) {
        const Extent e = data.districts.extent();
        geo::Terrain terrain(opt.seed);
        Dem& d = data.dem;
        d.cell = 270;
        d.originX = std::floor(e.minX / 1000) * 1000 - 3000;
        d.originY = std::ceil(e.maxY / 1000) * 1000 + 3000;
        d.cols = static_cast<int>(std::ceil((e.maxX + 3000 - d.originX) / d.cell));
        d.rows = static_cast<int>(std::ceil((d.originY - e.minY + 3000) / d.cell));
        d.z.resize(static_cast<size_t>(d.cols) * d.rows);
        for (int r = 0; r < d.rows; ++r)
            for (int c = 0; c < d.cols; ++c)
                d.z[static_cast<size_t>(r) * d.cols + c] =
                    static_cast<float>(terrain.height(d.originX + (c + 0.5) * d.cell, d.originY - (r + 0.5) * d.cell));
        fallbackDem = true;
    }
    TelecomContext ctx{data, Rng(opt.seed ^ 0x7e1ec0ull), {}, {}, {}, {}, {}, {}, {}, {}, {}, {}};
    prepare(ctx);
    reportProgress(fb, 5);
    TelecomSummary summary;
    summary.householdClusters = ctx.clusters.size();
    StepTimer timer;
    std::vector<Tower> towers = placeTowers(ctx);
    const size_t baseTowers = towers.size();
    computeLossWindows(towers, 0, ctx.grid, data.dem, kRadiusM);
    timer.lap("losses");
    reportProgress(fb, 40);
    summary.powerOffsetDb = calibrateMobile(ctx, towers, summary, fb);
    timer.lap("calibration");
    summary.towers = towers.size();
    summary.baseTowers = baseTowers;
    for (const auto& t : towers)
        ++summary.towersPerOperator[t.op];
    reportProgress(fb, 60);

    Layer sites = schema::makeLayer("sites");
    sites.epsg = data.epsg;
    int perOp[kOperators] = {0, 0, 0};
    static const char* prefix[] = {"VTL", "VNP", "MBF"};
    for (auto& t : towers) {
        char id[32];
        std::snprintf(id, sizeof id, "%s-%04d", prefix[t.op], ++perOp[t.op]);
        t.id = id;
        for (const auto& r : t.radios) {
            Feature& f = sites.addFeature(Geometry::point(t.x, t.y));
            sites.set(f, "site_id", t.id + (r.tech == Technology::G3 ? "-3G" : "-4G"));
            sites.set(f, "operator", std::string(operatorName(t.op)));
            sites.set(f, "technology", std::string(r.tech == Technology::G3 ? "3G" : "4G"));
            sites.set(f, "band_mhz", int64_t{r.bandMhz});
            // Full precision: `bando predict` re-predicts the coverage from these rows, and the
            // calibration leaves some villages within hundredths of a dB of a threshold.
            sites.set(f, "height_m", t.height);
            sites.set(f, "eirp_dbm", r.eirpDbm + t.boost);
            sites.set(f, "ground_m", t.ground);
            sites.set(f, "district_code", t.district);
        }
    }
    Layer coverage = schema::makeLayer("coverage");
    coverage.epsg = data.epsg;
    buildCoverage(ctx, towers, coverage);
    clipToProvince(coverage, data.districts);
    timer.lap("coverage");
    reportProgress(fb, 85);
    Layer nodes = schema::makeLayer("broadband_nodes");
    nodes.epsg = data.epsg;
    Layer fibre = schema::makeLayer("fibre");
    fibre.epsg = data.epsg;
    buildBroadband(ctx, nodes, fibre);
    timer.lap("broadband");
    summary.broadbandNodes = nodes.features.size();
    summary.fibreLines = fibre.features.size();

    // The rule itself, on the layers as written, must give the reported counts.
    analysis::ClassificationInput in;
    in.villages = &data.villages;
    in.settlements = &data.settlements;
    in.coverage = &coverage;
    in.broadbandNodes = &nodes;
    in.fibre = &fibre;
    const auto counts = analysis::countClasses(analysis::classifyVillages(in, analysis::Thresholds{}, data.epsg, fb));
    if (counts.noSignal != kTargetNoSignal || counts.unstable != kTargetUnstable || counts.noBroadband != kTargetNoBroadband)
        throw Error(ErrorKind::Internal, "sample telecom",
                    "calibrated network gives " + std::to_string(counts.noSignal) + " no-signal, " +
                        std::to_string(counts.unstable) + " unstable, " + std::to_string(counts.noBroadband) +
                        " no-broadband villages");
    timer.lap("verify");
    summary.steps = timer.steps();
    if (fallbackDem)
        data.dem = Dem{};  // the fallback DEM is not part of the sample
    data.meta["telecom_model"] =
        "Okumura-Hata (900 MHz) / COST-231 Hata (1800, 2100 MHz), suburban correction, + ITU-R P.526 knife-edge "
        "over the DEM; 250 m grid; 3G RSCP good >= -90 / weak >= -105 dBm, 4G RSRP good >= -100 / weak >= -115 dBm";
    for (auto* l : {&sites, &coverage, &nodes, &fibre}) {
        if (Layer* old = data.extra(l->name)) *old = std::move(*l);
        else data.extraLayers.push_back(std::move(*l));
    }
    data.telecom = std::move(summary);
    reportProgress(fb, 100);
}

} // namespace bando::sample
