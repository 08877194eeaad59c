#include "core/tasks/sample_task.hpp"

#include "core/base/error.hpp"
#include "core/i18n/i18n.hpp"
#include "core/store/project_store.hpp"

#include <filesystem>

namespace bando::tasks {

void SampleRequest::validate() const
{
    if (out.empty())
        throw Error(ErrorKind::Usage, "--out", tr("an output file name is required"));
    if (!force && std::filesystem::exists(out))
        throw Error(ErrorKind::Io, out, tr("the file already exists (use --force to overwrite it)"));
}

SampleResult run(const SampleRequest& request, Feedback& fb)
{
    sample::Options options;
    options.seed = request.seed;
    options.withErrors = request.withErrors;
    SampleResult r;
    r.path = request.out;
    r.seed = request.seed;
    r.withErrors = request.withErrors;
    sample::GenerationReport report = sample::generateSample(request.out, options, &fb);
    r.steps = std::move(report.steps);
    r.telecom = std::move(report.telecom);
    for (const auto& s : r.steps)
        r.seconds += s.seconds;

    auto store = ProjectStore::open(request.out, ProjectStore::Mode::ReadOnly);
    for (const auto& name : store->layerNames()) {
        const auto info = store->layerInfo(name);
        if (info.featureCount > 0)
            r.layers.push_back({name, info.featureCount});
    }
    return r;
}

} // namespace bando::tasks
