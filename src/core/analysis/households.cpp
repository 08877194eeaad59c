// Household clusters of the villages. See households.hpp.
#include "core/analysis/households.hpp"

#include <algorithm>
#include <string>
#include <unordered_map>

namespace bando::analysis {

std::vector<HouseholdCluster> householdClusters(const Layer& villages, const Layer& settlements, const Feedback* fb)
{
    std::vector<HouseholdCluster> clusters;
    const int villageCodeField = villages.requireField("code");
    const int villageHouseholdsField = villages.fieldIndex("households");
    std::unordered_map<std::string, int> villageByCode;
    for (size_t i = 0; i < villages.features.size(); ++i)
        villageByCode.emplace(toString(villages.features[i].values[villageCodeField]), static_cast<int>(i));

    std::vector<char> located(villages.features.size(), 0);
    if (!settlements.features.empty()) {
        const int villageField = settlements.requireField("village_code");
        const int householdsField = settlements.requireField("households");
        const int centreField = settlements.fieldIndex("is_centre");
        size_t seen = 0;
        for (const auto& f : settlements.features) {
            if ((++seen & 1023) == 0)
                throwIfCancelled(fb);
            auto it = villageByCode.find(toString(f.values[villageField]));
            if (it == villageByCode.end() || f.geom.isEmpty() || f.geom.parts[0].empty() || f.geom.parts[0][0].empty())
                continue;
            const int64_t households = toInt(f.values[householdsField]).value_or(0);
            if (households <= 0)
                continue;
            HouseholdCluster c;
            c.x = f.geom.parts[0][0][0].x;
            c.y = f.geom.parts[0][0][0].y;
            c.households = households;
            c.village = it->second;
            c.centre = centreField >= 0 && toInt(f.values[centreField]).value_or(0) != 0;
            located[static_cast<size_t>(it->second)] = 1;
            clusters.push_back(c);
        }
    }
    for (size_t i = 0; i < villages.features.size(); ++i) {
        const Feature& village = villages.features[i];
        if (located[i] || village.geom.isEmpty())
            continue;
        HouseholdCluster c;
        const XY p = interiorPoint(village.geom);
        c.x = p.x;
        c.y = p.y;
        c.households = villageHouseholdsField >= 0
                           ? std::max<int64_t>(toInt(village.values[villageHouseholdsField]).value_or(1), 1)
                           : 1;
        c.village = static_cast<int>(i);
        c.centre = true;
        clusters.push_back(c);
    }
    return clusters;
}

} // namespace bando::analysis
