#include "core/tasks/progress_task.hpp"

#include "core/base/error.hpp"
#include "core/model/schema.hpp"
#include "core/store/project_store.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace bando::tasks {

void ProgressRequest::validate() const
{
    if (project.empty())
        throw Error(ErrorKind::Usage, "PROJECT", "a project file is required");
    if (!date.empty() && !planning::isIsoDate(date))
        throw Error(ErrorKind::Usage, "--date", "expected a date YYYY-MM-DD, got '" + date + "'");
    if (windowDays < 1)
        throw Error(ErrorKind::Usage, "--window", "must be 1 day or more");
    if (source != "shops" && source != "reports")
        throw Error(ErrorKind::Usage, "--source", "must be shops or reports, got '" + source + "'");
    for (const auto& l : levels)
        if (l != "province" && l != "district" && l != "commune" && l != "village")
            throw Error(ErrorKind::Usage, "--level", "must be province, district, commune or village, got '" + l + "'");
    if (store && !scenario.empty())
        throw Error(ErrorKind::Usage, "--store", "the stored progress is measured against the project's targets: drop --scenario");
}

ProgressResult run(const ProgressRequest& request, Feedback& fb)
{
    request.validate();
    ProgressResult r;
    r.project = request.project;
    r.source = request.source;
    r.windowDays = request.windowDays;
    auto store = ProjectStore::open(request.project, ProjectStore::Mode::ReadOnly);
    fb.setStep("reading");
    auto read = [&](const char* n) -> std::optional<Layer> {
        fb.throwIfCancelled();
        if (!store->hasLayer(n))
            return std::nullopt;
        return store->readLayer(n, &fb);
    };
    const auto districts = read("districts"), communes = read("communes"), villages = read("villages");
    const auto shops = read("shops"), teams = read("teams"), targets = read("targets"), phases = read("phases");
    const auto reports = read("progress_reports");
    fb.setProgress(50);
    if (!villages)
        throw Error(ErrorKind::Usage, "PROJECT", "the project has no villages layer");
    planning::TargetTable table = planning::readTargetTable(targets ? &*targets : nullptr, phases ? &*phases : nullptr);
    r.scenario = request.scenario;
    if (!request.scenario.empty()) {
        const auto scenarios = read("target_scenarios");
        table = planning::readScenarioTargets(scenarios ? &*scenarios : nullptr, request.scenario, phases ? &*phases : nullptr);
        if (table.rows.empty())
            throw Error(ErrorKind::Usage, "--scenario",
                        "no target scenario '" + request.scenario + "' (bando targets --scenario " + request.scenario + " --set …)");
    }
    if (table.rows.empty())
        r.notes.push_back("no targets stored: the program defaults (50 % / 50 % / 10 %) are used (`bando targets --defaults`)");

    // The date: asked, else the last date in the data the source reads.
    r.date = request.date;
    if (r.date.empty()) {
        auto latest = [&](const std::optional<Layer>& l, std::initializer_list<const char*> fields) {
            if (!l)
                return;
            for (const char* field : fields) {
                const int i = l->fieldIndex(field);
                if (i < 0)
                    continue;
                for (const auto& f : l->features) {
                    const std::string d = toString(f.values[static_cast<size_t>(i)]).substr(0, 10);
                    if (planning::isIsoDate(d))
                        r.date = std::max(r.date, d);
                }
            }
        };
        if (request.source == "shops") {
            latest(shops, {"opened", "epay_opened", "locomotive_since"});
            latest(teams, {"formed"});
        } else
            latest(reports, {"date"});
        if (r.date.empty())
            throw Error(ErrorKind::Usage, "--date", "the project has no dated " + request.source + ": give --date");
    }
    const int asOf = planning::dayNumber(r.date);

    planning::ProgressInput in;
    in.districts = districts ? &*districts : nullptr;
    in.communes = communes ? &*communes : nullptr;
    in.villages = &*villages;
    in.shops = shops ? &*shops : nullptr;
    in.teams = teams ? &*teams : nullptr;
    in.targets = &table;
    std::vector<planning::PlaceProgress> all = planning::progressAt(in, r.date);
    fb.setProgress(75);
    fb.throwIfCancelled();

    // The series of the province and of every district, per measure.
    static const char* kMeasures[] = {"shops", "accounts", "locomotives"};
    std::map<std::string, std::vector<int>> events[3];  // measure -> place key -> event days
    std::map<std::string, std::vector<planning::SeriesPoint>> reported[3];
    const std::string province = all.front().code;
    if (request.source == "shops") {
        if (!shops)
            r.notes.push_back("no shops layer: nothing to forecast");
        else {
            std::map<std::string, std::string> districtOf;
            std::map<std::string, std::string> communeDistrict;
            if (communes)
                for (const auto& f : communes->features)
                    communeDistrict[communes->text(f, "code")] = communes->text(f, "district_code");
            for (const auto& f : villages->features) {
                std::string d = villages->text(f, "district_code");
                if (d.empty())
                    d = communeDistrict[villages->text(f, "commune_code")];
                districtOf[villages->text(f, "code")] = d;
            }
            const Layer& S = *shops;
            for (const auto& f : S.features) {
                auto it = districtOf.find(S.text(f, "village_code"));
                if (it == districtOf.end())
                    continue;
                const std::string dates[3] = {S.text(f, "opened"), S.text(f, "epay_opened"),
                                              S.integer(f, "locomotive") == 1 ? S.text(f, "locomotive_since") : ""};
                for (int m = 0; m < 3; ++m) {
                    const std::string d = dates[m].substr(0, std::min<size_t>(10, dates[m].size()));
                    if (!planning::isIsoDate(d))
                        continue;
                    const int day = planning::dayNumber(d);
                    events[m]["district:" + it->second].push_back(day);
                    events[m]["province:" + province].push_back(day);
                }
            }
        }
    } else {
        if (!reports)
            r.notes.push_back("no progress_reports table: nothing to forecast");
        else
            for (const auto& f : reports->features) {
                const std::string scope = reports->text(f, "scope"), d = reports->text(f, "date").substr(0, 10);
                if ((scope != "district" && scope != "province") || !planning::isIsoDate(d))
                    continue;
                for (int m = 0; m < 3; ++m)
                    if (const auto v = toInt(reports->value(f, kMeasures[m])))
                        reported[m][scope + ":" + reports->text(f, "code")].push_back(
                            {planning::dayNumber(d), static_cast<double>(*v)});
            }
        for (auto& per : reported)
            for (auto& [k, s] : per)
                std::stable_sort(s.begin(), s.end(), [](const auto& a, const auto& b) { return a.day < b.day; });
    }
    std::string lastPhaseEnd;
    for (const auto& p : table.phases)
        lastPhaseEnd = std::max(lastPhaseEnd, p.end);
    for (const auto& p : all) {
        if (p.level != "province" && p.level != "district")
            continue;
        const std::string key = p.level + ":" + p.code;
        const int64_t targetsOf[3] = {p.c.targetShops, p.c.targetAccounts, p.c.targetLocomotives};
        for (int m = 0; m < 3; ++m) {
            TargetForecast t;
            t.level = p.level;
            t.code = p.code;
            t.name = p.name;
            t.measure = kMeasures[m];
            std::vector<planning::SeriesPoint> series;
            if (request.source == "shops") {
                auto it = events[m].find(key);
                if (it != events[m].end())
                    series = planning::cumulativeSeries(it->second);
            } else if (auto it = reported[m].find(key); it != reported[m].end())
                series = it->second;
            t.forecast = planning::forecast(series, asOf, static_cast<double>(targetsOf[m]), request.windowDays);
            t.series = std::move(series);
            if (t.forecast.status == planning::ForecastStatus::Reached || t.forecast.status == planning::ForecastStatus::OnPace)
                t.date = planning::isoFromDay(t.forecast.day);
            if (p.level == "district") {
                if (const auto* ph = table.phaseRow(p.code))
                    t.phaseEnd = ph->end;
            } else
                t.phaseEnd = lastPhaseEnd;
            if (!t.phaseEnd.empty())
                t.late = (t.forecast.status == planning::ForecastStatus::OnPace && t.date > t.phaseEnd) ||
                         t.forecast.status == planning::ForecastStatus::NotAtThisPace;
            r.forecasts.push_back(t);
        }
    }
    const std::set<std::string> levels(request.levels.begin(), request.levels.end());
    for (auto& p : all)
        if (levels.count(p.level))
            r.places.push_back(std::move(p));
    if (request.store) {
        fb.setStep("writing");
        fb.throwIfCancelled();
        auto pct = [](int64_t n, int64_t of) { return of > 0 ? 100.0 * double(n) / double(of) : 0.0; };
        Layer lv = schema::makeLayer("progress_levels"), fc = schema::makeLayer("progress_forecasts");
        for (const auto& p : r.places) {
            Feature& f = lv.addFeature(Geometry{});
            lv.set(f, "date", r.date);
            lv.set(f, "source", r.source);
            lv.set(f, "level", p.level);
            lv.set(f, "code", p.code);
            lv.set(f, "name", p.name);
            lv.set(f, "parent", p.parent);
            lv.set(f, "households", p.c.households);
            lv.set(f, "shops", p.c.shops);
            lv.set(f, "accounts", p.c.accounts);
            lv.set(f, "locomotives", p.c.locomotives);
            lv.set(f, "teams", p.c.teams);
            lv.set(f, "villages", p.c.villages);
            lv.set(f, "villages_team_rule_met", p.c.villagesTeamRuleMet);
            lv.set(f, "target_shop_pct", p.target.shopPct);
            lv.set(f, "target_epay_pct", p.target.epayPct);
            lv.set(f, "target_locomotive_pct", p.target.locomotivePct);
            lv.set(f, "target_shops", p.c.targetShops);
            lv.set(f, "target_accounts", p.c.targetAccounts);
            lv.set(f, "target_locomotives", p.c.targetLocomotives);
            lv.set(f, "shop_pct", pct(p.c.shops, p.c.households));
            lv.set(f, "epay_pct", pct(p.c.accounts, p.c.households));
            lv.set(f, "locomotive_pct", pct(p.c.locomotives, p.c.households));
        }
        for (const auto& t : r.forecasts) {
            Feature& f = fc.addFeature(Geometry{});
            fc.set(f, "date", r.date);
            fc.set(f, "source", r.source);
            fc.set(f, "window_days", int64_t{r.windowDays});
            fc.set(f, "level", t.level);
            fc.set(f, "code", t.code);
            fc.set(f, "name", t.name);
            fc.set(f, "measure", t.measure);
            fc.set(f, "status", std::string(planning::forecastStatusName(t.forecast.status)));
            fc.set(f, "current", t.forecast.current);
            fc.set(f, "target", t.forecast.target);
            fc.set(f, "pace_per_day", t.forecast.pace);
            if (!t.date.empty())
                fc.set(f, "forecast_date", t.date);
            if (!t.phaseEnd.empty())
                fc.set(f, "phase_end", t.phaseEnd);
            fc.set(f, "late", int64_t{t.late ? 1 : 0});
        }
        store.reset();
        auto writer = ProjectStore::open(request.project, ProjectStore::Mode::ReadWrite);
        ProjectStore::Transaction tx(*writer);
        for (const char* table : {"progress_levels", "progress_forecasts"})
            writer->deleteWhere(table, {{"date", r.date}, {"source", r.source}});
        writer->appendFeatures(lv, &fb);
        writer->appendFeatures(fc, &fb);
        tx.commit();
        r.stored = true;
    }
    fb.setProgress(100);
    return r;
}

} // namespace bando::tasks
