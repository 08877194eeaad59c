#pragma once
// Reports in a unit version (issue #17): `bando report --kind gaps --units v2025-07` groups the
// gap villages by their unit of that version (the level above the villages' communes is gone in
// v2025-07: each 2025 unit takes the district's place, one section and map page per unit), as
// `bando units --to VERSION` stored every village's unit in village_units.
#include "core/report/gaps.hpp"

#include <string>

namespace bando {
class ProjectStore;
}

namespace bando::units {

// Re-keys the report's rows on the units of `version` (districtCode / district = the unit's code
// and name; the row keeps its 2021 commune), keeps only the unit `unitCode` when given, and
// recomputes the per-unit totals. Throws bando::Error(Usage, "--units") when the project has no
// village_units of that version, bando::Error(Usage, "--district") for an unknown unit code.
void gapReportInVersion(const ProjectStore& store, report::GapReport& gaps, const std::string& version,
                        const std::string& unitCode = "");

} // namespace bando::units
