#include "core/tasks/units_task.hpp"

#include "core/base/error.hpp"
#include "core/capi/geos.hpp"
#include "core/capi/geos_convert.hpp"
#include "core/i18n/i18n.hpp"
#include "core/crs/reproject.hpp"
#include "core/model/schema.hpp"
#include "core/planning/targets.hpp"
#include "core/store/project_store.hpp"
#include "core/units/map_units.hpp"
#include "core/units/villages.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <numeric>
#include <set>

namespace bando::tasks {
namespace {

using units::Registry;

constexpr int kMetricEpsg = 9215;  // VN-2000 / TM-3 107-15: distances between village centres

struct Village {
    std::string code, name, commune;  // commune: its code in the `from` version
    std::string district;             // its district in the `from` version
    XY centre{0, 0};                  // metric
    double areaKm2 = 0;
    int64_t households = 0;
    Geometry geom;                    // WGS 84 (for the dissolved layer)
    std::vector<std::string> unitIn;  // its unit code in each version from `from` to `to`
    std::string how = "whole";
    // indicators (one date)
    bool analysed = false;
    int64_t shops = 0, epay = 0, locomotive = 0;
    int teams = 0, teamRuleMet = 0;
    std::string cls;
    bool broadband = false;
    double gapHouseholds = 0, weakOnlyHouseholds = 0, gapAreaKm2 = 0, hhGoodShare = 0, minutesMainRoad = -1;
};

std::string pct(double share)
{
    char b[32];
    std::snprintf(b, sizeof b, "%.1f %%", share * 100);
    return b;
}

// Divides the villages of a split unit among the receiving units along village lines.
void splitVillages(const units::Link& first, const std::vector<const units::Link*>& links,
                   std::vector<Village*>& members, const std::map<std::string, std::vector<XY>>& anchors, size_t step,
                   SplitReport& report)
{
    const size_t n = members.size(), k = links.size();
    auto dist = [&](const Village* v, const std::string& to) {
        double best = std::numeric_limits<double>::infinity();
        auto it = anchors.find(to);
        if (it != anchors.end())
            for (const XY& a : it->second)
                best = std::min(best, std::hypot(a.x - v->centre.x, a.y - v->centre.y));
        return best;
    };
    std::vector<size_t> choice(n, 0);
    const units::PublishedSplit* published = nullptr;
    for (const auto& p : units::publishedSplits())
        if (p.fromVersion == first.fromVersion && p.fromCode == first.fromCode && k == 2 &&
            (links[0]->toCode == p.toCode || links[1]->toCode == p.toCode))
            published = &p;
    if (published && n >= 2) {
        // The villages nearest the receiving unit go to it until their area best matches the
        // published area share; the others go to the rest.
        const size_t part = links[0]->toCode == published->toCode ? 0 : 1, rest = 1 - part;
        std::vector<Village*> order = members;
        std::stable_sort(order.begin(), order.end(), [&](const Village* a, const Village* b) {
            return dist(a, links[part]->toCode) - dist(a, links[rest]->toCode) <
                   dist(b, links[part]->toCode) - dist(b, links[rest]->toCode);
        });
        double total = 0;
        for (const Village* v : order)
            total += v->areaKm2;
        const double want = total * published->areaKm2 / published->areaTotalKm2;
        size_t take = 1;
        double acc = order[0]->areaKm2, bestErr = std::fabs(acc - want);
        for (size_t i = 1; i + 1 < n; ++i) {
            const double err = std::fabs(acc + order[i]->areaKm2 - want);
            if (err >= bestErr)
                break;
            acc += order[i]->areaKm2;
            bestErr = err;
            take = i + 1;
        }
        for (size_t i = 0; i < n; ++i) {
            const size_t idx = static_cast<size_t>(std::find(members.begin(), members.end(), order[i]) - members.begin());
            choice[idx] = i < take ? part : rest;
        }
        char a[32], t[32];
        std::snprintf(a, sizeof a, "%.2f", published->areaKm2);
        std::snprintf(t, sizeof t, "%.2f", published->areaTotalKm2);
        report.rule = trf("area share {1}/{2} km² (published), matched along village lines", {a, t});
    } else {
        // No published size: every village to the nearest receiving unit (its nearest village
        // centre), each receiving unit getting at least one village when there are enough.
        std::vector<int> count(k, 0);
        for (size_t i = 0; i < n; ++i) {
            size_t best = 0;
            for (size_t t = 1; t < k; ++t)
                if (dist(members[i], links[t]->toCode) < dist(members[i], links[best]->toCode))
                    best = t;
            choice[i] = best;
            count[best]++;
        }
        for (size_t t = 0; t < k && n >= k; ++t) {
            if (count[t] > 0)
                continue;
            size_t pick = n;
            double bestGap = std::numeric_limits<double>::infinity();
            for (size_t i = 0; i < n; ++i) {
                if (count[choice[i]] < 2)
                    continue;
                const double gap = dist(members[i], links[t]->toCode) - dist(members[i], links[choice[i]]->toCode);
                if (gap < bestGap)
                    bestGap = gap, pick = i;
            }
            if (pick < n) {
                count[choice[pick]]--;
                choice[pick] = t;
                count[t]++;
            }
        }
        report.rule = tr("no published size: each village to the nearest receiving unit");
    }
    for (size_t i = 0; i < n; ++i) {
        members[i]->unitIn[step + 1] = links[choice[i]]->toCode;
        members[i]->how = "split";
    }
}

struct Acc {
    UnitFigures f;
    double hhGood = 0, hhMinutes = 0, hhWithMinutes = 0;
    std::map<std::string, std::pair<int64_t, double>> from;  // old unit -> households, area
    std::set<const Village*> villages;
    void add(const Village& v)
    {
        f.villages++;
        f.households += v.households;
        f.areaKm2 += v.areaKm2;
        from[v.commune].first += v.households;
        from[v.commune].second += v.areaKm2;
        villages.insert(&v);
        if (!v.analysed)
            return;
        f.shops += v.shops, f.epay += v.epay, f.locomotive += v.locomotive;
        f.teams += v.teams, f.villagesTeamRuleMet += v.teamRuleMet;
        f.noSignal += v.cls == "no_signal", f.unstable += v.cls == "unstable", f.covered += v.cls == "covered";
        f.noBroadband += !v.broadband;
        f.gapHouseholds += v.gapHouseholds, f.weakOnlyHouseholds += v.weakOnlyHouseholds, f.gapAreaKm2 += v.gapAreaKm2;
        hhGood += v.hhGoodShare * static_cast<double>(v.households);
        if (v.minutesMainRoad >= 0) {
            hhMinutes += v.minutesMainRoad * static_cast<double>(v.households);
            hhWithMinutes += static_cast<double>(v.households);
        }
    }
    void finish()
    {
        const double hh = static_cast<double>(f.households);
        if (hh > 0) {
            f.shopPct = 100.0 * static_cast<double>(f.shops) / hh;
            f.epayPct = 100.0 * static_cast<double>(f.epay) / hh;
            f.locomotivePct = 100.0 * static_cast<double>(f.locomotive) / hh;
            f.hhGoodShare = hhGood / hh;
        }
        f.shopsPerKm2 = f.areaKm2 > 0 ? static_cast<double>(f.shops) / f.areaKm2 : 0;
        f.minutesMainRoad = hhWithMinutes > 0 ? hhMinutes / hhWithMinutes : -1;
    }
};


// Splits `total` over `weights` (rounded by largest remainder: the parts sum exactly to total).
std::vector<int64_t> apportion(int64_t total, const std::vector<double>& weights)
{
    std::vector<int64_t> out(weights.size(), 0);
    const double sum = std::accumulate(weights.begin(), weights.end(), 0.0);
    if (weights.empty() || total < 0)
        return out;
    std::vector<std::pair<double, size_t>> rest;
    int64_t given = 0;
    for (size_t i = 0; i < weights.size(); ++i) {
        const double exact = sum > 0 ? static_cast<double>(total) * weights[i] / sum
                                     : static_cast<double>(total) / static_cast<double>(weights.size());
        out[i] = static_cast<int64_t>(std::floor(exact));
        given += out[i];
        rest.emplace_back(exact - static_cast<double>(out[i]), i);
    }
    std::stable_sort(rest.begin(), rest.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (size_t k = 0; given < total; k = (k + 1) % rest.size(), ++given)
        out[rest[k].second]++;
    return out;
}

} // namespace

const std::vector<std::string>& unitsTables()
{
    static const std::vector<std::string> t = {"indicators", "targets", "progress", "gaps"};
    return t;
}

bool UnitsRequest::wants(const std::string& table) const
{
    return std::find(what.begin(), what.end(), table) != what.end() ||
           std::find(what.begin(), what.end(), "all") != what.end();
}

namespace {
} // namespace

void UnitsRequest::validate() const
{
    if (project.empty())
        throw Error(ErrorKind::Usage, "PROJECT", "expected a project file");
    const Registry& r = Registry::shipped();
    if (!r.hasVersion(to))
        throw Error(ErrorKind::Usage, "--to", "unknown unit version '" + to + "' (known: v2021, v2024-12, v2025-07)");
    if (!r.hasVersion(from))
        throw Error(ErrorKind::Usage, "--from", "unknown unit version '" + from + "' (known: v2021, v2024-12, v2025-07)");
    if (r.rank(to) < r.rank(from))
        throw Error(ErrorKind::Usage, "--to",
                    "'" + to + "' is older than the project's units (" + from +
                        "): figures are carried forward only (a village's unit in an older version is not known)");
    if (!villages.empty() && villages != units::kVillagesV2021_12)
        throw Error(ErrorKind::Usage, "--villages", "unknown village version '" + villages + "' (known: v2021-12)");
    if (what.empty())
        throw Error(ErrorKind::Usage, "--what", "expected indicators, targets, progress, gaps or all");
    for (const auto& w : what)
        if (w != "all" && std::find(unitsTables().begin(), unitsTables().end(), w) == unitsTables().end())
            throw Error(ErrorKind::Usage, "--what",
                        "unknown table '" + w + "' (known: indicators, targets, progress, gaps, all)");
    if (!date.empty() && (date.size() != 10 || date[4] != '-' || date[7] != '-'))
        throw Error(ErrorKind::Usage, "--date", "expected YYYY-MM-DD, got '" + date + "'");
}

UnitsResult run(const UnitsRequest& request, Feedback& fb)
{
    request.validate();
    const Registry& reg = Registry::shipped();
    UnitsResult res;
    res.project = request.project, res.from = request.from, res.to = request.to;
    auto store = ProjectStore::open(request.project,
                                    request.store ? ProjectStore::Mode::ReadWrite : ProjectStore::Mode::ReadOnly);
    fb.setStep("read villages");
    if (!store->hasLayer(schema::kVillages))
        throw Error(ErrorKind::Usage, request.project, "the project has no villages layer");
    Layer vl = store->readLayer(schema::kVillages, &fb);
    const int iCode = vl.requireField("code"), iCommune = vl.requireField("commune_code");
    Layer metric = vl;
    crs::reproject(metric, kMetricEpsg);

    // versions from `from` to `to`
    std::vector<std::string> chain;
    for (int k = reg.rank(request.from); k <= reg.rank(request.to); ++k)
        chain.push_back(reg.versions()[k].id);

    std::vector<Village> villages(vl.features.size());
    std::map<std::string, Village*> byCode;
    for (size_t i = 0; i < vl.features.size(); ++i) {
        const Feature& f = vl.features[i];
        Village& v = villages[i];
        v.code = toString(f.values[iCode]);
        v.name = vl.text(f, "name");
        v.commune = toString(f.values[iCommune]);
        if (!reg.find(request.from, v.commune))
            throw Error(ErrorKind::Format, request.project + ": villages, row " + std::to_string(i + 1) + ", field commune_code",
                        "'" + v.commune + "' is not a commune of " + request.from);
        v.district = reg.find(request.from, v.commune)->parentCode;
        v.households = vl.integer(f, "households");
        v.geom = f.geom;
        v.areaKm2 = area(metric.features[i].geom) / 1e6;
        if (!metric.features[i].geom.isEmpty())
            v.centre = interiorPoint(metric.features[i].geom);
        v.unitIn.assign(chain.size(), "");
        v.unitIn[0] = v.commune;
        byCode[v.code] = &v;
    }
    if (villages.empty())
        throw Error(ErrorKind::Usage, request.project, "the villages layer is empty");

    // ---- indicators of one date ----
    fb.setStep("read indicators");
    if (store->hasLayer("village_indicators")) {
        Layer vi = store->readLayer("village_indicators", &fb);
        std::string date = request.date;
        if (date.empty())
            for (const auto& f : vi.features)
                date = std::max(date, vi.text(f, "date"));
        res.date = date;
        for (const auto& f : vi.features) {
            if (vi.text(f, "date") != date)
                continue;
            auto it = byCode.find(vi.text(f, "village_code"));
            if (it == byCode.end())
                continue;
            Village& v = *it->second;
            v.analysed = true;
            v.households = vi.integer(f, "households", v.households);
            v.shops = vi.integer(f, "shops"), v.epay = vi.integer(f, "epay"), v.locomotive = vi.integer(f, "locomotive");
            v.teams = static_cast<int>(vi.integer(f, "teams")), v.teamRuleMet = static_cast<int>(vi.integer(f, "team_rule_met"));
            v.cls = vi.text(f, "class");
            v.broadband = vi.integer(f, "broadband") == 1;
            v.gapHouseholds = vi.real(f, "gap_households"), v.weakOnlyHouseholds = vi.real(f, "weak_only_households");
            v.gapAreaKm2 = vi.real(f, "gap_area_km2"), v.hhGoodShare = vi.real(f, "hh_good_share");
            v.minutesMainRoad = vi.real(f, "minutes_main_road", -1);
        }
        if (!request.date.empty() && std::none_of(villages.begin(), villages.end(), [](const Village& v) { return v.analysed; }))
            throw Error(ErrorKind::Usage, "--date", "no village indicators at " + request.date + " (run `bando analyze --date`)");
    }
    if (res.date.empty())
        res.notes.push_back(tr("no village indicators (run `bando analyze`): households and areas only"));
    fb.setProgress(20);

    // ---- each village's unit, step by step ----
    fb.setStep("assign villages");
    for (size_t s = 0; s + 1 < chain.size(); ++s) {
        fb.throwIfCancelled();
        std::map<std::string, std::vector<const units::Link*>> linksOf;
        for (const auto& l : reg.step(chain[s]))
            linksOf[l.fromCode].push_back(&l);
        std::map<std::string, std::vector<Village*>> members;
        for (auto& v : villages)
            members[v.unitIn[s]].push_back(&v);
        std::map<std::string, std::vector<XY>> anchors;  // receiving unit -> centres of villages passing whole
        for (auto& [code, vs] : members) {
            auto it = linksOf.find(code);
            if (it == linksOf.end())
                throw Error(ErrorKind::Internal, chain[s], "no crosswalk for unit " + code);
            if (it->second.size() == 1)
                for (Village* v : vs) {
                    v->unitIn[s + 1] = it->second[0]->toCode;
                    anchors[it->second[0]->toCode].push_back(v->centre);
                }
        }
        for (auto& [code, vs] : members) {
            const auto& links = linksOf[code];
            if (links.size() < 2)
                continue;
            SplitReport rep;
            rep.fromVersion = chain[s], rep.fromCode = code, rep.fromName = links[0]->fromName;
            splitVillages(*links[0], links, vs, anchors, s, rep);
            int64_t hh = 0;
            double ar = 0;
            for (const Village* v : vs)
                hh += v->households, ar += v->areaKm2;
            for (const auto* l : links) {
                SplitReport::Part p;
                p.toCode = l->toCode, p.toName = l->toName;
                for (const Village* v : vs)
                    if (v->unitIn[s + 1] == l->toCode)
                        p.villages++, p.households += v->households, p.areaKm2 += v->areaKm2;
                p.share = hh > 0 ? static_cast<double>(p.households) / static_cast<double>(hh) : (ar > 0 ? p.areaKm2 / ar : 0);
                rep.parts.push_back(p);
            }
            res.splits.push_back(std::move(rep));
        }
    }
    fb.setProgress(40);

    // ---- the project's crosswalk: shares by households along village lines ----
    const std::string& to = request.to;
    const auto regLinks = reg.crosswalk(request.from, to);
    {
        std::map<std::pair<std::string, std::string>, std::tuple<int, int64_t, double>> parts;
        std::map<std::string, std::pair<int64_t, double>> whole;
        for (const auto& v : villages) {
            auto& p = parts[{v.commune, v.unitIn.back()}];
            std::get<0>(p)++, std::get<1>(p) += v.households, std::get<2>(p) += v.areaKm2;
            whole[v.commune].first += v.households, whole[v.commune].second += v.areaKm2;
        }
        for (const auto& l : regLinks) {
            units::Link x = l;
            auto it = parts.find({l.fromCode, l.toCode});
            auto w = whole.find(l.fromCode);
            if (w == whole.end()) {
                x.note = x.note.empty() ? "no villages in the project: registry share" : x.note + " | no villages in the project";
                res.crosswalk.push_back(std::move(x));
                continue;
            }
            if (it == parts.end()) {
                x.share = 0;  // the village lines gave this part no village
                x.basis = "households (village lines)";
                x.note = "no village of the project falls in this part";
                res.crosswalk.push_back(std::move(x));
                continue;
            }
            if (l.basis != "whole") {
                x.basis = w->second.first > 0 ? "households (village lines)" : "area (village lines)";
                x.share = w->second.first > 0
                              ? static_cast<double>(std::get<1>(it->second)) / static_cast<double>(w->second.first)
                              : std::get<2>(it->second) / w->second.second;
            }
            res.crosswalk.push_back(std::move(x));
        }
    }

    // ---- figures per target unit ----
    fb.setStep("sum figures");
    std::map<std::string, Acc> communes;
    for (const auto& v : villages)
        communes[v.unitIn.back()].add(v);
    std::map<std::string, std::set<const Village*>> fromMembers;
    for (const auto& v : villages)
        fromMembers[v.commune].insert(&v);
    const bool hasDistricts = reg.version(to).hasDistricts;
    std::map<std::string, Acc> districts;
    Acc province;
    for (auto& [code, a] : communes) {
        const units::Unit* u = reg.find(to, code);
        a.f.level = "commune", a.f.code = code, a.f.name = u->name, a.f.parentCode = u->parentCode;
        // method: exact = one old unit, whole, same code and name; summed = whole old units; apportioned
        bool allWhole = true;
        std::string src;
        for (const auto& [old, hhArea] : a.from) {
            size_t inHere = 0;
            for (const Village* v : a.villages)
                inHere += v->commune == old;
            const bool isWhole = inHere == fromMembers[old].size();
            allWhole = allWhole && isWhole;
            if (!src.empty())
                src += "; ";
            src += old + "@" + request.from;
            if (!isWhole) {
                int64_t tot = 0;
                for (const Village* v : fromMembers[old])
                    tot += v->households;
                src += " (" + pct(tot > 0 ? static_cast<double>(hhArea.first) / static_cast<double>(tot) : 0) + ")";
            }
        }
        const units::Unit* same = reg.find(request.from, code);
        a.f.method = !allWhole ? "apportioned"
                     : (a.from.size() == 1 && same && same->name == u->name && a.from.count(code)) ? "exact"
                                                                                                  : "summed";
        a.f.sources = src;
        a.finish();
        for (const Village* v : a.villages) {
            if (hasDistricts)
                districts[u->parentCode].add(*v);
            province.add(*v);
        }
    }
    for (auto& [code, a] : districts) {
        const units::Unit* d = reg.find(to, code, "district");
        a.f.level = "district", a.f.code = code, a.f.name = d ? d->name : code, a.f.parentCode = units::kProvinceCode;
        // exact when it holds the same villages as the district of that code in the `from` version
        size_t same = 0;
        for (const Village* v : a.villages) {
            const units::Unit* c = reg.find(request.from, v->commune);
            same += c && c->parentCode == code;
        }
        size_t fromCount = 0;
        for (const auto& v : villages) {
            const units::Unit* c = reg.find(request.from, v.commune);
            fromCount += c && c->parentCode == code;
        }
        a.f.method = same == a.villages.size() && fromCount == a.villages.size() ? "exact" : "summed";
        a.f.sources = "communes of " + to;
        a.finish();
    }
    province.f.level = "province", province.f.code = units::kProvinceCode, province.f.name = units::kProvinceName;
    province.f.method = "exact";
    province.f.sources = "all villages";
    province.finish();
    for (auto& [code, a] : communes)
        res.units.push_back(a.f);
    for (auto& [code, a] : districts)
        res.units.push_back(a.f);
    res.units.push_back(province.f);
    res.communesFrom = static_cast<int>(fromMembers.size());
    res.communesTo = static_cast<int>(communes.size());

    // ---- conservation ----
    for (const auto& v : villages) {
        res.before.villages++;
        res.before.households += v.households, res.before.shops += v.shops, res.before.epay += v.epay;
        res.before.locomotive += v.locomotive, res.before.noSignal += v.cls == "no_signal";
        res.before.gapHouseholds += v.gapHouseholds;
    }
    for (const auto& u : res.units) {
        if (u.level != "commune")
            continue;
        res.after.villages += u.villages;
        res.after.households += u.households, res.after.shops += u.shops, res.after.epay += u.epay;
        res.after.locomotive += u.locomotive, res.after.noSignal += u.noSignal;
        res.after.gapHouseholds += u.gapHouseholds;
    }
    res.conserved = res.before.villages == res.after.villages && res.before.households == res.after.households &&
                    res.before.shops == res.after.shops && res.before.epay == res.after.epay &&
                    res.before.locomotive == res.after.locomotive && res.before.noSignal == res.after.noSignal &&
                    std::fabs(res.before.gapHouseholds - res.after.gapHouseholds) <= 1e-6 * (1 + res.before.gapHouseholds);
    if (!res.conserved)
        throw Error(ErrorKind::Internal, "units", "figures not conserved between " + request.from + " and " + to);
    fb.setProgress(60);

    // ---- targets, progress reports and gap lists in the target version (--what) ----
    auto unitName = [&](const std::string& code) { return reg.find(to, code)->name; };
    if (request.wants("targets")) {
        fb.setStep("targets");
        const Layer tl = store->hasLayer("targets") ? store->readLayer("targets", &fb) : Layer{};
        const Layer pl = store->hasLayer("phases") ? store->readLayer("phases", &fb) : Layer{};
        const planning::TargetTable table =
            planning::readTargetTable(store->hasLayer("targets") ? &tl : nullptr, store->hasLayer("phases") ? &pl : nullptr);
        if (table.rows.empty())
            res.notes.push_back(tr("no targets table: every village takes the program defaults (50 % shops, 50 % e-payment, 10 % locomotive)"));
        struct TAcc {
            UnitTarget t;
            std::set<std::string> scopes;
            std::set<std::tuple<double, double, double>> values;
        };
        std::map<std::string, TAcc> byUnit;
        TAcc prov;
        auto add = [](TAcc& a, const Village& v, const planning::EffectiveTarget& e, const std::string& scope) {
            const double hh = static_cast<double>(v.households);
            a.t.households += v.households;
            a.t.targetShops += hh * e.shopPct / 100, a.t.targetAccounts += hh * e.epayPct / 100;
            a.t.targetLocomotives += hh * e.locomotivePct / 100;
            a.scopes.insert(scope);
            a.values.insert({e.shopPct, e.epayPct, e.locomotivePct});
        };
        for (const auto& v : villages) {
            const planning::EffectiveTarget e = table.resolve(v.code, v.commune, v.district, units::kProvinceCode);
            const std::string scope = e.scope == "program" ? std::string("program") : e.scope + ":" + e.code;
            const double hh = static_cast<double>(v.households);
            res.targetsBefore.rows++;
            res.targetsBefore.shops += hh * e.shopPct / 100, res.targetsBefore.accounts += hh * e.epayPct / 100;
            res.targetsBefore.locomotives += hh * e.locomotivePct / 100;
            add(byUnit[v.unitIn.back()], v, e, scope);
            add(prov, v, e, scope);
        }
        auto finish = [](TAcc& a) {
            const double hh = static_cast<double>(a.t.households);
            if (hh > 0) {
                a.t.shopPct = 100 * a.t.targetShops / hh, a.t.epayPct = 100 * a.t.targetAccounts / hh;
                a.t.locomotivePct = 100 * a.t.targetLocomotives / hh;
            } else if (!a.values.empty()) {
                std::tie(a.t.shopPct, a.t.epayPct, a.t.locomotivePct) = *a.values.begin();
            }
            a.t.uniform = a.values.size() <= 1;
            for (const auto& sc : a.scopes)
                a.t.scopes += (a.t.scopes.empty() ? "" : "; ") + sc;
        };
        for (auto& [code, a] : byUnit) {
            const Acc& c = communes.at(code);
            a.t.level = "commune", a.t.code = code, a.t.name = unitName(code);
            a.t.method = c.f.method, a.t.sources = c.f.sources;
            finish(a);
            res.targetsAfter.rows++;
            res.targetsAfter.shops += a.t.targetShops, res.targetsAfter.accounts += a.t.targetAccounts;
            res.targetsAfter.locomotives += a.t.targetLocomotives;
            res.targets.push_back(a.t);
        }
        prov.t.level = "province", prov.t.code = units::kProvinceCode, prov.t.name = units::kProvinceName;
        prov.t.method = "exact", prov.t.sources = "all villages";
        finish(prov);
        res.targets.push_back(prov.t);
        auto near = [](double x, double y) { return std::fabs(x - y) <= 1e-6 * (1 + std::fabs(x)); };
        if (!near(res.targetsBefore.shops, res.targetsAfter.shops) || !near(res.targetsBefore.accounts, res.targetsAfter.accounts) ||
            !near(res.targetsBefore.locomotives, res.targetsAfter.locomotives))
            throw Error(ErrorKind::Internal, "units", "targets not conserved between " + request.from + " and " + to);
    }

    if (request.wants("progress")) {
        fb.setStep("progress reports");
        if (!store->hasLayer("progress_reports")) {
            res.notes.push_back(tr("no progress_reports table: no progress reports to re-express"));
        } else {
            const Layer rl = store->readLayer("progress_reports", &fb);
            const Layer pl = store->hasLayer("phases") ? store->readLayer("phases", &fb) : Layer{};
            const planning::TargetTable phases = planning::readTargetTable(nullptr, store->hasLayer("phases") ? &pl : nullptr);
            const char* measures[] = {"shops", "accounts", "locomotives", "teams", "members"};
            struct PAcc {
                UnitProgress p;
                int rows = 0;
                bool partial = false;
                std::array<int64_t, 5> sum{{-1, -1, -1, -1, -1}};
            };
            std::map<std::tuple<std::string, std::string, std::string>, PAcc> out;  // date, scope, unit
            for (size_t i = 0; i < rl.features.size(); ++i) {
                fb.throwIfCancelled();
                const Feature& f = rl.features[i];
                const std::string date = rl.text(f, "date"), scope = rl.text(f, "scope"), code = rl.text(f, "code");
                const std::string where = request.project + ": progress_reports, row " + std::to_string(i + 1);
                std::array<int64_t, 5> value{};
                for (size_t m = 0; m < 5; ++m)
                    value[m] = rl.integer(f, measures[m], -1);
                res.progressBefore.rows++;
                res.progressBefore.shops += static_cast<double>(std::max<int64_t>(value[0], 0));
                res.progressBefore.accounts += static_cast<double>(std::max<int64_t>(value[1], 0));
                res.progressBefore.locomotives += static_cast<double>(std::max<int64_t>(value[2], 0));
                // the villages the row speaks for, by unit of the target version
                std::map<std::string, double> weight;  // unit -> households (villages when none)
                std::map<std::string, int> count;
                if (scope == "province") {
                    weight[units::kProvinceCode] = 1;
                } else {
                    std::set<std::string> districtsOf;
                    if (scope == "phase") {
                        for (const auto& ph : phases.phases)
                            if (std::to_string(ph.phase) == code)
                                districtsOf.insert(ph.district);
                        if (districtsOf.empty())
                            throw Error(ErrorKind::Format, where + ", field code", "phase '" + code + "' has no districts in the phases table");
                    } else if (scope != "district" && scope != "commune" && scope != "village") {
                        throw Error(ErrorKind::Format, where + ", field scope",
                                    "unknown scope '" + scope + "' (province, phase, district, commune, village)");
                    }
                    for (const auto& v : villages) {
                        const bool in = scope == "phase" ? districtsOf.count(v.district) > 0
                                        : scope == "district" ? v.district == code
                                        : scope == "commune"  ? v.commune == code
                                                              : v.code == code;
                        if (in)
                            weight[v.unitIn.back()] += static_cast<double>(v.households), count[v.unitIn.back()]++;
                    }
                    if (weight.empty())
                        throw Error(ErrorKind::Format, where + ", field code",
                                    "no village of the project lies in " + scope + " '" + code + "' (" + request.from + ")");
                    if (std::all_of(weight.begin(), weight.end(), [](const auto& w) { return w.second <= 0; }))
                        for (auto& [u, w] : weight)
                            w = count[u];
                }
                std::vector<double> ws;
                for (const auto& [u, w] : weight)
                    ws.push_back(w);
                const double total = std::accumulate(ws.begin(), ws.end(), 0.0);
                std::array<std::vector<int64_t>, 5> parts;
                for (size_t m = 0; m < 5; ++m)
                    parts[m] = apportion(std::max<int64_t>(value[m], 0), ws);
                size_t k = 0;
                for (const auto& [u, w] : weight) {
                    const bool province = scope == "province";
                    PAcc& a = out[{date, scope, u}];
                    a.p.date = date, a.p.fromScope = scope;
                    a.p.level = province ? "province" : "commune", a.p.code = u;
                    a.p.name = province ? units::kProvinceName : unitName(u);
                    a.rows++;
                    const double share = total > 0 ? w / total : 1;
                    a.partial = a.partial || share < 1 - 1e-12;
                    a.p.sources += (a.p.sources.empty() ? "" : "; ") + scope + ":" + code;
                    if (share < 1 - 1e-12)
                        a.p.sources += " (" + pct(share) + ")";
                    for (size_t m = 0; m < 5; ++m)
                        if (value[m] >= 0)
                            a.sum[m] = std::max<int64_t>(a.sum[m], 0) + parts[m][k];
                    ++k;
                }
            }
            for (auto& [key, a] : out) {
                a.p.shops = a.sum[0], a.p.accounts = a.sum[1], a.p.locomotives = a.sum[2];
                a.p.teams = a.sum[3], a.p.members = a.sum[4];
                a.p.method = a.partial ? "apportioned" : a.rows > 1 ? "summed" : "exact";
                a.p.basis = a.partial ? "households (village lines)" : "whole";
                res.progressAfter.rows++;
                res.progressAfter.shops += static_cast<double>(std::max<int64_t>(a.p.shops, 0));
                res.progressAfter.accounts += static_cast<double>(std::max<int64_t>(a.p.accounts, 0));
                res.progressAfter.locomotives += static_cast<double>(std::max<int64_t>(a.p.locomotives, 0));
                res.progress.push_back(a.p);
            }
            if (res.progressBefore.shops != res.progressAfter.shops || res.progressBefore.accounts != res.progressAfter.accounts ||
                res.progressBefore.locomotives != res.progressAfter.locomotives)
                throw Error(ErrorKind::Internal, "units", "progress reports not conserved between " + request.from + " and " + to);
        }
    }

    if (request.wants("gaps")) {
        fb.setStep("gap lists");
        if (res.date.empty())
            res.notes.push_back(tr("no village indicators: the analysis' gap villages are not listed (run `bando analyze`)"));
        for (const auto& v : villages) {
            if (!v.analysed)
                continue;
            res.gapsBefore.gapVillages += v.cls == "no_signal";
            res.gapsBefore.gapHouseholds += v.gapHouseholds;
            if (v.cls != "no_signal" && v.gapHouseholds <= 0)
                continue;
            UnitGap g;
            g.list = "analysis", g.villageCode = v.code, g.villageName = v.name, g.fromCode = v.commune;
            g.unitCode = v.unitIn.back(), g.unitName = unitName(g.unitCode), g.how = v.how;
            g.status = v.cls, g.date = res.date, g.households = v.households;
            g.gapHouseholds = v.gapHouseholds, g.gapAreaKm2 = v.gapAreaKm2;
            res.gapsAfter.gapVillages += v.cls == "no_signal";
            res.gapsAfter.gapHouseholds += v.gapHouseholds;
            res.gaps.push_back(std::move(g));
        }
        if (store->hasLayer("survey_gaps")) {
            const Layer sg = store->readLayer("survey_gaps", &fb);
            res.gapsBefore.surveyRows = static_cast<int64_t>(sg.features.size());
            for (size_t i = 0; i < sg.features.size(); ++i) {
                const Feature& f = sg.features[i];
                auto it = byCode.find(sg.text(f, "village_code"));
                if (it == byCode.end())
                    throw Error(ErrorKind::Format,
                                request.project + ": survey_gaps, row " + std::to_string(i + 1) + ", field village_code",
                                "'" + sg.text(f, "village_code") + "' is not a village of the project");
                const Village& v = *it->second;
                UnitGap g;
                g.list = "survey", g.villageCode = v.code, g.villageName = v.name, g.fromCode = v.commune;
                g.unitCode = v.unitIn.back(), g.unitName = unitName(g.unitCode), g.how = v.how;
                g.status = sg.text(f, "status"), g.operatorName = sg.text(f, "operator");
                g.date = sg.text(f, "surveyed"), g.source = sg.text(f, "source"), g.households = v.households;
                res.gapsAfter.surveyRows++;
                res.gaps.push_back(std::move(g));
            }
        }
        if (res.gapsBefore.gapVillages != res.gapsAfter.gapVillages || res.gapsBefore.surveyRows != res.gapsAfter.surveyRows ||
            std::fabs(res.gapsBefore.gapHouseholds - res.gapsAfter.gapHouseholds) > 1e-6 * (1 + res.gapsBefore.gapHouseholds))
            throw Error(ErrorKind::Internal, "units", "gap lists not conserved between " + request.from + " and " + to);
    }

    // ---- the villages of a village version (NQ 57/NQ-HĐND of 12/2021) ----
    std::vector<UnitFigures> villageRows;
    if (!request.villages.empty()) {
        fb.setStep("village version");
        if (!store->hasLayer("village_crosswalk"))
            throw Error(ErrorKind::Usage, "--villages", "the project has no village_crosswalk table");
        const Layer vc = store->readLayer("village_crosswalk", &fb);
        std::map<std::string, std::pair<std::string, std::string>> target;  // old code -> new code, name
        std::map<std::string, std::string> howOf;
        for (size_t i = 0; i < vc.features.size(); ++i) {
            const Feature& f = vc.features[i];
            if (vc.text(f, "from_version") != units::kVillagesV2021 || vc.text(f, "to_version") != request.villages)
                continue;
            const std::string from = vc.text(f, "from_code");
            if (!target.emplace(from, std::make_pair(vc.text(f, "to_code"), vc.text(f, "to_name"))).second)
                throw Error(ErrorKind::Format, request.project + ": village_crosswalk, row " + std::to_string(i + 1) + ", field from_code",
                            "village '" + from + "' is mapped twice to " + request.villages);
            howOf[from] = vc.text(f, "how");
        }
        if (target.empty())
            throw Error(ErrorKind::Usage, "--villages", "the village_crosswalk table has no rows to " + request.villages);
        std::map<std::string, Acc> byNew;
        std::map<std::string, std::string> newName;
        std::map<std::string, std::vector<std::string>> olds;
        for (const auto& v : villages) {
            auto it = target.find(v.code);
            if (it == target.end())
                throw Error(ErrorKind::Format, request.project + ": village_crosswalk",
                            "village '" + v.code + "' has no row to " + request.villages);
            Acc& a = byNew[it->second.first];
            if (a.f.villages == 0)
                a.f.parentCode = v.unitIn.back();
            a.add(v);
            newName[it->second.first] = it->second.second;
            olds[it->second.first].push_back(v.code);
            res.villagesMerged += howOf[v.code] == "merged";
            res.villagesDissolved += howOf[v.code] == "dissolved";
        }
        UnitsTotals vt;
        for (auto& [code, a] : byNew) {
            a.f.level = "village", a.f.code = code, a.f.name = newName[code];
            a.f.method = olds[code].size() == 1 && olds[code][0] == code ? "exact" : "summed";
            for (const auto& o : olds[code])
                a.f.sources += (a.f.sources.empty() ? "" : "; ") + o + "@" + units::kVillagesV2021;
            a.finish();
            vt.villages += 1, vt.households += a.f.households, vt.shops += a.f.shops, vt.epay += a.f.epay;
            vt.locomotive += a.f.locomotive, vt.noSignal += a.f.noSignal, vt.gapHouseholds += a.f.gapHouseholds;
            villageRows.push_back(a.f);
        }
        if (vt.households != res.before.households || vt.shops != res.before.shops || vt.epay != res.before.epay ||
            vt.noSignal != res.before.noSignal ||
            std::fabs(vt.gapHouseholds - res.before.gapHouseholds) > 1e-6 * (1 + res.before.gapHouseholds))
            throw Error(ErrorKind::Internal, "units", "village figures not conserved between v2021 and " + request.villages);
        res.villageVersion = request.villages;
        res.villagesTo = static_cast<int>(villageRows.size());
        for (const auto& r : villageRows)
            res.units.push_back(r);
    }

    // ---- the dissolved commune polygons of a later version ----
    Layer polygons;
    const bool makeGeometry = request.geometry && to != request.from;
    if (makeGeometry) {
        fb.setStep("dissolve villages");
        polygons = schema::makeLayer(units::communesLayerOf(to));
        for (auto& [code, a] : communes) {
            fb.throwIfCancelled();
            std::vector<geos::GeomPtr> parts;
            int64_t population = 0;
            for (const Village* v : a.villages)
                if (!v->geom.isEmpty())
                    parts.push_back(geos::toGeos(v->geom));
            for (size_t i = 0; i < vl.features.size(); ++i)
                if (villages[i].unitIn.back() == code)
                    population += vl.integer(vl.features[i], "population");
            Geometry g;
            if (!parts.empty()) {
                geos::GeomPtr coll = geos::collection(GEOS_GEOMETRYCOLLECTION, std::move(parts), "collect villages");
                geos::GeomPtr u = geos::make("dissolve villages", [&] { return GEOSUnaryUnion_r(geos::ctx(), coll.get()); });
                g = geos::polygonalPart(u.get());
            }
            const units::Unit* unit = reg.find(to, code);
            Feature& f = polygons.addFeature(std::move(g));
            polygons.set(f, "version", to);
            polygons.set(f, "code", code);
            polygons.set(f, "name", unit->name);
            polygons.set(f, "type", unit->type);
            polygons.set(f, "parent_code", unit->parentCode);
            polygons.set(f, "villages", int64_t{a.f.villages});
            polygons.set(f, "households", a.f.households);
            polygons.set(f, "population", population);
            polygons.set(f, "area_km2", a.f.areaKm2);
            polygons.set(f, "method", a.f.method);
            polygons.set(f, "sources", a.f.sources);
        }
    }
    fb.setProgress(85);
    if (!request.store)
        return res;

    // ---- store, in one transaction ----
    fb.setStep("store");
    Layer uv = schema::makeLayer("unit_versions");
    for (const auto& u : reg.all()) {
        Feature& f = uv.addFeature({});
        uv.set(f, "version", u.version), uv.set(f, "level", u.level), uv.set(f, "code", u.code);
        uv.set(f, "name", u.name), uv.set(f, "type", u.type), uv.set(f, "parent_code", u.parentCode);
        uv.set(f, "parent_name", u.parentName), uv.set(f, "valid_from", u.validFrom);
        if (!u.validTo.empty())
            uv.set(f, "valid_to", u.validTo);
    }
    Layer cw = schema::makeLayer("unit_crosswalk");
    for (const auto& l : res.crosswalk) {
        Feature& f = cw.addFeature({});
        cw.set(f, "from_version", l.fromVersion), cw.set(f, "from_code", l.fromCode), cw.set(f, "from_name", l.fromName);
        cw.set(f, "to_version", l.toVersion), cw.set(f, "to_code", l.toCode), cw.set(f, "to_name", l.toName);
        cw.set(f, "share", l.share), cw.set(f, "basis", l.basis), cw.set(f, "confidence", l.confidence);
        int nv = 0;
        int64_t hh = 0;
        double ar = 0;
        for (const auto& v : villages)
            if (v.commune == l.fromCode && v.unitIn.back() == l.toCode)
                nv++, hh += v.households, ar += v.areaKm2;
        cw.set(f, "villages", int64_t{nv}), cw.set(f, "households", hh), cw.set(f, "area_km2", ar);
        if (!l.note.empty())
            cw.set(f, "note", l.note);
    }
    Layer vu = schema::makeLayer("village_units");
    for (const auto& v : villages) {
        Feature& f = vu.addFeature({});
        vu.set(f, "village_code", v.code), vu.set(f, "village_name", v.name);
        vu.set(f, "from_version", request.from), vu.set(f, "from_code", v.commune);
        vu.set(f, "version", to), vu.set(f, "unit_code", v.unitIn.back());
        vu.set(f, "unit_name", reg.find(to, v.unitIn.back())->name), vu.set(f, "how", v.how);
    }
    Layer ui = schema::makeLayer("unit_indicators_versioned");
    for (const auto& u : res.units) {
        Feature& f = ui.addFeature({});
        ui.set(f, "version", u.level == "village" ? request.villages : to), ui.set(f, "date", res.date), ui.set(f, "level", u.level), ui.set(f, "code", u.code);
        ui.set(f, "name", u.name), ui.set(f, "parent_code", u.parentCode), ui.set(f, "villages", int64_t{u.villages});
        ui.set(f, "households", u.households), ui.set(f, "shops", u.shops), ui.set(f, "epay", u.epay);
        ui.set(f, "locomotive", u.locomotive), ui.set(f, "shop_pct", u.shopPct), ui.set(f, "epay_pct", u.epayPct);
        ui.set(f, "locomotive_pct", u.locomotivePct), ui.set(f, "area_km2", u.areaKm2);
        ui.set(f, "shops_per_km2", u.shopsPerKm2), ui.set(f, "teams", int64_t{u.teams});
        ui.set(f, "villages_team_rule_met", int64_t{u.villagesTeamRuleMet}), ui.set(f, "no_signal", int64_t{u.noSignal});
        ui.set(f, "unstable", int64_t{u.unstable}), ui.set(f, "covered", int64_t{u.covered});
        ui.set(f, "no_broadband", int64_t{u.noBroadband}), ui.set(f, "gap_households", u.gapHouseholds);
        ui.set(f, "weak_only_households", u.weakOnlyHouseholds), ui.set(f, "gap_area_km2", u.gapAreaKm2);
        ui.set(f, "hh_good_share", u.hhGoodShare);
        if (u.minutesMainRoad >= 0)
            ui.set(f, "minutes_main_road", u.minutesMainRoad);
        ui.set(f, "method", u.method), ui.set(f, "sources", u.sources);
    }
    Layer ut = schema::makeLayer("unit_targets_versioned");
    for (const auto& t : res.targets) {
        Feature& f = ut.addFeature({});
        ut.set(f, "version", to), ut.set(f, "level", t.level), ut.set(f, "code", t.code), ut.set(f, "name", t.name);
        ut.set(f, "households", t.households), ut.set(f, "target_shops", t.targetShops);
        ut.set(f, "target_accounts", t.targetAccounts), ut.set(f, "target_locomotives", t.targetLocomotives);
        ut.set(f, "target_shop_pct", t.shopPct), ut.set(f, "target_epay_pct", t.epayPct);
        ut.set(f, "target_locomotive_pct", t.locomotivePct), ut.set(f, "scopes", t.scopes);
        ut.set(f, "uniform", int64_t{t.uniform}), ut.set(f, "method", t.method), ut.set(f, "sources", t.sources);
    }
    Layer up = schema::makeLayer("unit_progress_versioned");
    for (const auto& p : res.progress) {
        Feature& f = up.addFeature({});
        up.set(f, "version", to), up.set(f, "date", p.date), up.set(f, "from_scope", p.fromScope);
        up.set(f, "level", p.level), up.set(f, "code", p.code), up.set(f, "name", p.name);
        const std::pair<const char*, int64_t> vals[] = {
            {"shops", p.shops}, {"accounts", p.accounts}, {"locomotives", p.locomotives}, {"teams", p.teams}, {"members", p.members}};
        for (const auto& [k, v] : vals)
            if (v >= 0)
                up.set(f, k, v);
        up.set(f, "method", p.method), up.set(f, "basis", p.basis), up.set(f, "sources", p.sources);
    }
    Layer ug = schema::makeLayer("unit_gaps_versioned");
    for (const auto& g : res.gaps) {
        Feature& f = ug.addFeature({});
        ug.set(f, "version", to), ug.set(f, "list", g.list), ug.set(f, "village_code", g.villageCode);
        ug.set(f, "village_name", g.villageName), ug.set(f, "from_version", request.from), ug.set(f, "from_code", g.fromCode);
        ug.set(f, "unit_code", g.unitCode), ug.set(f, "unit_name", g.unitName), ug.set(f, "how", g.how);
        ug.set(f, "status", g.status), ug.set(f, "date", g.date), ug.set(f, "households", g.households);
        if (!g.operatorName.empty())
            ug.set(f, "operator", g.operatorName);
        if (!g.source.empty())
            ug.set(f, "source", g.source);
        if (g.list == "analysis")
            ug.set(f, "gap_households", g.gapHouseholds), ug.set(f, "gap_area_km2", g.gapAreaKm2);
    }
    ProjectStore::Transaction tx(*store);
    store->replaceLayer(uv, &fb);
    store->deleteWhere("unit_crosswalk", {{"from_version", request.from}, {"to_version", to}});
    store->appendFeatures(cw, &fb);
    store->deleteWhere("village_units", {{"from_version", request.from}, {"version", to}});
    store->appendFeatures(vu, &fb);
    res.tables = {"unit_versions", "unit_crosswalk", "village_units"};
    if (request.wants("indicators")) {
        store->deleteWhere("unit_indicators_versioned", {{"version", to}, {"date", res.date}});
        if (!request.villages.empty())
            store->deleteWhere("unit_indicators_versioned", {{"version", request.villages}, {"date", res.date}});
        store->appendFeatures(ui, &fb);
        res.tables.push_back("unit_indicators_versioned");
    }
    const std::pair<const char*, const Layer*> carried[] = {
        {"targets", &ut}, {"progress", &up}, {"gaps", &ug}};
    for (const auto& [what, layer] : carried)
        if (request.wants(what)) {
            store->deleteWhere(layer->name, {{"version", to}});
            store->appendFeatures(*layer, &fb);
            res.tables.push_back(layer->name);
        }
    if (makeGeometry) {
        store->replaceLayer(polygons, &fb);
        res.tables.push_back(polygons.name);
    }
    fb.throwIfCancelled();
    tx.commit();
    fb.setProgress(100);
    return res;
}

} // namespace bando::tasks
