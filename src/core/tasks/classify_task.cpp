#include "core/tasks/classify_task.hpp"

#include "core/base/error.hpp"
#include "core/i18n/i18n.hpp"
#include "core/store/project_store.hpp"

#include <map>

namespace bando::tasks {

void ClassifyRequest::validate() const
{
    if (project.empty())
        throw Error(ErrorKind::Usage, "PROJECT", tr("expected one PROJECT file"));
}

ClassifyResult run(const ClassifyRequest& request, Feedback& fb)
{
    auto store = ProjectStore::open(request.project, ProjectStore::Mode::ReadOnly);
    for (const char* required : {"villages", "settlements"})
        if (!store->hasLayer(required))
            throw Error(ErrorKind::Format, store->path(),
                        std::string(tr("the project has no layer")) + " '" + required + "'");
    fb.setStep(tr("Reading layers"));
    Layer villages = store->readLayer("villages", &fb);
    Layer settlements = store->readLayer("settlements", &fb);
    Layer coverage, nodes, fibre, districts;
    analysis::ClassificationInput in;
    in.villages = &villages;
    in.settlements = &settlements;
    if (store->hasLayer("coverage")) {
        coverage = store->readLayer("coverage", &fb);
        in.coverage = &coverage;
    }
    if (store->hasLayer("broadband_nodes")) {
        nodes = store->readLayer("broadband_nodes", &fb);
        in.broadbandNodes = &nodes;
    }
    if (store->hasLayer("fibre")) {
        fibre = store->readLayer("fibre", &fb);
        in.fibre = &fibre;
    }
    std::map<std::string, std::string> districtNames;
    if (store->hasLayer("districts")) {
        districts = store->readLayer("districts", &fb);
        for (const auto& f : districts.features)
            districtNames[districts.text(f, "code")] = districts.text(f, "name");
    }

    ClassifyResult r;
    r.project = store->path();
    r.thresholds = analysis::loadThresholds(*store);
    store.reset();
    fb.setStep(tr("Classifying villages"));
    r.villages = analysis::classifyVillages(in, r.thresholds, 9215, &fb);

    std::map<std::string, std::vector<analysis::VillageStatus>> byDistrict;
    for (const auto& s : r.villages)
        byDistrict[s.districtCode].push_back(s);
    for (const auto& [code, part] : byDistrict) {
        ClassifyResult::District d;
        d.code = code;
        if (auto it = districtNames.find(code); it != districtNames.end())
            d.name = it->second;
        d.villages = static_cast<int>(part.size());
        d.counts = analysis::countClasses(part);
        r.districts.push_back(std::move(d));
    }
    r.total = analysis::countClasses(r.villages);
    fb.setProgress(100);
    return r;
}

} // namespace bando::tasks
