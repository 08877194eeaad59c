#pragma once
// Reprojection of in-memory layers and geometries through PROJ (capi/proj). It lives here, not in
// model/, so that model/ depends on nothing in capi/: capi/ may use model/ types (OGR and GEOS
// conversions), never the other way round.
#include "core/model/layer.hpp"

namespace bando::crs {

// Reprojects every feature of `layer` in place to `dstEpsg` and sets layer.epsg.
// Throws bando::Error(Crs) when PROJ cannot transform.
void reproject(Layer& layer, int dstEpsg);

// Reprojects one geometry in place from `srcEpsg` to `dstEpsg`.
void reproject(Geometry& g, int srcEpsg, int dstEpsg);

} // namespace bando::crs
