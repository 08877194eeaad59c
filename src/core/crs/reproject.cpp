#include "core/crs/reproject.hpp"

#include "core/base/parallel.hpp"
#include "core/capi/proj.hpp"
#include "core/model/point_table.hpp"

#include <algorithm>
#include <exception>
#include <thread>
#include <vector>

namespace bando::crs {

namespace {

// Transforms the points [begin, end) of the concatenation of `rings` on this thread, with this
// thread's PROJ context and transformation (capi/proj keeps one of each per thread). PROJ
// transforms each point on its own, so any split gives the serial result bit for bit. Each
// distinct point (bit for bit) is transformed once: rings repeat their first point, neighbouring
// polygons share their boundary's vertices (half the vertices of the sample's villages and
// coverage are repeats).
void reprojectPoints(const std::vector<Ring*>& rings, size_t begin, size_t end, int srcEpsg, int dstEpsg)
{
    if (end <= begin)
        return;
    PointTable distinct(end - begin);
    std::vector<uint32_t> which(end - begin);
    auto forRange = [&](auto visit) {
        size_t offset = 0, k = 0;  // offset of the current ring in the concatenation
        for (Ring* ring : rings) {
            const size_t n = ring->size();
            const size_t from = std::max(begin, offset), to = std::min(end, offset + n);
            for (size_t i = from; i < to; ++i)
                visit((*ring)[i - offset], k++);
            offset += n;
            if (offset >= end)
                break;
        }
    };
    forRange([&](const XY& p, size_t k) { which[k] = distinct.add(p); });
    std::vector<double> xs(distinct.size()), ys(distinct.size());
    for (size_t u = 0; u < distinct.size(); ++u) {
        xs[u] = distinct.points()[u].x;
        ys[u] = distinct.points()[u].y;
    }
    transform(srcEpsg, dstEpsg, xs.data(), ys.data(), xs.size());
    forRange([&](XY& p, size_t k) { p = {xs[which[k]], ys[which[k]]}; });
}

} // namespace

void reproject(Geometry& g, int srcEpsg, int dstEpsg)
{
    if (srcEpsg == dstEpsg)
        return;
    std::vector<double> xs, ys;
    for (auto& part : g.parts)
        for (auto& ring : part) {
            xs.resize(ring.size());
            ys.resize(ring.size());
            for (size_t i = 0; i < ring.size(); ++i) {
                xs[i] = ring[i].x;
                ys[i] = ring[i].y;
            }
            transform(srcEpsg, dstEpsg, xs.data(), ys.data(), ring.size());
            for (size_t i = 0; i < ring.size(); ++i)
                ring[i] = {xs[i], ys[i]};
        }
}

namespace {

// The points of `rings` (`vertices` in all), in equal shares over the threads (a few huge rings
// split too) when there are many.
void reprojectRings(const std::vector<Ring*>& rings, size_t vertices, int srcEpsg, int dstEpsg)
{
    const size_t threads = std::min<size_t>(std::max(1u, std::thread::hardware_concurrency()), 8);
    if (vertices <= kParallelVertices || threads < 2) {
        reprojectPoints(rings, 0, vertices, srcEpsg, dstEpsg);
        return;
    }
    // equal shares, one per thread (the calling thread among them)
    auto share = [&](size_t t) { return vertices * t / threads; };
    runWorkers(threads, static_cast<unsigned>(threads), [&](WorkCounter& work) {
        for (size_t t; (t = work.next()) < threads;)
            reprojectPoints(rings, share(t), share(t + 1), srcEpsg, dstEpsg);
    });
}

} // namespace

void reproject(Layer& layer, int dstEpsg)
{
    if (dstEpsg == layer.epsg)
        return;
    std::vector<Ring*> rings;
    size_t vertices = 0;
    for (auto& f : layer.features)
        for (auto& part : f.geom.parts)
            for (auto& ring : part) {
                rings.push_back(&ring);
                vertices += ring.size();
            }
    reprojectRings(rings, vertices, layer.epsg, dstEpsg);
    layer.epsg = dstEpsg;
}

void reproject(std::vector<XY>& points, int srcEpsg, int dstEpsg)
{
    if (srcEpsg != dstEpsg)
        reprojectRings({&points}, points.size(), srcEpsg, dstEpsg);
}

} // namespace bando::crs
