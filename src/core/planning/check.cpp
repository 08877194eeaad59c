#include "core/planning/check.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <set>
#include <unordered_map>

namespace bando::planning {
namespace {

const std::vector<CheckKind> kKinds = {
    {"duplicate_code", Severity::Error, "a code identifies exactly one unit"},
    {"missing_code", Severity::Error, "every unit has a code and every reference names an existing unit"},
    {"target_above_100", Severity::Error, "a target share lies between 0 and 100 %"},
    {"claim_above_households", Severity::Error, "a target or claim cannot exceed the households that exist"},
    {"total_mismatch", Severity::Error, "a total equals the sum of its parts"},
    {"count_decreases", Severity::Error, "a cumulative count never goes down from one dated report to the next"},
    {"shops_above_households", Severity::Error, "shops, accounts and locomotive households cannot exceed the households"},
    {"point_outside_villages", Severity::Error, "every shop lies inside a village"},
    {"team_impossible", Severity::Error, "a team cannot have more trained members than members"},
    {"shops_without_signal", Severity::Warning, "a digital shop needs a mobile signal"},
    {"team_size", Severity::Warning, "a community technology team has 3 to 5 members"},
    {"team_trained", Severity::Warning, "at least 2 members of a community technology team are trained"},
    {"village_without_team", Severity::Warning, "every village has a community technology team"},
};

std::string num(double v)
{
    char b[64];
    if (std::floor(v) == v && std::fabs(v) < 1e15)
        std::snprintf(b, sizeof b, "%.0f", v);
    else
        std::snprintf(b, sizeof b, "%.2f", v);
    return b;
}

struct Unit {
    std::string level, code, name, parent;
    std::optional<int64_t> households;
    Extent extent;
    int64_t row = 0;
};

class Checker {
public:
    explicit Checker(const CheckInput& in) : m_in(in) {}

    CheckOutput run()
    {
        collectUnits();
        codes();
        targets();
        totals();
        reports();
        shops();
        teams();
        std::map<std::string, size_t> order;
        for (size_t i = 0; i < kKinds.size(); ++i)
            order[kKinds[i].id] = i;
        std::stable_sort(m_out.findings.begin(), m_out.findings.end(), [&](const Finding& a, const Finding& b) {
            const size_t ka = order[a.kind], kb = order[b.kind];
            if (ka != kb)
                return ka < kb;
            if (a.code != b.code)
                return a.code < b.code;
            return a.row < b.row;
        });
        return std::move(m_out);
    }

private:
    const CheckInput& m_in;
    CheckOutput m_out;
    // level -> code -> unit (first occurrence)
    std::map<std::string, std::map<std::string, Unit>> m_units;

    Finding& add(const char* kind, const std::string& level, const std::string& code, const std::string& layer,
                 int64_t row, std::string message)
    {
        const CheckKind* k = findCheckKind(kind);
        Finding f;
        f.kind = kind;
        f.severity = k ? k->severity : Severity::Error;
        f.level = level;
        f.code = code;
        f.layer = layer;
        f.row = row;
        f.message = std::move(message);
        if (const Unit* u = unit(level, code)) {
            f.name = u->name;
            f.extent = u->extent;
        }
        m_out.findings.push_back(std::move(f));
        return m_out.findings.back();
    }

    const Unit* unit(const std::string& level, const std::string& code) const
    {
        auto l = m_units.find(level);
        if (l == m_units.end())
            return nullptr;
        auto u = l->second.find(code);
        return u == l->second.end() ? nullptr : &u->second;
    }

    void note(const std::string& s) { m_out.notes.push_back(s); }

    void collectUnits()
    {
        struct Src {
            const Layer* layer;
            const char* level;
            const char* parentField;
        };
        for (const Src& s : {Src{m_in.districts, "district", nullptr}, Src{m_in.communes, "commune", "district_code"},
                             Src{m_in.villages, "village", "commune_code"}}) {
            if (!s.layer)
                continue;
            auto& map = m_units[s.level];
            const Layer& L = *s.layer;
            int64_t row = 0;
            for (const auto& f : L.features) {
                ++row;
                Unit u;
                u.level = s.level;
                u.code = L.text(f, "code");
                u.name = L.text(f, "name");
                if (s.parentField)
                    u.parent = L.text(f, s.parentField);
                u.households = toInt(L.value(f, "households"));
                u.extent = f.geom.extent();
                u.row = row;
                if (!u.code.empty())
                    map.emplace(u.code, u);
            }
        }
        // The province: the sum of the districts (or of the communes without districts).
        Unit p;
        p.level = "province";
        p.code = m_in.provinceCode;
        p.name = m_in.provinceName;
        bool complete = true;
        int64_t sum = 0;
        const char* from = m_units.count("district") && !m_units["district"].empty() ? "district" : "commune";
        static const std::map<std::string, Unit> none;
        const auto parts = m_units.find(from);
        const auto& list = parts == m_units.end() ? none : parts->second;
        for (const auto& [code, u] : list) {
            if (!u.households)
                complete = false;
            else
                sum += *u.households;
            p.extent.expand(u.extent.minX, u.extent.minY);
            p.extent.expand(u.extent.maxX, u.extent.maxY);
        }
        if (complete && !list.empty())
            p.households = sum;
        m_units["province"][p.code] = p;
    }

    std::optional<int64_t> householdsOf(const std::string& scope, const std::string& code) const
    {
        if (scope == "phase") {
            if (!m_in.phases)
                return std::nullopt;
            std::set<std::string> districts;
            for (const auto& f : m_in.phases->features)
                if (m_in.phases->text(f, "phase") == code)
                    districts.insert(m_in.phases->text(f, "district_code"));
            if (districts.empty())
                return std::nullopt;
            int64_t sum = 0;
            for (const auto& d : districts) {
                const Unit* u = unit("district", d);
                if (!u || !u->households)
                    return std::nullopt;
                sum += *u->households;
            }
            return sum;
        }
        const Unit* u = unit(scope, code);
        return u ? u->households : std::nullopt;
    }

    // ---- duplicate and missing codes ----
    void codes()
    {
        struct Src {
            const Layer* layer;
            const char* level;
        };
        for (const Src& s : {Src{m_in.districts, "district"}, Src{m_in.communes, "commune"}, Src{m_in.villages, "village"}}) {
            if (!s.layer)
                continue;
            const Layer& L = *s.layer;
            std::map<std::string, int> seen;
            int64_t row = 0;
            for (const auto& f : L.features) {
                ++row;
                const std::string code = L.text(f, "code");
                if (code.empty()) {
                    auto& x = add("missing_code", s.level, "", L.name, row,
                                  std::string("a ") + s.level + " ('" + L.text(f, "name") + "', row " + num(double(row)) +
                                      ") has no code");
                    x.name = L.text(f, "name");
                    x.extent = f.geom.extent();
                    continue;
                }
                if (++seen[code] == 2) {
                    int n = 0;
                    for (const auto& g : L.features)
                        n += L.text(g, "code") == code;
                    auto& x = add("duplicate_code", s.level, code, L.name, row,
                                  std::string("the ") + s.level + " code " + code + " is used by " + num(n) + " rows");
                    x.figures = {{"rows", n}};
                }
            }
        }
        // References to units that do not exist.
        auto reference = [&](const Layer* L, const char* field, const char* level, const char* what) {
            if (!L || !m_units.count(level))
                return;
            int64_t row = 0;
            for (const auto& f : L->features) {
                ++row;
                const std::string ref = L->text(f, field);
                if (unit(level, ref))
                    continue;
                const std::string own = L->text(f, "code");
                auto& x = add("missing_code", what, own.empty() ? ref : own, L->name, row,
                              std::string(what) + " row " + num(double(row)) + " names " + level + " '" + ref +
                                  "', which is not in the " + level + " layer");
                if (x.extent.isEmpty())
                    x.extent = f.geom.extent();
            }
        };
        reference(m_in.communes, "district_code", "district", "commune");
        reference(m_in.villages, "commune_code", "commune", "village");
        reference(m_in.shops, "village_code", "village", "shop");
        reference(m_in.teams, "village_code", "village", "team");
        auto scoped = [&](const Layer* L, const char* what) {
            if (!L)
                return;
            int64_t row = 0;
            for (const auto& f : L->features) {
                ++row;
                const std::string scope = L->text(f, "scope"), code = L->text(f, "code");
                if (scope != "district" && scope != "commune" && scope != "village")
                    continue;
                if (!m_units.count(scope) || unit(scope, code))
                    continue;
                add("missing_code", what, code, L->name, row,
                    std::string(what) + " row " + num(double(row)) + " names " + scope + " '" + code +
                        "', which is not in the " + scope + " layer");
            }
        };
        scoped(m_in.targets, "target");
        scoped(m_in.progressReports, "report");
    }

    // ---- targets: shares within 0..100 %, claims within the households ----
    void targets()
    {
        if (!m_in.targets) {
            note("no targets table: the target checks were skipped");
            return;
        }
        const Layer& T = *m_in.targets;
        int64_t row = 0;
        for (const auto& f : T.features) {
            ++row;
            const std::string scope = T.text(f, "scope"), code = T.text(f, "code");
            for (const char* field : {"shop_pct", "epay_pct", "locomotive_pct"}) {
                const auto v = toReal(T.value(f, field));
                if (!v || (*v >= 0 && *v <= 100))
                    continue;
                auto& x = add("target_above_100", scope, code, T.name, row,
                              std::string("the ") + field + " target of " + scope + " " + code + " is " + num(*v) +
                                  " %");
                x.figures = {{field, *v}};
            }
            const auto claimed = toInt(T.value(f, "households_claimed"));
            if (!claimed)
                continue;
            const auto hh = householdsOf(scope, code);
            if (!hh || *claimed <= *hh)
                continue;
            auto& x = add("claim_above_households", scope, code, T.name, row,
                          "a target of " + scope + " " + code + " claims " + num(double(*claimed)) +
                              " households; the " + scope + " has " + num(double(*hh)));
            x.figures = {{"claimed", double(*claimed)}, {"households", double(*hh)}};
        }
    }

    // ---- a unit's households against the sum of its parts ----
    void totals()
    {
        auto compare = [&](const char* parentLevel, const char* childLevel, const Layer* parentLayer) {
            if (!m_units.count(parentLevel) || !m_units.count(childLevel) || !parentLayer)
                return;
            std::map<std::string, std::pair<int64_t, int>> sum;  // parent -> (households, parts)
            std::set<std::string> incomplete;
            for (const auto& [code, u] : m_units[childLevel]) {
                if (!u.households)
                    incomplete.insert(u.parent);
                auto& s = sum[u.parent];
                s.first += u.households.value_or(0);
                ++s.second;
            }
            for (const auto& [code, u] : m_units[parentLevel]) {
                auto it = sum.find(code);
                if (!u.households || it == sum.end() || incomplete.count(code))
                    continue;
                if (*u.households == it->second.first)
                    continue;
                auto& x = add("total_mismatch", parentLevel, code, parentLayer->name, u.row,
                              std::string("the ") + parentLevel + " has " + num(double(*u.households)) +
                                  " households; its " + num(it->second.second) + " " + childLevel + "s add up to " +
                                  num(double(it->second.first)));
                x.figures = {{"households", double(*u.households)},
                             {"sum_of_parts", double(it->second.first)},
                             {"difference", double(*u.households - it->second.first)},
                             {"parts", double(it->second.second)}};
            }
        };
        compare("district", "commune", m_in.districts);
        compare("commune", "village", m_in.communes);
    }

    // ---- dated reports: counts that go down, parts above the total, counts above households ----
    void reports()
    {
        if (!m_in.progressReports) {
            note("no progress_reports table: the dated report checks were skipped");
            return;
        }
        const Layer& R = *m_in.progressReports;
        static const char* kFields[] = {"shops", "accounts", "locomotives", "teams", "members"};
        struct Row {
            std::string date, scope, code;
            int64_t row;
            const Feature* f;
        };
        std::vector<Row> rows;
        int64_t n = 0;
        for (const auto& f : R.features) {
            ++n;
            rows.push_back({R.text(f, "date"), R.text(f, "scope"), R.text(f, "code"), n, &f});
        }
        std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
            if (a.scope != b.scope)
                return a.scope < b.scope;
            if (a.code != b.code)
                return a.code < b.code;
            return a.date < b.date;
        });
        // A count that goes down (below the highest earlier count of the same place).
        for (size_t i = 0; i < rows.size();) {
            size_t j = i;
            while (j < rows.size() && rows[j].scope == rows[i].scope && rows[j].code == rows[i].code)
                ++j;
            for (const char* field : kFields) {
                std::optional<int64_t> best;
                std::string bestDate;
                for (size_t k = i; k < j; ++k) {
                    const auto v = toInt(R.value(*rows[k].f, field));
                    if (!v)
                        continue;
                    if (best && *v < *best) {
                        auto& x = add("count_decreases", rows[k].scope, rows[k].code, R.name, rows[k].row,
                                      std::string(field) + " of " + rows[k].scope + " " + rows[k].code + " fall from " +
                                          num(double(*best)) + " (" + bestDate + ") to " + num(double(*v)) + " (" +
                                          rows[k].date + ")");
                        x.date = rows[k].date;
                        x.figures = {{std::string(field) + "_before", double(*best)},
                                     {std::string(field) + "_after", double(*v)}};
                    }
                    if (!best || *v >= *best) {
                        best = *v;
                        bestDate = rows[k].date;
                    }
                }
            }
            i = j;
        }
        // Parts reported on the same date that do not add up to the total.
        auto childrenOf = [&](const std::string& scope, const std::string& code) -> std::pair<std::string, std::set<std::string>> {
            std::set<std::string> out;
            if (scope == "province") {
                for (const auto& [c, u] : m_units["district"])
                    out.insert(c);
                return {"district", out};
            }
            if (scope == "district") {
                for (const auto& [c, u] : m_units["commune"])
                    if (u.parent == code)
                        out.insert(c);
                return {"commune", out};
            }
            return {"", out};
        };
        for (const Row& p : rows) {
            auto [childScope, children] = childrenOf(p.scope, p.code);
            if (childScope.empty() || children.empty())
                continue;
            for (const char* field : kFields) {
                const auto total = toInt(R.value(*p.f, field));
                if (!total)
                    continue;
                int64_t sum = 0;
                std::set<std::string> seen;
                for (const Row& c : rows) {
                    if (c.date != p.date || c.scope != childScope || !children.count(c.code))
                        continue;
                    if (const auto v = toInt(R.value(*c.f, field)); v && seen.insert(c.code).second)
                        sum += *v;
                }
                if (seen.empty())
                    continue;
                const bool complete = seen.size() == children.size();
                if (sum > *total || (complete && sum != *total)) {
                    auto& x = add("total_mismatch", p.scope, p.code, R.name, p.row,
                                  std::string(field) + " of " + p.scope + " " + p.code + " on " + p.date + ": " +
                                      num(double(*total)) + " reported, its " + num(double(seen.size())) + " " +
                                      childScope + "s add up to " + num(double(sum)));
                    x.date = p.date;
                    x.figures = {{field, double(*total)}, {"sum_of_parts", double(sum)},
                                 {"difference", double(*total - sum)}, {"parts", double(seen.size())}};
                }
            }
        }
        // Counts above the households of the place.
        for (const Row& r : rows) {
            const auto hh = householdsOf(r.scope, r.code);
            if (!hh)
                continue;
            for (const char* field : {"shops", "accounts", "locomotives"}) {
                const auto v = toInt(R.value(*r.f, field));
                if (!v || *v <= *hh)
                    continue;
                auto& x = add("shops_above_households", r.scope, r.code, R.name, r.row,
                              std::string(field) + " of " + r.scope + " " + r.code + " on " + r.date + ": " +
                                  num(double(*v)) + " reported for " + num(double(*hh)) + " households");
                x.date = r.date;
                x.figures = {{field, double(*v)}, {"households", double(*hh)}};
            }
        }
    }

    // ---- shops: inside a village, not above its households, not without signal ----
    void shops()
    {
        if (!m_in.shops) {
            note("no shops layer: the shop checks were skipped");
            return;
        }
        const Layer& S = *m_in.shops;
        std::map<std::string, std::pair<int64_t, int64_t>> count;  // village -> (shops, accounts)
        for (const auto& f : S.features) {
            auto& c = count[S.text(f, "village_code")];
            ++c.first;
            if (!S.text(f, "epay_opened").empty())
                ++c.second;
        }
        for (const auto& [code, c] : count) {
            const Unit* u = unit("village", code);
            if (!u || !u->households)
                continue;
            const int64_t hh = *u->households;
            if (c.first > hh || c.second > hh) {
                auto& x = add("shops_above_households", "village", code, S.name, 0,
                              "village " + code + " has " + num(double(c.first)) + " shops and " +
                                  num(double(c.second)) + " accounts for " + num(double(hh)) + " households");
                x.figures = {{"shops", double(c.first)}, {"accounts", double(c.second)}, {"households", double(hh)}};
            }
        }
        if (m_in.villageClass) {
            for (const auto& [code, c] : count) {
                auto it = m_in.villageClass->find(code);
                if (it == m_in.villageClass->end() || it->second != "no_signal" || c.first == 0)
                    continue;
                auto& x = add("shops_without_signal", "village", code, S.name, 0,
                              "village " + code + " has " + num(double(c.first)) +
                                  " shops but no mobile signal (class no_signal)");
                x.figures = {{"shops", double(c.first)}};
            }
        } else {
            note("no village classes (run `bando analyze`): shops in villages without signal were not checked");
        }
        if (!m_in.villages) {
            note("no villages layer: shop locations were not checked");
            return;
        }
        pointsInVillages(S);
    }

    void pointsInVillages(const Layer& S)
    {
        const Layer& V = *m_in.villages;
        std::unordered_map<std::string, size_t> byCode;
        Extent all;
        std::vector<Extent> ext(V.features.size());
        for (size_t i = 0; i < V.features.size(); ++i) {
            byCode.emplace(V.text(V.features[i], "code"), i);
            ext[i] = V.features[i].geom.extent();
            if (!ext[i].isEmpty()) {
                all.expand(ext[i].minX, ext[i].minY);
                all.expand(ext[i].maxX, ext[i].maxY);
            }
        }
        // A uniform grid over the villages' extents.
        constexpr int kGrid = 64;
        std::vector<std::vector<size_t>> cells(kGrid * kGrid);
        const double cw = std::max(all.width(), 1e-12) / kGrid, ch = std::max(all.height(), 1e-12) / kGrid;
        auto cellOf = [&](double v, double lo, double w) {
            return std::clamp(static_cast<int>(std::floor((v - lo) / w)), 0, kGrid - 1);
        };
        if (!all.isEmpty())
            for (size_t i = 0; i < ext.size(); ++i) {
                if (ext[i].isEmpty())
                    continue;
                for (int cy = cellOf(ext[i].minY, all.minY, ch); cy <= cellOf(ext[i].maxY, all.minY, ch); ++cy)
                    for (int cx = cellOf(ext[i].minX, all.minX, cw); cx <= cellOf(ext[i].maxX, all.minX, cw); ++cx)
                        cells[static_cast<size_t>(cy * kGrid + cx)].push_back(i);
            }
        auto inside = [&](size_t i, double x, double y) { return ext[i].contains(x, y) && contains(V.features[i].geom, x, y); };
        int64_t row = 0;
        for (const auto& f : S.features) {
            ++row;
            if (f.geom.parts.empty() || f.geom.parts[0].empty() || f.geom.parts[0][0].empty())
                continue;
            const XY p = f.geom.parts[0][0][0];
            auto own = byCode.find(S.text(f, "village_code"));
            if (own != byCode.end() && inside(own->second, p.x, p.y))
                continue;
            bool found = false;
            if (all.contains(p.x, p.y))
                for (size_t i : cells[static_cast<size_t>(cellOf(p.y, all.minY, ch) * kGrid + cellOf(p.x, all.minX, cw))])
                    if (inside(i, p.x, p.y)) {
                        found = true;
                        break;
                    }
            if (found)
                continue;
            auto& x = add("point_outside_villages", "shop", S.text(f, "village_code"), S.name, row,
                          "shop row " + num(double(row)) + " (village " + S.text(f, "village_code") + ") at " +
                              num(std::round(p.x * 1e5) / 1e5) + ", " + num(std::round(p.y * 1e5) / 1e5) +
                              " lies outside every village");
            x.extent = Extent{};
            x.extent.expand(p.x, p.y);
            if (const Unit* u = unit("village", x.code))
                x.name = u->name;
            x.figures = {{"lon", p.x}, {"lat", p.y}};
        }
    }

    // ---- community technology teams ----
    void teams()
    {
        if (!m_in.teams) {
            note("no teams layer: the team checks were skipped");
            return;
        }
        const Layer& T = *m_in.teams;
        std::set<std::string> withTeam;
        int64_t row = 0;
        for (const auto& f : T.features) {
            ++row;
            const std::string v = T.text(f, "village_code");
            withTeam.insert(v);
            const int64_t members = T.integer(f, "members", 0), trained = T.integer(f, "trained", 0);
            const std::string no = T.text(f, "team_no");
            const std::pair<std::string, double> fm{"members", double(members)}, ft{"trained", double(trained)};
            if (trained > members || members < 0 || trained < 0) {
                auto& x = add("team_impossible", "village", v, T.name, row,
                              "team " + no + " of village " + v + " has " + num(double(trained)) + " trained of " +
                                  num(double(members)) + " members");
                x.figures = {fm, ft};
                continue;
            }
            if (members < 3 || members > 5) {
                auto& x = add("team_size", "village", v, T.name, row,
                              "team " + no + " of village " + v + " has " + num(double(members)) + " members");
                x.figures = {fm};
            }
            if (trained < 2) {
                auto& x = add("team_trained", "village", v, T.name, row,
                              "team " + no + " of village " + v + " has " + num(double(trained)) + " trained members");
                x.figures = {fm, ft};
            }
        }
        if (m_units.count("village"))
            for (const auto& [code, u] : m_units["village"])
                if (!withTeam.count(code))
                    add("village_without_team", "village", code, m_in.villages ? m_in.villages->name : "villages",
                        u.row, "village " + code + " has no community technology team");
    }
};

} // namespace

const char* severityName(Severity s) { return s == Severity::Error ? "error" : "warning"; }

const std::vector<CheckKind>& checkKinds() { return kKinds; }

const CheckKind* findCheckKind(const std::string& id)
{
    for (const auto& k : kKinds)
        if (id == k.id)
            return &k;
    return nullptr;
}

CheckOutput runChecks(const CheckInput& in) { return Checker(in).run(); }

} // namespace bando::planning
