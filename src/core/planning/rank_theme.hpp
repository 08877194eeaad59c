#pragma once
// The ranking theme of the villages layer (the app's ranking panel re-colours the map with it as
// the weights move): five classes by current rank among the ranked villages —
//   0  the top N (the panel's spin control)      dark red
//   1  the rest of the top 10 %                  red
//   2  ranks in the 10–25 % band                 salmon
//   3  ranks in the 25–50 % band                 pale
//   4  the lower half                            near white
// Villages outside the ranking (filtered out, or not analysed) have no class (grey).
// Labels are translated when the theme is made (they carry numbers).
#include "core/render/map_renderer.hpp"

#include <string>
#include <vector>

namespace bando::planning {

inline constexpr const char* kRankThemeName = "rank";

class RankThemeBuilder {
public:
    // codes: the ranked villages' codes (any order: the index used by make()'s rankOf).
    RankThemeBuilder(const Layer* villages, const std::vector<std::string>& codes);
    // rankOf[i]: 1-based rank of codes[i]; topN >= 0.
    render::MapData::Theme make(const std::vector<int>& rankOf, int topN) const;
    size_t joined() const { return m_joined; }  // village features matched to a ranked code
    // The village feature of codes[row]; -1 when the villages layer has none.
    int featureOf(size_t row) const { return row < m_rowFeature.size() ? m_rowFeature[row] : -1; }

private:
    std::vector<int> m_featureRow;  // per village feature: index into codes, -1 = not ranked
    std::vector<int> m_rowFeature;  // per code: the village feature, -1 = none
    size_t m_joined = 0;
};

// The class of a village ranked `rank` (1-based) of `n` with the top `topN` highlighted.
int rankClass(int rank, int n, int topN);

} // namespace bando::planning
