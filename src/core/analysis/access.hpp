#pragma once
// Access (issue #9): from each village centre to its commune seat, its district seat and the
// nearest main road — straight-line distance, road distance by the shortest path on the roads
// network and travel time with a speed per road class.
//   * The network: road vertices are nodes (merged at 0.1 m); a line end within 5 m of another
//     road's segment is joined to it (T-junctions).
//   * A place joins the network at the nearest point of the nearest road: the straight leg to it
//     counts in the road distance and is travelled at the off-road speed.
//   * Road distance is the shortest path by length; travel time the shortest path by time
//     (each may take a different route). A village whose centre lies on another piece of the
//     network than its seat cannot reach it: its road distance and time stay unset and
//     reachesNetwork is false (with a note).
#include "core/analysis/indicators.hpp"

#include <string>
#include <vector>

namespace bando::analysis {

// Fills the access fields of `villages` (parallel to `centres`, metric CRS `opt.metricEpsg`).
void computeAccess(const AnalysisInput& in, std::vector<VillageIndicators>& villages, const std::vector<XY>& centres,
                   const AnalysisOptions& opt, std::vector<std::string>& notes, const Feedback* fb);

// Road distance in metres on the same network, with the same joining, as computeAccess: from
// each of `from` to each of `to` (row-major, from.size() × to.size()), +inf when the two lie on
// different pieces of the network (or there is no road). `roadsMetric` and the points are in
// one metric CRS. Used by the support-team bases (issue #11).
std::vector<double> roadDistanceMatrix(const Layer& roadsMetric, const AccessOptions& ao, const std::vector<XY>& from,
                                       const std::vector<XY>& to, const Feedback* fb);

} // namespace bando::analysis
