#pragma once
// The companion tables of every report: CSV (UTF-8, one header row, io::csvField quoting) and
// XLSX through libxlsxwriter — text columns as text cells (codes keep their leading zeros),
// numbers as numbers, one sheet per group plus a summary sheet, frozen header row, autofilter
// on, column widths that fit the longest value. Both are written beside the target and renamed
// when complete.
#include <string>
#include <vector>

namespace bando::report {

enum class ColumnKind { Text, Integer, Real };

struct Column {
    std::string name;
    ColumnKind kind = ColumnKind::Text;
};

// Cells are text; numeric cells hold the number in C notation ("12", "0.853") or "" (empty).
struct Table {
    std::vector<Column> columns;
    std::vector<std::vector<std::string>> rows;
};

struct Sheet {
    std::string name;  // cut to 31 characters, characters Excel refuses replaced
    Table table;
};

void writeCsv(const std::string& path, const Table& table);
// Sheets in order (e.g. the summary first, then one per district); throws bando::Error(Io).
void writeXlsx(const std::string& path, const std::vector<Sheet>& sheets, const std::string& title,
               const std::string& subject);

// A real number as the tables write it: up to `decimals` places, trailing zeros dropped; "" for NaN.
std::string number(double v, int decimals = 3);

} // namespace bando::report
