#include "cli/text_table.hpp"

#include <algorithm>

namespace bando::cli {

namespace {

size_t columns(const std::string& s)
{
    size_t n = 0;
    for (unsigned char ch : s)
        if ((ch & 0xC0) != 0x80)
            ++n;
    return n;
}

} // namespace

TextTable& TextTable::column(const std::string& header, Align align)
{
    m_headers.push_back(header);
    m_align.push_back(align);
    return *this;
}

void TextTable::row(std::vector<std::string> cells)
{
    cells.resize(m_headers.size());
    m_rows.push_back(std::move(cells));
}

std::string TextTable::num(const char* format, double value)
{
    char b[64];
    std::snprintf(b, sizeof b, format, value);
    return b;
}

std::string TextTable::num(long long value) { return std::to_string(value); }

std::string TextTable::str() const
{
    std::vector<size_t> width(m_headers.size(), 0);
    for (size_t c = 0; c < m_headers.size(); ++c) {
        width[c] = columns(m_headers[c]);
        for (const auto& r : m_rows)
            width[c] = std::max(width[c], columns(r[c]));
    }
    std::string out;
    auto line = [&](const std::vector<std::string>& cells) {
        std::string l;
        for (size_t c = 0; c < cells.size(); ++c) {
            const std::string pad(width[c] - columns(cells[c]), ' ');
            if (c > 0)
                l += ' ';
            l += m_align[c] == Align::Right ? pad + cells[c] : cells[c] + (c + 1 < cells.size() ? pad : std::string());
        }
        out += l + '\n';
    };
    line(m_headers);
    for (const auto& r : m_rows)
        line(r);
    return out;
}

void TextTable::print(std::FILE* out) const { std::fputs(str().c_str(), out); }

} // namespace bando::cli
