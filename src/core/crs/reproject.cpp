#include "core/crs/reproject.hpp"

#include "core/capi/proj.hpp"

#include <algorithm>
#include <exception>
#include <thread>
#include <vector>

namespace bando::crs {

namespace {

// Transforms the points [begin, end) of the concatenation of `rings` on this thread, with this
// thread's PROJ context and transformation (capi/proj keeps one of each per thread). PROJ
// transforms each point on its own, so any split gives the serial result bit for bit.
void reprojectPoints(const std::vector<Ring*>& rings, size_t begin, size_t end, int srcEpsg, int dstEpsg)
{
    std::vector<double> xs, ys;
    size_t offset = 0;  // of the current ring in the concatenation
    for (Ring* ring : rings) {
        const size_t n = ring->size();
        const size_t from = std::max(begin, offset), to = std::min(end, offset + n);
        if (from < to) {
            const size_t count = to - from;
            XY* p = ring->data() + (from - offset);
            xs.resize(count);
            ys.resize(count);
            for (size_t i = 0; i < count; ++i) {
                xs[i] = p[i].x;
                ys[i] = p[i].y;
            }
            transform(srcEpsg, dstEpsg, xs.data(), ys.data(), count);
            for (size_t i = 0; i < count; ++i)
                p[i] = {xs[i], ys[i]};
        }
        offset += n;
        if (offset >= end)
            break;
    }
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

void reproject(Layer& layer, int dstEpsg)
{
    if (dstEpsg == layer.epsg)
        return;
    const int srcEpsg = layer.epsg;
    std::vector<Ring*> rings;
    size_t vertices = 0;
    for (auto& f : layer.features)
        for (auto& part : f.geom.parts)
            for (auto& ring : part) {
                rings.push_back(&ring);
                vertices += ring.size();
            }
    const size_t threads = std::min<size_t>(std::max(1u, std::thread::hardware_concurrency()), 8);
    if (vertices <= kParallelVertices || threads < 2) {
        reprojectPoints(rings, 0, vertices, srcEpsg, dstEpsg);
        layer.epsg = dstEpsg;
        return;
    }
    // Equal shares of the points (a few huge rings split too), one per thread.
    std::vector<std::exception_ptr> errors(threads);
    std::vector<std::thread> pool;
    auto share = [&](size_t t) { return vertices * t / threads; };
    for (size_t t = 1; t < threads; ++t)
        pool.emplace_back([&rings, &errors, &share, t, srcEpsg, dstEpsg] {
            try {
                reprojectPoints(rings, share(t), share(t + 1), srcEpsg, dstEpsg);
            } catch (...) {
                errors[t] = std::current_exception();
            }
        });
    try {
        reprojectPoints(rings, share(0), share(1), srcEpsg, dstEpsg);  // the calling thread
    } catch (...) {
        errors[0] = std::current_exception();
    }
    for (auto& t : pool)
        t.join();
    for (const auto& e : errors)
        if (e)
            std::rethrow_exception(e);
    layer.epsg = dstEpsg;
}

} // namespace bando::crs
