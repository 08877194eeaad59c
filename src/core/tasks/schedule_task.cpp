#include "core/tasks/schedule_task.hpp"

#include "core/analysis/access.hpp"
#include "core/analysis/indicators.hpp"
#include "core/base/clock.hpp"
#include "core/base/error.hpp"
#include "core/crs/reproject.hpp"
#include "core/io/csv_util.hpp"
#include "core/model/schema.hpp"
#include "core/planning/schedule_plan.hpp"
#include "core/planning/targets.hpp"
#include "core/planning/village_table.hpp"
#include "core/store/project_store.hpp"
#include "core/tasks/rank_task.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <set>

namespace bando::tasks {

namespace {

double sec(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

int dayOf(const std::string& iso, const char* option)
{
    if (!planning::isIsoDate(iso))
        throw Error(ErrorKind::Usage, option, "expected a date YYYY-MM-DD, got '" + iso + "'");
    return planning::dayNumber(iso);
}

int isoWeekday(int day) { return ((day % 7) + 7 + 3) % 7 + 1; }  // 1970-01-01 was a Thursday (4)

std::set<int> readHolidays(const ScheduleRequest& q)
{
    std::set<int> out;
    for (const auto& h : q.holidays)
        out.insert(dayOf(h, "--holiday"));
    if (!q.holidaysFile.empty()) {
        const io::CsvTable t = io::readCsvFile(q.holidaysFile);
        const int c = t.column("date");
        if (c < 0)
            throw Error(ErrorKind::Format, q.holidaysFile, "no 'date' column (expected a header row with date[,name])");
        for (size_t i = 0; i < t.rows.size(); ++i) {
            const auto& row = t.rows[i];
            const std::string v = static_cast<size_t>(c) < row.size() ? row[static_cast<size_t>(c)] : std::string();
            if (!planning::isIsoDate(v))
                throw Error(ErrorKind::Format, q.holidaysFile,
                            "row " + std::to_string(i + 1) + ", field date: expected YYYY-MM-DD, got '" + v + "'");
            out.insert(planning::dayNumber(v));
        }
    }
    return out;
}

} // namespace

std::vector<int> parseWorkdays(const std::string& spec)
{
    std::set<int> days;
    auto bad = [&] {
        throw Error(ErrorKind::Usage, "--workdays",
                    "expected ISO weekdays 1 (Monday) to 7 (Sunday) as a list or ranges, e.g. 1-5 or 1,2,3,4,5,6; got '" +
                        spec + "'");
    };
    size_t pos = 0;
    while (pos <= spec.size()) {
        const size_t comma = spec.find(',', pos);
        const std::string part = spec.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        const size_t dash = part.find('-');
        auto digit = [&](const std::string& s) {
            if (s.size() != 1 || s[0] < '1' || s[0] > '7')
                bad();
            return s[0] - '0';
        };
        if (dash == std::string::npos) {
            days.insert(digit(part));
        } else {
            const int a = digit(part.substr(0, dash)), b = digit(part.substr(dash + 1));
            if (a > b)
                bad();
            for (int d = a; d <= b; ++d)
                days.insert(d);
        }
        if (comma == std::string::npos)
            break;
        pos = comma + 1;
    }
    return {days.begin(), days.end()};
}

std::pair<std::string, std::pair<std::string, std::string>> parseWindow(const std::string& spec)
{
    const size_t eq = spec.find('='), dots = spec.find("..");
    if (eq == std::string::npos || eq == 0 || dots == std::string::npos || dots < eq)
        throw Error(ErrorKind::Usage, "--window", "expected DISTRICT=FROM..TO, e.g. 189=2021-09-20..2021-12-20; got '" + spec + "'");
    const std::string a = spec.substr(eq + 1, dots - eq - 1), b = spec.substr(dots + 2);
    if (!planning::isIsoDate(a) || !planning::isIsoDate(b) || b < a)
        throw Error(ErrorKind::Usage, "--window", "expected two dates FROM..TO with FROM <= TO; got '" + spec + "'");
    return {spec.substr(0, eq), {a, b}};
}

void ScheduleRequest::validate() const
{
    if (project.empty())
        throw Error(ErrorKind::Usage, "", "expected one PROJECT file");
    if (teams < 1 || teams > 100)
        throw Error(ErrorKind::Usage, "--teams", "the number of teams per base must be 1 to 100");
    const int f = dayOf(from, "--from"), t = dayOf(to, "--to");
    if (t < f)
        throw Error(ErrorKind::Usage, "--to", "the window ends (" + to + ") before it starts (" + from + ")");
    if (t - f > 3 * 366)
        throw Error(ErrorKind::Usage, "--to", "the window is longer than three years");
    if (workdays.empty())
        throw Error(ErrorKind::Usage, "--workdays", "at least one working weekday is needed");
    for (int d : workdays)
        if (d < 1 || d > 7)
            throw Error(ErrorKind::Usage, "--workdays", "weekdays are 1 (Monday) to 7 (Sunday)");
    for (const auto& h : holidays)
        dayOf(h, "--holiday");
    for (const auto& [district, w] : windows) {
        if (district.empty())
            throw Error(ErrorKind::Usage, "--window", "a window needs a district code");
        if (dayOf(w.second, "--window") < dayOf(w.first, "--window"))
            throw Error(ErrorKind::Usage, "--window", "district " + district + ": the window ends before it starts");
    }
    if (villagesPerDay < 1 || villagesPerDay > 10)
        throw Error(ErrorKind::Usage, "--per-day", "villages per team and day must be 1 to 10");
    if (lookahead < 1)
        throw Error(ErrorKind::Usage, "--lookahead", "must be at least 1");
    if (!(lagWeeks >= 0) || !std::isfinite(lagWeeks) || lagWeeks > 104)
        throw Error(ErrorKind::Usage, "--lag-weeks", "must be 0 to 104 weeks");
    if (basesScenario.empty())
        throw Error(ErrorKind::Usage, "--bases-scenario", "must not be empty");
    if (store && scenario.empty())
        throw Error(ErrorKind::Usage, "--scenario", "must not be empty");
}

ScheduleResult run(const ScheduleRequest& request, Feedback& fb)
{
    request.validate();
    ScheduleResult r;
    r.project = request.project;
    r.basesScenario = request.basesScenario;
    r.preset = request.preset;
    r.from = request.from;
    r.to = request.to;
    r.villagesPerDay = request.villagesPerDay;
    r.lagWeeks = request.lagWeeks;
    const int fromDay = planning::dayNumber(request.from), toDay = planning::dayNumber(request.to);
    const std::set<int> holidays = readHolidays(request);

    // The ranking (team preset) gives the planned order; it opens the project itself, read-only.
    fb.setStep("rank");
    RankRequest rq;
    rq.project = request.project;
    rq.preset = request.preset;
    rq.date = request.date;
    rq.districts = request.districts;
    rq.runs = 0;
    RankResult ranked;
    {
        Feedback inner;  // the ranking's own progress is not the schedule's
        if (fb.isCancelled())
            inner.cancel();
        ranked = run(rq, inner);
    }
    r.rankDate = ranked.date;
    fb.throwIfCancelled();

    auto store = ProjectStore::open(request.project,
                                    request.store ? ProjectStore::Mode::ReadWrite : ProjectStore::Mode::ReadOnly);
    fb.setStep("read");
    for (const char* need : {"villages", "roads", "team_bases", "team_base_villages"})
        if (!store->hasLayer(need))
            throw Error(ErrorKind::Usage, request.project, std::string("the project has no '") + need + "' layer");
    const planning::VillageTable vt = planning::loadVillageTable(*store, ranked.date);
    std::map<std::string, int> phaseOf;
    bool anyPhase = false;
    for (size_t i = 0; i < vt.size(); ++i) {
        phaseOf[vt.district[i]] = vt.phase[i];
        anyPhase = anyPhase || vt.phase[i] > 0;
    }
    if (!anyPhase) {
        const auto defaults = planning::programDefaults({});
        for (auto& [district, phase] : phaseOf)
            phase = defaults.phaseOf(district);
        r.notes.push_back("no phases stored: the naive order uses the 2021 phases (DOMAIN.md §1)");
    }

    // Bases of the scenario and their teams.
    Layer basesLayer = store->readLayer("team_bases", &fb);
    std::vector<std::string> baseCode;
    std::vector<XY> baseXY;
    {
        Layer m = basesLayer;
        crs::reproject(m, analysis::AnalysisOptions{}.metricEpsg);
        for (const auto& f : m.features)
            if (m.text(f, "scenario") == request.basesScenario && !f.geom.isEmpty()) {
                baseCode.push_back(m.text(f, "commune_code"));
                baseXY.push_back(f.geom.parts[0][0][0]);
            }
    }
    if (baseCode.empty())
        throw Error(ErrorKind::Usage, "--bases-scenario",
                    "no team bases stored under scenario '" + request.basesScenario + "': run `bando bases` first");
    std::map<std::string, int> baseIndex;
    for (size_t b = 0; b < baseCode.size(); ++b)
        baseIndex[baseCode[b]] = static_cast<int>(b);
    std::map<std::string, std::string> villageBaseCode;
    {
        const Layer tv = store->readLayer("team_base_villages", &fb);
        for (const auto& f : tv.features)
            if (tv.text(f, "scenario") == request.basesScenario)
                villageBaseCode[tv.text(f, "village_code")] = tv.text(f, "base_commune_code");
    }

    // Villages: the ranked ones (filtered by --district in the ranking), with label points.
    Layer villages = store->readLayer("villages", &fb);
    std::map<std::string, XY> label, labelM;
    for (const auto& f : villages.features)
        if (!f.geom.isEmpty())
            label[villages.text(f, "code")] = interiorPoint(f.geom);
    crs::reproject(villages, analysis::AnalysisOptions{}.metricEpsg);
    for (const auto& f : villages.features)
        if (!f.geom.isEmpty())
            labelM[villages.text(f, "code")] = interiorPoint(f.geom);

    struct V {
        const RankedVillage* rv;
        XY ll, m;
    };
    std::vector<V> vs;
    for (const auto& rv : ranked.villages) {
        const auto it = label.find(rv.code);
        if (it == label.end())
            continue;
        vs.push_back({&rv, it->second, labelM.at(rv.code)});
    }
    if (vs.empty())
        throw Error(ErrorKind::Usage, request.districts.empty() ? request.project : "--district", "no villages to schedule");
    const int n = static_cast<int>(vs.size());
    r.villages = n;
    r.bases = static_cast<int>(baseCode.size());
    r.teams = r.bases * request.teams;

    planning::ScheduleProblem p;
    p.villages = n;
    p.bases = r.bases;
    for (int b = 0; b < p.bases; ++b)
        for (int k = 0; k < request.teams; ++k)
            p.teamBase.push_back(b);
    p.villagesPerDay = request.villagesPerDay;
    p.lookahead = request.lookahead;
    for (int d = fromDay; d <= toDay; ++d)
        if (std::find(request.workdays.begin(), request.workdays.end(), isoWeekday(d)) != request.workdays.end() &&
            !holidays.count(d))
            p.days.push_back(d);
    r.workingDays = static_cast<int>(p.days.size());
    if (p.days.empty())
        throw Error(ErrorKind::Usage, "--from", "the window holds no working day (weekdays and holidays)");
    int unknownBase = 0;
    for (const auto& v : vs) {
        const auto it = villageBaseCode.find(v.rv->code);
        const auto bi = it == villageBaseCode.end() ? baseIndex.end() : baseIndex.find(it->second);
        p.villageBase.push_back(bi == baseIndex.end() ? -1 : bi->second);
        unknownBase += bi == baseIndex.end() ? 1 : 0;
        int e = fromDay, l = toDay;
        const auto w = request.windows.find(v.rv->district);
        if (w != request.windows.end()) {
            e = std::max(e, planning::dayNumber(w->second.first));
            l = std::min(l, planning::dayNumber(w->second.second));
        }
        p.earliest.push_back(e);
        p.latest.push_back(l);
    }
    if (unknownBase > 0)
        r.notes.push_back(std::to_string(unknownBase) + " villages have no base in scenario '" + request.basesScenario +
                          "': teams of the nearest bases visit them when their own villages are done");
    for (const auto& window : request.windows) {
        const std::string& district = window.first;  // not a structured binding: clang 14 cannot capture those
        if (std::none_of(vs.begin(), vs.end(), [&](const V& v) { return v.rv->district == district; }))
            r.notes.push_back("--window " + district + ": no village of this district is scheduled");
    }

    fb.throwIfCancelled();
    fb.setStep("road distances");
    fb.setProgress(10);
    const auto t0 = std::chrono::steady_clock::now();
    const analysis::AnalysisOptions ao;
    Layer roads = store->readLayer("roads", &fb);
    crs::reproject(roads, ao.metricEpsg);
    std::vector<XY> vxy;
    for (const auto& v : vs)
        vxy.push_back(v.m);
    const auto baseM = analysis::roadDistanceMatrix(roads, ao.access, baseXY, vxy, &fb);
    p.baseKm.resize(baseM.size());
    std::transform(baseM.begin(), baseM.end(), p.baseKm.begin(), [](double m) { return m / 1000.0; });
    if (p.villagesPerDay > 1) {
        fb.setProgress(20);
        const auto vm = analysis::roadDistanceMatrix(roads, ao.access, vxy, vxy, &fb);
        p.villageKm.resize(vm.size());
        std::transform(vm.begin(), vm.end(), p.villageKm.begin(), [](double m) { return m / 1000.0; });
    }
    r.matrixSeconds = sec(t0);

    fb.setStep("schedule");
    fb.setProgress(60);
    const auto t1 = std::chrono::steady_clock::now();
    // Planned order: the ranking. Naive order: phase 1, phase 2, then unphased; district code; village code.
    for (int i = 0; i < n; ++i)
        p.priority.push_back(i);
    const auto planned = planning::planSchedule(p, planning::ScheduleMode::Planned, &fb);
    std::vector<int> naiveOrder(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i)
        naiveOrder[static_cast<size_t>(i)] = i;
    auto phaseKey = [&](int i) {
        const auto it = phaseOf.find(vs[static_cast<size_t>(i)].rv->district);
        const int ph = it == phaseOf.end() ? 0 : it->second;
        return ph > 0 ? ph : std::numeric_limits<int>::max();
    };
    std::sort(naiveOrder.begin(), naiveOrder.end(), [&](int a, int b) {
        const auto& va = *vs[static_cast<size_t>(a)].rv;
        const auto& vb = *vs[static_cast<size_t>(b)].rv;
        const int pa = phaseKey(a), pb = phaseKey(b);
        if (pa != pb)
            return pa < pb;
        if (va.district != vb.district)
            return va.district < vb.district;
        return va.code < vb.code;
    });
    planning::ScheduleProblem naiveProblem = p;
    for (int k = 0; k < n; ++k)
        naiveProblem.priority[static_cast<size_t>(naiveOrder[static_cast<size_t>(k)])] = k;
    fb.setProgress(75);
    const auto naive = planning::planSchedule(naiveProblem, planning::ScheduleMode::Naive, &fb);
    r.solveSeconds = sec(t1);

    const int weekStart = fromDay - (isoWeekday(fromDay) - 1);  // the Monday of the window's first week
    const int lagDays = static_cast<int>(std::lround(request.lagWeeks * 7));
    auto summarise = [&](const planning::ScheduleSolution& s, SchedulePlanSummary& out) {
        out.scheduled = static_cast<int>(s.visits.size());
        out.unscheduled = static_cast<int>(s.unscheduled.size());
        out.teamDays = s.teamDays;
        out.travelKm = s.travelKm;
        out.helpVisits = s.helpVisits;
        if (!s.visits.empty()) {
            out.finishDate = planning::isoFromDay(s.finishDay);
            out.weeks = (s.finishDay - weekStart) / 7 + 1;
        }
    };
    summarise(planned, r.planned);
    summarise(naive, r.naive);

    auto teamName = [&](int t) {
        const int b = p.teamBase[static_cast<size_t>(t)];
        return baseCode[static_cast<size_t>(b)] + "-" + std::to_string(t - b * request.teams + 1);
    };
    for (const auto& v : planned.visits) {
        const auto& src = vs[static_cast<size_t>(v.village)];
        ScheduledVisit sv;
        sv.villageCode = src.rv->code;
        sv.villageName = src.rv->name;
        sv.districtCode = src.rv->district;
        sv.rank = src.rv->rank;
        sv.team = teamName(v.team);
        sv.baseCode = baseCode[static_cast<size_t>(p.teamBase[static_cast<size_t>(v.team)])];
        sv.date = planning::isoFromDay(v.day);
        sv.week = (v.day - weekStart) / 7 + 1;
        sv.slot = v.slot;
        sv.legKm = v.legKm;
        sv.targetDate = planning::isoFromDay(v.day + lagDays);
        sv.lon = src.ll.x;
        sv.lat = src.ll.y;
        r.visits.push_back(sv);
    }
    for (int i : planned.unscheduled) {
        const auto& src = vs[static_cast<size_t>(i)];
        ScheduledVisit sv;
        sv.villageCode = src.rv->code;
        sv.villageName = src.rv->name;
        sv.districtCode = src.rv->district;
        sv.rank = src.rv->rank;
        sv.lon = src.ll.x;
        sv.lat = src.ll.y;
        r.visits.push_back(sv);
    }
    if (!planned.unscheduled.empty())
        r.notes.push_back(std::to_string(planned.unscheduled.size()) +
                          " villages could not be scheduled (no free team day in their window, or no road to any base): "
                          "they are listed without a date");

    // Per district: the last visit and the expected target date (last visit + lag), both plans.
    std::map<std::string, DistrictSchedule> perDistrict;
    std::map<std::string, int> lastPlanned, lastNaive;
    for (const auto& v : vs) {
        auto& d = perDistrict[v.rv->district];
        d.code = v.rv->district;
        ++d.villages;
    }
    for (const auto& v : planned.visits) {
        auto& l = lastPlanned[vs[static_cast<size_t>(v.village)].rv->district];
        l = std::max(l, v.day);
    }
    for (const auto& v : naive.visits) {
        auto& l = lastNaive[vs[static_cast<size_t>(v.village)].rv->district];
        l = std::max(l, v.day);
    }
    for (int i : planned.unscheduled)
        ++perDistrict[vs[static_cast<size_t>(i)].rv->district].unscheduled;
    for (auto& entry : perDistrict) {
        const std::string& code = entry.first;  // captured below: no structured binding (clang 14)
        DistrictSchedule& d = entry.second;
        // A district with an unscheduled village does not reach its targets in the window.
        if (lastPlanned.count(code) && d.unscheduled == 0) {
            d.lastVisit = planning::isoFromDay(lastPlanned[code]);
            d.targetDate = planning::isoFromDay(lastPlanned[code] + lagDays);
        }
        const bool naiveComplete = std::none_of(naive.unscheduled.begin(), naive.unscheduled.end(),
                                                [&](int i) { return vs[static_cast<size_t>(i)].rv->district == code; });
        if (lastNaive.count(code) && naiveComplete) {
            d.naiveLastVisit = planning::isoFromDay(lastNaive[code]);
            d.naiveTargetDate = planning::isoFromDay(lastNaive[code] + lagDays);
        }
        r.districts.push_back(d);
    }

    if (request.store) {
        fb.setStep("store");
        fb.setProgress(90);
        const std::string created = stampIsoUtc();
        Layer ls = schema::makeLayer("team_schedule");
        for (const auto& v : r.visits) {
            Feature& f = ls.addFeature(Geometry::point(v.lon, v.lat));
            ls.set(f, "scenario", request.scenario);
            ls.set(f, "created", created);
            ls.set(f, "village_code", v.villageCode);
            ls.set(f, "village_name", v.villageName);
            ls.set(f, "district_code", v.districtCode);
            ls.set(f, "rank", static_cast<int64_t>(v.rank));
            if (!v.date.empty()) {
                ls.set(f, "team", v.team);
                ls.set(f, "base_commune_code", v.baseCode);
                ls.set(f, "visit_date", v.date);
                ls.set(f, "week", static_cast<int64_t>(v.week));
                ls.set(f, "slot", static_cast<int64_t>(v.slot));
                ls.set(f, "leg_km", v.legKm);
                ls.set(f, "target_date", v.targetDate);
            }
        }
        Layer ld = schema::makeLayer("team_schedule_districts");
        for (const auto& d : r.districts) {
            Feature& f = ld.addFeature(Geometry{});
            ld.set(f, "scenario", request.scenario);
            ld.set(f, "district_code", d.code);
            ld.set(f, "villages", static_cast<int64_t>(d.villages));
            ld.set(f, "unscheduled", static_cast<int64_t>(d.unscheduled));
            if (!d.lastVisit.empty()) {
                ld.set(f, "last_visit", d.lastVisit);
                ld.set(f, "target_date", d.targetDate);
            }
            if (!d.naiveLastVisit.empty()) {
                ld.set(f, "naive_last_visit", d.naiveLastVisit);
                ld.set(f, "naive_target_date", d.naiveTargetDate);
            }
        }
        Layer lr = schema::makeLayer("team_schedule_runs");
        {
            Feature& f = lr.addFeature(Geometry{});
            lr.set(f, "scenario", request.scenario);
            lr.set(f, "created", created);
            lr.set(f, "bases_scenario", request.basesScenario);
            lr.set(f, "from_date", request.from);
            lr.set(f, "to_date", request.to);
            lr.set(f, "teams", static_cast<int64_t>(r.teams));
            lr.set(f, "villages_per_day", static_cast<int64_t>(request.villagesPerDay));
            lr.set(f, "lag_weeks", request.lagWeeks);
            lr.set(f, "villages", static_cast<int64_t>(r.villages));
            lr.set(f, "unscheduled", static_cast<int64_t>(r.planned.unscheduled));
            if (!r.planned.finishDate.empty())
                lr.set(f, "finish_date", r.planned.finishDate);
            lr.set(f, "team_days", static_cast<int64_t>(r.planned.teamDays));
            lr.set(f, "travel_km", r.planned.travelKm);
            if (!r.naive.finishDate.empty())
                lr.set(f, "naive_finish_date", r.naive.finishDate);
            lr.set(f, "naive_team_days", static_cast<int64_t>(r.naive.teamDays));
            lr.set(f, "naive_travel_km", r.naive.travelKm);
        }
        store->replaceRowsWhere("scenario", request.scenario, {&ls, &ld, &lr}, &fb);
        r.scenario = request.scenario;
    }
    fb.setProgress(100);
    return r;
}

} // namespace bando::tasks
