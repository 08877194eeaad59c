#pragma once
// The one text table of the CLI's human-readable output (bases, split, units, schedule): columns
// sized to their widest cell in terminal columns (UTF-8 code points, so Vietnamese headers line up),
// text cells left-aligned, number cells right-aligned, one space between columns.
#include <cstdio>
#include <string>
#include <vector>

namespace bando::cli {

class TextTable {
public:
    enum class Align { Left, Right };
    // Adds a column; returns *this so columns chain.
    TextTable& column(const std::string& header, Align align = Align::Left);
    // Adds a row (as many cells as columns; missing cells are blank).
    void row(std::vector<std::string> cells);
    // Formats a number with printf `format` (e.g. "%.1f") for a cell.
    static std::string num(const char* format, double value);
    static std::string num(long long value);
    std::string str() const;
    void print(std::FILE* out = stdout) const;

private:
    std::vector<std::string> m_headers;
    std::vector<Align> m_align;
    std::vector<std::vector<std::string>> m_rows;
};

} // namespace bando::cli
