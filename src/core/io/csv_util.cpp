#include "core/io/csv_util.hpp"

#include "core/base/error.hpp"
#include "core/base/resources.hpp"

#include <fstream>
#include <sstream>

namespace bando::io {

int CsvTable::column(const std::string& name) const
{
    for (size_t i = 0; i < header.size(); ++i)
        if (header[i] == name)
            return static_cast<int>(i);
    return -1;
}

CsvTable parseCsv(std::string_view s, const std::string& path)
{
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false, any = false;
    size_t i = 0;
    if (s.size() >= 3 && static_cast<unsigned char>(s[0]) == 0xEF && static_cast<unsigned char>(s[1]) == 0xBB &&
        static_cast<unsigned char>(s[2]) == 0xBF)
        i = 3;  // UTF-8 BOM
    for (; i < s.size(); ++i) {
        const char c = s[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < s.size() && s[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else
                    quoted = false;
            } else
                field += c;
            continue;
        }
        if (c == '"') {
            quoted = true;
            any = true;
        } else if (c == ',') {
            row.push_back(std::move(field));
            field.clear();
            any = true;
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n')
                ++i;
            if (any || !field.empty()) {
                row.push_back(std::move(field));
                rows.push_back(std::move(row));
            }
            row.clear();
            field.clear();
            any = false;
        } else {
            field += c;
            any = true;
        }
    }
    if (quoted)
        throw Error(ErrorKind::Format, path, "unterminated quoted field at end of file");
    if (any || !field.empty()) {
        row.push_back(std::move(field));
        rows.push_back(std::move(row));
    }
    if (rows.empty())
        throw Error(ErrorKind::Format, path, "empty table (no header row)");
    CsvTable t;
    t.header = std::move(rows[0]);
    t.rows.assign(std::make_move_iterator(rows.begin() + 1), std::make_move_iterator(rows.end()));
    return t;
}

namespace {

CsvTable readCsv(const std::string& path, const char* cannotRead)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(ErrorKind::Io, path, cannotRead);
    std::stringstream ss;
    ss << in.rdbuf();
    return parseCsv(ss.str(), path);
}

} // namespace

CsvTable readCsvFile(const std::string& path) { return readCsv(path, "cannot read file"); }

CsvTable readResourceCsv(const std::string& relative)
{
    return readCsv(resourcePath(relative), "cannot read resource table");
}

std::string csvField(std::string_view value, bool alwaysQuote)
{
    if (!alwaysQuote && value.find_first_of(",\"\r\n") == std::string_view::npos)
        return std::string(value);
    std::string out = "\"";
    for (char c : value) {
        if (c == '"')
            out += '"';
        out += c;
    }
    return out + "\"";
}

} // namespace bando::io
