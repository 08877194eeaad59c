// The "coverage" theme: village mobile classes from the shared classification rule.
#include "core/analysis/classify.hpp"
#include "core/render/themes.hpp"

#include "core/model/schema.hpp"
#include "core/render/map_style.hpp"

namespace bando::render {

std::optional<MapData::Theme> makeCoverageTheme(const MapData& data, const Feedback* fb)
{
    const Layer* villages = data.layer(schema::kVillages);
    const Layer* settlements = data.layer("settlements");
    const Layer* coverage = data.layer("coverage");
    if (!villages || villages->features.empty() || !settlements || settlements->features.empty() || !coverage ||
        coverage->features.empty())
        return std::nullopt;
    analysis::ClassificationInput in;
    in.villages = villages;
    in.settlements = settlements;
    in.coverage = coverage;
    in.broadbandNodes = data.layer("broadband_nodes");
    in.fibre = data.layer("fibre");
    const auto statuses = analysis::classifyVillages(in, data.thresholds, data.epsg, fb);
    MapData::Theme t;
    t.name = "coverage";
    t.legendTitle = themeInfo(t.name)->legendTitle;
    t.colours = {0xd7191c, 0xfdae61, 0x91cf60};
    t.classLabels = {"No signal", "Unstable signal", "Covered"};
    t.labelsTranslatable = true;
    t.classCounts.assign(3, 0);
    t.villageClass.assign(villages->features.size(), -1);
    t.villageValue.assign(villages->features.size(), 0);
    for (size_t i = 0; i < statuses.size() && i < villages->features.size(); ++i) {
        int c = 2;
        if (statuses[i].mobile == analysis::MobileClass::NoSignal)
            c = 0;
        else if (statuses[i].mobile == analysis::MobileClass::Unstable)
            c = 1;
        t.villageClass[i] = c;
        t.villageValue[i] = c;
        ++t.classCounts[static_cast<size_t>(c)];
    }
    return t;
}

} // namespace bando::render
