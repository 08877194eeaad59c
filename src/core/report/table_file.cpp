#include "core/report/table_file.hpp"

#include "core/base/error.hpp"
#include "core/base/text.hpp"
#include "core/capi/xlsx.hpp"
#include "core/io/csv_util.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

namespace bando::report {
namespace {

// Characters of a UTF-8 string (code points).
size_t chars(const std::string& s)
{
    size_t n = 0;
    for (unsigned char c : s)
        n += (c & 0xc0) != 0x80;
    return n;
}

std::string cutChars(const std::string& s, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < s.size(); ++i)
        if ((static_cast<unsigned char>(s[i]) & 0xc0) != 0x80 && n++ == max)
            return s.substr(0, i);
    return s;
}

void renameInto(const std::string& tmp, const std::string& path)
{
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::filesystem::remove(tmp, ec);
        throw Error(ErrorKind::Io, path, "cannot write: " + ec.message());
    }
}

} // namespace

std::string number(double v, int decimals)
{
    if (!std::isfinite(v))
        return "";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    std::string s = buf;
    if (s.find('.') != std::string::npos) {
        while (s.back() == '0')
            s.pop_back();
        if (s.back() == '.')
            s.pop_back();
    }
    if (s == "-0")
        s = "0";
    return s;
}

void writeCsv(const std::string& path, const Table& t)
{
    const std::string tmp = path + ".part";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out)
            throw Error(ErrorKind::Io, path, std::string("cannot write: ") + std::strerror(errno));
        for (size_t c = 0; c < t.columns.size(); ++c)
            out << (c ? "," : "") << io::csvField(text::toNfc(t.columns[c].name));
        out << "\n";
        for (const auto& row : t.rows) {
            for (size_t c = 0; c < t.columns.size(); ++c)
                out << (c ? "," : "") << io::csvField(c < row.size() ? text::toNfc(row[c]) : std::string());
            out << "\n";
        }
        out.flush();
        if (!out) {
            out.close();
            std::remove(tmp.c_str());
            throw Error(ErrorKind::Io, path, "cannot write the CSV file");
        }
    }
    renameInto(tmp, path);
}

void writeXlsx(const std::string& path, const std::vector<Sheet>& sheets, const std::string& title,
               const std::string& subject)
{
    const std::string tmp = path + ".part";
    try {
        xlsx::WorkbookPtr wb = xlsx::create(tmp, path);
        lxw_doc_properties props{};
        // libxlsxwriter takes char* it does not modify: give it our own buffers.
        std::string t = text::toNfc(title), s = text::toNfc(subject), author = "Bando";
        props.title = t.data();
        props.subject = s.data();
        props.author = author.data();
        workbook_set_properties(wb.get(), &props);
        lxw_format* header = workbook_add_format(wb.get());
        format_set_bold(header);
        format_set_bg_color(header, 0xE4E8EE);
        format_set_border(header, LXW_BORDER_THIN);
        lxw_format* textFmt = workbook_add_format(wb.get());
        format_set_num_format(textFmt, "@");  // text cells stay text when edited
        std::set<std::string> used;
        for (const auto& sheet : sheets) {
            // Excel refuses []:*?/\ in sheet names and more than 31 characters; names are unique.
            std::string name = text::toNfc(sheet.name);
            for (char& c : name)
                if (std::strchr("[]:*?/\\", c))
                    c = '-';
            name = cutChars(name, 31);
            for (int k = 2; used.count(text::toLower(name)); ++k)
                name = cutChars(text::toNfc(sheet.name), 27) + " (" + std::to_string(k) + ")";
            used.insert(text::toLower(name));
            lxw_worksheet* ws = workbook_add_worksheet(wb.get(), name.c_str());
            if (!ws)
                throw Error(ErrorKind::Io, path, "cannot add the sheet '" + name + "'");
            const Table& tb = sheet.table;
            const size_t nc = tb.columns.size();
            std::vector<size_t> width(nc, 4);
            for (size_t c = 0; c < nc; ++c) {
                const std::string h = text::toNfc(tb.columns[c].name);
                worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), h.c_str(), header);
                width[c] = std::max(width[c], chars(h) + 3);  // room for the filter button
            }
            for (size_t r = 0; r < tb.rows.size(); ++r) {
                const auto row = static_cast<lxw_row_t>(r + 1);
                for (size_t c = 0; c < nc && c < tb.rows[r].size(); ++c) {
                    const std::string v = text::toNfc(tb.rows[r][c]);
                    const auto col = static_cast<lxw_col_t>(c);
                    width[c] = std::max(width[c], chars(v) + 1);
                    if (v.empty())
                        continue;
                    if (tb.columns[c].kind == ColumnKind::Text) {
                        worksheet_write_string(ws, row, col, v.c_str(), textFmt);
                    } else {
                        char* end = nullptr;
                        const double d = std::strtod(v.c_str(), &end);
                        if (end && *end == '\0')
                            worksheet_write_number(ws, row, col, d, nullptr);
                        else
                            worksheet_write_string(ws, row, col, v.c_str(), nullptr);
                    }
                }
            }
            for (size_t c = 0; c < nc; ++c)
                worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c),
                                     static_cast<double>(std::min<size_t>(width[c], 60)), nullptr);
            worksheet_freeze_panes(ws, 1, 0);
            if (nc > 0)
                worksheet_autofilter(ws, 0, 0, static_cast<lxw_row_t>(tb.rows.size()), static_cast<lxw_col_t>(nc - 1));
        }
        xlsx::close(std::move(wb), path);
    } catch (...) {
        std::error_code ec;
        std::filesystem::remove(tmp, ec);
        throw;
    }
    renameInto(tmp, path);
}

} // namespace bando::report
