#include "core/crs/reproject.hpp"

#include "core/capi/proj.hpp"

#include <algorithm>
#include <exception>
#include <thread>
#include <vector>

namespace bando::crs {

namespace {

// Reprojects the features [begin, end) on this thread, with this thread's PROJ context and
// transformation (capi/proj keeps one of each per thread).
void reprojectRange(std::vector<Feature>& features, size_t begin, size_t end, int srcEpsg, int dstEpsg)
{
    for (size_t i = begin; i < end; ++i)
        reproject(features[i].geom, srcEpsg, dstEpsg);
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
    size_t vertices = 0;
    for (const auto& f : layer.features)
        vertices += f.geom.pointCount();
    const size_t threads = std::min<size_t>(std::max(1u, std::thread::hardware_concurrency()), 8);
    if (vertices <= kParallelVertices || threads < 2 || layer.features.size() < 2) {
        reprojectRange(layer.features, 0, layer.features.size(), srcEpsg, dstEpsg);
        layer.epsg = dstEpsg;
        return;
    }
    // Contiguous ranges of about the same number of vertices; each point is transformed by the
    // same PROJ operation whichever thread does it, so the result is the serial one bit for bit.
    std::vector<size_t> bounds{0};
    const size_t share = vertices / threads + 1;
    size_t acc = 0;
    for (size_t i = 0; i < layer.features.size() && bounds.size() < threads; ++i) {
        acc += layer.features[i].geom.pointCount();
        if (acc >= share * bounds.size())
            bounds.push_back(i + 1);
    }
    bounds.push_back(layer.features.size());
    const size_t ranges = bounds.size() - 1;
    std::vector<std::exception_ptr> errors(ranges);
    std::vector<std::thread> pool;
    for (size_t r = 1; r < ranges; ++r)
        pool.emplace_back([&layer, &bounds, &errors, r, srcEpsg, dstEpsg] {
            try {
                reprojectRange(layer.features, bounds[r], bounds[r + 1], srcEpsg, dstEpsg);
            } catch (...) {
                errors[r] = std::current_exception();
            }
        });
    try {
        reprojectRange(layer.features, bounds[0], bounds[1], srcEpsg, dstEpsg);  // the calling thread
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
