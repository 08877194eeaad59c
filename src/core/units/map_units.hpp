#pragma once
// The map in a unit version (issue #17): `bando render --units v2025-07` draws the commune-level
// units of that version — the layer `bando units --to VERSION` dissolved from the villages —
// in place of the project's 2021 communes; in a version without districts (v2025-07) the
// districts and the 2021 seats are not drawn, the province being the only level above.
#include "core/base/feedback.hpp"
#include "core/render/map_renderer.hpp"

#include <map>
#include <memory>
#include <string>

namespace bando {
class ProjectStore;
}

namespace bando::units {

// The project layer holding the communes of `version` ("communes_v2025_07"); "communes" for v2021.
std::string communesLayerOf(const std::string& version);

// A copy of `data` drawn in `version`. Throws bando::Error(Usage, "--units") for an unknown version
// or when the project has no such layer yet (run `bando units --to VERSION`).
std::shared_ptr<const render::MapData> mapInVersion(const render::MapData& data, const std::string& version,
                                                    const Feedback* fb = nullptr);

// Every village's unit code in `version` as `bando units --to VERSION` stored it (village_units).
// Throws bando::Error(Usage, "--units") when the project has none of that version.
std::map<std::string, std::string> villageUnits(const ProjectStore& store, const std::string& version,
                                                const Feedback* fb = nullptr);

// An atlas paged by the units of `version` (`bando render --atlas communes --units v2025-07`):
// the map drawn in that version (mapInVersion), every village keyed on its unit of that version
// as `bando units --to VERSION` stored it in village_units (its district_code in v2025-07, where
// the units take the districts' place; its commune_code in v2024-12), so each page and its
// village table follow the new unit. `atlasLayer` receives the layer to page by ("districts" in
// v2025-07, "communes" otherwise). Throws bando::Error(Usage, "--units") when the project has
// no village_units of that version yet.
std::shared_ptr<const render::MapData> atlasInVersion(const ProjectStore& store, const render::MapData& data,
                                                       const std::string& version, std::string& atlasLayer,
                                                       const Feedback* fb = nullptr);

} // namespace bando::units
