// Area of polygon intersections from flat coordinate arrays. See clip_area.hpp.
#include "core/analysis/clip_area.hpp"

#include "core/analysis/point_locator.hpp"
#include "core/base/parallel.hpp"

#include "core/capi/geos.hpp"
#include "core/capi/geos_convert.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <limits>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace bando::analysis {

FlatPolygon::FlatPolygon(const Geometry& g)
{
    for (const auto& part : g.parts)
        for (size_t r = 0; r < part.size(); ++r) {
            const Ring& ring = part[r];
            if (ring.size() < 4)
                continue;
            const double sa = ringSignedArea(ring);
            // shells counter-clockwise, holes clockwise: the interior is on the left of every edge
            const bool reverse = r == 0 ? sa < 0 : sa > 0;
            const size_t first = a_.size();
            // edges in walking order (a reversed ring is walked backwards)
            for (size_t k = 0; k + 1 < ring.size(); ++k) {
                const size_t i = reverse ? ring.size() - 2 - k : k;
                XY p = ring[i], q = ring[i + 1];
                if (p.x == q.x && p.y == q.y)
                    continue;
                if (reverse)
                    std::swap(p, q);
                a_.push_back(p);
                b_.push_back(q);
                extent_.expand(p.x, p.y);
            }
            if (a_.size() == first)
                continue;
            ringStart_.push_back(static_cast<uint32_t>(first));
            ringArea2_.push_back(2 * (reverse ? -sa : sa));
        }
    ringStart_.push_back(static_cast<uint32_t>(a_.size()));
    area_ = bando::area(g);
    if (!a_.empty())
        index_ = PolygonIndex(g);
}

bool FlatPolygon::contains(double x, double y) const { return index_.contains(x, y); }

namespace {

struct EdgeBox {
    double x0, y0, x1, y1;
};
EdgeBox boxOf(const XY& p, const XY& q)
{
    return {std::min(p.x, q.x), std::min(p.y, q.y), std::max(p.x, q.x), std::max(p.y, q.y)};
}
bool meets(const EdgeBox& e, const Extent& x) { return e.x0 <= x.maxX && e.x1 >= x.minX && e.y0 <= x.maxY && e.y1 >= x.minY; }
bool meets(const EdgeBox& a, const EdgeBox& b) { return a.x0 <= b.x1 && a.x1 >= b.x0 && a.y0 <= b.y1 && a.y1 >= b.y0; }

} // namespace

double intersectionArea(const FlatPolygon& A, const FlatPolygon& B)
{
    if (A.empty() || B.empty() || !A.extent_.intersects(B.extent_))
        return 0;
    Extent box;
    box.minX = std::max(A.extent_.minX, B.extent_.minX);
    box.minY = std::max(A.extent_.minY, B.extent_.minY);
    box.maxX = std::min(A.extent_.maxX, B.extent_.maxX);
    box.maxY = std::min(A.extent_.maxY, B.extent_.maxY);
    // the edges of each polygon that can meet the other one (the others lie outside it)
    auto near = [&](const FlatPolygon& P, std::vector<uint32_t>& out) {
        for (uint32_t i = 0; i < P.a_.size(); ++i)
            if (meets(boxOf(P.a_[i], P.b_[i]), box))
                out.push_back(i);
    };
    std::vector<uint32_t> ea, eb;
    near(A, ea);
    near(B, eb);
    // crossing parameters: (edge, t) along A's edges against B's, and B's against A's
    std::vector<std::pair<uint32_t, double>> ca, cb;
    for (uint32_t i : ea) {
        const XY p = A.a_[i], q = A.b_[i];
        const EdgeBox pb = boxOf(p, q);
        const double dx = q.x - p.x, dy = q.y - p.y;
        for (uint32_t j : eb) {
            const XY r = B.a_[j], s = B.b_[j];
            if (!meets(pb, boxOf(r, s)))
                continue;
            const double ex = s.x - r.x, ey = s.y - r.y;
            const double d = dx * ey - dy * ex;
            const double rx = r.x - p.x, ry = r.y - p.y;
            if (d == 0) {
                if (rx * dy - ry * dx == 0)
                    return std::numeric_limits<double>::quiet_NaN();  // collinear, boxes overlap
                continue;
            }
            const double t = (rx * ey - ry * ex) / d, u = (rx * dy - ry * dx) / d;
            if (t < 0 || t > 1 || u < 0 || u > 1)
                continue;
            ca.push_back({i, t});
            cb.push_back({j, u});
        }
    }
    std::sort(ca.begin(), ca.end());
    std::sort(cb.begin(), cb.end());
    // a local origin keeps the cross products small (metric coordinates are ~1e6)
    const double ox = box.minX, oy = box.minY;
    double sum = 0;
    // P's boundary inside Q: a ring no edge of Q crosses is wholly inside or outside Q (one test);
    // a crossed ring is split at its crossings and each piece tested at its midpoint
    auto side = [&](const FlatPolygon& P, const std::vector<std::pair<uint32_t, double>>& cross, const FlatPolygon& Q) {
        size_t c = 0;
        std::vector<double> t;
        for (size_t r = 0; r + 1 < P.ringStart_.size(); ++r) {
            const uint32_t e0 = P.ringStart_[r], e1 = P.ringStart_[r + 1];
            while (c < cross.size() && cross[c].first < e0)
                ++c;
            const bool crossed = c < cross.size() && cross[c].first < e1;
            if (!crossed) {
                const XY p = P.a_[e0], q = P.b_[e0];
                if (meets(boxOf(p, q), Q.extent_) && Q.contains((p.x + q.x) / 2, (p.y + q.y) / 2))
                    sum += P.ringArea2_[r];
                continue;
            }
            for (uint32_t e = e0; e < e1; ++e) {
                const XY p = P.a_[e], q = P.b_[e];
                t.assign({0.0});
                while (c < cross.size() && cross[c].first == e)
                    t.push_back(cross[c++].second);
                t.push_back(1.0);
                if (t.size() == 2 && !meets(boxOf(p, q), box))
                    continue;  // away from Q
                const double dx = q.x - p.x, dy = q.y - p.y;
                for (size_t k = 0; k + 1 < t.size(); ++k) {
                    const double t0 = t[k], t1 = t[k + 1];
                    if (!(t1 > t0))
                        continue;
                    const double tm = (t0 + t1) / 2;
                    if (!Q.contains(p.x + tm * dx, p.y + tm * dy))
                        continue;
                    const double x0 = p.x - ox + t0 * dx, y0 = p.y - oy + t0 * dy;
                    const double x1 = p.x - ox + t1 * dx, y1 = p.y - oy + t1 * dy;
                    sum += x0 * y1 - x1 * y0;
                }
            }
        }
    };
    side(A, ca, B);
    side(B, cb, A);
    return std::max(0.0, sum / 2);
}

namespace {

using geos::ctx;
using geos::GeomPtr;

double geosIntersectionArea(const Geometry& a, const Geometry& b)
{
    GeomPtr ga = geos::toGeos(a), gb = geos::toGeos(b);
    GeomPtr i = geos::check(GEOSIntersection_r(ctx(), ga.get(), gb.get()), "intersection");
    double area = 0;
    GEOSArea_r(ctx(), i.get(), &area);
    return area;
}

} // namespace

std::vector<std::vector<double>> coveredAreas(const std::vector<const Geometry*>& villages,
                                              const std::vector<const Geometry*>& coverage, unsigned threads)
{
    const size_t nv = villages.size(), nc = coverage.size();
    std::vector<std::vector<double>> result(nv, std::vector<double>(nc, 0.0));
    // the coverage cut once into pieces, flat
    struct Piece {
        uint32_t base;
        Geometry geom;  // for the GEOS fallback
        FlatPolygon flat;
    };
    std::vector<Piece> pieces;
    Extent all;
    for (uint32_t c = 0; c < nc; ++c) {
        if (!coverage[c] || coverage[c]->isEmpty())
            continue;
        const Extent e = coverage[c]->extent();
        std::vector<GeomPtr> parts;
        subdivide(geos::toGeos(*coverage[c]), e.minX, e.minY, e.maxX, e.maxY, 0, parts);
        for (auto& part : parts) {
            Geometry g = geos::polygonalPart(part.get());
            if (g.isEmpty())
                continue;
            FlatPolygon f(g);
            all.expand(f.extent());
            pieces.push_back({c, std::move(g), std::move(f)});
        }
    }
    if (pieces.empty())
        return result;
    // a grid over the pieces' extents
    const double cell = std::max(std::sqrt(all.width() * all.height() / static_cast<double>(pieces.size())) * 2, 1.0);
    const int gx = std::clamp(static_cast<int>(all.width() / cell) + 1, 1, 4096);
    const int gy = std::clamp(static_cast<int>(all.height() / cell) + 1, 1, 4096);
    auto cx = [&](double x) { return std::clamp(static_cast<int>((x - all.minX) / cell), 0, gx - 1); };
    auto cy = [&](double y) { return std::clamp(static_cast<int>((y - all.minY) / cell), 0, gy - 1); };
    std::vector<uint32_t> start(static_cast<size_t>(gx) * gy + 1, 0), items;
    for (int pass = 0; pass < 2; ++pass) {
        std::vector<uint32_t> fill(start.begin(), start.end() - 1);
        for (uint32_t i = 0; i < pieces.size(); ++i) {
            const Extent& e = pieces[i].flat.extent();
            for (int y = cy(e.minY); y <= cy(e.maxY); ++y)
                for (int x = cx(e.minX); x <= cx(e.maxX); ++x) {
                    const size_t c = static_cast<size_t>(y) * gx + x;
                    if (pass == 0)
                        ++start[c + 1];
                    else
                        items[fill[c]++] = i;
                }
        }
        if (pass == 0) {
            for (size_t c = 1; c < start.size(); ++c)
                start[c] += start[c - 1];
            items.resize(start.back());
        }
    }
    runWorkers(nv, threads, [&](WorkCounter& work) {
        std::vector<uint32_t> stamp(pieces.size(), UINT32_MAX);
        for (size_t v; (v = work.next()) < nv;) {
            if (!villages[v] || villages[v]->isEmpty())
                continue;
            const FlatPolygon V(*villages[v]);
            const Extent& e = V.extent();
            if (!e.intersects(all))
                continue;
            for (int y = cy(e.minY); y <= cy(e.maxY); ++y)
                for (int x = cx(e.minX); x <= cx(e.maxX); ++x) {
                    const size_t c = static_cast<size_t>(y) * gx + x;
                    for (uint32_t k = start[c]; k < start[c + 1]; ++k) {
                        const uint32_t i = items[k];
                        if (stamp[i] == v)
                            continue;
                        stamp[i] = static_cast<uint32_t>(v);
                        const Piece& p = pieces[i];
                        if (!p.flat.extent().intersects(e))
                            continue;
                        double a = intersectionArea(V, p.flat);
                        if (std::isnan(a))
                            a = geosIntersectionArea(*villages[v], p.geom);
                        result[v][p.base] += a;
                    }
                }
        }
    });
    return result;
}

void subdivide(geos::GeomPtr g, double x0, double y0, double x1, double y1, int depth, std::vector<geos::GeomPtr>& out)
{
    if (!g || GEOSisEmpty_r(geos::ctx(), g.get()))
        return;
    const int type = GEOSGeomTypeId_r(geos::ctx(), g.get());
    if (type == GEOS_GEOMETRYCOLLECTION) {
        for (int i = 0, n = GEOSGetNumGeometries_r(geos::ctx(), g.get()); i < n; ++i) {
            const GEOSGeometry* sub = GEOSGetGeometryN_r(geos::ctx(), g.get(), i);
            const int st = GEOSGeomTypeId_r(geos::ctx(), sub);
            if (st == GEOS_POLYGON || st == GEOS_MULTIPOLYGON || st == GEOS_GEOMETRYCOLLECTION)
                subdivide(geos::GeomPtr(GEOSGeom_clone_r(geos::ctx(), sub)), x0, y0, x1, y1, depth, out);
        }
        return;
    }
    if (type != GEOS_POLYGON && type != GEOS_MULTIPOLYGON)
        return;
    if (GEOSGetNumCoordinates_r(geos::ctx(), g.get()) <= 256 || depth >= 16) {
        out.push_back(std::move(g));
        return;
    }
    const bool vertical = (x1 - x0) >= (y1 - y0);
    const double m = vertical ? (x0 + x1) / 2 : (y0 + y1) / 2;
    if (vertical) {
        subdivide(geos::GeomPtr(GEOSClipByRect_r(geos::ctx(), g.get(), x0, y0, m, y1)), x0, y0, m, y1, depth + 1, out);
        subdivide(geos::GeomPtr(GEOSClipByRect_r(geos::ctx(), g.get(), m, y0, x1, y1)), m, y0, x1, y1, depth + 1, out);
    } else {
        subdivide(geos::GeomPtr(GEOSClipByRect_r(geos::ctx(), g.get(), x0, y0, x1, m)), x0, y0, x1, m, depth + 1, out);
        subdivide(geos::GeomPtr(GEOSClipByRect_r(geos::ctx(), g.get(), x0, m, x1, y1)), x0, m, x1, y1, depth + 1, out);
    }
}

} // namespace bando::analysis

// ---- the intersection geometry from flat arrays (see clip_area.hpp) ----

namespace bando::analysis {

uint32_t FlatPolygon::ringOf(uint32_t edge) const
{
    auto it = std::upper_bound(ringStart_.begin(), ringStart_.end(), edge);
    return static_cast<uint32_t>(it - ringStart_.begin() - 1);
}

uint32_t FlatPolygon::nextEdge(uint32_t edge) const
{
    const uint32_t r = ringOf(edge);
    return edge + 1 < ringStart_[r + 1] ? edge + 1 : ringStart_[r];
}

IndexedPolygon::IndexedPolygon(const Geometry& g, bool touchPoints) : geom_(g), flat_(g)
{
    const size_t n = flat_.edgeCount();
    if (n == 0)
        return;
    grid_ = flat_.extent();
    ringExtent_.resize(flat_.ringCount());
    for (size_t r = 0; r < flat_.ringCount(); ++r)
        for (uint32_t e = flat_.ringStart(r); e < flat_.ringStart(r + 1); ++e)
            ringExtent_[r].expand(flat_.a(e).x, flat_.a(e).y);
    cell_ = std::max(std::sqrt(grid_.width() * grid_.height() / static_cast<double>(n)) * 2, 1.0);
    nx_ = std::clamp(static_cast<int>(grid_.width() / cell_) + 1, 1, 4096);
    ny_ = std::clamp(static_cast<int>(grid_.height() / cell_) + 1, 1, 4096);
    const size_t cells = static_cast<size_t>(nx_) * ny_;
    edgeStart_.assign(cells + 1, 0);
    ringCellStart_.assign(cells + 1, 0);
    for (int pass = 0; pass < 2; ++pass) {
        std::vector<uint32_t> fill(edgeStart_.begin(), edgeStart_.end() - 1);
        std::vector<uint32_t> rfill(ringCellStart_.begin(), ringCellStart_.end() - 1);
        for (uint32_t i = 0; i < n; ++i) {
            const EdgeBox b = boxOf(flat_.a(i), flat_.b(i));
            for (int y = cellY(b.y0); y <= cellY(b.y1); ++y)
                for (int x = cellX(b.x0); x <= cellX(b.x1); ++x) {
                    const size_t c = static_cast<size_t>(y) * nx_ + x;
                    if (pass == 0)
                        ++edgeStart_[c + 1];
                    else
                        edges_[fill[c]++] = i;
                }
        }
        for (uint32_t r = 0; r < ringExtent_.size(); ++r) {
            const size_t c = static_cast<size_t>(cellY(ringExtent_[r].minY)) * nx_ + cellX(ringExtent_[r].minX);
            if (pass == 0)
                ++ringCellStart_[c + 1];
            else
                rings_[rfill[c]++] = r;
        }
        if (pass == 0) {
            for (size_t c = 1; c <= cells; ++c) {
                edgeStart_[c] += edgeStart_[c - 1];
                ringCellStart_[c] += ringCellStart_[c - 1];
            }
            edges_.resize(edgeStart_.back());
            rings_.resize(ringCellStart_.back());
        }
    }
    if (touchPoints)
        findTouchPoints();
}

// (after the grid is built)
void IndexedPolygon::findTouchPoints()
{
    for (uint32_t i = 0; i < flat_.edgeCount(); ++i) {
        const XY v = flat_.a(i);
        const Extent at{v.x, v.y, v.x, v.y};
        bool touches = false;
        forEdgesNear(at, [&](uint32_t j, int, int) {
            if (touches || j == i)
                return;
            const XY r = flat_.a(j), s = flat_.b(j);
            if ((r.x == v.x && r.y == v.y) || (s.x == v.x && s.y == v.y))
                return;
            const EdgeBox b = boxOf(r, s);
            if (v.x >= b.x0 && v.x <= b.x1 && v.y >= b.y0 && v.y <= b.y1 && orientation(r, s, v) == 0)
                touches = true;
        });
        if (touches)
            touch_.push_back(v);
    }
    std::sort(touch_.begin(), touch_.end(), [](const XY& a, const XY& b) { return a.x != b.x ? a.x < b.x : a.y < b.y; });
}

int IndexedPolygon::cellX(double x) const { return std::clamp(static_cast<int>((x - grid_.minX) / cell_), 0, nx_ - 1); }
int IndexedPolygon::cellY(double y) const { return std::clamp(static_cast<int>((y - grid_.minY) / cell_), 0, ny_ - 1); }

namespace {

constexpr double kSliverWidth = 1e-5;  // m: a traced ring thinner than this on average is a sliver

struct Crossing {
    uint32_t v, p;  // edge of V, edge of P
    double t, u;    // parameters along them
    XY at;
    bool onV;       // V enters P here: the intersection's boundary continues along V
};

// A traced ring that passes twice through one point (a vertex where a coverage polygon touches
// itself, e.g. raster cells meeting at a corner) is cut there into simple loops: two shells
// touching at a point, or a shell and a hole touching it, are valid; one self-touching ring is not.
bool splitAtRepeats(std::vector<Ring>& rings, std::vector<double>& area2)
{
    bool cut = false;
    struct Key {
        size_t operator()(const XY& p) const { return std::hash<double>()(p.x) * 31 + std::hash<double>()(p.y); }
    };
    struct Eq {
        bool operator()(const XY& a, const XY& b) const { return a.x == b.x && a.y == b.y; }
    };
    std::vector<Ring> out;
    std::vector<double> outA2;
    std::unordered_map<XY, size_t, Key, Eq> at;
    // a repeated point (closing point aside) among a ring's points, sorted: no allocation per
    // point (a hash map's nodes were a fifth of the analysis's allocations)
    std::vector<XY> sorted;
    auto hasRepeat = [&sorted](const Ring& ring) {
        if (ring.size() < 3)
            return false;
        sorted.assign(ring.begin(), ring.end() - 1);
        std::sort(sorted.begin(), sorted.end(), [](const XY& a, const XY& b) { return a.x != b.x ? a.x < b.x : a.y < b.y; });
        for (size_t k = 0; k + 1 < sorted.size(); ++k)
            if (Eq()(sorted[k], sorted[k + 1]))
                return true;
        return false;
    };
    for (size_t r = 0; r < rings.size(); ++r) {
        Ring& ring = rings[r];
        if (!hasRepeat(ring)) {
            out.push_back(std::move(ring));
            outA2.push_back(area2[r]);
            continue;
        }
        cut = true;
        at.clear();
        Ring stack;
        auto emit = [&](Ring&& loop) {
            if (loop.size() < 4)
                return;
            const double a2 = 2 * ringSignedArea(loop);
            if (a2 == 0)
                return;
            out.push_back(std::move(loop));
            outA2.push_back(a2);
        };
        for (size_t k = 0; k + 1 < ring.size(); ++k) {
            const XY q = ring[k];
            auto it = at.find(q);
            if (it == at.end()) {
                at.emplace(q, stack.size());
                stack.push_back(q);
                continue;
            }
            const size_t from = it->second;
            Ring loop(stack.begin() + static_cast<std::ptrdiff_t>(from), stack.end());
            loop.push_back(q);
            for (size_t j = from + 1; j < stack.size(); ++j)
                at.erase(stack[j]);
            stack.resize(from + 1);
            emit(std::move(loop));
        }
        stack.push_back(stack.front());
        emit(std::move(stack));
    }
    rings = std::move(out);
    area2 = std::move(outA2);
    return cut;
}

// Where a ring has a vertex at one of P's touch points and passes through it a second time along
// an edge, that edge gets the point as a vertex too (so that splitAtRepeats cuts the ring there).
void insertTouchPoints(std::vector<Ring>& rings, const std::vector<XY>& touch)
{
    auto less = [](const XY& a, const XY& b) { return a.x != b.x ? a.x < b.x : a.y < b.y; };
    std::vector<XY> here;
    for (Ring& ring : rings) {
        here.clear();
        for (size_t k = 0; k + 1 < ring.size(); ++k)
            if (std::binary_search(touch.begin(), touch.end(), ring[k], less))
                here.push_back(ring[k]);
        if (here.empty())
            continue;
        Ring out;
        out.reserve(ring.size() + here.size());
        for (size_t k = 0; k + 1 < ring.size(); ++k) {
            const XY p = ring[k], q = ring[k + 1];
            out.push_back(p);
            const EdgeBox b = boxOf(p, q);
            std::vector<std::pair<double, XY>> on;
            for (const XY& v : here) {
                if ((v.x == p.x && v.y == p.y) || (v.x == q.x && v.y == q.y))
                    continue;
                // within 1e-7 m of the edge (a traced edge may start at a computed crossing)
                const double cr = (q.x - p.x) * (v.y - p.y) - (q.y - p.y) * (v.x - p.x);
                if (v.x >= b.x0 && v.x <= b.x1 && v.y >= b.y0 && v.y <= b.y1 &&
                    std::fabs(cr) <= 1e-7 * std::hypot(q.x - p.x, q.y - p.y))
                    on.push_back({std::hypot(v.x - p.x, v.y - p.y), v});
            }
            std::sort(on.begin(), on.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
            for (const auto& o : on)
                out.push_back(o.second);
        }
        out.push_back(out.front());
        ring = std::move(out);
    }
}

// True when the rings of a polygon that touch at vertices form a cycle (two rings meeting at two
// points, or a chain of holes closing on itself or on the shell): such a chain encloses part of
// the shell, and the polygon's interior is disconnected.
bool ringsEncloseByTouching(const Geometry& g)
{
    struct Key {
        size_t operator()(const XY& p) const { return std::hash<double>()(p.x) * 31 + std::hash<double>()(p.y); }
    };
    struct Eq {
        bool operator()(const XY& a, const XY& b) const { return a.x == b.x && a.y == b.y; }
    };
    std::unordered_map<XY, size_t, Key, Eq> ringAt;
    std::vector<size_t> parent;
    auto find = [&](size_t r) {
        while (parent[r] != r)
            r = parent[r] = parent[parent[r]];
        return r;
    };
    for (const auto& part : g.parts) {
        if (part.size() < 2)
            continue;
        ringAt.clear();
        parent.resize(part.size());
        for (size_t r = 0; r < part.size(); ++r)
            parent[r] = r;
        for (size_t r = 0; r < part.size(); ++r)
            for (size_t k = 0; k + 1 < part[r].size(); ++k) {
                auto [it, added] = ringAt.emplace(part[r][k], r);
                if (added || it->second == r)
                    continue;
                const size_t a = find(it->second), b = find(r);
                if (a == b)
                    return true;
                parent[a] = b;
            }
    }
    return false;
}

// Shells (positive) and holes (negative) into a MultiPolygon; false when a hole has no shell.
bool assemble(std::vector<Ring>& rings, std::vector<double>& area2, Geometry& out, bool& cut)
{
    cut = splitAtRepeats(rings, area2);
    out = Geometry{};
    std::vector<size_t> shells, holes;
    for (size_t i = 0; i < rings.size(); ++i)
        (area2[i] > 0 ? shells : holes).push_back(i);
    if (shells.empty())
        return holes.empty();
    out.type = GeomType::MultiPolygon;
    out.parts.resize(shells.size());
    for (size_t s = 0; s < shells.size(); ++s)
        out.parts[s].push_back(std::move(rings[shells[s]]));
    for (size_t h : holes) {
        const Ring& r = rings[h];
        const double mx = (r[0].x + r[1].x) / 2, my = (r[0].y + r[1].y) / 2;
        size_t best = shells.size();
        if (shells.size() == 1) {
            best = 0;
        } else {
            for (size_t s = 0; s < shells.size(); ++s)
                if (ringContains(out.parts[s][0], mx, my) &&
                    (best == shells.size() || area2[shells[s]] < area2[shells[best]]))
                    best = s;
        }
        if (best == shells.size())
            return false;
        out.parts[best].push_back(std::move(rings[h]));
    }
    // holes meeting one another or their shell at a vertex can enclose part of the shell
    if (!cut)
        cut = ringsEncloseByTouching(out);
    return true;
}

} // namespace

namespace {

// A thread's working arrays for clipImpl, kept between calls (a village is clipped against a
// dozen polygons: six allocations a call were a tenth of the analysis's).
struct ClipScratch {
    std::vector<Crossing> xs;
    std::vector<uint32_t> byV, byP, pCrossed;
    std::vector<char> visited, vCrossed;
};

ClipScratch& clipScratch()
{
    thread_local ClipScratch s;
    return s;
}

} // namespace

// clip() (robust = false, the compiled code of the plain clip unchanged) and clipShifted() (robust = true: crossings by the exact orientation
// predicate, only exact contacts are degenerate, sliver rings dropped).
template <bool robust> Clip clipImpl(const FlatPolygon& V, const IndexedPolygon& P, bool wantGeometry)
{
    Clip out;
    const FlatPolygon& Q = P.flat();
    if (V.empty() || Q.empty() || !V.extent().intersects(Q.extent()))
        return out;
    Extent box;
    box.minX = std::max(V.extent().minX, Q.extent().minX);
    box.minY = std::max(V.extent().minY, Q.extent().minY);
    box.maxX = std::min(V.extent().maxX, Q.extent().maxX);
    box.maxY = std::min(V.extent().maxY, Q.extent().maxY);
    auto degenerate = [&] {
        Clip d;
        d.exact = false;
        return d;
    };

    ClipScratch& scratch = clipScratch();
    // every crossing of the two boundaries (a pair of edges is looked at in one grid cell only)
    std::vector<Crossing>& xs = scratch.xs;
    xs.clear();
    bool bad = false;
    for (uint32_t i = 0; i < V.edgeCount() && !bad; ++i) {
        const XY p = V.a(i), q = V.b(i);
        const EdgeBox eb = boxOf(p, q);
        if (!meets(eb, box))
            continue;
        const double dx = q.x - p.x, dy = q.y - p.y;
        const Extent ee{eb.x0, eb.y0, eb.x1, eb.y1};
        P.forEdgesNear(ee, [&](uint32_t j, int cx, int cy) {
            const XY r = Q.a(j), s = Q.b(j);
            const EdgeBox jb = boxOf(r, s);
            if (!meets(eb, jb))
                return;
            if (P.cellX(std::max(eb.x0, jb.x0)) != cx || P.cellY(std::max(eb.y0, jb.y0)) != cy)
                return;
            const double ex = s.x - r.x, ey = s.y - r.y;
            const double d = dx * ey - dy * ex;
            const double rx = r.x - p.x, ry = r.y - p.y;
            if (robust) {
                // exact signs: the crossing exists, and its direction, exactly as the coordinates say
                const int o1 = orientation(r, s, p), o2 = orientation(r, s, q);
                if (o1 == o2) {
                    if (o1 == 0)
                        bad = true;  // collinear edges whose boxes meet
                    return;
                }
                if (o1 == 0 || o2 == 0) {
                    const XY& on = o1 == 0 ? p : q;  // on the line through r, s: on the edge?
                    if (on.x >= jb.x0 && on.x <= jb.x1 && on.y >= jb.y0 && on.y <= jb.y1)
                        bad = true;
                    return;
                }
                const int o3 = orientation(p, q, r), o4 = orientation(p, q, s);
                if (o3 == 0 || o4 == 0) {
                    bad = true;  // a vertex of P on V's edge
                    return;
                }
                if (o3 == o4)
                    return;
                const double t = std::clamp((rx * ey - ry * ex) / d, 0.0, 1.0);
                const double u = std::clamp((rx * dy - ry * dx) / d, 0.0, 1.0);
                xs.push_back({i, j, t, u, {p.x + t * dx, p.y + t * dy}, o1 < 0});
                return;
            }
            // Near-degenerate pairs go to GEOS: (nearly) collinear edges whose boxes meet, and a
            // crossing within kEps of an edge's end (a vertex on or next to the other boundary,
            // where rounding could lose or double a crossing and break the tracing).
            constexpr double kEps = 1e-9;
            const double l2 = (dx * dx + dy * dy) * (ex * ex + ey * ey);
            if (d * d <= 1e-24 * l2) {
                const double off = rx * dy - ry * dx;  // |r − line(p, q)| × |q − p|
                if (off * off <= 1e-18 * (dx * dx + dy * dy) * (dx * dx + dy * dy) + 1e-30)
                    bad = true;
                if (d == 0)
                    return;
            }
            const double t = (rx * ey - ry * ex) / d, u = (rx * dy - ry * dx) / d;
            if (t < -kEps || t > 1 + kEps || u < -kEps || u > 1 + kEps)
                return;
            if (t <= kEps || t >= 1 - kEps || u <= kEps || u >= 1 - kEps) {
                bad = true;
                return;
            }
            xs.push_back({i, j, t, u, {p.x + t * dx, p.y + t * dy}, d < 0});
        });
    }
    if (bad)
        return degenerate();

    const double ox = box.minX, oy = box.minY;
    std::vector<Ring> rings;
    std::vector<double> ringA2;
    double sum2 = 0;
    auto addRing = [&](Ring&& r, double a2) {
        sum2 += a2;
        if (wantGeometry) {
            rings.push_back(std::move(r));
            ringA2.push_back(a2);
        }
    };

    // trace the crossed rings: from each crossing the boundary continues along the polygon that
    // enters the other one, up to the next crossing on it
    if (!xs.empty()) {
        const size_t n = xs.size();
        std::vector<uint32_t>& byV = scratch.byV;
        std::vector<uint32_t>& byP = scratch.byP;
        byV.resize(n);
        byP.resize(n);
        for (uint32_t k = 0; k < n; ++k)
            byV[k] = byP[k] = k;
        std::sort(byV.begin(), byV.end(), [&](uint32_t a, uint32_t b) {
            return xs[a].v != xs[b].v ? xs[a].v < xs[b].v : xs[a].t < xs[b].t;
        });
        std::sort(byP.begin(), byP.end(), [&](uint32_t a, uint32_t b) {
            return xs[a].p != xs[b].p ? xs[a].p < xs[b].p : xs[a].u < xs[b].u;
        });
        for (size_t k = 1; k < n; ++k)
            if ((xs[byV[k]].v == xs[byV[k - 1]].v && xs[byV[k]].t == xs[byV[k - 1]].t) ||
                (xs[byP[k]].p == xs[byP[k - 1]].p && xs[byP[k]].u == xs[byP[k - 1]].u)) {
                return degenerate();
            }
        // the next crossing on edge e of V (onV) or P after parameter `after`; n when none
        auto nextOn = [&](bool onV, uint32_t e, double after) -> size_t {
            const auto& order = onV ? byV : byP;
            auto it = std::upper_bound(order.begin(), order.end(), std::make_pair(e, after),
                                       [&](const std::pair<uint32_t, double>& key, uint32_t k) {
                                           const uint32_t ek = onV ? xs[k].v : xs[k].p;
                                           const double pk = onV ? xs[k].t : xs[k].u;
                                           return key.first != ek ? key.first < ek : key.second < pk;
                                       });
            if (it == order.end() || (onV ? xs[*it].v : xs[*it].p) != e)
                return n;
            return *it;
        };
        std::vector<char>& visited = scratch.visited;
        visited.assign(n, 0);
        const double slack = 1e-6 * std::max(box.width(), box.height()) + 1e-9;
        const Extent lim = box.buffered(slack);
        const size_t limit = V.edgeCount() + Q.edgeCount() + n + 16;
        for (size_t s = 0; s < n; ++s) {
            if (visited[s])
                continue;
            Ring ring;
            double a2 = 0, perimeter = 0;
            XY prev{};
            bool escaped = false;
            auto push = [&](const XY& pt) {
                // the intersection's boundary lies in V's box: a walk leaving it went wrong (a
                // crossing missed by rounding next to a vertex)
                if (!(pt.x >= lim.minX && pt.x <= lim.maxX && pt.y >= lim.minY && pt.y <= lim.maxY))
                    escaped = true;
                if (!ring.empty()) {
                    a2 += (prev.x - ox) * (pt.y - oy) - (pt.x - ox) * (prev.y - oy);
                    if (robust)
                        perimeter += std::sqrt((pt.x - prev.x) * (pt.x - prev.x) + (pt.y - prev.y) * (pt.y - prev.y));
                }
                ring.push_back(pt);
                prev = pt;
            };
            size_t k = s, steps = 0;
            while (true) {
                if (visited[k]) {
                    return degenerate();
                }
                visited[k] = 1;
                push(xs[k].at);
                const Crossing& x = xs[k];
                const bool onV = x.onV;  // V turns into P's interior: follow V
                const FlatPolygon& X = onV ? V : Q;
                uint32_t e = onV ? x.v : x.p;
                double after = onV ? x.t : x.u;
                size_t nk;
                while ((nk = nextOn(onV, e, after)) == n) {
                    if (++steps > limit || escaped)
                        return degenerate();
                    push(X.b(e));
                    e = X.nextEdge(e);
                    after = -1;
                }
                if (nk == s)
                    break;
                k = nk;
            }
            push(xs[s].at);
            if (escaped)
                return degenerate();
            // a sliver the shift made along a shared edge (mean width under 2e-5 m): not a piece
            if (robust && std::fabs(a2) <= 2 * kSliverWidth * perimeter)
                continue;
            addRing(std::move(ring), a2);
        }
    }

    // rings nothing crosses: wholly inside or outside the other polygon
    std::vector<char>& vCrossed = scratch.vCrossed;
    vCrossed.assign(V.ringCount(), 0);
    std::vector<uint32_t>& pCrossed = scratch.pCrossed;
    pCrossed.clear();
    for (const auto& x : xs) {
        vCrossed[V.ringOf(x.v)] = 1;
        pCrossed.push_back(Q.ringOf(x.p));
    }
    std::sort(pCrossed.begin(), pCrossed.end());
    auto wholeRing = [&](const FlatPolygon& X, uint32_t r) {
        Ring ring;
        if (wantGeometry) {
            for (uint32_t e = X.ringStart(r); e < X.ringStart(r + 1); ++e)
                ring.push_back(X.a(e));
            ring.push_back(X.a(X.ringStart(r)));
        }
        addRing(std::move(ring), X.ringArea2(r));
    };
    // Is ring r of X inside Y? One edge midpoint decides; the robust mode asks three (a ring the
    // shift left a hair's breadth from Y's boundary could be misread next to it) and gives up
    // when they disagree.
    bool split = false;
    auto ringInside = [&](const FlatPolygon& X, uint32_t r, const FlatPolygon& Y) {
        const uint32_t e0 = X.ringStart(r), n = X.ringStart(r + 1) - e0;
        auto at = [&](uint32_t k) {
            const XY a = X.a(e0 + k), b = X.b(e0 + k);
            return Y.contains((a.x + b.x) / 2, (a.y + b.y) / 2);
        };
        const bool in = at(0);
        if (robust && (at(n / 3) != in || at(2 * n / 3) != in))
            split = true;
        return in;
    };
    for (uint32_t r = 0; r < V.ringCount(); ++r) {
        if (vCrossed[r])
            continue;
        if (ringInside(V, r, Q))
            wholeRing(V, r);
    }
    P.forRingsStartingIn(V.extent(), [&](uint32_t r) {
        const Extent& re = P.ringExtent(r);
        if (re.maxX > V.extent().maxX || re.maxY > V.extent().maxY)
            return;
        if (std::binary_search(pCrossed.begin(), pCrossed.end(), r))
            return;
        if (ringInside(Q, r, V))
            wholeRing(Q, r);
    });
    if (split)
        return degenerate();

    out.area = std::max(0.0, sum2 / 2);
    if (out.area > V.area() * (1 + 1e-9) + 1e-6 || out.area > Q.area() * (1 + 1e-9) + 1e-6)
        return degenerate();  // inconsistent crossings (rounding): let GEOS decide
    if (wantGeometry && !P.touchPoints().empty())
        insertTouchPoints(rings, P.touchPoints());
    if (wantGeometry && !assemble(rings, ringA2, out.geom, out.cutAtTouches)) {
        return degenerate();
    }
    return out;
}

Clip clip(const FlatPolygon& V, const IndexedPolygon& P, bool wantGeometry) { return clipImpl<false>(V, P, wantGeometry); }

Clip clipShifted(const FlatPolygon& shiftedV, const IndexedPolygon& P, bool wantGeometry)
{
    return clipImpl<true>(shiftedV, P, wantGeometry);
}

Geometry translated(const Geometry& g, double dx, double dy)
{
    Geometry t = g;
    for (auto& part : t.parts)
        for (auto& ring : part)
            for (auto& p : ring) {
                p.x += dx;
                p.y += dy;
            }
    return t;
}

VillageClipper::VillageClipper(const Geometry& village, bool shift) : village_(village), flat_(village), shift_(shift) {}

Clip VillageClipper::operator()(const IndexedPolygon& P, bool wantGeometry)
{
    Clip c = clip(flat_, P, wantGeometry);
    if (c.exact || !shift_)
        return c;
    // two shift directions, neither along the axes nor along each other
    static constexpr double kDir[2][2] = {{0.8, 0.6}, {-0.28, 0.96}};
    for (int k = 0; k < 2; ++k) {
        if (!shifted_[k])
            shifted_[k] = std::make_unique<FlatPolygon>(
                translated(village_, kDir[k][0] * kShift, kDir[k][1] * kShift));
        c = clipShifted(*shifted_[k], P, wantGeometry);
        if (c.exact) {
            ++shiftedClips;
            return c;
        }
    }
    ++failed;
    return c;
}

void repairTouches(Clip& c)
{
    if (!c.cutAtTouches || c.geom.isEmpty())
        return;
    GeomPtr g = geos::toGeos(c.geom);
    if (GEOSisValid_r(ctx(), g.get()) == 1)
        return;
    GEOSGeometry* raw = GEOSMakeValid_r(ctx(), g.get());
    if (!raw)
        return;  // keep the traced rings (their area is right)
    GeomPtr fixed(raw);
    Geometry repaired = geos::polygonalPart(fixed.get());
    if (std::fabs(area(repaired) - c.area) <= 1e-9 * c.area + 1e-6)
        c.geom = std::move(repaired);
}

Clip clipWithGeos(const Geometry& v, const GEOSGeometry* p, bool wantGeometry)
{
    Clip out;
    if (v.isEmpty() || !p)
        return out;
    const Extent e = v.extent().buffered(1);
    GeomPtr V = geos::toGeos(v);
    // Not GEOSClipByRect: on a spike of `p` GEOS 3.11's rectangle clipper builds a ring of 3
    // points, throws, and leaks the pieces it had built (LeakSanitizer in CI). The general
    // intersection with the rectangle (OverlayNG clips its input to the envelope first) is safe.
    GeomPtr rect(GEOSGeom_createRectangle_r(ctx(), e.minX, e.minY, e.maxX, e.maxY));
    GEOSGeometry* clipped = GEOSIntersection_r(ctx(), p, rect.get());
    GeomPtr part = geos::check(clipped, "clip");
    GeomPtr I(GEOSIntersection_r(ctx(), V.get(), part.get()));
    if (!I && GEOSisValid_r(ctx(), V.get()) != 1) {
        // an invalid village (the analysis repairs them first; other callers may not)
        GeomPtr fixed = geos::check(GEOSMakeValid_r(ctx(), V.get()), "make valid");
        I.reset(GEOSIntersection_r(ctx(), fixed.get(), part.get()));
    }
    I = geos::check(I.release(), "intersection");
    GEOSArea_r(ctx(), I.get(), &out.area);
    if (wantGeometry && out.area > 0)
        out.geom = geos::polygonalPart(I.get());
    return out;
}

std::vector<std::vector<double>> coveredAreasIndexed(const std::vector<const Geometry*>& villages,
                                                     const std::vector<const Geometry*>& coverage, unsigned threads)
{
    const size_t nv = villages.size(), nc = coverage.size();
    std::vector<std::vector<double>> result(nv, std::vector<double>(nc, 0.0));
    std::vector<IndexedPolygon> polys(nc);
    {
        std::atomic<size_t> next{0};
        auto build = [&] {
            for (size_t c; (c = next++) < nc;)
                if (coverage[c] && !coverage[c]->isEmpty())
                    polys[c] = IndexedPolygon(*coverage[c], false);
        };
        std::vector<std::thread> pool;
        for (unsigned t = 1; t < std::max(1u, threads); ++t)
            pool.emplace_back(build);
        build();
        for (auto& t : pool)
            t.join();
    }
    runWorkers(nv, threads, [&](WorkCounter& work) {
        std::vector<GeomPtr> geosOf(nc);  // the fallback's GEOS copies, per thread
        for (size_t v; (v = work.next()) < nv;) {
            if (!villages[v] || villages[v]->isEmpty())
                continue;
            VillageClipper clipV(*villages[v]);
            const FlatPolygon& V = clipV.flat();
            for (size_t c = 0; c < nc; ++c) {
                if (polys[c].empty() || !polys[c].flat().extent().intersects(V.extent()))
                    continue;
                Clip r = clipV(polys[c], false);
                if (!r.exact) {
                    if (!geosOf[c])
                        geosOf[c] = geos::toGeos(*coverage[c]);
                    r = clipWithGeos(*villages[v], geosOf[c].get(), false);
                }
                result[v][c] = r.area;
            }
        }
    });
    return result;
}

} // namespace bando::analysis
