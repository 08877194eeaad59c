#include "core/planning/rank_theme.hpp"

#include "core/i18n/i18n.hpp"
#include "core/model/schema.hpp"

#include <cmath>
#include <cstdint>
#include <unordered_map>

namespace bando::planning {

RankThemeBuilder::RankThemeBuilder(const Layer* villages, const std::vector<std::string>& codes)
{
    m_rowFeature.assign(codes.size(), -1);
    if (!villages)
        return;
    m_featureRow.assign(villages->features.size(), -1);
    const int code = villages->fieldIndex("code");
    if (code < 0)
        return;
    std::unordered_map<std::string, int> byCode;
    byCode.reserve(codes.size());
    for (size_t i = 0; i < codes.size(); ++i)
        byCode.emplace(codes[i], static_cast<int>(i));
    for (size_t f = 0; f < villages->features.size(); ++f) {
        auto it = byCode.find(toString(villages->features[f].values[static_cast<size_t>(code)]));
        if (it != byCode.end()) {
            m_featureRow[f] = it->second;
            m_rowFeature[static_cast<size_t>(it->second)] = static_cast<int>(f);
            ++m_joined;
        }
    }
}

int rankClass(int rank, int n, int topN)
{
    if (rank <= topN)
        return 0;
    // integer comparisons: rank / n <= 10 %, 25 %, 50 % exactly
    const int64_t r = rank, m = n;
    if (r * 10 <= m)
        return 1;
    if (r * 4 <= m)
        return 2;
    if (r * 2 <= m)
        return 3;
    return 4;
}

render::MapData::Theme RankThemeBuilder::make(const std::vector<int>& rankOf, int topN) const
{
    render::MapData::Theme t;
    t.name = kRankThemeName;
    t.legendTitle = N_("Village ranking");
    t.colours = {0x99000d, 0xef3b2c, 0xfc9272, 0xfcbba1, 0xfff5f0};
    t.classLabels = {trf(N_("Top {1}"), {std::to_string(topN)}), tr(N_("Rest of the top 10 %")),
                     tr(N_("Ranks in the 10–25 % band")), tr(N_("Ranks in the 25–50 % band")), tr(N_("Lower half"))};
    t.labelsTranslatable = false;
    t.classCounts.assign(t.colours.size(), 0);
    t.villageClass.assign(m_featureRow.size(), -1);
    t.villageValue.assign(m_featureRow.size(), std::nan(""));
    const int n = static_cast<int>(rankOf.size());
    for (size_t f = 0; f < m_featureRow.size(); ++f) {
        const int row = m_featureRow[f];
        if (row < 0 || row >= n)
            continue;
        const int rank = rankOf[static_cast<size_t>(row)];
        const int c = rankClass(rank, n, topN);
        t.villageClass[f] = c;
        t.villageValue[f] = rank;
        ++t.classCounts[static_cast<size_t>(c)];
    }
    return t;
}

} // namespace bando::planning
