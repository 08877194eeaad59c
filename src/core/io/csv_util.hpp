#pragma once
// Minimal RFC 4180 CSV reading for Bando's own resource tables (UTF-8, header row).
#include <string>
#include <string_view>
#include <vector>

namespace bando::io {

// Splits one CSV record (no embedded newlines expected in resource tables).
std::vector<std::string> splitCsvLine(std::string_view line);

struct CsvTable {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
    int column(const std::string& name) const;  // -1 when absent
};

// Reads a resource CSV (resourcePath(relative)); throws bando::Error(Io) when missing.
CsvTable readResourceCsv(const std::string& relative);

} // namespace bando::io
