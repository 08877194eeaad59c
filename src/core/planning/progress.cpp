#include "core/planning/progress.hpp"

#include "core/base/error.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <unordered_map>

namespace bando::planning {
namespace {

int64_t targetCount(double pct, int64_t households)
{
    if (households <= 0 || pct <= 0)
        return 0;
    return static_cast<int64_t>(std::ceil(pct / 100.0 * static_cast<double>(households) - 1e-9));
}

bool onOrBefore(const std::string& when, const std::string& date)
{
    return when.empty() || when.substr(0, 10) <= date;
}

void add(ProgressCounts& a, const ProgressCounts& b)
{
    a.households += b.households;
    a.shops += b.shops;
    a.accounts += b.accounts;
    a.locomotives += b.locomotives;
    a.teams += b.teams;
    a.villages += b.villages;
    a.villagesWithTeam += b.villagesWithTeam;
    a.villagesTeamRuleMet += b.villagesTeamRuleMet;
    a.targetShops += b.targetShops;
    a.targetAccounts += b.targetAccounts;
    a.targetLocomotives += b.targetLocomotives;
}

} // namespace

std::vector<PlaceProgress> progressAt(const ProgressInput& in, const std::string& date)
{
    if (!in.villages)
        throw Error(ErrorKind::Usage, "PROJECT", "the project has no villages layer");
    const TargetTable empty;
    const TargetTable& T = in.targets ? *in.targets : empty;
    const Layer& V = *in.villages;
    std::vector<PlaceProgress> villages;
    std::unordered_map<std::string, size_t> byCode;
    std::map<std::string, std::string> communeDistrict, communeName, districtName;
    if (in.communes)
        for (const auto& f : in.communes->features) {
            communeDistrict[in.communes->text(f, "code")] = in.communes->text(f, "district_code");
            communeName[in.communes->text(f, "code")] = in.communes->text(f, "name");
        }
    if (in.districts)
        for (const auto& f : in.districts->features)
            districtName[in.districts->text(f, "code")] = in.districts->text(f, "name");
    for (const auto& f : V.features) {
        PlaceProgress p;
        p.level = "village";
        p.code = V.text(f, "code");
        p.name = V.text(f, "name");
        p.parent = V.text(f, "commune_code");
        std::string district = V.text(f, "district_code");
        if (district.empty())
            district = communeDistrict[p.parent];
        p.target = T.resolve(p.code, p.parent, district, in.provinceCode);
        p.c.households = std::max<int64_t>(0, V.integer(f, "households"));
        p.c.villages = 1;
        p.c.targetShops = targetCount(p.target.shopPct, p.c.households);
        p.c.targetAccounts = targetCount(p.target.epayPct, p.c.households);
        p.c.targetLocomotives = targetCount(p.target.locomotivePct, p.c.households);
        if (byCode.emplace(p.code, villages.size()).second)
            villages.push_back(p);
        communeDistrict.emplace(p.parent, district);
    }
    if (in.shops) {
        const Layer& S = *in.shops;
        const int fv = S.fieldIndex("village_code"), fo = S.fieldIndex("opened"), fe = S.fieldIndex("epay_opened"),
                  fl = S.fieldIndex("locomotive"), fls = S.fieldIndex("locomotive_since");
        auto text = [](const Feature& f, int i) { return i < 0 ? std::string() : toString(f.values[static_cast<size_t>(i)]); };
        for (const auto& f : S.features) {
            auto it = byCode.find(text(f, fv));
            if (it == byCode.end())
                continue;
            if (!onOrBefore(text(f, fo), date))
                continue;
            auto& c = villages[it->second].c;
            ++c.shops;
            const std::string e = text(f, fe);
            if (!e.empty() && onOrBefore(e, date))
                ++c.accounts;
            const auto loco = fl < 0 ? std::nullopt : toInt(f.values[static_cast<size_t>(fl)]);
            if (loco && *loco == 1 && onOrBefore(text(f, fls), date))
                ++c.locomotives;
        }
    }
    if (in.teams) {
        const Layer& Tm = *in.teams;
        std::vector<char> has(villages.size(), 0), met(villages.size(), 0);
        for (const auto& f : Tm.features) {
            auto it = byCode.find(Tm.text(f, "village_code"));
            if (it == byCode.end() || !onOrBefore(Tm.text(f, "formed"), date))
                continue;
            ++villages[it->second].c.teams;
            has[it->second] = 1;
            const int64_t m = Tm.integer(f, "members"), t = Tm.integer(f, "trained");
            if (m >= kTeamMinMembers && m <= kTeamMaxMembers && t >= kTeamMinTrained && t <= m)
                met[it->second] = 1;
        }
        for (size_t i = 0; i < villages.size(); ++i) {
            villages[i].c.villagesWithTeam = has[i];
            villages[i].c.villagesTeamRuleMet = met[i];
        }
    }
    // Roll up.
    std::map<std::string, PlaceProgress> communes, districts;
    PlaceProgress province;
    province.level = "province";
    province.code = in.provinceCode;
    province.target = T.resolve("", "", "", in.provinceCode);
    for (const auto& [code, name] : communeName) {
        auto& p = communes[code];
        p.level = "commune";
        p.code = code;
        p.name = name;
        p.parent = communeDistrict[code];
    }
    for (const auto& [code, name] : districtName) {
        auto& p = districts[code];
        p.level = "district";
        p.code = code;
        p.name = name;
        p.parent = in.provinceCode;
    }
    for (const auto& v : villages) {
        auto& c = communes[v.parent];
        if (c.level.empty()) {
            c.level = "commune";
            c.code = v.parent;
            c.parent = communeDistrict[v.parent];
        }
        add(c.c, v.c);
    }
    for (auto& [code, c] : communes) {
        c.target = T.resolve("", c.code, c.parent, in.provinceCode);
        auto& d = districts[c.parent];
        if (d.level.empty()) {
            d.level = "district";
            d.code = c.parent;
            d.parent = in.provinceCode;
        }
        add(d.c, c.c);
    }
    for (auto& [code, d] : districts) {
        d.target = T.resolve("", "", d.code, in.provinceCode);
        add(province.c, d.c);
    }
    std::sort(villages.begin(), villages.end(), [](const PlaceProgress& a, const PlaceProgress& b) { return a.code < b.code; });
    std::vector<PlaceProgress> out;
    out.reserve(1 + districts.size() + communes.size() + villages.size());
    out.push_back(province);
    for (auto& [k, d] : districts)
        out.push_back(d);
    for (auto& [k, c] : communes)
        out.push_back(c);
    for (auto& v : villages)
        out.push_back(std::move(v));
    return out;
}

std::vector<SeriesPoint> cumulativeSeries(std::vector<int> days)
{
    std::sort(days.begin(), days.end());
    std::vector<SeriesPoint> out;
    double n = 0;
    for (int d : days) {
        ++n;
        if (!out.empty() && out.back().day == d)
            out.back().value = n;
        else
            out.push_back({d, n});
    }
    return out;
}

const char* forecastStatusName(ForecastStatus s)
{
    switch (s) {
    case ForecastStatus::Reached: return "reached";
    case ForecastStatus::OnPace: return "on_pace";
    case ForecastStatus::NotAtThisPace: return "not_at_this_pace";
    case ForecastStatus::NoData: break;
    }
    return "no_data";
}

Forecast forecast(const std::vector<SeriesPoint>& series, int asOfDay, double target, int windowDays)
{
    Forecast f;
    f.target = target;
    // The last point on or before a day (index), or -1.
    auto lastOnOrBefore = [&](int day) {
        long idx = -1;
        for (size_t i = 0; i < series.size() && series[i].day <= day; ++i)
            idx = static_cast<long>(i);
        return idx;
    };
    const long cur = lastOnOrBefore(asOfDay);
    if (cur < 0)
        return f;  // no data on or before the date
    f.current = series[static_cast<size_t>(cur)].value;
    if (f.current >= target) {
        f.status = ForecastStatus::Reached;
        for (const auto& p : series)
            if (p.value >= target) {
                f.day = p.day;
                break;
            }
        return f;
    }
    const SeriesPoint& now = series[static_cast<size_t>(cur)];
    long base = lastOnOrBefore(asOfDay - windowDays);
    if (base < 0)
        base = 0;  // the series starts inside the window: from its first point
    f.baseDay = series[static_cast<size_t>(base)].day;
    f.baseValue = series[static_cast<size_t>(base)].value;
    const int span = now.day - f.baseDay;
    f.pace = span > 0 ? (f.current - f.baseValue) / span : 0;
    if (!(f.pace > 0)) {
        f.status = ForecastStatus::NotAtThisPace;
        return f;
    }
    f.status = ForecastStatus::OnPace;
    f.day = now.day + static_cast<int>(std::ceil((target - f.current) / f.pace - 1e-9));
    return f;
}

} // namespace bando::planning
