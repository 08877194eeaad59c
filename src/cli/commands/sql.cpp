// bando sql PROJECT "SELECT …" [--csv | --json]: one read-only query on the project with
// SpatiaLite's spatial functions (GeoPackage amphibious mode). Anything that could change the
// project is refused (exit code 2). Parses arguments into tasks::SqlRequest and prints its result
// as an aligned table, CSV (RFC 4180) or JSON.
#include "cli/command.hpp"
#include "cli/console.hpp"
#include "core/base/error.hpp"
#include "core/io/csv_util.hpp"
#include "core/base/json.hpp"
#include "core/i18n/i18n.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/sql_task.hpp"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>

namespace bando::cli {
namespace {

size_t displayWidth(const std::string& s)
{
    return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

bool isNumber(const Value& v) { return std::holds_alternative<int64_t>(v) || std::holds_alternative<double>(v); }

void printTable(const tasks::SqlResult& r)
{
    std::vector<size_t> width(r.columns.size());
    for (size_t c = 0; c < r.columns.size(); ++c) {
        width[c] = displayWidth(r.columns[c]);
        for (const auto& row : r.rows)
            width[c] = std::max(width[c], displayWidth(toString(row[c])));
    }
    std::string line;
    for (size_t c = 0; c < r.columns.size(); ++c)
        line += (c ? "  " : "") + padRight(r.columns[c], c + 1 < r.columns.size() ? width[c] : 0);
    std::cout << line << '\n';
    line.clear();
    for (size_t c = 0; c < r.columns.size(); ++c)
        line += (c ? "  " : "") + std::string(width[c], '-');
    std::cout << line << '\n';
    for (const auto& row : r.rows) {
        line.clear();
        for (size_t c = 0; c < r.columns.size(); ++c) {
            const std::string cell = isNull(row[c]) ? "" : toString(row[c]);
            const size_t pad = width[c] - displayWidth(cell);
            if (c)
                line += "  ";
            if (isNumber(row[c]))
                line += std::string(pad, ' ') + cell;  // numbers right-aligned
            else
                line += c + 1 < r.columns.size() ? cell + std::string(pad, ' ') : cell;
        }
        std::cout << line << '\n';
    }
    std::printf("(%zu %s)\n", r.rows.size(), r.rows.size() == 1 ? tr("row") : tr("rows"));
    std::fflush(stdout);
}

void printCsv(const tasks::SqlResult& r)
{
    for (size_t c = 0; c < r.columns.size(); ++c)
        std::cout << (c ? "," : "") << io::csvField(r.columns[c]);
    std::cout << "\r\n";
    for (const auto& row : r.rows) {
        for (size_t c = 0; c < row.size(); ++c)
            std::cout << (c ? "," : "") << io::csvField(toString(row[c]));
        std::cout << "\r\n";
    }
}

void printJson(const tasks::SqlResult& r)
{
    JsonWriter w(std::cout);
    w.beginObject();
    w.field("file", r.project);
    w.key("columns").beginArray(true);
    for (const auto& c : r.columns)
        w.value(c);
    w.endArray();
    w.key("rows").beginArray();
    for (const auto& row : r.rows) {
        w.beginArray(true);
        for (const auto& v : row) {
            if (auto* i = std::get_if<int64_t>(&v))
                w.value(*i);
            else if (auto* d = std::get_if<double>(&v))
                w.value(*d);
            else if (auto* s = std::get_if<std::string>(&v))
                w.value(*s);
            else
                w.null();
        }
        w.endArray();
    }
    w.endArray();
    w.field("row_count", r.rows.size());
    w.endObject();
}

int runSql(const Args& a)
{
    a.allowOnly({"csv", "json"});
    if (a.positional.size() != 2)
        throw Error(ErrorKind::Usage, "", tr("expected a PROJECT file and one SQL query"));
    if (a.has("csv") && a.has("json"))
        throw Error(ErrorKind::Usage, "--csv", tr("choose --csv or --json, not both"));
    tasks::SqlRequest request;
    request.project = a.positional[0];
    request.query = a.positional[1];
    const auto result = tasks::runTask(request, consoleFeedback());
    if (a.has("json"))
        printJson(result);
    else if (a.has("csv"))
        printCsv(result);
    else
        printTable(result);
    return ExitOk;
}

CommandRegistration reg({"sql", "sql PROJECT \"SELECT …\" [--csv | --json]",
                         "Runs one read-only SQL query on the project and prints the rows as a table, CSV or JSON. "
                         "SpatiaLite's spatial functions work on the layers' geometry columns (for example "
                         "SELECT name, ST_Area(Transform(geom, 9215)) FROM villages). Only a single statement that "
                         "reads is allowed: INSERT, UPDATE, DELETE, CREATE, ATTACH, several statements and PRAGMAs "
                         "that set a value are refused (exit code 2). The project is opened read-only; while a "
                         "query runs no other process can write it.",
                         {"csv", "json"}, runSql});

} // namespace
} // namespace bando::cli
