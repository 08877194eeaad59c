// Page-resolution class outlines: snap to a grid, simplify the shared arcs once, cancel the edges
// a class shares with itself, chain the rest into loops.
#include "core/render/grid_outline.hpp"

#include <algorithm>
#include <cmath>

namespace bando::render {
namespace {

uint64_t pack(int32_t x, int32_t y)
{
    return (static_cast<uint64_t>(static_cast<uint32_t>(x)) << 32) | static_cast<uint32_t>(y);
}
double unpackX(uint64_t k) { return static_cast<int32_t>(static_cast<uint32_t>(k >> 32)); }
double unpackY(uint64_t k) { return static_cast<int32_t>(static_cast<uint32_t>(k & 0xffffffffu)); }

int32_t snap(double v)
{
    constexpr double kLimit = 2.0e9;  // far outside any page: clamp rather than wrap
    return static_cast<int32_t>(std::llround(std::clamp(v, -kLimit, kLimit)));
}

struct Edge {
    uint32_t from, to;
};

// Squared distance (grid units) from p to the segment a-b.
double dist2(uint64_t p, uint64_t a, uint64_t b)
{
    const double px = unpackX(p), py = unpackY(p), ax = unpackX(a), ay = unpackY(a);
    const double dx = unpackX(b) - ax, dy = unpackY(b) - ay, len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
    t = std::clamp(t, 0.0, 1.0);
    const double ex = ax + t * dx - px, ey = ay + t * dy - py;
    return ex * ex + ey * ey;
}

// Douglas-Peucker over seg (indices into v), marking the points kept (both ends always).
void simplify(const std::vector<uint32_t>& seg, const std::vector<uint64_t>& v, double tol2, std::vector<char>& keep,
              std::vector<std::pair<size_t, size_t>>& stack)
{
    if (seg.size() < 2)
        return;
    keep[seg.front()] = 1;
    keep[seg.back()] = 1;
    stack.clear();
    stack.emplace_back(0, seg.size() - 1);
    while (!stack.empty()) {
        const auto [i, j] = stack.back();
        stack.pop_back();
        if (j <= i + 1)
            continue;
        double best = -1;
        size_t at = i;
        for (size_t k = i + 1; k < j; ++k) {
            const double d = dist2(v[seg[k]], v[seg[i]], v[seg[j]]);
            if (d > best) {
                best = d;
                at = k;
            }
        }
        if (best > tol2) {
            keep[seg[at]] = 1;
            stack.emplace_back(i, at);
            stack.emplace_back(at, j);
        }
    }
}

// The same points in the same order whichever way the arc was walked.
void canonical(std::vector<uint32_t>& seg)
{
    const size_t n = seg.size();
    if (n < 3)
        return;
    if (seg.front() > seg.back() || (seg.front() == seg.back() && seg[1] > seg[n - 2]))
        std::reverse(seg.begin(), seg.end());
}

bool collinear(uint64_t a, uint64_t b, uint64_t c)
{
    const double ux = unpackX(b) - unpackX(a), uy = unpackY(b) - unpackY(a);
    const double vx = unpackX(c) - unpackX(b), vy = unpackY(c) - unpackY(b);
    return ux * vy == uy * vx;  // exact: small integers
}

} // namespace

void GridOutline::addPolygon(int cls, const std::vector<Ring>& rings)
{
    if (cls < 0)
        return;
    classes_ = std::max(classes_, cls + 1);
    for (size_t i = 0; i < rings.size(); ++i)
        addRing(cls, rings[i], i > 0);
}

void GridOutline::addRing(int cls, const Ring& ring, bool hole)
{
    const size_t start = keys_.size();
    const double k = scale_ / cell_;
    for (const XY& p : ring) {
        const uint64_t key = pack(snap((p.x - originX_) * k), snap((originY_ - p.y) * k));
        if (keys_.size() == start || keys_.back() != key)
            keys_.push_back(key);
    }
    while (keys_.size() > start + 1 && keys_.back() == keys_[start])
        keys_.pop_back();
    if (keys_.size() - start < 3) {  // below one grid cell: nothing the page can show
        keys_.resize(start);
        return;
    }
    ringStart_.push_back(start);
    ringClass_.push_back(hole ? -1 - cls : cls);  // holes encoded negative
}

void GridOutline::prepare(std::vector<char>& keep)
{
    const size_t nRings = ringClass_.size();
    ringStart_.push_back(keys_.size());
    pointsIn_ = keys_.size();
    pointsOut_ = 0;
    // Points as indices into the sorted distinct points.
    std::vector<uint64_t>& v = v_;
    v = keys_;
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    std::vector<uint32_t>& ri = ri_;
    ri.resize(keys_.size());
    for (size_t i = 0; i < keys_.size(); ++i)
        ri[i] = static_cast<uint32_t>(std::lower_bound(v.begin(), v.end(), keys_[i]) - v.begin());
    keys_.clear();
    keys_.shrink_to_fit();
    // Junctions: points on other than two distinct edges.
    std::vector<uint64_t> undirected;
    undirected.reserve(ri.size());
    for (size_t r = 0; r < nRings; ++r) {
        const size_t b = ringStart_[r], n = ringStart_[r + 1] - b;
        for (size_t i = 0; i < n; ++i) {
            const uint32_t p = ri[b + i], q = ri[b + (i + 1) % n];
            undirected.push_back(p < q ? (static_cast<uint64_t>(p) << 32 | q) : (static_cast<uint64_t>(q) << 32 | p));
        }
    }
    std::sort(undirected.begin(), undirected.end());
    undirected.erase(std::unique(undirected.begin(), undirected.end()), undirected.end());
    std::vector<uint8_t> degree(v.size(), 0);
    for (uint64_t e : undirected) {
        uint8_t& a = degree[e >> 32];
        uint8_t& c = degree[e & 0xffffffffu];
        a = static_cast<uint8_t>(std::min(a + 1, 255));
        c = static_cast<uint8_t>(std::min(c + 1, 255));
    }
    undirected = {};
    // Simplify every arc between junctions once per ring using it (same points kept each time).
    keep.assign(v.size(), 0);
    std::vector<uint32_t> seg;
    std::vector<std::pair<size_t, size_t>> stack;
    const double tol2 = 1.0;  // one cell
    for (size_t r = 0; r < nRings; ++r) {
        const size_t b = ringStart_[r], n = ringStart_[r + 1] - b;
        size_t first = n;
        for (size_t i = 0; i < n; ++i)
            if (degree[ri[b + i]] != 2) {
                first = i;
                break;
            }
        if (first == n) {  // no junction: an island ring; start at its least point
            size_t m = 0;
            for (size_t i = 1; i < n; ++i)
                if (ri[b + i] < ri[b + m])
                    m = i;
            seg.clear();
            for (size_t i = 0; i <= n; ++i)
                seg.push_back(ri[b + (m + i) % n]);
            canonical(seg);
            simplify(seg, v, tol2, keep, stack);
            continue;
        }
        seg.clear();
        seg.push_back(ri[b + first]);
        for (size_t i = 1; i <= n; ++i) {
            const uint32_t p = ri[b + (first + i) % n];
            seg.push_back(p);
            if (degree[p] != 2) {
                canonical(seg);
                simplify(seg, v, tol2, keep, stack);
                seg.clear();
                seg.push_back(p);
            }
        }
    }
}

void GridOutline::keptRing(size_t r, const std::vector<char>& keep, std::vector<uint32_t>& kept) const
{
    const size_t b = ringStart_[r], n = ringStart_[r + 1] - b;
    kept.clear();
    for (size_t i = 0; i < n; ++i)
        if (keep[ri_[b + i]] && (kept.empty() || kept.back() != ri_[b + i]))
            kept.push_back(ri_[b + i]);
    while (kept.size() > 1 && kept.back() == kept.front())
        kept.pop_back();
}

std::vector<std::vector<std::vector<XY>>> GridOutline::classLoops()
{
    const size_t nRings = ringClass_.size();
    std::vector<char> keep;
    prepare(keep);
    const std::vector<uint64_t>& v = v_;
    std::vector<uint32_t>& ri = ri_;
    // Per class, the kept points' directed edges, outer rings positive and holes negative.
    const int nClasses = classes_;
    classes_ = 0;
    std::vector<std::vector<Edge>> edges(static_cast<size_t>(nClasses));
    std::vector<uint32_t> kept;
    for (size_t r = 0; r < nRings; ++r) {
        keptRing(r, keep, kept);
        if (kept.size() < 3)
            continue;
        double area2 = 0;
        for (size_t i = 0; i < kept.size(); ++i) {
            const uint64_t p = v[kept[i]], q = v[kept[(i + 1) % kept.size()]];
            area2 += unpackX(p) * unpackY(q) - unpackX(q) * unpackY(p);
        }
        const bool hole = ringClass_[r] < 0;
        if (hole ? area2 > 0 : area2 < 0)
            std::reverse(kept.begin(), kept.end());
        auto& out = edges[static_cast<size_t>(hole ? -1 - ringClass_[r] : ringClass_[r])];
        for (size_t i = 0; i < kept.size(); ++i)
            out.push_back({kept[i], kept[(i + 1) % kept.size()]});
    }
    ri = {};
    ringStart_.clear();
    ringClass_.clear();
    v_.shrink_to_fit();

    std::vector<std::vector<std::vector<XY>>> result(static_cast<size_t>(nClasses));
    for (size_t c = 0; c < edges.size(); ++c) {
        // Net multiplicity per undirected edge: an edge shared within the class cancels.
        std::vector<std::pair<uint64_t, int>> u;
        u.reserve(edges[c].size());
        for (const Edge& e : edges[c])
            u.emplace_back(e.from < e.to ? (static_cast<uint64_t>(e.from) << 32 | e.to)
                                         : (static_cast<uint64_t>(e.to) << 32 | e.from),
                           e.from < e.to ? 1 : -1);
        edges[c] = {};
        std::sort(u.begin(), u.end());
        std::vector<Edge> rest;
        for (size_t i = 0; i < u.size();) {
            size_t j = i;
            int net = 0;
            while (j < u.size() && u[j].first == u[i].first)
                net += u[j++].second;
            const auto lo = static_cast<uint32_t>(u[i].first >> 32), hi = static_cast<uint32_t>(u[i].first & 0xffffffffu);
            for (int m = 0; m < std::abs(net); ++m)
                rest.push_back(net > 0 ? Edge{lo, hi} : Edge{hi, lo});
            i = j;
        }
        u = {};
        // Every point has as many edges in as out: walk from any unused edge back to its start.
        std::sort(rest.begin(), rest.end(), [](const Edge& a, const Edge& b) {
            return a.from != b.from ? a.from < b.from : a.to < b.to;
        });
        std::vector<size_t> cursor(rest.size());
        for (size_t i = 0; i < rest.size(); ++i)
            cursor[i] = i;
        std::vector<char> used(rest.size(), 0);
        auto take = [&](uint32_t p, uint32_t& to) {
            const auto it =
                std::lower_bound(rest.begin(), rest.end(), p, [](const Edge& e, uint32_t x) { return e.from < x; });
            if (it == rest.end() || it->from != p)
                return false;
            size_t& k = cursor[static_cast<size_t>(it - rest.begin())];
            while (k < rest.size() && rest[k].from == p && used[k])
                ++k;
            if (k >= rest.size() || rest[k].from != p)
                return false;
            used[k] = 1;
            to = rest[k].to;
            return true;
        };
        std::vector<uint32_t> loop;
        std::vector<uint64_t> pts;
        for (size_t i = 0; i < rest.size(); ++i) {
            if (used[i])
                continue;
            const uint32_t start = rest[i].from;
            loop.clear();
            loop.push_back(start);
            uint32_t cur = 0;
            if (!take(start, cur))
                continue;
            while (cur != start) {
                loop.push_back(cur);
                uint32_t next = 0;
                if (!take(cur, next))
                    break;  // cannot happen: every point is balanced
                cur = next;
            }
            // Points in the middle of straight runs go (exact on the grid: the geometry is
            // unchanged, so a boundary shared with another class stays identical).
            pts.clear();
            for (uint32_t p : loop) {
                while (pts.size() >= 2 && collinear(pts[pts.size() - 2], pts.back(), v[p]))
                    pts.pop_back();
                pts.push_back(v[p]);
            }
            while (pts.size() >= 3 && collinear(pts[pts.size() - 2], pts.back(), pts.front()))
                pts.pop_back();
            while (pts.size() >= 3 && collinear(pts.back(), pts[0], pts[1]))
                pts.erase(pts.begin());
            if (pts.size() < 3)
                continue;
            std::vector<XY> xy;
            xy.reserve(pts.size());
            for (uint64_t p : pts)
                xy.push_back({unpackX(p) * cell_, unpackY(p) * cell_});
            pointsOut_ += xy.size();
            result[c].push_back(std::move(xy));
        }
    }
    return result;
}

std::vector<std::vector<XY>> GridOutline::boundaryLines()
{
    const size_t nRings = ringClass_.size();
    std::vector<char> keep;
    prepare(keep);
    // Each boundary edge between kept points once.
    std::vector<uint64_t> edges;
    std::vector<uint32_t> kept;
    for (size_t r = 0; r < nRings; ++r) {
        keptRing(r, keep, kept);
        if (kept.size() < 2)
            continue;
        for (size_t i = 0; i < kept.size(); ++i) {
            const uint32_t p = kept[i], q = kept[(i + 1) % kept.size()];
            if (p != q)
                edges.push_back(p < q ? (static_cast<uint64_t>(p) << 32 | q) : (static_cast<uint64_t>(q) << 32 | p));
        }
    }
    ri_ = {};
    ringStart_.clear();
    ringClass_.clear();
    std::sort(edges.begin(), edges.end());
    edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
    // Adjacency (both directions), then polylines from the ends and junctions, then the cycles left.
    std::vector<Edge> adj;
    adj.reserve(edges.size() * 2);
    for (uint64_t e : edges) {
        const auto a = static_cast<uint32_t>(e >> 32), b = static_cast<uint32_t>(e & 0xffffffffu);
        adj.push_back({a, b});
        adj.push_back({b, a});
    }
    edges = {};
    std::sort(adj.begin(), adj.end(), [](const Edge& a, const Edge& b) {
        return a.from != b.from ? a.from < b.from : a.to < b.to;
    });
    std::vector<size_t> first(v_.size() + 1, 0);  // adj[first[p], first[p + 1]) leave p
    for (const Edge& e : adj)
        ++first[e.from + 1];
    for (size_t i = 1; i < first.size(); ++i)
        first[i] += first[i - 1];
    auto degree = [&](uint32_t p) { return first[p + 1] - first[p]; };
    std::vector<char> done(adj.size(), 0);  // per directed half-edge; both halves marked together
    auto mark = [&](uint32_t a, uint32_t b) {
        for (size_t k = first[a]; k < first[a + 1]; ++k)
            if (adj[k].to == b && !done[k]) {
                done[k] = 1;
                break;
            }
        for (size_t k = first[b]; k < first[b + 1]; ++k)
            if (adj[k].to == a && !done[k]) {
                done[k] = 1;
                break;
            }
    };
    auto nextFree = [&](uint32_t p, uint32_t& to) {
        for (size_t k = first[p]; k < first[p + 1]; ++k)
            if (!done[k]) {
                to = adj[k].to;
                return true;
            }
        return false;
    };
    std::vector<std::vector<XY>> out;
    auto emit = [&](const std::vector<uint32_t>& line) {
        if (line.size() < 2)
            return;
        std::vector<XY> xy;
        xy.reserve(line.size());
        for (uint32_t p : line)
            xy.push_back({unpackX(v_[p]) * cell_, unpackY(v_[p]) * cell_});
        pointsOut_ += xy.size();
        out.push_back(std::move(xy));
    };
    std::vector<uint32_t> line;
    for (int pass = 0; pass < 2; ++pass)  // first from ends and junctions, then closed cycles
        for (uint32_t p = 0; p < static_cast<uint32_t>(v_.size()); ++p) {
            if (pass == 0 && degree(p) == 2)
                continue;
            uint32_t q = 0;
            while (nextFree(p, q)) {
                line.assign(1, p);
                uint32_t cur = p;
                do {
                    mark(cur, q);
                    line.push_back(q);
                    cur = q;
                } while (degree(cur) == 2 && cur != p && nextFree(cur, q));
                emit(line);
            }
        }
    v_ = {};
    return out;
}

} // namespace bando::render
