#pragma once
// A cheap proof that a polygon is valid (OGC validity, as GEOSisValid judges it) for the common
// case: one part with one ring (no hole) whose edges meet only where neighbours along the ring
// share a vertex. Exact orientation predicates decide; any crossing, touch, spike or collinear
// contact, and anything else (holes, several parts, too few points, an open ring, NaN), answers
// false and the caller asks GEOS. False never means invalid.
//
// The sample's 1,699 villages are all such polygons: GEOS's validity check of each (a graph of its
// edges) was a fifth of the analysis's first step.
#include "core/model/geometry.hpp"

namespace bando::analysis {

bool provablyValidSimplePolygon(const Geometry& g);

} // namespace bando::analysis
