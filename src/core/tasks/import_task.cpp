#include "core/tasks/import_task.hpp"

#include "core/base/error.hpp"
#include "core/i18n/i18n.hpp"
#include "core/tasks/list_import_task.hpp"

namespace bando::tasks {

io::Encoding encodingOption(const std::string& name)
{
    auto e = io::parseEncoding(name);
    if (!e)
        throw Error(ErrorKind::Usage, "--encoding",
                    "unknown encoding '" + name + "' (utf-8, tcvn3, vni, cp1258, latin1)");
    return *e;
}

std::pair<std::string, std::string> mappingOption(const std::string& text)
{
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0)
        throw Error(ErrorKind::Usage, "--map", "expected TARGET_FIELD=SOURCE_FIELD, got '" + text + "'");
    return {text.substr(0, eq), text.substr(eq + 1)};
}

ImportRoute importRouteOf(const std::string& targetLayer, bool explicitMapping)
{
    if (targetLayer == "survey_gaps")
        return ImportRoute::SurveyList;
    if (targetLayer == "households")
        return ImportRoute::HouseholdList;
    if (targetLayer == "teams" && !explicitMapping)
        return ImportRoute::TeamList;
    return ImportRoute::File;
}

std::optional<io::ListKind> listKindOf(ImportRoute route)
{
    switch (route) {
    case ImportRoute::SurveyList: return io::ListKind::SurveyGaps;
    case ImportRoute::HouseholdList: return io::ListKind::Households;
    case ImportRoute::TeamList: return io::ListKind::Teams;
    case ImportRoute::File: break;
    }
    return std::nullopt;
}

void InspectRequest::validate() const
{
    if (file.empty())
        throw Error(ErrorKind::Usage, "", "expected PROJECT and FILE");
}

InspectResult run(const InspectRequest& request, Feedback&)
{
    return {io::inspectSource(request.file, request.source, request.previewRows)};
}

void ImportRequest::validate() const
{
    if (project.empty() || file.empty())
        throw Error(ErrorKind::Usage, "", "expected PROJECT and FILE");
    if (targetLayer.empty())
        throw Error(ErrorKind::Usage, "", "missing option --layer");
    if (!skipRows.empty() && *skipRows.begin() < 1)
        throw Error(ErrorKind::Usage, "--skip-rows", tr("rows are numbered from 1"));
    if ((!skipRows.empty() || dryRun) && route() != ImportRoute::File)
        throw Error(ErrorKind::Usage, skipRows.empty() ? "--dry-run" : "--skip-rows",
                    tr("only a file import (not a name-matched list) can leave rows out or run dry"));
}

ImportResult run(const ImportRequest& request, Feedback& fb)
{
    ImportResult r;
    r.route = request.route();
    if (auto kind = listKindOf(r.route)) {
        ListImportRequest list;
        list.project = request.project;
        list.file = request.file;
        list.kind = *kind;
        list.source = request.source;
        list.skipUnmatched = request.skipUnmatched;
        list.reviewOnly = request.reviewOnly;
        list.append = request.mode == io::ImportMode::Append;
        r.list = run(list, fb).list;
        return r;
    }
    io::ImportOptions o;
    o.source = request.source;
    o.targetLayer = request.targetLayer;
    o.mode = request.mode;
    o.allowOutside = request.allowOutside;
    o.skipInvalid = request.skipInvalid;
    o.skipRows = request.skipRows;
    o.dryRun = request.dryRun;
    o.mapping = request.mapping;
    o.saveMapping = request.saveMapping;
    r.file = io::importFile(request.project, request.file, o, &fb);
    return r;
}

} // namespace bando::tasks
