#include "core/tasks/scenarios_task.hpp"

#include "core/base/error.hpp"
#include "core/store/project_store.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace bando::tasks {
namespace {

struct Loaded {
    std::map<std::string, std::pair<int, double>> rank;  // code -> (rank, score)
    std::map<std::string, std::string> name;
    std::map<std::string, std::map<std::string, double>> contrib;  // code -> criterion -> contribution
};

Loaded loadResults(const ProjectStore& store, const std::string& scenario)
{
    Loaded l;
    const Layer res = store.readLayer("scenario_results");
    for (const auto& f : res.features)
        if (res.text(f, "scenario") == scenario) {
            const std::string code = res.text(f, "village_code");
            l.rank[code] = {static_cast<int>(res.integer(f, "rank")), res.real(f, "score")};
            l.name[code] = res.text(f, "village_name");
        }
    const Layer con = store.readLayer("scenario_contributions");
    for (const auto& f : con.features)
        if (con.text(f, "scenario") == scenario)
            l.contrib[con.text(f, "village_code")][con.text(f, "criterion")] = con.real(f, "contribution");
    return l;
}

} // namespace

void ScenariosRequest::validate() const
{
    if (project.empty())
        throw Error(ErrorKind::Usage, "PROJECT", "a project file is required");
    if (compareA.empty() != compareB.empty())
        throw Error(ErrorKind::Usage, "--compare", "expected two scenario names: --compare A B");
    if (top < 1)
        throw Error(ErrorKind::Usage, "--top", "must be 1 or more");
    if (reasons < 1)
        throw Error(ErrorKind::Usage, "--reasons", "must be 1 or more");
}

ScenariosResult run(const ScenariosRequest& request, Feedback& fb)
{
    request.validate();
    fb.setStep("scenarios");
    auto store = ProjectStore::open(request.project, ProjectStore::Mode::ReadOnly);
    ScenariosResult r;
    r.project = request.project;
    if (store->hasLayer("scenarios")) {
        const Layer sc = store->readLayer("scenarios");
        const Layer sw = store->readLayer("scenario_weights");
        for (const auto& f : sc.features) {
            ScenarioInfo s;
            s.name = sc.text(f, "scenario");
            s.kind = sc.text(f, "kind");
            s.created = sc.text(f, "created");
            s.indicatorsDate = sc.text(f, "indicators_date");
            s.preset = sc.text(f, "preset");
            s.filter = sc.text(f, "filter");
            s.villages = static_cast<int>(sc.integer(f, "villages"));
            for (const auto& g : sw.features)
                if (sw.text(g, "scenario") == s.name)
                    s.weights.emplace_back(sw.text(g, "criterion"), sw.real(g, "weight"));
            r.scenarios.push_back(std::move(s));
        }
        std::sort(r.scenarios.begin(), r.scenarios.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    }
    if (request.compareA.empty())
        return r;

    auto find = [&](const std::string& n) -> const ScenarioInfo& {
        for (const auto& s : r.scenarios)
            if (s.name == n)
                return s;
        throw Error(ErrorKind::Usage, "--compare", "no scenario '" + n + "' in " + request.project);
    };
    const ScenarioInfo& A = find(request.compareA);
    const ScenarioInfo& B = find(request.compareB);
    r.compared = true;
    auto& c = r.comparison;
    c.a = A.name;
    c.b = B.name;
    c.top = request.top;
    for (const auto& [key, va, vb] : {std::tuple{"indicators_date", A.indicatorsDate, B.indicatorsDate},
                                      std::tuple{"preset", A.preset, B.preset}, std::tuple{"filter", A.filter, B.filter},
                                      std::tuple{"villages", std::to_string(A.villages), std::to_string(B.villages)}})
        if (va != vb)
            c.inputs.push_back({key, {va, vb}});
    std::map<std::string, std::pair<double, double>> w;
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    for (const auto& [k, v] : A.weights)
        w[k] = {v, kNaN};
    for (const auto& [k, v] : B.weights) {
        auto it = w.find(k);
        if (it == w.end())
            w[k] = {kNaN, v};
        else
            it->second.second = v;
    }
    auto weightOrder = [&](const ScenarioInfo& s) {
        std::vector<std::string> names;
        for (const auto& [k, v] : s.weights)
            names.push_back(k);
        return names;
    };
    std::vector<std::string> names = weightOrder(A);
    for (const auto& n : weightOrder(B))
        if (std::find(names.begin(), names.end(), n) == names.end())
            names.push_back(n);
    for (const auto& n : names) {
        const auto& [wa, wb] = w[n];
        if (!(wa == wb))
            c.weights.push_back({n, {wa, wb}});
    }
    fb.setProgress(30);

    const Loaded la = loadResults(*store, A.name), lb = loadResults(*store, B.name);
    auto change = [&](const std::string& code) {
        ScenarioChange ch;
        ch.code = code;
        auto na = la.name.find(code);
        ch.name = na != la.name.end() ? na->second : lb.name.count(code) ? lb.name.at(code) : "";
        if (auto it = la.rank.find(code); it != la.rank.end())
            std::tie(ch.rankA, ch.scoreA) = it->second;
        if (auto it = lb.rank.find(code); it != lb.rank.end())
            std::tie(ch.rankB, ch.scoreB) = it->second;
        std::map<std::string, double> delta;
        if (auto it = la.contrib.find(code); it != la.contrib.end())
            for (const auto& [k, v] : it->second)
                delta[k] -= v;
        if (auto it = lb.contrib.find(code); it != lb.contrib.end())
            for (const auto& [k, v] : it->second)
                delta[k] += v;
        std::vector<std::pair<std::string, double>> d(delta.begin(), delta.end());
        std::stable_sort(d.begin(), d.end(), [](const auto& x, const auto& y) { return std::fabs(x.second) > std::fabs(y.second); });
        if (d.size() > static_cast<size_t>(request.reasons))
            d.resize(static_cast<size_t>(request.reasons));
        ch.why = std::move(d);
        return ch;
    };
    auto inTop = [&](const Loaded& l, const std::string& code) {
        auto it = l.rank.find(code);
        return it != l.rank.end() && it->second.first <= request.top;
    };
    std::vector<std::pair<int, std::string>> topA, topB;
    for (const auto& [code, rs] : la.rank)
        if (rs.first <= request.top)
            topA.push_back({rs.first, code});
    for (const auto& [code, rs] : lb.rank)
        if (rs.first <= request.top)
            topB.push_back({rs.first, code});
    std::sort(topA.begin(), topA.end());
    std::sort(topB.begin(), topB.end());
    for (const auto& [rank, code] : topB) {
        if (!inTop(la, code))
            c.entered.push_back(change(code));
        else if (la.rank.at(code).first != rank)
            c.moved.push_back(change(code));
        else
            ++c.unchanged;
    }
    for (const auto& [rank, code] : topA)
        if (!inTop(lb, code))
            c.left.push_back(change(code));
    fb.setProgress(100);
    return r;
}

} // namespace bando::tasks
