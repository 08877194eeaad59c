#include "core/tasks/targets_task.hpp"

#include "core/base/error.hpp"
#include "core/store/project_store.hpp"

#include <cstdlib>
#include <map>
#include <optional>

namespace bando::tasks {
namespace {

std::vector<std::string> split(const std::string& s, char sep)
{
    std::vector<std::string> out;
    size_t start = 0;
    for (size_t i = 0; i <= s.size(); ++i)
        if (i == s.size() || s[i] == sep) {
            out.push_back(s.substr(start, i - start));
            start = i + 1;
        }
    return out;
}

} // namespace

TargetSet parseTargetSet(const std::string& spec)
{
    const auto eq = spec.find('=');
    const auto parts = split(spec.substr(0, eq), ':');
    if (eq == std::string::npos || parts.size() != 3 || parts[0].empty() || parts[1].empty() || parts[2].empty())
        throw Error(ErrorKind::Usage, "--set", "expected SCOPE:CODE:FIELD=VALUE (e.g. commune:06613:shop_pct=55), got '" + spec + "'");
    return {parts[0], parts[1], parts[2], spec.substr(eq + 1)};
}

TargetUnset parseTargetUnset(const std::string& spec)
{
    const auto parts = split(spec, ':');
    if (parts.size() != 2 || parts[0].empty() || parts[1].empty())
        throw Error(ErrorKind::Usage, "--unset", "expected SCOPE:CODE (e.g. commune:06613), got '" + spec + "'");
    return {parts[0], parts[1]};
}

PhaseSet parsePhaseSet(const std::string& spec)
{
    const auto parts = split(spec, ':');
    if (parts.size() != 4)
        throw Error(ErrorKind::Usage, "--phase", "expected N:START:END:D1,D2,... (e.g. 1:2021-07-20:2021-09-20:180,184), got '" + spec + "'");
    char* end = nullptr;
    const long n = std::strtol(parts[0].c_str(), &end, 10);
    if (parts[0].empty() || *end != '\0' || n < 0)
        throw Error(ErrorKind::Usage, "--phase", "the phase number must be a whole number >= 0, got '" + parts[0] + "'");
    PhaseSet p;
    p.phase = static_cast<int>(n);
    p.start = parts[1];
    p.end = parts[2];
    for (const auto& d : split(parts[3], ','))
        if (!d.empty())
            p.districts.push_back(d);
    return p;
}

void TargetsRequest::validate() const
{
    if (project.empty())
        throw Error(ErrorKind::Usage, "PROJECT", "a project file is required");
    if (!(locBinhPct >= 0 && locBinhPct <= 100))
        throw Error(ErrorKind::Usage, "--loc-binh-pct", "must be a percentage from 0 to 100");
    if (!scenario.empty() && !phases.empty())
        throw Error(ErrorKind::Usage, "--phase", "the phases are shared by every target scenario: edit them without --scenario");
    if (force && !defaults)
        throw Error(ErrorKind::Usage, "--force", "--force only goes with --defaults");
    for (const auto& s : sets)
        if (s.scope != "province" && s.scope != "district" && s.scope != "commune" && s.scope != "village")
            throw Error(ErrorKind::Usage, "--set", "scope must be province, district, commune or village, got '" + s.scope + "'");
    for (const auto& p : phases)
        if (!planning::isIsoDate(p.start) || !planning::isIsoDate(p.end) || p.end < p.start || p.districts.empty())
            throw Error(ErrorKind::Usage, "--phase",
                        "phase " + std::to_string(p.phase) + ": expected START <= END as YYYY-MM-DD and at least one district");
}

TargetsResult run(const TargetsRequest& request, Feedback& fb)
{
    request.validate();
    TargetsResult r;
    r.project = request.project;
    // Read and check every edit first; the file is opened for writing only when they all hold,
    // so a refused edit leaves it byte for byte as it was.
    auto store = ProjectStore::open(request.project, ProjectStore::Mode::ReadOnly);
    fb.setStep("reading");
    auto read = [&](const char* n) -> std::optional<Layer> {
        if (!store->hasLayer(n))
            return std::nullopt;
        return store->readLayer(n, &fb);
    };
    const auto districts = read("districts"), communes = read("communes"), villages = read("villages");
    const auto targets = read("targets"), phases = read("phases");
    fb.setProgress(40);
    planning::TargetTable table = planning::readTargetTable(targets ? &*targets : nullptr, phases ? &*phases : nullptr);
    r.scenario = request.scenario;
    if (!request.scenario.empty()) {
        const auto scenarios = read("target_scenarios");
        planning::TargetTable own =
            planning::readScenarioTargets(scenarios ? &*scenarios : nullptr, request.scenario, phases ? &*phases : nullptr);
        if (!own.rows.empty())
            table = std::move(own);
        else if (!request.edits())
            throw Error(ErrorKind::Usage, "--scenario",
                        "no target scenario '" + request.scenario + "': create it with --set, --unset or --defaults");
        else
            r.notes.push_back("new target scenario '" + request.scenario + "': it starts from the project's " +
                              std::to_string(table.rows.size()) + " target rows");
    }

    // Codes the edits name must exist in the project.
    auto exists = [&](const std::string& scope, const std::string& code) {
        const std::optional<Layer>* l = scope == "district" ? &districts : scope == "commune" ? &communes
                                        : scope == "village"                       ? &villages : nullptr;
        if (!l)
            return true;  // province
        if (!*l)
            return false;
        for (const auto& f : (*l)->features)
            if ((*l)->text(f, "code") == code)
                return true;
        return false;
    };
    std::map<std::string, std::string> communeDistrict, villageCommune;
    if (communes)
        for (const auto& f : communes->features)
            communeDistrict[communes->text(f, "code")] = communes->text(f, "district_code");
    if (villages)
        for (const auto& f : villages->features)
            villageCommune[villages->text(f, "code")] = villages->text(f, "commune_code");

    if (request.defaults) {
        if (!request.force && request.scenario.empty() && (!table.rows.empty() || !table.phases.empty()))
            throw Error(ErrorKind::Usage, "--defaults",
                        "the project already has " + std::to_string(table.rows.size()) + " target rows and " +
                            std::to_string(table.phases.size()) +
                            " phase rows: add --force to replace them with the program defaults");
        const auto neighbours = communes ? planning::locBinhNeighbours(*communes) : std::vector<std::string>{};
        const auto sharedPhases = table.phases;
        table = planning::programDefaults(neighbours, request.locBinhPct);
        if (!request.scenario.empty())
            table.phases = sharedPhases;  // a scenario takes the default targets, never the phases
        if (!communes)
            r.notes.push_back("no communes layer: Lộc Bình's neighbouring communes were not found");
        // Keep only the commune overrides whose commune exists in this project.
        std::vector<planning::TargetRow> kept;
        for (const auto& row : table.rows)
            if (row.scope != "commune" || exists("commune", row.code))
                kept.push_back(row);
            else
                r.notes.push_back("commune " + row.code + " is not in the project: its default target was left out");
        table.rows = kept;
    }
    for (const auto& u : request.unsets)
        if (!table.unset(u.scope, u.code))
            throw Error(ErrorKind::Usage, "--unset", "no target row " + u.scope + ":" + u.code + " to remove");
    for (const auto& s : request.sets) {
        if (!exists(s.scope, s.code))
            throw Error(ErrorKind::Usage, "--set", s.scope + " " + s.code + " is not in the project's " + s.scope + " layer");
        // The target this row overrides: the next scope up.
        planning::EffectiveTarget inherited;
        if (s.scope == "village") {
            const std::string c = villageCommune[s.code];
            inherited = table.resolve("", c, communeDistrict[c], "");
        } else if (s.scope == "commune")
            inherited = table.resolve("", "", communeDistrict[s.code], "");
        else if (s.scope == "district")
            inherited = table.resolve("", "", "", "");
        table.set(s.scope, s.code, s.field, s.value, inherited);
    }
    for (const auto& p : request.phases) {
        for (const auto& d : p.districts)
            if (!exists("district", d))
                throw Error(ErrorKind::Usage, "--phase", "district " + d + " is not in the project's districts layer");
        table.setPhase(p.phase, p.start, p.end, p.districts);
    }
    fb.throwIfCancelled();
    if (request.edits()) {
        fb.setStep("writing");
        store.reset();
        auto writer = ProjectStore::open(request.project, ProjectStore::Mode::ReadWrite);
        ProjectStore::Transaction tx(*writer);
        if (request.scenario.empty()) {
            writer->replaceLayer(planning::targetsLayer(table));
            writer->replaceLayer(planning::phasesLayer(table));
        } else {
            if (writer->hasLayer("target_scenarios"))
                writer->deleteWhere("target_scenarios", {{"scenario", request.scenario}});
            writer->appendFeatures(planning::scenarioTargetsLayer(table, request.scenario));
        }
        tx.commit();
        r.changed = true;
    }
    fb.setProgress(70);

    // The effective targets of the province, every district and commune.
    r.table = table;
    if (villages) {
        planning::ProgressInput in;
        in.districts = districts ? &*districts : nullptr;
        in.communes = communes ? &*communes : nullptr;
        in.villages = &*villages;
        in.targets = &table;
        for (const auto& p : planning::progressAt(in, "9999-12-31")) {
            if (p.level == "village")
                continue;
            TargetPlace t;
            t.level = p.level;
            t.code = p.code;
            t.name = p.name;
            t.parent = p.parent;
            t.target = p.target;
            const std::string district = p.level == "district" ? p.code : p.level == "commune" ? p.parent : "";
            if (const auto* ph = table.phaseRow(district)) {
                t.phase = ph->phase;
                t.phaseStart = ph->start;
                t.phaseEnd = ph->end;
            }
            t.households = p.c.households;
            t.targetShops = p.c.targetShops;
            t.targetAccounts = p.c.targetAccounts;
            t.targetLocomotives = p.c.targetLocomotives;
            r.places.push_back(t);
        }
    } else {
        r.notes.push_back("no villages layer: the households each target asks for were not computed");
    }
    fb.setProgress(100);
    return r;
}

} // namespace bando::tasks
