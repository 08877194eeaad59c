#include "core/planning/village_table.hpp"

#include "core/base/error.hpp"
#include "core/store/project_store.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>

namespace bando::planning {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double haversineM(double lon1, double lat1, double lon2, double lat2)
{
    constexpr double kR = 6371008.8, kDeg = 3.14159265358979323846 / 180.0;
    const double dlat = (lat2 - lat1) * kDeg, dlon = (lon2 - lon1) * kDeg;
    const double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
                     std::cos(lat1 * kDeg) * std::cos(lat2 * kDeg) * std::sin(dlon / 2) * std::sin(dlon / 2);
    return 2 * kR * std::asin(std::min(1.0, std::sqrt(a)));
}

} // namespace

const std::vector<double>* VillageTable::field(const std::string& n) const
{
    auto it = fields.find(n);
    return it == fields.end() ? nullptr : &it->second;
}

VillageTable VillageTable::filtered(const std::vector<bool>& keep) const
{
    VillageTable t;
    t.date = date;
    t.operatorsStored = operatorsStored;
    for (const auto& [k, v] : fields)
        t.fields[k];
    for (size_t i = 0; i < size(); ++i) {
        if (!keep[i])
            continue;
        t.code.push_back(code[i]);
        t.name.push_back(name[i]);
        t.commune.push_back(commune[i]);
        t.district.push_back(district[i]);
        t.mobileClass.push_back(mobileClass[i]);
        t.phase.push_back(phase[i]);
        t.op.push_back(op[i]);
        for (const auto& [k, v] : fields)
            t.fields[k].push_back(v[i]);
    }
    return t;
}

VillageTable loadVillageTable(const ProjectStore& store, const std::string& date, const std::string& operatorScenario)
{
    if (!store.hasLayer("village_indicators"))
        throw Error(ErrorKind::Usage, "--date", "the project has no village indicators: run `bando analyze` first");
    const Layer vi = store.readLayer("village_indicators");
    const int fDate = vi.requireField("date");
    std::string chosen = date;
    if (chosen.empty())
        for (const auto& f : vi.features)
            chosen = std::max(chosen, toString(f.values[static_cast<size_t>(fDate)]));
    std::vector<const Feature*> rows;
    for (const auto& f : vi.features)
        if (toString(f.values[static_cast<size_t>(fDate)]) == chosen)
            rows.push_back(&f);
    if (rows.empty())
        throw Error(ErrorKind::Usage, "--date",
                    "no village indicators at " + (chosen.empty() ? std::string("any date") : chosen) +
                        ": run `bando analyze` for that date first");
    std::sort(rows.begin(), rows.end(), [&](const Feature* a, const Feature* b) {
        return vi.text(*a, "village_code") < vi.text(*b, "village_code");
    });

    VillageTable t;
    t.date = chosen;
    const size_t n = rows.size();
    std::vector<std::pair<std::string, int>> numeric;
    for (size_t i = 0; i < vi.fields.size(); ++i)
        if (vi.fields[i].type == FieldType::Integer || vi.fields[i].type == FieldType::Real)
            numeric.emplace_back(vi.fields[i].name, static_cast<int>(i));
    for (const auto& [fname, idx] : numeric) {
        auto& col = t.fields[fname];
        col.resize(n);
        for (size_t r = 0; r < n; ++r) {
            const auto v = toReal(rows[r]->values[static_cast<size_t>(idx)]);
            col[r] = v ? *v : kNaN;
        }
    }
    // Phases and flags.
    std::map<std::string, int> phaseOf;
    if (store.hasLayer("phases")) {
        const Layer ph = store.readLayer("phases");
        for (const auto& f : ph.features) {
            const int p = static_cast<int>(ph.integer(f, "phase"));
            auto& slot = phaseOf[ph.text(f, "district_code")];
            slot = slot == 0 ? p : std::min(slot, p);
        }
    }
    std::set<std::string> flagged;
    if (store.hasLayer("commune_flags")) {
        const Layer fl = store.readLayer("commune_flags");
        for (const auto& f : fl.features)
            flagged.insert(fl.text(f, "commune_code"));
    }
    // The operator responsible for each gap village: the stored bando split assignment.
    std::map<std::string, std::string> operatorOf;
    if (store.hasLayer("operator_gap_villages")) {
        const Layer og = store.readLayer("operator_gap_villages");
        for (const auto& f : og.features)
            if (og.text(f, "scenario") == operatorScenario)
                operatorOf[og.text(f, "village_code")] = og.text(f, "operator");
    }
    t.operatorsStored = !operatorOf.empty();
    auto& assigned = t.fields["operator_assigned"];
    auto& missing = t.fields["missing_households"];
    auto& teamGap = t.fields["team_gap"];
    auto& classNeed = t.fields["class_need"];
    auto& phase = t.fields["phase"];
    auto& border = t.fields["border_difficult"];
    for (size_t r = 0; r < n; ++r) {
        const Feature& f = *rows[r];
        t.code.push_back(vi.text(f, "village_code"));
        t.name.push_back(vi.text(f, "village_name"));
        t.commune.push_back(vi.text(f, "commune_code"));
        t.district.push_back(vi.text(f, "district_code"));
        t.mobileClass.push_back(vi.text(f, "class"));
        const auto target = toReal(vi.value(f, "target_shop_pct"));
        const double hh = vi.real(f, "households"), shops = vi.real(f, "shops");
        missing.push_back(target && *target >= 0 ? std::max(0.0, std::ceil(*target / 100.0 * hh - 1e-9) - shops) : kNaN);
        const int64_t teams = vi.integer(f, "teams");
        teamGap.push_back(teams == 0 ? 1.0 : vi.integer(f, "team_rule_met") ? 0.0 : 0.5);
        const std::string& cls = t.mobileClass.back();
        classNeed.push_back(cls == "no_signal" ? 1.0 : cls == "unstable" ? 0.5 : cls == "covered" ? 0.0 : kNaN);
        auto pit = phaseOf.find(t.district.back());
        t.phase.push_back(pit == phaseOf.end() ? 0 : pit->second);
        phase.push_back(pit == phaseOf.end() ? kNaN : pit->second);
        border.push_back(flagged.count(t.commune.back()) ? 1.0 : 0.0);
        auto oit = operatorOf.find(t.code.back());
        t.op.push_back(oit == operatorOf.end() ? std::string() : oit->second);
        assigned.push_back(t.op.back().empty() ? 0.0 : 1.0);
    }
    // Distance to the nearest site from the village's label point (brute force: province size).
    auto& distSite = t.fields["dist_site_m"];
    distSite.assign(n, kNaN);
    if (store.hasLayer("sites") && store.hasLayer("villages")) {
        const Layer sites = store.readLayer("sites");
        const Layer villages = store.readLayer("villages");
        std::map<std::string, XY> label;
        for (const auto& f : villages.features)
            if (!f.geom.parts.empty())
                label[villages.text(f, "code")] = interiorPoint(f.geom);
        std::vector<XY> pts;
        for (const auto& f : sites.features)
            if (!f.geom.parts.empty() && !f.geom.parts[0].empty() && !f.geom.parts[0][0].empty())
                pts.push_back(f.geom.parts[0][0][0]);
        if (!pts.empty())
            for (size_t r = 0; r < n; ++r) {
                auto it = label.find(t.code[r]);
                if (it == label.end())
                    continue;
                double best = std::numeric_limits<double>::infinity();
                for (const auto& p : pts)
                    best = std::min(best, haversineM(it->second.x, it->second.y, p.x, p.y));
                distSite[r] = best;
            }
    }
    return t;
}

} // namespace bando::planning
