#include "core/tasks/info_task.hpp"

#include "core/base/error.hpp"
#include "core/capi/proj.hpp"

namespace bando::tasks {

void InfoRequest::validate() const
{
    if (project.empty())
        throw Error(ErrorKind::Usage, "PROJECT", "expected one PROJECT file");
}

InfoResult run(const InfoRequest& request, Feedback& fb)
{
    auto store = ProjectStore::open(request.project, ProjectStore::Mode::ReadOnly);
    InfoResult r;
    r.project = store->path();
    r.schemaVersion = store->schemaVersion();
    r.storageCrsName = crs::crsName(r.storageEpsg);
    r.analysisEpsg = crs::kVn2000LangSon;
    r.analysisCrsName = crs::crsName(r.analysisEpsg);
    for (const auto& name : store->layerNames()) {
        fb.throwIfCancelled();
        r.layers.push_back(store->layerInfo(name));
        r.extent.expand(r.layers.back().extent);
    }
    r.metadata = store->allMeta();
    fb.setProgress(100);
    return r;
}

} // namespace bando::tasks
