#pragma once
// The per-village fields a ranking criterion can read (issue #10): every numeric column of the
// stored `village_indicators` rows of one date (bando analyze writes them), plus derived fields:
//   missing_households  max(0, ceil(target_shop_pct / 100 × households) − shops); missing without a target
//   team_gap            1 no community technology team, 0.5 a team not meeting the rule, 0 rule met
//   class_need          no_signal 1, unstable 0.5, covered 0
//   phase               the district's roll-out phase (`phases`); missing when none
//   border_difficult    1 when the commune is in `commune_flags` (border or particularly difficult), else 0
//   dist_site_m         straight (geodesic) distance from the village's label point to the nearest site
//   operator_assigned   1 when an operator is responsible for the village (`operator_gap_villages` of
//                       the bando split scenario `operatorScenario`), else 0; the operator is in `op`
// Missing values are NaN. Villages are sorted by code.
#include <map>
#include <string>
#include <vector>

namespace bando {
class ProjectStore;
}

namespace bando::planning {

struct VillageTable {
    std::string date;
    std::vector<std::string> code, name, commune, district, mobileClass;
    std::vector<int> phase;  // 0 = none
    std::vector<std::string> op;  // the operator responsible (bando split); "" = none
    bool operatorsStored = false;  // the project has an assignment for operatorScenario
    std::map<std::string, std::vector<double>> fields;
    size_t size() const { return code.size(); }
    const std::vector<double>* field(const std::string& name) const;
    // Keeps the rows where keep[i] is true.
    VillageTable filtered(const std::vector<bool>& keep) const;
};

// Reads the table at `date` ("" = the latest date in village_indicators). Throws bando::Error
// (Usage, "--date") when the project has no indicators at that date: run `bando analyze` first.
// operatorScenario: the bando split scenario whose assignment gives each village's operator.
VillageTable loadVillageTable(const ProjectStore& store, const std::string& date,
                              const std::string& operatorScenario = "split");

} // namespace bando::planning
