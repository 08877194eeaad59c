#include "core/search/identify.hpp"

#include "core/base/error.hpp"
#include "core/i18n/i18n.hpp"
#include "core/capi/geos.hpp"
#include "core/capi/geos_convert.hpp"

#include <algorithm>
#include <cmath>

namespace bando::search {
namespace {

double segmentDistance(const XY& a, const XY& b, double x, double y)
{
    const double dx = b.x - a.x, dy = b.y - a.y;
    const double len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((x - a.x) * dx + (y - a.y) * dy) / len2 : 0;
    t = std::clamp(t, 0.0, 1.0);
    return std::hypot(a.x + t * dx - x, a.y + t * dy - y);
}

// Liang–Barsky: does the segment a-b cross the box?
bool segmentHitsBox(const XY& a, const XY& b, const Extent& box)
{
    double t0 = 0, t1 = 1;
    const double dx = b.x - a.x, dy = b.y - a.y;
    const double p[4] = {-dx, dx, -dy, dy};
    const double q[4] = {a.x - box.minX, box.maxX - a.x, a.y - box.minY, box.maxY - a.y};
    for (int i = 0; i < 4; ++i) {
        if (p[i] == 0) {
            if (q[i] < 0)
                return false;
            continue;
        }
        const double t = q[i] / p[i];
        if (p[i] < 0)
            t0 = std::max(t0, t);
        else
            t1 = std::min(t1, t);
        if (t0 > t1)
            return false;
    }
    return true;
}

bool isPolygon(GeomType t) { return t == GeomType::Polygon || t == GeomType::MultiPolygon; }

} // namespace

std::vector<LayerHit> identifyAt(const std::vector<const Layer*>& layers, double x, double y, double tolerance)
{
    std::vector<LayerHit> out;
    for (const Layer* l : layers) {
        if (!l)
            continue;
        std::vector<LayerHit> hits;
        for (size_t i = 0; i < l->features.size(); ++i) {
            const Geometry& g = l->features[i].geom;
            if (g.isEmpty() || !g.extent().buffered(tolerance).contains(x, y))
                continue;
            if (isPolygon(g.type)) {
                if (contains(g, x, y))
                    hits.push_back({l->name, i, 0});
                continue;
            }
            double best = INFINITY;
            for (const auto& part : g.parts)
                for (const auto& ring : part) {
                    if (ring.size() == 1)
                        best = std::min(best, std::hypot(ring[0].x - x, ring[0].y - y));
                    for (size_t k = 1; k < ring.size(); ++k)
                        best = std::min(best, segmentDistance(ring[k - 1], ring[k], x, y));
                }
            if (best <= tolerance)
                hits.push_back({l->name, i, best});
        }
        std::stable_sort(hits.begin(), hits.end(), [](const LayerHit& a, const LayerHit& b) { return a.distance < b.distance; });
        out.insert(out.end(), hits.begin(), hits.end());
    }
    return out;
}

std::vector<size_t> featuresInBox(const Layer& layer, const Extent& box)
{
    std::vector<size_t> out;
    const XY c = box.center();
    for (size_t i = 0; i < layer.features.size(); ++i) {
        const Geometry& g = layer.features[i].geom;
        if (g.isEmpty() || !g.extent().intersects(box))
            continue;
        bool hit = isPolygon(g.type) && contains(g, c.x, c.y);
        for (const auto& part : g.parts)
            for (const auto& ring : part)
                for (size_t k = 0; k < ring.size() && !hit; ++k)
                    hit = box.contains(ring[k].x, ring[k].y) || (k > 0 && segmentHitsBox(ring[k - 1], ring[k], box));
        if (hit)
            out.push_back(i);
    }
    return out;
}

std::vector<size_t> featuresInPolygon(const Layer& layer, const std::vector<XY>& vertices)
{
    Ring ring;
    for (const auto& p : vertices)
        if (ring.empty() || !(ring.back() == p))
            ring.push_back(p);
    while (ring.size() > 1 && ring.front() == ring.back())
        ring.pop_back();
    if (ring.size() < 3)
        throw Error(ErrorKind::Usage, layer.name, tr("A selection polygon needs at least 3 distinct vertices."));
    ring.push_back(ring.front());
    Extent bounds;
    for (const auto& p : ring)
        bounds.expand(p.x, p.y);

    geos::GeomPtr outline = geos::toGeos(Geometry::polygon({ring}));
    if (!geos::predicate("is valid", [&] { return GEOSisValid_r(geos::ctx(), outline.get()); }))
        outline = geos::make("make valid", [&] { return GEOSMakeValid_r(geos::ctx(), outline.get()); });
    double area = 0;
    geos::status("area", [&] { return GEOSArea_r(geos::ctx(), outline.get(), &area); });
    if (!(area > 0))
        throw Error(ErrorKind::Usage, layer.name, tr("The selection polygon has no area (its vertices lie on one line)."));
    geos::clearError();
    geos::PreparedPtr prepared(GEOSPrepare_r(geos::ctx(), outline.get()));
    if (!prepared)
        geos::throwFailure("prepare");

    std::vector<size_t> out;
    for (size_t i = 0; i < layer.features.size(); ++i) {
        const Geometry& g = layer.features[i].geom;
        if (g.isEmpty() || !g.extent().intersects(bounds))
            continue;
        const geos::GeomPtr fg = geos::toGeos(g);
        if (geos::predicate("intersects", [&] { return GEOSPreparedIntersects_r(geos::ctx(), prepared.get(), fg.get()); }))
            out.push_back(i);
    }
    return out;
}

double measureLength(const std::vector<XY>& line)
{
    double d = 0;
    for (size_t i = 1; i < line.size(); ++i)
        d += std::hypot(line[i].x - line[i - 1].x, line[i].y - line[i - 1].y);
    return d;
}

double measureArea(const std::vector<XY>& ring)
{
    if (ring.size() < 3)
        return 0;
    Ring r(ring.begin(), ring.end());
    if (!(r.front() == r.back()))
        r.push_back(r.front());
    return std::fabs(ringSignedArea(r));
}

} // namespace bando::search
