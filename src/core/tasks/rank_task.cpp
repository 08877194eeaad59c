#include "core/tasks/rank_task.hpp"

#include "core/base/error.hpp"
#include "core/model/schema.hpp"
#include "core/planning/village_table.hpp"
#include "core/store/project_store.hpp"

#include <algorithm>
#include <chrono>
#include "core/base/clock.hpp"

#include <cmath>
#include <ctime>

namespace bando::tasks {
namespace {


std::vector<planning::Criterion> savedPreset(const ProjectStore& store, const std::string& name)
{
    std::vector<planning::Criterion> out;
    if (!store.hasLayer("planning_presets"))
        return out;
    const Layer l = store.readLayer("planning_presets");
    for (const auto& f : l.features) {
        if (l.text(f, "preset") != name)
            continue;
        planning::Criterion c;
        c.name = l.text(f, "criterion");
        c.field = l.text(f, "field");
        c.normalisation = planning::parseNormalisation(l.text(f, "normalisation"));
        c.direction = planning::parseDirection(l.text(f, "direction"));
        c.weight = l.real(f, "weight");
        c.reason = l.text(f, "reason");
        out.push_back(c);
    }
    return out;
}

} // namespace

planning::Criterion parseCriterionSpec(const std::string& spec)
{
    const auto eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
        throw Error(ErrorKind::Usage, "--criterion", "expected NAME=FIELD[:minmax|rank][:higher|lower][:WEIGHT], got '" + spec + "'");
    planning::Criterion c;
    c.name = spec.substr(0, eq);
    std::vector<std::string> parts;
    std::string rest = spec.substr(eq + 1);
    size_t start = 0;
    for (size_t i = 0; i <= rest.size(); ++i)
        if (i == rest.size() || rest[i] == ':') {
            parts.push_back(rest.substr(start, i - start));
            start = i + 1;
        }
    c.field = parts[0];
    c.weight = 1;
    for (size_t i = 1; i < parts.size(); ++i) {
        const auto& p = parts[i];
        if (p == "minmax" || p == "rank")
            c.normalisation = planning::parseNormalisation(p);
        else if (p == "higher" || p == "lower")
            c.direction = planning::parseDirection(p);
        else {
            char* end = nullptr;
            const double w = std::strtod(p.c_str(), &end);
            if (p.empty() || *end != '\0' || !(w >= 0))
                throw Error(ErrorKind::Usage, "--criterion", "'" + p + "' is not minmax, rank, higher, lower or a weight >= 0");
            c.weight = w;
        }
    }
    c.reason = "added by the user";
    return c;
}

void RankRequest::validate() const
{
    if (project.empty())
        throw Error(ErrorKind::Usage, "PROJECT", "a project file is required");
    if (preset.empty())
        throw Error(ErrorKind::Usage, "--preset", "a preset is required (team, telecom or a saved one)");
    for (const auto& [k, w] : weights)
        if (!(w >= 0) || !std::isfinite(w))
            throw Error(ErrorKind::Usage, "--weight", "weight of '" + k + "' must be a number >= 0");
    if (top < 0)
        throw Error(ErrorKind::Usage, "--top", "must be 0 (all) or more");
    if (runs < 0 || runs > 100000)
        throw Error(ErrorKind::Usage, "--runs", "must be between 0 and 100000");
    if (!(spread >= 0 && spread < 1))
        throw Error(ErrorKind::Usage, "--spread", "must be at least 0 and below 1");
    if (robustTop < 1)
        throw Error(ErrorKind::Usage, "--robust-top", "must be 1 or more");
    for (const auto& c : classes)
        if (c != "no_signal" && c != "unstable" && c != "covered")
            throw Error(ErrorKind::Usage, "--class", "must be no_signal, unstable or covered, not '" + c + "'");
    if (operatorScenario.empty())
        throw Error(ErrorKind::Usage, "--operator-scenario", "a bando split scenario name is required");
    if (savePreset == "team" || savePreset == "telecom")
        throw Error(ErrorKind::Usage, "--save-preset", "'" + savePreset + "' is a built-in preset: choose another name");
}

RankResult run(const RankRequest& request, Feedback& fb)
{
    request.validate();
    fb.setStep("rank");
    const bool writes = !request.scenario.empty() || !request.savePreset.empty();
    auto store = ProjectStore::open(request.project, writes ? ProjectStore::Mode::ReadWrite : ProjectStore::Mode::ReadOnly);
    RankResult r;
    r.project = request.project;
    r.preset = request.preset;
    r.scenario = request.scenario;
    r.runs = request.runs;
    r.seed = request.seed;
    r.spread = request.spread;
    r.robustTop = request.robustTop;

    // Criteria: the preset, then added criteria, then weight overrides.
    std::vector<planning::Criterion> criteria;
    if (const auto* p = planning::findBuiltinPreset(request.preset))
        criteria = p->criteria;
    else {
        criteria = savedPreset(*store, request.preset);
        if (criteria.empty())
            throw Error(ErrorKind::Usage, "--preset", "no preset '" + request.preset + "' (team, telecom or one saved with --save-preset)");
    }
    for (const auto& c : request.addCriteria) {
        if (std::any_of(criteria.begin(), criteria.end(), [&](const auto& x) { return x.name == c.name; }))
            throw Error(ErrorKind::Usage, "--criterion", "a criterion named '" + c.name + "' already exists");
        criteria.push_back(c);
    }
    for (const auto& weight : request.weights) {
        const std::string& name = weight.first;  // a named variable: clang 14 cannot capture bindings
        const double w = weight.second;
        auto it = std::find_if(criteria.begin(), criteria.end(), [&](const auto& x) { return x.name == name; });
        if (it == criteria.end()) {
            std::string known;
            for (const auto& c : criteria)
                known += (known.empty() ? "" : ", ") + c.name;
            throw Error(ErrorKind::Usage, "--weight", "no criterion '" + name + "' in this ranking (" + known + ")");
        }
        it->weight = w;
    }

    planning::VillageTable all = planning::loadVillageTable(*store, request.date, request.operatorScenario);
    r.date = all.date;
    fb.throwIfCancelled();
    // Filter.
    std::vector<bool> keep(all.size(), true);
    auto listed = [](const auto& list, const auto& v) { return list.empty() || std::find(list.begin(), list.end(), v) != list.end(); };
    for (size_t i = 0; i < all.size(); ++i)
        keep[i] = listed(request.districts, all.district[i]) && listed(request.phases, all.phase[i]) &&
                  listed(request.classes, all.mobileClass[i]) && listed(request.operators, all.op[i]);
    for (const auto& d : request.districts)
        r.filter += (r.filter.empty() ? "" : ";") + std::string("district=") + d;
    for (int p : request.phases)
        r.filter += (r.filter.empty() ? "" : ";") + std::string("phase=") + std::to_string(p);
    for (const auto& c : request.classes)
        r.filter += (r.filter.empty() ? "" : ";") + std::string("class=") + c;
    for (const auto& o : request.operators)
        r.filter += (r.filter.empty() ? "" : ";") + std::string("operator=") + o;
    if (!all.operatorsStored &&
        (!request.operators.empty() || std::any_of(criteria.begin(), criteria.end(), [](const auto& c) {
            return c.field == "operator_assigned" && c.weight > 0;
        })))
        r.notes.push_back("no operator assignment stored for split scenario '" + request.operatorScenario +
                          "' (run bando split): operator_assigned is 0 for every village");
    const planning::VillageTable t = all.filtered(keep);
    if (t.size() == 0)
        throw Error(ErrorKind::Usage, "--district", "no village matches the filter");

    std::vector<std::vector<double>> raw;
    for (const auto& c : criteria) {
        const auto* col = t.field(c.field);
        if (!col) {
            std::string known;
            for (const auto& [k, v] : t.fields)
                known += (known.empty() ? "" : ", ") + k;
            throw Error(ErrorKind::Usage, "--criterion", "criterion '" + c.name + "': no numeric field '" + c.field + "' (fields: " + known + ")");
        }
        size_t missing = 0;
        for (double x : *col)
            missing += std::isnan(x) ? 1 : 0;
        if (missing)
            r.notes.push_back("criterion " + c.name + ": " + std::to_string(missing) + " villages without a value (normalised to 0)");
        raw.push_back(*col);
    }
    planning::Ranker ranker(criteria, raw);
    r.criteria = ranker.criteria();
    r.villagesRanked = static_cast<int>(t.size());
    fb.setProgress(20);
    fb.throwIfCancelled();

    std::vector<double> weights;
    for (const auto& c : criteria)
        weights.push_back(c.weight);
    std::vector<planning::Stability> stab(t.size());
    if (request.runs > 0)
        stab = planning::sensitivity(ranker, weights, request.runs, request.seed, request.spread, request.robustTop);
    fb.setProgress(70);
    fb.throwIfCancelled();

    const auto order = ranker.order();
    std::vector<RankedVillage> ranked;
    ranked.reserve(order.size());
    for (size_t pos = 0; pos < order.size(); ++pos) {
        const uint32_t v = order[pos];
        RankedVillage rv;
        rv.rank = static_cast<int>(pos) + 1;
        rv.code = t.code[v];
        rv.name = t.name[v];
        rv.commune = t.commune[v];
        rv.district = t.district[v];
        rv.mobileClass = t.mobileClass[v];
        rv.phase = t.phase[v];
        rv.op = t.op[v];
        rv.score = ranker.scores()[v];
        for (size_t k = 0; k < criteria.size(); ++k) {
            rv.values.push_back(raw[k][v]);
            rv.normalised.push_back(ranker.normalised(v, k));
            rv.contributions.push_back(ranker.contribution(v, k));
        }
        rv.stability = stab[v];
        rv.robust = request.runs > 0 && stab[v].topShare >= planning::kRobustShare;
        ranked.push_back(std::move(rv));
    }

    if (writes) {
        fb.setStep("store");
        ProjectStore::Transaction tx(*store);
        if (!request.savePreset.empty()) {
            Layer l = schema::makeLayer("planning_presets");
            for (const auto& c : r.criteria) {
                Feature& f = l.addFeature(Geometry{});
                l.set(f, "preset", request.savePreset);
                l.set(f, "criterion", c.name);
                l.set(f, "field", c.field);
                l.set(f, "normalisation", std::string(planning::normalisationName(c.normalisation)));
                l.set(f, "direction", std::string(planning::directionName(c.direction)));
                l.set(f, "weight", c.weight);
                l.set(f, "reason", c.reason);
            }
            store->deleteWhere("planning_presets", {{"preset", request.savePreset}});
            store->appendFeatures(l);
        }
        if (!request.scenario.empty()) {
            const std::string& s = request.scenario;
            for (const char* table : {"scenarios", "scenario_weights", "scenario_results", "scenario_contributions"})
                store->deleteWhere(table, {{"scenario", s}});
            Layer sc = schema::makeLayer("scenarios");
            Feature& f = sc.addFeature(Geometry{});
            sc.set(f, "scenario", s);
            sc.set(f, "kind", std::string("rank"));
            sc.set(f, "created", stampIsoUtc());
            sc.set(f, "indicators_date", r.date);
            sc.set(f, "preset", r.preset);
            sc.set(f, "filter", r.filter);
            sc.set(f, "villages", static_cast<int64_t>(r.villagesRanked));
            sc.set(f, "top_n", static_cast<int64_t>(request.robustTop));
            sc.set(f, "runs", static_cast<int64_t>(request.runs));
            sc.set(f, "seed", static_cast<int64_t>(request.seed));
            sc.set(f, "spread", request.spread);
            store->appendFeatures(sc);
            Layer sw = schema::makeLayer("scenario_weights");
            for (const auto& c : r.criteria) {
                Feature& g = sw.addFeature(Geometry{});
                sw.set(g, "scenario", s);
                sw.set(g, "criterion", c.name);
                sw.set(g, "field", c.field);
                sw.set(g, "normalisation", std::string(planning::normalisationName(c.normalisation)));
                sw.set(g, "direction", std::string(planning::directionName(c.direction)));
                sw.set(g, "weight", c.weight);
            }
            store->appendFeatures(sw);
            Layer res = schema::makeLayer("scenario_results");
            Layer con = schema::makeLayer("scenario_contributions");
            for (const auto& v : ranked) {
                Feature& g = res.addFeature(Geometry{});
                res.set(g, "scenario", s);
                res.set(g, "rank", static_cast<int64_t>(v.rank));
                res.set(g, "village_code", v.code);
                res.set(g, "village_name", v.name);
                res.set(g, "commune_code", v.commune);
                res.set(g, "district_code", v.district);
                res.set(g, "score", v.score);
                if (request.runs > 0) {
                    res.set(g, "rank_min", static_cast<int64_t>(v.stability.rankMin));
                    res.set(g, "rank_max", static_cast<int64_t>(v.stability.rankMax));
                    res.set(g, "top_share", v.stability.topShare);
                    res.set(g, "robust", static_cast<int64_t>(v.robust ? 1 : 0));
                }
                for (size_t k = 0; k < r.criteria.size(); ++k) {
                    Feature& h = con.addFeature(Geometry{});
                    con.set(h, "scenario", s);
                    con.set(h, "village_code", v.code);
                    con.set(h, "criterion", r.criteria[k].name);
                    if (!std::isnan(v.values[k]))
                        con.set(h, "value", v.values[k]);
                    con.set(h, "normalised", v.normalised[k]);
                    con.set(h, "contribution", v.contributions[k]);
                }
            }
            store->appendFeatures(res, &fb);
            store->appendFeatures(con, &fb);
        }
        fb.throwIfCancelled();
        tx.commit();
    }
    if (request.top > 0 && static_cast<size_t>(request.top) < ranked.size())
        ranked.resize(static_cast<size_t>(request.top));
    r.villages = std::move(ranked);
    fb.setProgress(100);
    return r;
}

} // namespace bando::tasks

namespace bando::tasks {
namespace {

std::vector<const RankedVillage*> inCodeOrder(const RankResult& r)
{
    if (static_cast<int>(r.villages.size()) != r.villagesRanked)
        throw Error(ErrorKind::Usage, "--top", "live re-ranking needs every ranked village (run with --top 0)");
    std::vector<const RankedVillage*> out;
    out.reserve(r.villages.size());
    for (const auto& v : r.villages)
        out.push_back(&v);
    std::sort(out.begin(), out.end(), [](const RankedVillage* a, const RankedVillage* b) { return a->code < b->code; });
    return out;
}

std::vector<std::vector<double>> valuesOf(const std::vector<const RankedVillage*>& villages, size_t criteria)
{
    std::vector<std::vector<double>> raw(criteria, std::vector<double>(villages.size()));
    for (size_t v = 0; v < villages.size(); ++v)
        for (size_t k = 0; k < criteria; ++k)
            raw[k][v] = villages[v]->values[k];
    return raw;
}

} // namespace

LiveRanking::LiveRanking(RankResult result)
    : m_result(std::move(result)), m_byCode(inCodeOrder(m_result)),
      m_ranker(m_result.criteria, valuesOf(m_byCode, m_result.criteria.size()))
{
    reorder();
}

void LiveRanking::setWeights(const std::vector<double>& weights)
{
    m_ranker.setWeights(weights);
    reorder();
}

void LiveRanking::reorder()
{
    m_order = m_ranker.order();
    m_rankOf.assign(m_order.size(), 0);
    for (size_t pos = 0; pos < m_order.size(); ++pos)
        m_rankOf[m_order[pos]] = static_cast<int>(pos) + 1;
}

int LiveRanking::indexOf(const std::string& code) const
{
    auto it = std::lower_bound(m_byCode.begin(), m_byCode.end(), code,
                               [](const RankedVillage* a, const std::string& c) { return a->code < c; });
    return it != m_byCode.end() && (*it)->code == code ? static_cast<int>(it - m_byCode.begin()) : -1;
}

std::vector<std::string> savedPresetNames(const std::string& project)
{
    std::vector<std::string> out;
    auto store = ProjectStore::open(project, ProjectStore::Mode::ReadOnly);
    if (!store->hasLayer("planning_presets"))
        return out;
    const Layer l = store->readLayer("planning_presets");
    for (const auto& f : l.features) {
        std::string name = l.text(f, "preset");
        if (std::find(out.begin(), out.end(), name) == out.end())
            out.push_back(std::move(name));
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace bando::tasks
