#include "core/planning/targets.hpp"

#include "core/base/error.hpp"
#include "core/capi/geos.hpp"
#include "core/capi/geos_convert.hpp"
#include "core/model/schema.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace bando::planning {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days.
int daysFromCivil(int y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int>(doe) - 719468;
}

double parsePct(const std::string& v, const char* field)
{
    char* end = nullptr;
    const double x = std::strtod(v.c_str(), &end);
    if (v.empty() || *end != '\0' || !(x >= 0 && x <= 100))
        throw Error(ErrorKind::Usage, "--set", std::string(field) + " must be a percentage from 0 to 100, got '" + v + "'");
    return x;
}

} // namespace

bool isIsoDate(const std::string& s)
{
    if (s.size() != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
        if (s[i] < '0' || s[i] > '9')
            return false;
    const int y = std::atoi(s.substr(0, 4).c_str()), m = std::atoi(s.substr(5, 2).c_str()),
              d = std::atoi(s.substr(8, 2).c_str());
    if (m < 1 || m > 12 || d < 1)
        return false;
    static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= len[m - 1] + (m == 2 && leap ? 1 : 0);
}

int dayNumber(const std::string& iso)
{
    if (!isIsoDate(iso))
        throw Error(ErrorKind::Usage, "--date", "expected a date YYYY-MM-DD, got '" + iso + "'");
    return daysFromCivil(std::atoi(iso.substr(0, 4).c_str()), static_cast<unsigned>(std::atoi(iso.substr(5, 2).c_str())),
                         static_cast<unsigned>(std::atoi(iso.substr(8, 2).c_str())));
}

std::string isoFromDay(int z)
{
    z += 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int y = static_cast<int>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    char b[32];
    std::snprintf(b, sizeof b, "%04d-%02u-%02u", y + (m <= 2), m, d);
    return b;
}

const TargetRow* TargetTable::find(const std::string& scope, const std::string& code) const
{
    for (const auto& r : rows)
        if (r.scope == scope && r.code == code)
            return &r;
    return nullptr;
}

TargetResolver::TargetResolver(const TargetTable& table)
{
    for (const auto& r : table.rows) {
        if (r.scope == "province")
            m_provinces.push_back(&r);
        else
            m_rows.emplace(std::make_pair(r.scope, r.code), &r);  // the first row of a place wins (as find)
    }
}

EffectiveTarget TargetResolver::resolve(const std::string& village, const std::string& commune,
                                        const std::string& district, const std::string& province) const
{
    const TargetRow* r = nullptr;
    for (const auto& [scope, code] : {std::pair<const char*, const std::string*>{"village", &village},
                                      {"commune", &commune}, {"district", &district}}) {
        if (code->empty())
            continue;
        auto it = m_rows.find({scope, *code});
        if (it != m_rows.end()) {
            r = it->second;
            break;
        }
    }
    if (!r)
        for (const TargetRow* row : m_provinces)
            if (province.empty() || row->code == province) {
                r = row;
                break;
            }
    EffectiveTarget t;
    if (r) {
        t.shopPct = r->shopPct;
        t.epayPct = r->epayPct;
        t.locomotivePct = r->locomotivePct;
        t.scope = r->scope;
        t.code = r->code;
    }
    return t;
}

EffectiveTarget TargetTable::resolve(const std::string& village, const std::string& commune,
                                     const std::string& district, const std::string& province) const
{
    return TargetResolver(*this).resolve(village, commune, district, province);
}

void TargetTable::set(const std::string& scope, const std::string& code, const std::string& field,
                      const std::string& value, const EffectiveTarget& inherited)
{
    if (scope != "province" && scope != "district" && scope != "commune" && scope != "village")
        throw Error(ErrorKind::Usage, "--set", "scope must be province, district, commune or village, got '" + scope + "'");
    if (code.empty())
        throw Error(ErrorKind::Usage, "--set", "a code is required: SCOPE:CODE:FIELD=VALUE");
    TargetRow* r = nullptr;
    for (auto& row : rows)
        if (row.scope == scope && row.code == code)
            r = &row;
    if (!r) {
        TargetRow n;
        n.scope = scope;
        n.code = code;
        n.shopPct = inherited.shopPct;
        n.epayPct = inherited.epayPct;
        n.locomotivePct = inherited.locomotivePct;
        rows.push_back(n);
        r = &rows.back();
    }
    if (field == "shop_pct")
        r->shopPct = parsePct(value, "shop_pct");
    else if (field == "epay_pct")
        r->epayPct = parsePct(value, "epay_pct");
    else if (field == "locomotive_pct")
        r->locomotivePct = parsePct(value, "locomotive_pct");
    else if (field == "households_claimed") {
        char* end = nullptr;
        const long long n = std::strtoll(value.c_str(), &end, 10);
        if (value.empty())
            r->householdsClaimed.reset();
        else if (*end != '\0' || n < 0)
            throw Error(ErrorKind::Usage, "--set", "households_claimed must be a whole number >= 0, got '" + value + "'");
        else
            r->householdsClaimed = n;
    } else if (field == "source")
        r->source = value;
    else
        throw Error(ErrorKind::Usage, "--set",
                    "unknown field '" + field + "' (shop_pct, epay_pct, locomotive_pct, households_claimed, source)");
}

bool TargetTable::unset(const std::string& scope, const std::string& code)
{
    const auto before = rows.size();
    rows.erase(std::remove_if(rows.begin(), rows.end(),
                              [&](const TargetRow& r) { return r.scope == scope && r.code == code; }),
               rows.end());
    return rows.size() != before;
}

void TargetTable::setPhase(int n, const std::string& start, const std::string& end,
                           const std::vector<std::string>& districts)
{
    if (!isIsoDate(start) || !isIsoDate(end) || end < start)
        throw Error(ErrorKind::Usage, "--phase", "expected START <= END as YYYY-MM-DD, got '" + start + "' and '" + end + "'");
    if (districts.empty())
        throw Error(ErrorKind::Usage, "--phase", "a phase needs at least one district code");
    phases.erase(std::remove_if(phases.begin(), phases.end(), [&](const PhaseRow& p) { return p.phase == n; }),
                 phases.end());
    for (const auto& d : districts)
        phases.push_back({n, d, start, end});
    std::stable_sort(phases.begin(), phases.end(), [](const PhaseRow& a, const PhaseRow& b) { return a.phase < b.phase; });
}

const PhaseRow* TargetTable::phaseRow(const std::string& district) const
{
    const PhaseRow* best = nullptr;
    for (const auto& p : phases)
        if (p.district == district && (!best || p.phase < best->phase))
            best = &p;
    return best;
}

int TargetTable::phaseOf(const std::string& district) const
{
    const PhaseRow* p = phaseRow(district);
    return p ? p->phase : 0;
}

TargetTable readTargetTable(const Layer* targets, const Layer* phases)
{
    TargetTable t;
    if (targets)
        for (const auto& f : targets->features) {
            TargetRow r;
            r.scope = targets->text(f, "scope");
            r.code = targets->text(f, "code");
            r.shopPct = targets->real(f, "shop_pct", 50);
            r.epayPct = targets->real(f, "epay_pct", 50);
            r.locomotivePct = targets->real(f, "locomotive_pct", 10);
            if (auto c = toInt(targets->value(f, "households_claimed")))
                r.householdsClaimed = *c;
            r.source = targets->text(f, "source");
            t.rows.push_back(r);
        }
    if (phases)
        for (const auto& f : phases->features)
            t.phases.push_back({static_cast<int>(phases->integer(f, "phase")), phases->text(f, "district_code"),
                                phases->text(f, "start"), phases->text(f, "end")});
    return t;
}

TargetTable readScenarioTargets(const Layer* scenarioTargets, const std::string& scenario, const Layer* phases)
{
    if (!scenarioTargets)
        return readTargetTable(nullptr, phases);
    Layer rows;
    rows.name = scenarioTargets->name;
    rows.fields = scenarioTargets->fields;
    for (const auto& f : scenarioTargets->features)
        if (scenarioTargets->text(f, "scenario") == scenario)
            rows.features.push_back(f);
    return readTargetTable(&rows, phases);
}

Layer scenarioTargetsLayer(const TargetTable& t, const std::string& scenario)
{
    const Layer rows = targetsLayer(t);
    Layer l = schema::makeLayer("target_scenarios");
    for (const auto& r : rows.features) {
        Feature& f = l.addFeature(Geometry{});
        l.set(f, "scenario", scenario);
        for (const auto& field : rows.fields)
            l.set(f, field.name, rows.value(r, field.name));
    }
    return l;
}

Layer targetsLayer(const TargetTable& t)
{
    Layer l = schema::makeLayer("targets");
    for (const auto& r : t.rows) {
        Feature& f = l.addFeature(Geometry{});
        l.set(f, "scope", r.scope);
        l.set(f, "code", r.code);
        l.set(f, "shop_pct", r.shopPct);
        l.set(f, "epay_pct", r.epayPct);
        l.set(f, "locomotive_pct", r.locomotivePct);
        if (r.householdsClaimed)
            l.set(f, "households_claimed", *r.householdsClaimed);
        if (!r.source.empty())
            l.set(f, "source", r.source);
    }
    return l;
}

Layer phasesLayer(const TargetTable& t)
{
    Layer l = schema::makeLayer("phases");
    for (const auto& p : t.phases) {
        Feature& f = l.addFeature(Geometry{});
        l.set(f, "phase", int64_t{p.phase});
        l.set(f, "district_code", p.district);
        l.set(f, "start", p.start);
        l.set(f, "end", p.end);
    }
    return l;
}

TargetTable programDefaults(const std::vector<std::string>& neighbours, double locBinhPct)
{
    TargetTable t;
    auto row = [&](const char* scope, const std::string& code, double shop, double loco, const char* source) {
        TargetRow r;
        r.scope = scope;
        r.code = code;
        r.shopPct = shop;
        r.epayPct = 50;
        r.locomotivePct = loco;
        r.source = source;
        t.rows.push_back(r);
    };
    row("province", "20", 50, 10, "Kế hoạch kinh tế số tỉnh Lạng Sơn, 20/7/2021");
    row("district", "178", 50, 24, "TP Lạng Sơn: 24% hộ đầu tàu");
    for (const char* c : {"06628", "06613", "06616"})
        row("commune", c, 55, 10, "Huyện Đình Lập: 55% ở xã Đình Lập, TT Đình Lập, TT NT Thái Bình");
    row("commune", "06529", locBinhPct, 10, "Huyện Lộc Bình: 70-80% ở thị trấn và các xã lân cận");
    for (const auto& c : neighbours)
        if (c != "06529")
            row("commune", c, locBinhPct, 10, "Huyện Lộc Bình: 70-80% ở thị trấn và các xã lân cận");
    for (const char* d : {"180", "184", "185", "186", "187"})
        t.phases.push_back({1, d, "2021-07-20", "2021-09-20"});
    for (const char* d : {"178", "181", "182", "183", "188", "189"})
        t.phases.push_back({2, d, "2021-09-20", "2021-12-20"});
    return t;
}

std::vector<std::string> locBinhNeighbours(const Layer& communes, double toleranceDeg)
{
    const Feature* town = nullptr;
    for (const auto& f : communes.features)
        if (communes.text(f, "code") == "06529")
            town = &f;
    std::vector<std::string> out;
    if (!town || town->geom.isEmpty())
        return out;
    const geos::GeomPtr g = geos::toGeos(town->geom);
    const Extent te = town->geom.extent().buffered(toleranceDeg);
    for (const auto& f : communes.features) {
        const std::string code = communes.text(f, "code");
        if (&f == town || communes.text(f, "district_code") != "188" || f.geom.isEmpty())
            continue;
        const Extent e = f.geom.extent();
        if (e.maxX < te.minX || e.minX > te.maxX || e.maxY < te.minY || e.minY > te.maxY)
            continue;
        const geos::GeomPtr h = geos::toGeos(f.geom);
        double d = 0;
        geos::status("distance", [&] { return GEOSDistance_r(geos::ctx(), g.get(), h.get(), &d); });
        if (d <= toleranceDeg)
            out.push_back(code);
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace bando::planning
