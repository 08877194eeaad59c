#include "core/tasks/list_import_task.hpp"

#include "core/base/error.hpp"
#include "core/store/project_store.hpp"

namespace bando::tasks {

io::ListKind listKindOption(const std::string& text)
{
    io::ListKind kind = io::ListKind::Households;
    if (!io::parseListKind(text, kind))
        throw Error(ErrorKind::Usage, "--kind", "unknown list kind '" + text + "' (households, teams, progress, commune_flags)");
    return kind;
}

void ListImportRequest::validate() const
{
    if (project.empty() || file.empty())
        throw Error(ErrorKind::Usage, "", "expected PROJECT and FILE");
}

ListImportResult run(const ListImportRequest& request, Feedback& fb)
{
    io::ListImportOptions o;
    o.source = request.source;
    o.kind = request.kind;
    o.skipUnmatched = request.skipUnmatched;
    o.reviewOnly = request.reviewOnly;
    o.append = request.append;
    o.reportDate = request.reportDate;
    auto store = ProjectStore::open(request.project,
                                    request.reviewOnly ? ProjectStore::Mode::ReadOnly : ProjectStore::Mode::ReadWrite);
    ListImportResult r;
    r.file = request.file;
    r.list = io::importList(*store, request.file, o, &fb);
    store->close();
    return r;
}

} // namespace bando::tasks
