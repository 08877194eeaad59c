// Area of polygon intersections from flat coordinate arrays. See clip_area.hpp.
#include "core/analysis/clip_area.hpp"

#include "core/capi/geos.hpp"
#include "core/capi/geos_convert.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <limits>
#include <mutex>
#include <thread>

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
            for (size_t i = 0; i + 1 < ring.size(); ++i) {
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
    std::atomic<size_t> next{0};
    std::mutex errorMutex;
    std::exception_ptr error;
    auto worker = [&]() {
        try {
            std::vector<uint32_t> stamp(pieces.size(), UINT32_MAX);
            for (size_t v; (v = next++) < nv;) {
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
        } catch (...) {
            std::lock_guard g(errorMutex);
            if (!error)
                error = std::current_exception();
            next = nv;
        }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < std::max(1u, threads); ++t)
        pool.emplace_back(worker);
    worker();
    for (auto& t : pool)
        t.join();
    if (error)
        std::rethrow_exception(error);
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
