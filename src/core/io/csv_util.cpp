#include "core/io/csv_util.hpp"

#include "core/base/error.hpp"
#include "core/base/resources.hpp"

#include <fstream>

namespace bando::io {

std::vector<std::string> splitCsvLine(std::string_view line)
{
    std::vector<std::string> out;
    std::string cur;
    bool quoted = false;
    for (size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < line.size() && line[i + 1] == '"') {
                    cur += '"';
                    ++i;
                } else
                    quoted = false;
            } else
                cur += c;
        } else if (c == '"')
            quoted = true;
        else if (c == ',') {
            out.push_back(std::move(cur));
            cur.clear();
        } else if (c != '\r' && c != '\n')
            cur += c;
    }
    out.push_back(std::move(cur));
    return out;
}

int CsvTable::column(const std::string& name) const
{
    for (size_t i = 0; i < header.size(); ++i)
        if (header[i] == name)
            return static_cast<int>(i);
    return -1;
}

CsvTable readResourceCsv(const std::string& relative)
{
    const std::string path = resourcePath(relative);
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(ErrorKind::Io, path, "cannot read resource table");
    CsvTable t;
    std::string line;
    bool first = true;
    while (std::getline(in, line)) {
        if (first && line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0)
            line.erase(0, 3);
        if (line.empty() || line == "\r")
            continue;
        if (first) {
            t.header = splitCsvLine(line);
            first = false;
        } else
            t.rows.push_back(splitCsvLine(line));
    }
    return t;
}

} // namespace bando::io
