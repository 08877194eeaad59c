// bando survey-diff PROJECT [--csv]: villages where the surveyed coverage gaps (survey_gaps)
// and the modelled classification disagree.
#include "cli/command.hpp"
#include "cli/console.hpp"
#include "core/base/error.hpp"
#include "core/io/csv_util.hpp"
#include "core/i18n/i18n.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/survey_diff_task.hpp"

#include <cstdio>

namespace bando::cli {
namespace {

int runSurveyDiff(const Args& a)
{
    a.allowOnly({"csv"});
    if (a.positional.size() != 1)
        throw Error(ErrorKind::Usage, "", "expected one PROJECT file");
    tasks::SurveyDiffRequest request;
    request.project = a.positional[0];
    const analysis::SurveyDiff d = tasks::runTask(request, consoleFeedback()).diff;
    if (a.has("csv")) {
        std::printf("village_code,village,commune,district,surveyed,modelled,share_good,share_any\n");
        for (const auto& x : d.disagreements)
            std::printf("%s,%s,%s,%s,%s,%s,%.3f,%.3f\n", io::csvField(x.villageCode, true).c_str(), io::csvField(x.villageName, true).c_str(),
                        io::csvField(x.communeName, true).c_str(), io::csvField(x.districtName, true).c_str(), io::csvField(x.surveyed, true).c_str(),
                        io::csvField(x.modelled, true).c_str(), x.shareGood, x.shareAny);
        return 0;
    }
    std::printf("%s: %d, %s: %d, %s: %zu\n", tr("Surveyed villages"), d.surveyedVillages, tr("agree with the model"),
                d.agree, tr("disagree"), d.disagreements.size());
    for (const auto& x : d.disagreements)
        std::printf("  %-10s %-24s %-22s %-20s %s: %-22s %s: %s (good %.0f%%, any %.0f%%)\n", x.villageCode.c_str(),
                    x.villageName.c_str(), x.communeName.c_str(), x.districtName.c_str(), tr("survey"),
                    x.surveyed.c_str(), tr("model"), x.modelled.c_str(), 100 * x.shareGood, 100 * x.shareAny);
    return 0;
}

CommandRegistration reg({"survey-diff", "survey-diff PROJECT [--csv]",
                         "Lists the villages where the surveyed coverage gaps (layer survey_gaps, imported with "
                         "`bando import PROJECT LIST --layer survey_gaps`) and the modelled classification disagree.",
                         {"csv"}, runSurveyDiff});

} // namespace
} // namespace bando::cli
