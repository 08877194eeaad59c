#pragma once
// Conversions between Bando's Geometry and GEOS geometries (through WKB), on the calling
// thread's GEOS context.
#include "core/capi/geos.hpp"
#include "core/model/geometry.hpp"

namespace bando::geos {

GeomPtr toGeos(const Geometry& g);          // throws bando::Error(Geometry)
Geometry fromGeos(const GEOSGeometry* g);   // throws bando::Error(Geometry)
// The polygonal part of a GEOS result (collections may mix in lines/points) as a MultiPolygon.
Geometry polygonalPart(const GEOSGeometry* g);

} // namespace bando::geos
