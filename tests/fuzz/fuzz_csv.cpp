// libFuzzer target: Bando's CSV reader (io::parseCsv, io::readCsvFile) and the decimal parser
// used on imported text (io::parseDecimal).
// Invariants: parseCsv either returns a table or throws bando::Error (nothing else); a table
// written back with full quoting parses to the same table; readCsvFile on the same bytes in a
// file gives the same table as parseCsv.
#include "core/base/error.hpp"
#include "core/io/csv_util.hpp"
#include "core/io/importer.hpp"
#include "fuzz_common.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <unistd.h>

using namespace bando;

namespace {

std::string quoteAll(const io::CsvTable& t)
{
    std::string out;
    auto row = [&](const std::vector<std::string>& r) {
        for (size_t i = 0; i < r.size(); ++i) {
            if (i)
                out += ',';
            out += '"';
            for (char c : r[i]) {
                if (c == '"')
                    out += '"';
                out += c;
            }
            out += '"';
        }
        out += '\n';
    };
    row(t.header);
    for (const auto& r : t.rows)
        row(r);
    return out;
}

const std::string& tempCsv()
{
    static const std::string path =
        (std::filesystem::temp_directory_path() / ("bando-fuzz-csv-" + std::to_string(getpid()) + ".csv")).string();
    return path;
}

std::optional<io::CsvTable> tryParse(std::string_view text, std::string* message = nullptr)
{
    try {
        return io::parseCsv(text, "fuzz.csv");
    } catch (const Error& e) {
        if (message)
            *message = e.what();
        return std::nullopt;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::string message;
    const auto t = tryParse(text, &message);
    if (t) {
        // Rows with a single empty field are what a quoted empty line gives: quoting keeps them.
        const auto again = tryParse(quoteAll(*t));
        if (!again || again->header != t->header || again->rows != t->rows)
            fuzz::fail("parseCsv(quoteAll(t)) != t");
    } else if (message.find("fuzz.csv") == std::string::npos)
        fuzz::fail("parseCsv error does not name the file", message);

    {
        std::ofstream out(tempCsv(), std::ios::binary | std::ios::trunc);
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
    }
    try {
        const io::CsvTable f = io::readCsvFile(tempCsv());
        if (!t || f.header != t->header || f.rows != t->rows)
            fuzz::fail("readCsvFile() differs from parseCsv()");
    } catch (const Error&) {
        if (t)
            fuzz::fail("readCsvFile() throws where parseCsv() does not");
    }

    // Each field through the decimal parser.
    if (t)
        for (const auto& r : t->rows)
            for (const auto& v : r) {
                double d = 0;
                bool comma = false;
                if (io::parseDecimal(v, d, &comma) && std::isnan(d) && v.find_first_of("nN") == std::string::npos)
                    fuzz::fail("parseDecimal() returned NaN", v);
            }
    return 0;
}
