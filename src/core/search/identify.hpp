#pragma once
// What lies under a point of the map (the app's identify tool and click selection) and the
// features inside a rectangle (rectangle selection). Coordinates are in the layers' CRS (the
// map's: EPSG:9215, metres).
#include "core/model/layer.hpp"

#include <string>
#include <vector>

namespace bando::search {

struct LayerHit {
    std::string layer;
    size_t feature = 0;  // index into Layer::features
    double distance = 0;  // 0 inside a polygon; else distance to the point/line (layer units)
};

// Polygons containing (x, y), and points / lines within `tolerance` of it, for every layer given,
// in the order given; within a layer the nearest first.
std::vector<LayerHit> identifyAt(const std::vector<const Layer*>& layers, double x, double y, double tolerance);

// Indices of the features of `layer` whose geometry meets `box` (a vertex or an edge inside it,
// or a polygon containing it): the rectangle selection.
std::vector<size_t> featuresInBox(const Layer& layer, const Extent& box);

// Indices of the features of `layer` whose geometry meets the polygon drawn by `vertices` (in
// order, closed automatically; a self-crossing outline is made valid first, as GEOS MakeValid
// does): the polygon selection. Each feature is tested with a GEOS prepared `intersects` after an
// extent check. Throws bando::Error(Usage) for fewer than 3 distinct vertices or a polygon of no
// area (all vertices on one line).
std::vector<size_t> featuresInPolygon(const Layer& layer, const std::vector<XY>& vertices);

// Planar measures in the map's projected CRS (TM-3 zone of the province, metres): the length of
// a polyline and the area of a polygon given by its vertices (closed automatically).
double measureLength(const std::vector<XY>& line);
double measureArea(const std::vector<XY>& ring);

} // namespace bando::search
