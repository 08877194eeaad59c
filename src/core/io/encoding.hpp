#pragma once
// Vietnamese legacy text encodings met in agency files (DOMAIN.md §5): detection from byte
// statistics and decoding with Bando's own tables (resources/domain/*_to_unicode.csv).
// GDAL 3.6's TCVN recoding drops the last character, so sources are opened raw and decoded here.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bando::io {

enum class Encoding { Utf8, Cp1258, Tcvn3, Vni, Latin1 };
inline constexpr std::array<Encoding, 5> kAllEncodings{Encoding::Utf8, Encoding::Cp1258, Encoding::Tcvn3,
                                                       Encoding::Vni, Encoding::Latin1};

const char* encodingName(Encoding e);   // "utf-8", "cp1258", "tcvn3", "vni", "latin1"
const char* encodingLabel(Encoding e);  // "TCVN3 (ABC, .VnTime)" ...
// Accepts the names above and common aliases ("abc", "vni-windows", "windows-1258", "utf8").
std::optional<Encoding> parseEncoding(std::string_view name);

// Decodes raw bytes to NFC UTF-8. Utf8: invalid sequences are replaced by U+FFFD.
std::string decode(std::string_view bytes, Encoding e);

// Decodes and, for TCVN3, restores capitals of text typed with ".VnTimeH" fonts (which use the
// lower-case code points): a value whose ASCII letters are all upper case is upper-cased.
std::string decodeValue(std::string_view bytes, Encoding e);
std::string restoreVnTimeHCapitals(std::string_view utf8);

struct EncodingGuess {
    Encoding encoding = Encoding::Utf8;
    bool allAscii = true;       // nothing to decide: every sample is ASCII
    double confidence = 1.0;    // 0..1: margin of the best score over the runner-up
    std::array<double, 5> scores{};  // per Encoding (index = enum value), higher is better
    size_t samples = 0;
};

// Detects the encoding of raw text samples (attribute values, field names).
EncodingGuess detectEncoding(const std::vector<std::string>& samples);

// Plausibility of decoded Vietnamese text (used by detection, exposed for tests).
double vietnameseScore(std::string_view utf8);

} // namespace bando::io
