#include "core/tasks/check_task.hpp"

#include "core/analysis/classify.hpp"
#include "core/base/error.hpp"
#include "core/model/schema.hpp"
#include "core/store/project_store.hpp"

#include <ctime>

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <memory>
#include <optional>

namespace bando::tasks {

void CheckRequest::validate() const
{
    if (project.empty())
        throw Error(ErrorKind::Usage, "PROJECT", "a project file is required");
    for (const auto& k : kinds)
        if (!planning::findCheckKind(k)) {
            std::string list;
            for (const auto& c : planning::checkKinds())
                list += (list.empty() ? "" : ", ") + std::string(c.id);
            throw Error(ErrorKind::Usage, "--kind", "unknown check '" + k + "' (one of: " + list + ")");
        }
}

CheckResult run(const CheckRequest& request, Feedback& fb)
{
    request.validate();
    CheckResult r;
    r.project = request.project;
    auto store = ProjectStore::open(request.project, ProjectStore::Mode::ReadOnly);
    fb.setStep("reading");
    std::map<std::string, std::optional<Layer>> layers;
    const char* names[] = {"districts", "communes", "villages", "shops", "teams", "targets", "progress_reports", "phases"};
    int done = 0;
    for (const char* n : names) {
        fb.throwIfCancelled();
        if (store->hasLayer(n))
            layers[n] = store->readLayer(n, &fb);
        fb.setProgress(60.0 * ++done / std::size(names));
    }
    auto get = [&](const char* n) -> const Layer* {
        auto it = layers.find(n);
        return it == layers.end() || !it->second ? nullptr : &*it->second;
    };

    // The villages' mobile classes: the stored analysis at the date asked (or the latest), else
    // the classification rule run on the project's layers.
    fb.setStep("classes");
    std::map<std::string, std::string> classes;
    bool haveClasses = false;
    if (store->hasLayer("village_indicators")) {
        const Layer vi = store->readLayer("village_indicators", &fb);
        std::string date = request.date;
        if (date.empty())
            for (const auto& f : vi.features)
                date = std::max(date, vi.text(f, "date"));
        for (const auto& f : vi.features)
            if (vi.text(f, "date") == date) {
                classes[vi.text(f, "village_code")] = vi.text(f, "class");
                haveClasses = true;
            }
        if (haveClasses)
            r.classDate = date;
        else if (!request.date.empty())
            throw Error(ErrorKind::Usage, "--date", "no village indicators at " + request.date);
    } else if (!request.date.empty()) {
        throw Error(ErrorKind::Usage, "--date", "the project has no village indicators: run `bando analyze` first");
    }
    if (!haveClasses && get("villages") && store->hasLayer("settlements") && store->hasLayer("coverage")) {
        const Layer settlements = store->readLayer("settlements", &fb);
        const Layer coverage = store->readLayer("coverage", &fb);
        analysis::ClassificationInput in;
        in.villages = get("villages");
        in.settlements = &settlements;
        in.coverage = &coverage;
        for (const auto& s : analysis::classifyVillages(in, analysis::loadThresholds(*store), 9215, &fb))
            classes[s.villageCode] = analysis::mobileClassName(s.mobile);
        haveClasses = true;
        r.notes.push_back("village classes computed from the coverage layer (no stored analysis)");
    }
    fb.setProgress(80);
    fb.throwIfCancelled();

    fb.setStep("checking");
    planning::CheckInput in;
    in.districts = get("districts");
    in.communes = get("communes");
    in.villages = get("villages");
    in.shops = get("shops");
    in.teams = get("teams");
    in.targets = get("targets");
    in.progressReports = get("progress_reports");
    in.phases = get("phases");
    in.villageClass = haveClasses ? &classes : nullptr;
    planning::CheckOutput out = planning::runChecks(in);

    for (const auto& k : planning::checkKinds())
        if (request.kinds.empty() ||
            std::find(request.kinds.begin(), request.kinds.end(), k.id) != request.kinds.end())
            if (!request.errorsOnly || k.severity == planning::Severity::Error)
                r.countByKind[k.id] = 0;
    for (auto& f : out.findings) {
        if (!r.countByKind.count(f.kind))
            continue;
        ++r.countByKind[f.kind];
        (f.severity == planning::Severity::Error ? r.errors : r.warnings) += 1;
        r.findings.push_back(std::move(f));
    }
    for (auto& n : out.notes)
        r.notes.push_back(std::move(n));
    if (request.store) {
        fb.setStep("writing");
        fb.throwIfCancelled();
        const std::time_t t = std::time(nullptr);
        std::tm tm{};
        gmtime_r(&t, &tm);
        char now[32];
        std::strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
        Layer l = schema::makeLayer("check_findings");
        for (const auto& f : r.findings) {
            Feature& x = l.addFeature(f.extent.isEmpty() ? Geometry{} : Geometry::point(f.extent.center().x, f.extent.center().y));
            std::string figures;
            for (const auto& [k, v] : f.figures) {
                char b[64];
                std::snprintf(b, sizeof b, "%.10g", v);
                figures += (figures.empty() ? "" : "; ") + k + "=" + b;
            }
            const auto* kind = planning::findCheckKind(f.kind);
            l.set(x, "checked", std::string(now));
            l.set(x, "kind", f.kind);
            l.set(x, "severity", std::string(planning::severityName(f.severity)));
            l.set(x, "level", f.level);
            l.set(x, "code", f.code);
            l.set(x, "name", f.name);
            l.set(x, "layer", f.layer);
            l.set(x, "row", f.row);
            if (!f.date.empty())
                l.set(x, "date", f.date);
            l.set(x, "rule", std::string(kind ? kind->rule : ""));
            l.set(x, "message", f.message);
            l.set(x, "figures", figures);
        }
        store.reset();
        auto writer = ProjectStore::open(request.project, ProjectStore::Mode::ReadWrite);
        ProjectStore::Transaction tx(*writer);
        writer->replaceLayer(l, &fb);
        tx.commit();
        r.stored = true;
    }
    fb.setProgress(100);
    return r;
}

} // namespace bando::tasks
