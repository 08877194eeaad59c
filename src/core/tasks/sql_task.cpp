#include "core/tasks/sql_task.hpp"

#include "core/base/error.hpp"
#include "core/i18n/i18n.hpp"
#include "core/store/project_query.hpp"

#include <string_view>

namespace bando::tasks {
namespace {

[[noreturn]] void refuse(const std::string& why)
{
    throw Error(ErrorKind::Usage, "SQL",
                why + ". " + tr("Only one statement that reads is allowed (SELECT, WITH … SELECT, EXPLAIN, "
                                "read-only PRAGMAs); the project is never changed by `bando sql`."));
}

} // namespace

void SqlRequest::validate() const
{
    if (project.empty())
        throw Error(ErrorKind::Usage, "PROJECT", tr("expected one PROJECT file"));
    if (query.find_first_not_of(" \t\r\n") == std::string::npos)
        throw Error(ErrorKind::Usage, "QUERY", tr("expected one SQL query"));
}

SqlResult run(const SqlRequest& request, Feedback& fb)
{
    auto project = ProjectQuery::open(request.project);
    auto& db = project->connection();
    fb.setStep(tr("Running the query"));

    size_t tail = 0;
    sqlite::Statement stmt = [&] {
        try {
            return db.prepare(request.query, &tail, ErrorKind::Usage);
        } catch (const Error&) {
            if (!db.refusal().empty())
                refuse(db.refusal() + " " + tr("is not allowed"));
            throw;
        }
    }();
    if (!stmt.handle())
        throw Error(ErrorKind::Usage, "QUERY", tr("expected one SQL query"));
    // Whatever follows the first statement must be blanks or comments only.
    const std::string_view rest = std::string_view(request.query).substr(tail);
    if (rest.find_first_not_of(" \t\r\n;") != std::string_view::npos) {
        size_t after = 0;
        sqlite::Statement next = db.prepare(rest, &after, ErrorKind::Usage);
        if (next.handle())
            refuse(tr("several statements were given"));
    }
    if (!stmt.readOnly())
        refuse(tr("the statement would change the project"));

    SqlResult r;
    r.project = request.project;
    for (int i = 0; i < stmt.columnCount(); ++i)
        r.columns.push_back(stmt.columnName(i));
    while (stmt.step()) {
        std::vector<Value> row;
        row.reserve(r.columns.size());
        for (int i = 0; i < static_cast<int>(r.columns.size()); ++i)
            row.push_back(stmt.column(i));
        r.rows.push_back(std::move(row));
        if ((r.rows.size() & 1023) == 0)
            fb.throwIfCancelled();
    }
    fb.setProgress(100);
    return r;
}

} // namespace bando::tasks
