#include "core/crs/reproject.hpp"

#include "core/capi/proj.hpp"

#include <vector>

namespace bando::crs {

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
    for (auto& f : layer.features)
        reproject(f.geom, layer.epsg, dstEpsg);
    layer.epsg = dstEpsg;
}

} // namespace bando::crs
