// bando import-list PROJECT FILE --kind households|teams [--skip-unmatched] [--review-only]:
// per-village lists keyed by names, matched to the project's villages, reviewed before writing
// (see docs/IMPORT.md).
#include "cli/command.hpp"
#include "cli/console.hpp"
#include "core/base/error.hpp"
#include "core/i18n/i18n.hpp"
#include "core/tasks/import_task.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/list_import_task.hpp"

#include <cstdio>

namespace bando::cli {
namespace {

const char* statusName(io::UnitMatch::Status s)
{
    switch (s) {
    case io::UnitMatch::Status::Matched: return tr("matched");
    case io::UnitMatch::Status::Ambiguous: return tr("ambiguous");
    case io::UnitMatch::Status::Unmatched: return tr("not found");
    }
    return "";
}

int runImportList(const Args& a)
{
    a.allowOnly({"kind", "skip-unmatched", "review-only", "append", "encoding", "source-layer", "date"});
    if (a.positional.size() != 2)
        throw Error(ErrorKind::Usage, "", "expected PROJECT and FILE");
    tasks::ListImportRequest request;
    request.project = a.positional[0];
    request.file = a.positional[1];
    request.kind = tasks::listKindOption(a.require("kind"));
    if (a.has("encoding"))
        request.source.encoding = tasks::encodingOption(a.get("encoding"));
    request.source.layer = a.get("source-layer");
    request.skipUnmatched = a.has("skip-unmatched");
    request.reviewOnly = a.has("review-only");
    request.append = a.has("append");
    request.reportDate = a.get("date");
    const auto result = tasks::runTask(request, consoleFeedback());
    const io::ListImportResult& r = result.list;
    std::printf("%s: %lld %s, %lld %s, %lld %s, %lld %s, %lld %s\n", result.file.c_str(),
                static_cast<long long>(r.rows), tr("rows"), static_cast<long long>(r.matched), tr("matched"),
                static_cast<long long>(r.unmatched), tr("not found"), static_cast<long long>(r.ambiguous),
                tr("ambiguous"), static_cast<long long>(r.written), tr("written"));
    bool header = false;
    for (const auto& rv : r.review) {
        if (rv.match.status == io::UnitMatch::Status::Matched && !request.reviewOnly)
            continue;
        if (!header) {
            std::printf("%s:\n", request.reviewOnly ? tr("Review (nothing written)") : tr("Rows to review"));
            header = true;
        }
        std::printf("  %s %lld: %s — %s", tr("row"), static_cast<long long>(rv.row), rv.input.c_str(),
                    statusName(rv.match.status));
        if (rv.match.status == io::UnitMatch::Status::Matched)
            std::printf(" [%s %s, %s]", rv.match.unit.code.c_str(), rv.match.unit.name.c_str(),
                        rv.match.unit.communeName.c_str());
        for (const auto& c : rv.match.candidates)
            std::printf(" [%s %s, %s]", c.code.c_str(), c.name.c_str(), c.communeName.c_str());
        std::printf("\n");
    }
    for (const auto& d : r.diagnostics.items())
        std::printf("%s: %s: %s\n", d.severity == Severity::Warning ? tr("warning") : tr("note"), d.where.c_str(),
                    d.message.c_str());
    if (request.reviewOnly)
        return r.needsReview() ? ExitFormat : 0;
    if (!r.wrote) {
        std::fprintf(stderr, "%s\n", tr("Nothing written: fix the rows above or pass --skip-unmatched."));
        return ExitFormat;
    }
    return 0;
}

CommandRegistration reg(
    {"import-list",
     "import-list PROJECT FILE --kind households|teams|progress|commune_flags [--skip-unmatched] [--review-only] "
     "[--append] [--date YYYY-MM-DD] [--encoding E] [--source-layer SHEET]",
     "Imports a per-village list (CSV, XLSX or ODS) keyed by village codes or by (district, commune, village) "
     "names: household counts update the villages layer, team rosters the teams table (the teams of the listed "
     "villages are replaced, or added to with --append). Every row is checked and matched first; unmatched or "
     "ambiguous rows are listed with their candidates and nothing is written (exit 4) unless --skip-unmatched. "
     "--review-only lists every row's match and writes nothing. --kind progress reads dated district (or "
     "commune) figures (date, shops, accounts, locomotives, teams, members) into progress_reports, replacing "
     "the rows of the same date and place (--date for a list without a date column); --kind commune_flags "
     "reads border / particularly difficult communes into commune_flags (see docs/PLANNING.md).",
     {"skip-unmatched", "review-only", "append"},
     runImportList});

} // namespace
} // namespace bando::cli
