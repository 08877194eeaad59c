#pragma once
// The one CSV reader of Bando's own tables (resources/domain/*.csv, the sample's inputs): RFC 4180
// quoting ("" escapes, separators and newlines inside quotes), LF or CRLF, a UTF-8 BOM skipped,
// blank lines skipped. Agency files are read through GDAL instead (io/importer.hpp).
#include <string>
#include <string_view>
#include <vector>

namespace bando::io {

struct CsvTable {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;  // rows may differ in length from the header
    int column(const std::string& name) const;   // -1 when absent
};

// Parses a whole CSV document; `path` names it in errors. Throws bando::Error(Format) for an
// unterminated quoted field or a document without a header row.
CsvTable parseCsv(std::string_view text, const std::string& path);
// Reads and parses a file; throws bando::Error(Io) when it cannot be read.
CsvTable readCsvFile(const std::string& path);
// Reads a resource CSV (resourcePath(relative)); throws bando::Error(Io) when missing.
CsvTable readResourceCsv(const std::string& relative);

// One field for a CSV line Bando writes (RFC 4180): quoted, with "" for ", when it holds a comma, a
// quote or a line break — or always when `alwaysQuote`.
std::string csvField(std::string_view value, bool alwaysQuote = false);

} // namespace bando::io
