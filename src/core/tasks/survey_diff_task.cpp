#include "core/tasks/survey_diff_task.hpp"

#include "core/base/error.hpp"
#include "core/store/project_store.hpp"

namespace bando::tasks {

void SurveyDiffRequest::validate() const
{
    if (project.empty())
        throw Error(ErrorKind::Usage, "", "expected one PROJECT file");
}

SurveyDiffResult run(const SurveyDiffRequest& request, Feedback& fb)
{
    auto store = ProjectStore::open(request.project, ProjectStore::Mode::ReadOnly);
    SurveyDiffResult r;
    r.project = store->path();
    r.diff = analysis::surveyDiff(*store, &fb);
    return r;
}

} // namespace bando::tasks
