#include "core/units/report_units.hpp"

#include "core/base/error.hpp"
#include "core/store/project_store.hpp"
#include "core/units/map_units.hpp"
#include "core/units/registry.hpp"

#include <algorithm>
#include <map>

namespace bando::units {

void gapReportInVersion(const ProjectStore& store, report::GapReport& gaps, const std::string& version,
                        const std::string& unitCode)
{
    const Registry& reg = Registry::shipped();
    if (!reg.hasVersion(version))
        throw Error(ErrorKind::Usage, "--units", "unknown unit version '" + version + "' (known: v2021, v2024-12, v2025-07)");
    if (!unitCode.empty() && !reg.find(version, unitCode))
        throw Error(ErrorKind::Usage, "--district", "'" + unitCode + "' is not a unit of " + version);
    const std::map<std::string, std::string> unitOf = villageUnits(store, version);
    std::map<std::string, report::GapTotals> byUnit;
    report::GapTotals total;
    std::vector<report::GapRow> rows;
    for (auto& row : gaps.rows) {
        auto it = unitOf.find(row.code);
        if (it == unitOf.end())
            throw Error(ErrorKind::Usage, "--units",
                        "village " + row.code + " has no unit in " + version + " (run `bando units --to " + version + "` again)");
        if (!unitCode.empty() && it->second != unitCode)
            continue;
        row.districtCode = it->second;
        row.district = reg.find(version, it->second)->name;
        report::GapTotals& d = byUnit[row.districtCode];
        d.code = row.districtCode;
        d.name = row.district;
        for (report::GapTotals* g : {&d, &total}) {
            ++g->villages;
            g->noSignal += row.mobileClass == "no_signal";
            g->unstable += row.mobileClass == "unstable";
            g->noBroadband += !row.broadband;
            g->households += row.households;
        }
        rows.push_back(std::move(row));
    }
    std::stable_sort(rows.begin(), rows.end(), [](const report::GapRow& a, const report::GapRow& b) {
        return a.districtCode != b.districtCode ? a.districtCode < b.districtCode : a.code < b.code;
    });
    if (!unitCode.empty()) {
        int checked = 0;
        for (const auto& [v, u] : unitOf)
            checked += u == unitCode;
        gaps.villagesChecked = checked;
        gaps.district = unitCode;
    }
    gaps.rows = std::move(rows);
    gaps.districts.clear();
    for (auto& [code, d] : byUnit)
        gaps.districts.push_back(d);
    gaps.total = total;
}

} // namespace bando::units
