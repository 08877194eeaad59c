#include "core/report/gaps.hpp"

#include "core/base/error.hpp"
#include "core/model/schema.hpp"
#include "core/planning/village_table.hpp"
#include "core/store/project_store.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

namespace bando::report {

double geodesicMetres(double lon1, double lat1, double lon2, double lat2)
{
    constexpr double kR = 6371008.8, kDeg = 3.14159265358979323846 / 180.0;
    const double dlat = (lat2 - lat1) * kDeg, dlon = (lon2 - lon1) * kDeg;
    const double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
                     std::cos(lat1 * kDeg) * std::cos(lat2 * kDeg) * std::sin(dlon / 2) * std::sin(dlon / 2);
    return 2 * kR * std::asin(std::min(1.0, std::sqrt(a)));
}

GapReport loadGapReport(const ProjectStore& store, const std::string& operatorName, const std::string& district,
                        const std::string& date)
{
    GapReport r;
    r.operatorName = operatorName;
    r.district = district;
    r.thresholds = analysis::loadThresholds(store);
    r.projectTitle = store.meta("province_name").value_or("");
    const planning::VillageTable t = planning::loadVillageTable(store, date);
    r.date = t.date;

    // Names of communes and districts.
    std::map<std::string, std::string> communeName, districtName;
    if (store.hasLayer(schema::kCommunes)) {
        const Layer l = store.readLayer(schema::kCommunes);
        for (const auto& f : l.features)
            communeName[l.text(f, "code")] = l.text(f, "name");
    }
    if (store.hasLayer(schema::kDistricts)) {
        const Layer l = store.readLayer(schema::kDistricts);
        for (const auto& f : l.features)
            districtName[l.text(f, "code")] = l.text(f, "name");
    }
    if (!district.empty() && !districtName.count(district)) {
        std::string known;
        for (const auto& [c, n] : districtName)
            known += (known.empty() ? "" : ", ") + c;
        throw Error(ErrorKind::Usage, "--district", "unknown district code '" + district + "' (known: " + known + ")");
    }

    // Sites, and the operator's coverage shares.
    std::vector<XY> sites;
    std::set<std::string> operators;
    if (store.hasLayer("sites")) {
        const Layer l = store.readLayer("sites");
        for (const auto& f : l.features) {
            const std::string op = l.text(f, "operator");
            operators.insert(op);
            if ((operatorName.empty() || op == operatorName) && !f.geom.parts.empty() && !f.geom.parts[0].empty() &&
                !f.geom.parts[0][0].empty())
                sites.push_back(f.geom.parts[0][0][0]);
        }
    }
    r.operators.assign(operators.begin(), operators.end());
    r.operators.erase(std::remove(r.operators.begin(), r.operators.end(), std::string()), r.operators.end());
    struct Shares {
        double good = NAN, weakOnly = NAN;
    };
    std::map<std::string, Shares> opShares;
    if (!operatorName.empty()) {
        if (!store.hasLayer("village_coverage"))
            throw Error(ErrorKind::Usage, "--operator", "the project has no coverage per operator: run `bando analyze` first");
        const Layer vc = store.readLayer("village_coverage");
        for (const auto& f : vc.features) {
            const std::string op = vc.text(f, "operator");
            if (op != "any")
                operators.insert(op);
            if (op == operatorName && vc.text(f, "technology") == "any")
                opShares[vc.text(f, "village_code")] = {vc.real(f, "hh_good_share", NAN),
                                                        vc.real(f, "hh_weak_only_share", NAN)};
        }
        if (!operators.count(operatorName)) {
            std::string known;
            for (const auto& o : operators)
                known += (known.empty() ? "" : ", ") + o;
            throw Error(ErrorKind::Usage, "--operator",
                        "unknown operator '" + operatorName + "' (known: " + (known.empty() ? "none" : known) + ")");
        }
    }

    // Label points of the villages for the distances.
    std::map<std::string, XY> label;
    if (store.hasLayer(schema::kVillages)) {
        const Layer l = store.readLayer(schema::kVillages);
        for (const auto& f : l.features)
            if (!f.geom.parts.empty())
                label[l.text(f, "code")] = interiorPoint(f.geom);
    }
    r.proposedSites = store.hasLayer("proposed_sites");

    const auto* households = t.field("households");
    const auto* shareGood = t.field("share_good");
    const auto* broadband = t.field("broadband");
    std::map<std::string, GapTotals> byDistrict;
    for (size_t i = 0; i < t.size(); ++i) {
        if (!district.empty() && t.district[i] != district)
            continue;
        ++r.villagesChecked;
        GapRow row;
        row.code = t.code[i];
        row.name = t.name[i];
        row.communeCode = t.commune[i];
        row.districtCode = t.district[i];
        row.commune = communeName.count(row.communeCode) ? communeName[row.communeCode] : row.communeCode;
        row.district = districtName.count(row.districtCode) ? districtName[row.districtCode] : row.districtCode;
        const double hh = households ? (*households)[i] : NAN;
        row.households = std::isfinite(hh) ? static_cast<int64_t>(hh) : 0;
        row.broadband = broadband && (*broadband)[i] == 1;
        if (operatorName.empty()) {
            row.mobileClass = t.mobileClass[i];
            row.coveredShare = shareGood ? (*shareGood)[i] : NAN;
        } else {
            const Shares s = opShares.count(row.code) ? opShares[row.code] : Shares{0, 0};
            const double good = std::isfinite(s.good) ? s.good : 0;
            const double any = good + (std::isfinite(s.weakOnly) ? s.weakOnly : 0);
            row.mobileClass = any < r.thresholds.noSignalShareAny      ? "no_signal"
                              : good < r.thresholds.unstableShareGood ? "unstable"
                                                                      : "covered";
            row.coveredShare = good;
        }
        if (row.mobileClass == "covered" && row.broadband)
            continue;  // not a gap
        auto lit = label.find(row.code);
        if (lit != label.end() && !sites.empty()) {
            double best = std::numeric_limits<double>::infinity();
            for (const auto& p : sites)
                best = std::min(best, geodesicMetres(lit->second.x, lit->second.y, p.x, p.y));
            row.distSiteM = best;
        }
        GapTotals& d = byDistrict[row.districtCode];
        d.code = row.districtCode;
        d.name = row.district;
        for (GapTotals* g : {&d, &r.total}) {
            ++g->villages;
            g->noSignal += row.mobileClass == "no_signal";
            g->unstable += row.mobileClass == "unstable";
            g->noBroadband += !row.broadband;
            g->households += row.households;
        }
        r.rows.push_back(std::move(row));
    }
    std::stable_sort(r.rows.begin(), r.rows.end(), [](const GapRow& a, const GapRow& b) {
        return a.districtCode != b.districtCode ? a.districtCode < b.districtCode : a.code < b.code;
    });
    for (auto& [code, d] : byDistrict)
        r.districts.push_back(d);
    return r;
}

} // namespace bando::report
