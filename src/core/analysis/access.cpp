// Access distances and travel times on the road network. See access.hpp.
#include "core/analysis/access.hpp"

#include "core/crs/reproject.hpp"

#include "core/analysis/spatial_index.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <queue>
#include <unordered_map>

namespace bando::analysis {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Graph {
    std::vector<XY> nodes;
    struct Arc {
        uint32_t to;
        double len, minutes;
    };
    std::vector<std::vector<Arc>> adj;
    std::vector<int> component;
    struct Seg {
        uint32_t a, b;
        double minutesPerM;
        bool main;
    };
    std::vector<Seg> segs;

    std::unordered_map<uint64_t, uint32_t> byKey;
    uint32_t node(XY p)
    {
        const uint64_t kx = static_cast<uint64_t>(std::llround(p.x * 10)) & 0xffffffffull;
        const uint64_t ky = static_cast<uint64_t>(std::llround(p.y * 10)) & 0xffffffffull;
        auto [it, added] = byKey.emplace((kx << 32) | ky, static_cast<uint32_t>(nodes.size()));
        if (added) {
            nodes.push_back(p);
            adj.emplace_back();
        }
        return it->second;
    }
    void arc(uint32_t a, uint32_t b, double len, double minutesPerM)
    {
        if (a == b)
            return;
        adj[a].push_back({b, len, len * minutesPerM});
        adj[b].push_back({a, len, len * minutesPerM});
    }
};

double minutesPerM(double kmh) { return 60.0 / (kmh * 1000.0); }

// A place joined to the network: the two ends of its nearest segment with their costs.
struct Snap {
    bool ok = false;
    double offM = 0;  // straight leg to the road
    uint32_t a = 0, b = 0;
    double lenA = 0, lenB = 0, minA = 0, minB = 0;  // cost from the place to a / b
    bool onMain = false;
};

struct SegGrid {
    double cell = 500;
    // (cell, segment) as added; at the first search: a dense table over the occupied window
    // (each cell's segments in the order added), or a hash map where the window is huge
    std::vector<std::pair<int64_t, int64_t>> at;
    std::vector<uint32_t> ids;
    int64_t minX = 0, maxX = -1, minY = 0, maxY = -1;
    mutable bool ready = false;
    mutable std::vector<uint32_t> start, dense;
    mutable std::unordered_map<uint64_t, std::vector<uint32_t>> sparse;
    static uint64_t key(int64_t x, int64_t y) { return (static_cast<uint64_t>(x) << 32) ^ (static_cast<uint64_t>(y) & 0xffffffffull); }
    void add(uint32_t id, const XY& a, const XY& b)
    {
        const int64_t x0 = static_cast<int64_t>(std::floor(std::min(a.x, b.x) / cell)),
                      x1 = static_cast<int64_t>(std::floor(std::max(a.x, b.x) / cell)),
                      y0 = static_cast<int64_t>(std::floor(std::min(a.y, b.y) / cell)),
                      y1 = static_cast<int64_t>(std::floor(std::max(a.y, b.y) / cell));
        if (maxX < minX) {
            minX = x0, maxX = x1, minY = y0, maxY = y1;
        } else {
            minX = std::min(minX, x0), maxX = std::max(maxX, x1);
            minY = std::min(minY, y0), maxY = std::max(maxY, y1);
        }
        for (int64_t x = x0; x <= x1; ++x)
            for (int64_t y = y0; y <= y1; ++y) {
                at.push_back({x, y});
                ids.push_back(id);
            }
        ready = false;
    }
    void prepare() const
    {
        if (ready)
            return;
        ready = true;
        start.clear();
        dense.clear();
        sparse.clear();
        const int64_t nx = maxX - minX + 1, ny = maxY - minY + 1;
        if (at.empty())
            return;
        if (nx * ny > static_cast<int64_t>(4 * at.size()) + (1 << 22)) {
            for (size_t k = 0; k < at.size(); ++k)
                sparse[key(at[k].first, at[k].second)].push_back(ids[k]);
            return;
        }
        auto cellOf = [&](size_t k) { return static_cast<size_t>((at[k].second - minY) * nx + (at[k].first - minX)); };
        start.assign(static_cast<size_t>(nx * ny) + 1, 0);
        for (size_t k = 0; k < at.size(); ++k)
            ++start[cellOf(k) + 1];
        for (size_t c = 1; c < start.size(); ++c)
            start[c] += start[c - 1];
        dense.resize(at.size());
        std::vector<uint32_t> fill(start.begin(), start.end() - 1);
        for (size_t k = 0; k < at.size(); ++k)  // stable: a cell's segments in the order added
            dense[fill[cellOf(k)]++] = ids[k];
    }
    template <class V>
    void forCell(int64_t x, int64_t y, V visit) const
    {
        if (x < minX || x > maxX || y < minY || y > maxY)
            return;
        if (!start.empty()) {
            const size_t c = static_cast<size_t>((y - minY) * (maxX - minX + 1) + (x - minX));
            for (uint32_t k = start[c]; k < start[c + 1]; ++k)
                visit(dense[k]);
            return;
        }
        auto it = sparse.find(key(x, y));
        if (it != sparse.end())
            for (uint32_t id : it->second)
                visit(id);
    }
    // Nearest segment (ring search, growing until found and the ring is beyond the best).
    // `offset(id, ox, oy)` gives the offset from p to segment id (false: not a candidate); the
    // distance is std::hypot of it, taken only where the squared offset may beat the best.
    template <class F>
    int64_t nearest(const XY& p, F offset, double& best, int maxRings = 400) const
    {
        prepare();
        best = kInf;
        int64_t bestId = -1;
        const int64_t cx = static_cast<int64_t>(std::floor(p.x / cell)), cy = static_cast<int64_t>(std::floor(p.y / cell));
        // rings beyond the occupied window hold nothing
        const int64_t window = std::max({cx - minX, maxX - cx, cy - minY, maxY - cy, int64_t{0}});
        auto visit = [&](uint32_t id) {
            double ox, oy;
            if (!offset(id, ox, oy) || (bestId >= 0 && !mayBeWithin(ox, oy, best)))
                return;
            const double d = std::hypot(ox, oy);
            if (d < best) {
                best = d;
                bestId = id;
            }
        };
        if (at.empty())
            return bestId;
        for (int64_t r = 0; r <= std::min<int64_t>(maxRings, window); ++r) {
            if (bestId >= 0 && static_cast<double>(r - 1) * cell > best)
                break;
            // the cells of ring r within the occupied window, x then y ascending
            for (int64_t x = std::max(cx - r, minX); x <= std::min(cx + r, maxX); ++x) {
                if (x == cx - r || x == cx + r) {
                    for (int64_t y = std::max(cy - r, minY); y <= std::min(cy + r, maxY); ++y)
                        forCell(x, y, visit);
                } else {
                    forCell(x, cy - r, visit);
                    if (r > 0)
                        forCell(x, cy + r, visit);
                }
            }
        }
        return bestId;
    }
};

XY project(const XY& p, const XY& a, const XY& b)
{
    const double dx = b.x - a.x, dy = b.y - a.y, l2 = dx * dx + dy * dy;
    const double t = l2 > 0 ? std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / l2, 0.0, 1.0) : 0;
    return {a.x + t * dx, a.y + t * dy};
}

// Dijkstra from sources (node, initial cost); `byTime` picks the arc weight. With `targets`, it
// stops once every target in the sources' connected pieces is settled: the targets' distances
// are then final (and the same as a full run's), the other nodes' are not.
std::vector<double> dijkstra(const Graph& g, const std::vector<std::pair<uint32_t, double>>& sources, bool byTime,
                             const std::vector<uint32_t>& targets = {})
{
    std::vector<double> dist(g.nodes.size(), kInf);
    using Item = std::pair<double, uint32_t>;
    std::priority_queue<Item, std::vector<Item>, std::greater<>> q;
    for (const auto& [n, c] : sources)
        if (c < dist[n]) {
            dist[n] = c;
            q.push({c, n});
        }
    std::vector<char> pending;
    size_t left = 0;
    if (!targets.empty()) {
        std::vector<int> pieces;
        for (const auto& [n, c] : sources)
            pieces.push_back(g.component[n]);
        pending.assign(g.nodes.size(), 0);
        for (uint32_t t : targets)
            if (!pending[t] && std::find(pieces.begin(), pieces.end(), g.component[t]) != pieces.end()) {
                pending[t] = 1;
                ++left;
            }
        if (left == 0)
            return dist;
    }
    while (!q.empty()) {
        auto [d, n] = q.top();
        q.pop();
        if (d > dist[n])
            continue;
        if (left > 0 && pending[n]) {
            pending[n] = 0;
            if (--left == 0)
                break;
        }
        for (const auto& a : g.adj[n]) {
            const double nd = d + (byTime ? a.minutes : a.len);
            if (nd < dist[a.to]) {
                dist[a.to] = nd;
                q.push({nd, a.to});
            }
        }
    }
    return dist;
}

// Offset from p to a segment of g, for SegGrid::nearest.
auto segDistance(const Graph& g, const XY& p)
{
    return [&g, p](uint32_t id, double& ox, double& oy) {
        const auto& s = g.segs[id];
        pointSegmentOffset(p.x, p.y, g.nodes[s.a].x, g.nodes[s.a].y, g.nodes[s.b].x, g.nodes[s.b].y, ox, oy);
        return true;
    };
}

// The road network (metric CRS): road vertices are nodes (merged at 0.1 m), dangling ends within
// 5 m of another segment joined to it; places join it at the nearest point of the nearest road.
struct Network {
    Graph g;
    SegGrid grid;
    double offMpm = 0;
    Snap snap(const XY& p) const;
};

Snap Network::snap(const XY& p) const
{
    Snap s;
    double best = kInf;
    const int64_t id = grid.nearest(p, segDistance(g, p), best);
    if (id < 0)
        return s;
    const auto& sg = g.segs[static_cast<size_t>(id)];
    const XY q = project(p, g.nodes[sg.a], g.nodes[sg.b]);
    s.ok = true;
    s.offM = best;
    s.a = sg.a;
    s.b = sg.b;
    s.onMain = sg.main;
    const double la = std::hypot(q.x - g.nodes[sg.a].x, q.y - g.nodes[sg.a].y);
    const double lb = std::hypot(q.x - g.nodes[sg.b].x, q.y - g.nodes[sg.b].y);
    s.lenA = best + la;
    s.lenB = best + lb;
    s.minA = best * offMpm + la * sg.minutesPerM;
    s.minB = best * offMpm + lb * sg.minutesPerM;
    return s;
}

// Builds `net` from `roads` (metric CRS); false when there is no road segment.
bool buildNetwork(const Layer& roads, const AccessOptions& ao, const Feedback* fb, Network& net)
{
    const int iClass = roads.fieldIndex("class");
    // the lines' segments; their vertices are nodes (merged at 0.1 m)
    Graph g0;
    SegGrid grid0;
    for (const auto& f : roads.features) {
        const std::string cls = iClass >= 0 ? toString(f.values[iClass]) : std::string();
        auto sp = ao.speedKmh.find(cls);
        const double mpm = minutesPerM(sp != ao.speedKmh.end() ? sp->second : ao.otherKmh);
        const bool main = std::find(ao.mainClasses.begin(), ao.mainClasses.end(), cls) != ao.mainClasses.end();
        for (const auto& part : f.geom.parts)
            for (const auto& line : part)
                for (size_t i = 0; i + 1 < line.size(); ++i) {
                    const uint32_t a = g0.node(line[i]), b = g0.node(line[i + 1]);
                    if (a == b)
                        continue;
                    g0.arc(a, b, std::hypot(line[i + 1].x - line[i].x, line[i + 1].y - line[i].y), mpm);
                    const uint32_t id = static_cast<uint32_t>(g0.segs.size());
                    g0.segs.push_back({a, b, mpm, main});
                    grid0.add(id, g0.nodes[a], g0.nodes[b]);
                }
    }
    if (g0.segs.empty())
        return false;
    throwIfCancelled(fb);
    // T-junctions: a dangling line end within 5 m of another segment splits that segment there
    struct Join {
        XY from, to;
        double len, mpm;
    };
    std::vector<Join> joins;
    std::unordered_map<uint32_t, std::vector<XY>> splits;
    for (uint32_t n = 0; n < g0.nodes.size(); ++n) {
        if (g0.adj[n].size() != 1)
            continue;
        const XY p = g0.nodes[n];
        double best = kInf;
        auto d = [&](uint32_t sid, double& ox, double& oy) {
            const auto& s = g0.segs[sid];
            if (s.a == n || s.b == n)
                return false;
            pointSegmentOffset(p.x, p.y, g0.nodes[s.a].x, g0.nodes[s.a].y, g0.nodes[s.b].x, g0.nodes[s.b].y, ox, oy);
            return true;
        };
        const int64_t id = grid0.nearest(p, d, best, 1);
        if (id < 0 || best > 5.0)
            continue;
        const auto& s = g0.segs[static_cast<size_t>(id)];
        const XY q = project(p, g0.nodes[s.a], g0.nodes[s.b]);
        splits[static_cast<uint32_t>(id)].push_back(q);
        if (best > 0)
            joins.push_back({p, q, best, s.minutesPerM});
    }
    // the network, segments split at the junctions
    Graph& g = net.g;
    SegGrid& grid = net.grid;
    auto addSeg = [&](const XY& pa, const XY& pb, double mpm, bool main) {
        const uint32_t a = g.node(pa), b = g.node(pb);
        if (a == b)
            return;
        g.arc(a, b, std::hypot(pb.x - pa.x, pb.y - pa.y), mpm);
        const uint32_t id = static_cast<uint32_t>(g.segs.size());
        g.segs.push_back({a, b, mpm, main});
        grid.add(id, g.nodes[a], g.nodes[b]);
    };
    for (uint32_t id = 0; id < g0.segs.size(); ++id) {
        const auto& s = g0.segs[id];
        const XY a = g0.nodes[s.a], b = g0.nodes[s.b];
        auto it = splits.find(id);
        if (it == splits.end()) {
            addSeg(a, b, s.minutesPerM, s.main);
            continue;
        }
        std::vector<XY> pts = it->second;
        std::sort(pts.begin(), pts.end(), [&](const XY& u, const XY& v) {
            return std::hypot(u.x - a.x, u.y - a.y) < std::hypot(v.x - a.x, v.y - a.y);
        });
        XY prev = a;
        for (const XY& q : pts) {
            addSeg(prev, q, s.minutesPerM, s.main);
            prev = q;
        }
        addSeg(prev, b, s.minutesPerM, s.main);
    }
    for (const auto& j : joins)
        g.arc(g.node(j.from), g.node(j.to), j.len, j.mpm);
    // connected pieces
    g.component.assign(g.nodes.size(), -1);
    int pieces = 0;
    for (uint32_t s = 0; s < g.nodes.size(); ++s) {
        if (g.component[s] >= 0)
            continue;
        std::vector<uint32_t> stack{s};
        g.component[s] = pieces;
        while (!stack.empty()) {
            const uint32_t n = stack.back();
            stack.pop_back();
            for (const auto& a : g.adj[n])
                if (g.component[a.to] < 0) {
                    g.component[a.to] = pieces;
                    stack.push_back(a.to);
                }
        }
        ++pieces;
    }
    net.offMpm = minutesPerM(ao.offRoadKmh);
    return true;
}

} // namespace

void computeAccess(const AnalysisInput& in, std::vector<VillageIndicators>& villages, const std::vector<XY>& centres,
                   const AnalysisOptions& opt, std::vector<std::string>& notes, const Feedback* fb)
{
    if (!in.roads)
        return;
    const AccessOptions& ao = opt.access;
    Layer roads = *in.roads;
    crs::reproject(roads, opt.metricEpsg);
    Network net;
    if (!buildNetwork(roads, ao, fb, net))
        return;
    const Graph& g = net.g;
    const double offMpm = net.offMpm;
    auto segDist = [&](const XY& p) { return segDistance(g, p); };
    auto snap = [&](const XY& p) { return net.snap(p); };

    // seats
    std::map<std::string, XY> communeSeat, districtSeat;
    if (in.places) {
        Layer places = *in.places;
        crs::reproject(places, opt.metricEpsg);
        const int k = places.fieldIndex("kind"), c = places.fieldIndex("code");
        for (const auto& f : places.features) {
            if (f.geom.isEmpty() || f.geom.parts[0].empty() || f.geom.parts[0][0].empty() || k < 0 || c < 0)
                continue;
            const std::string kind = toString(f.values[k]);
            if (kind == "commune_seat")
                communeSeat.emplace(toString(f.values[c]), f.geom.parts[0][0][0]);
            else if (kind == "district_seat")
                districtSeat.emplace(toString(f.values[c]), f.geom.parts[0][0][0]);
        }
    }
    std::vector<Snap> vs(villages.size());
    for (size_t i = 0; i < villages.size(); ++i)
        vs[i] = snap(centres[i]);

    // shortest paths from each seat (by length and by time) to the villages that use it
    auto fromSeat = [&](const std::map<std::string, XY>& seats, auto keyOf, auto setLine, auto setRoad) {
        std::map<std::string, std::vector<size_t>> users;
        for (size_t i = 0; i < villages.size(); ++i)
            users[keyOf(villages[i])].push_back(i);
        for (const auto& [code, idx] : users) {
            throwIfCancelled(fb);
            auto it = seats.find(code);
            if (it == seats.end())
                continue;
            const XY seat = it->second;
            for (size_t i : idx)
                setLine(villages[i], std::hypot(centres[i].x - seat.x, centres[i].y - seat.y));
            const Snap ss = snap(seat);
            if (!ss.ok)
                continue;
            std::vector<uint32_t> targets;  // the search stops once these are settled
            for (size_t i : idx)
                if (vs[i].ok) {
                    targets.push_back(vs[i].a);
                    targets.push_back(vs[i].b);
                }
            if (targets.empty())
                continue;
            const auto byLen = dijkstra(g, {{ss.a, ss.lenA}, {ss.b, ss.lenB}}, false, targets);
            const auto byTime = dijkstra(g, {{ss.a, ss.minA}, {ss.b, ss.minB}}, true, targets);
            for (size_t i : idx) {
                const Snap& s = vs[i];
                if (!s.ok)
                    continue;
                double len = std::min(byLen[s.a] + s.lenA, byLen[s.b] + s.lenB);
                double min = std::min(byTime[s.a] + s.minA, byTime[s.b] + s.minB);
                // the same segment: straight along it
                if ((s.a == ss.a && s.b == ss.b) || (s.a == ss.b && s.b == ss.a)) {
                    const double along = std::fabs((s.lenA - s.offM) - (ss.lenA - ss.offM));
                    const double mpm = (s.minA - s.offM * offMpm) / std::max(s.lenA - s.offM, 1e-9);
                    len = std::min(len, s.offM + along + ss.offM);
                    min = std::min(min, (s.offM + ss.offM) * offMpm + along * (std::isfinite(mpm) ? mpm : offMpm));
                }
                setRoad(villages[i], std::isfinite(len) ? len : -1.0, std::isfinite(min) ? min : -1.0);
            }
        }
    };
    fromSeat(
        communeSeat, [](const VillageIndicators& v) { return v.communeCode; },
        [](VillageIndicators& v, double d) { v.lineCommuneSeatM = d; },
        [](VillageIndicators& v, double d, double m) {
            v.roadCommuneSeatM = d;
            v.minutesCommuneSeat = m;
        });
    fromSeat(
        districtSeat, [](const VillageIndicators& v) { return v.districtCode; },
        [](VillageIndicators& v, double d) { v.lineDistrictSeatM = d; },
        [](VillageIndicators& v, double d, double m) {
            v.roadDistrictSeatM = d;
            v.minutesDistrictSeat = m;
        });

    // nearest main road: straight line, and along the network from the snapped centre
    std::vector<std::pair<uint32_t, double>> mainNodes;
    SegGrid mainGrid;
    for (uint32_t id = 0; id < g.segs.size(); ++id)
        if (g.segs[id].main) {
            mainNodes.push_back({g.segs[id].a, 0});
            mainNodes.push_back({g.segs[id].b, 0});
            mainGrid.add(id, g.nodes[g.segs[id].a], g.nodes[g.segs[id].b]);
        }
    if (!mainNodes.empty()) {
        const auto byLen = dijkstra(g, mainNodes, false);
        const auto byTime = dijkstra(g, mainNodes, true);
        for (size_t i = 0; i < villages.size(); ++i) {
            double best = kInf;
            mainGrid.nearest(centres[i], segDist(centres[i]), best);
            if (std::isfinite(best))
                villages[i].lineMainRoadM = best;
            const Snap& s = vs[i];
            if (!s.ok)
                continue;
            double len = std::min(byLen[s.a] + s.lenA, byLen[s.b] + s.lenB);
            double min = std::min(byTime[s.a] + s.minA, byTime[s.b] + s.minB);
            if (s.onMain) {  // the centre joins the network on a main road
                len = s.offM;
                min = s.offM * offMpm;
            }
            if (std::isfinite(len)) {
                villages[i].roadMainRoadM = len;
                villages[i].minutesMainRoad = min;
            }
        }
    }
    for (size_t i = 0; i < villages.size(); ++i) {
        auto& v = villages[i];
        v.snapM = vs[i].ok ? vs[i].offM : -1;
        v.reachesNetwork = vs[i].ok && v.roadDistrictSeatM >= 0 && v.roadCommuneSeatM >= 0;
        if (!v.reachesNetwork)
            notes.push_back("village " + v.code + ": cannot reach its commune or district seat on the road network");
    }
}

std::vector<double> roadDistanceMatrix(const Layer& roadsMetric, const AccessOptions& ao, const std::vector<XY>& from,
                                       const std::vector<XY>& to, const Feedback* fb)
{
    std::vector<double> out(from.size() * to.size(), kInf);
    Network net;
    if (!buildNetwork(roadsMetric, ao, fb, net))
        return out;
    std::vector<Snap> ts(to.size());
    for (size_t j = 0; j < to.size(); ++j)
        ts[j] = net.snap(to[j]);
    for (size_t i = 0; i < from.size(); ++i) {
        throwIfCancelled(fb);
        const Snap fs = net.snap(from[i]);
        if (!fs.ok)
            continue;
        const auto byLen = dijkstra(net.g, {{fs.a, fs.lenA}, {fs.b, fs.lenB}}, false);
        for (size_t j = 0; j < to.size(); ++j) {
            const Snap& s = ts[j];
            if (!s.ok)
                continue;
            double len = std::min(byLen[s.a] + s.lenA, byLen[s.b] + s.lenB);
            if ((s.a == fs.a && s.b == fs.b) || (s.a == fs.b && s.b == fs.a))  // the same segment: straight along it
                len = std::min(len, s.offM + std::fabs((s.lenA - s.offM) - (fs.lenA - fs.offM)) + fs.offM);
            out[i * to.size() + j] = len;
        }
    }
    return out;
}

} // namespace bando::analysis
