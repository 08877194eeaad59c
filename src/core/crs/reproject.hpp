#pragma once
// Reprojection of in-memory layers and geometries through PROJ (capi/proj). It lives here, not in
// model/, so that model/ depends on nothing in capi/: capi/ may use model/ types (OGR and GEOS
// conversions), never the other way round.
#include "core/model/layer.hpp"

#include <cstddef>
#include <vector>

namespace bando::crs {

// Reprojects every feature of `layer` in place to `dstEpsg` and sets layer.epsg.
// Throws bando::Error(Crs) when PROJ cannot transform. A layer of more than kParallelVertices
// vertices is split over the hardware threads (each with its own PROJ context and
// transformation); the result is the serial one, bit for bit.
void reproject(Layer& layer, int dstEpsg);
constexpr size_t kParallelVertices = 20000;

// Reprojects one geometry in place from `srcEpsg` to `dstEpsg`.
void reproject(Geometry& g, int srcEpsg, int dstEpsg);

// Reprojects points in place (on the threads above kParallelVertices, like a layer).
void reproject(std::vector<XY>& points, int srcEpsg, int dstEpsg);

} // namespace bando::crs
