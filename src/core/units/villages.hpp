#pragma once
// Village versions (issue #17). On 09/12/2021 (NQ 57/NQ-HĐND) Lạng Sơn merged its villages
// 1,705 -> 1,676: 44 villages merged pairwise into 22, 7 dissolved into a neighbour. Which villages
// is not public: the sample carries a SYNTHETIC choice of the same shape (22 pairs, 7 dissolved)
// as the `village_crosswalk` table, and `bando units --villages v2021-12` carries the figures
// across any village crosswalk a project holds (a real one imported the same way).
#include "core/model/layer.hpp"

namespace bando::units {

inline constexpr const char* kVillagesV2021 = "v2021";        // the villages of 2021 (before NQ 57)
inline constexpr const char* kVillagesV2021_12 = "v2021-12";  // after NQ 57/NQ-HĐND of 09/12/2021
inline constexpr int kVillagePairsMerged = 22;
inline constexpr int kVillagesDissolved = 7;

// The synthetic village merge of the sample: the `village_crosswalk` layer (one row per village of
// `villages`, a metric layer with code, name, commune_code, households). Deterministic: pairs of
// neighbouring villages (touching polygons, same commune) with the fewest households merge (the
// pair keeps the lower code — codes are not keys across versions — and both names), then the
// smallest remaining villages dissolve into their nearest touching neighbour; at most one change
// per commune.
Layer syntheticVillageMerges(const Layer& villages);

} // namespace bando::units
