#include "core/io/encoding.hpp"

#include "core/base/text.hpp"
#include "core/io/csv_util.hpp"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <map>
#include <mutex>
#include <unordered_set>

namespace bando::io {
namespace {

void appendUtf8(std::string& out, uint32_t cp)
{
    if (cp < 0x80)
        out += static_cast<char>(cp);
    else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// Windows-1252 for 0x80..0x9F (undefined slots keep the C1 code point).
constexpr uint16_t kCp1252High[32] = {0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                      0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
                                      0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                      0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

uint32_t cp1252(unsigned char b)
{
    if (b >= 0x80 && b < 0xA0)
        return kCp1252High[b - 0x80];
    return b;
}

// Windows-1258: as 1252 below 0xC0 (0x8A, 0x8E, 0x9A, 0x9E undefined), with Vietnamese letters
// and five combining tone marks above.
uint32_t cp1258(unsigned char b)
{
    switch (b) {
    case 0x8A: case 0x8E: case 0x9A: case 0x9E: return b;
    case 0xC3: return 0x0102;
    case 0xCC: return 0x0300;
    case 0xD0: return 0x0110;
    case 0xD2: return 0x0309;
    case 0xD5: return 0x01A0;
    case 0xDD: return 0x01AF;
    case 0xDE: return 0x0303;
    case 0xE3: return 0x0103;
    case 0xEC: return 0x0301;
    case 0xF0: return 0x0111;
    case 0xF2: return 0x0323;
    case 0xF5: return 0x01A1;
    case 0xFD: return 0x01B0;
    case 0xFE: return 0x20AB;
    default: return cp1252(b);
    }
}

struct Tables {
    uint32_t tcvn3[256];
    std::map<uint16_t, uint32_t> vni;  // (b1 << 8 | b2) for pairs, b for single bytes
    std::unordered_set<std::string> syllables;  // lower-case NFC syllables of known names
};

uint32_t parseCodepoint(const std::string& s)
{
    // "U+1EA1" (first code point of a possibly longer list)
    if (s.size() < 3 || s[0] != 'U')
        return 0;
    return static_cast<uint32_t>(std::stoul(s.substr(2, s.find(' ') == std::string::npos ? std::string::npos : s.find(' ') - 2), nullptr, 16));
}

void addSyllables(std::unordered_set<std::string>& set, const std::string& phrase)
{
    std::string lower = text::toLower(text::toNfc(phrase));
    std::string cur;
    for (char c : lower + " ") {
        if (c == ' ' || c == ',' || c == '(' || c == ')' || c == '-' || c == '.' || c == ';') {
            if (!cur.empty())
                set.insert(cur);
            cur.clear();
        } else
            cur += c;
    }
}

const Tables& tables()
{
    static Tables t;
    static std::once_flag once;
    std::call_once(once, [] {
        for (int i = 0; i < 256; ++i)
            t.tcvn3[i] = cp1252(static_cast<unsigned char>(i));
        CsvTable tc = readResourceCsv("domain/tcvn3_to_unicode.csv");
        int cb = tc.column("byte_hex"), cu = tc.column("unicode_codepoints");
        for (const auto& r : tc.rows) {
            if (cb < 0 || cu < 0 || r.size() <= static_cast<size_t>(std::max(cb, cu)))
                continue;
            unsigned b = static_cast<unsigned>(std::stoul(r[cb], nullptr, 16));
            if (uint32_t cp = parseCodepoint(r[cu]); cp && b < 256)
                t.tcvn3[b] = cp;
        }
        CsvTable vn = readResourceCsv("domain/vni_windows_to_unicode.csv");
        int vb = vn.column("vni_bytes_hex"), vu = vn.column("unicode_codepoint");
        for (const auto& r : vn.rows) {
            if (vb < 0 || vu < 0 || r.size() <= static_cast<size_t>(std::max(vb, vu)))
                continue;
            const std::string& hex = r[vb];
            uint32_t cp = parseCodepoint(r[vu]);
            if (!cp)
                continue;
            if (hex.size() == 2)
                t.vni[static_cast<uint16_t>(std::stoul(hex, nullptr, 16))] = cp;
            else if (hex.size() == 5) {
                unsigned b1 = static_cast<unsigned>(std::stoul(hex.substr(0, 2), nullptr, 16));
                unsigned b2 = static_cast<unsigned>(std::stoul(hex.substr(3, 2), nullptr, 16));
                t.vni[static_cast<uint16_t>(b1 << 8 | b2)] = cp;
            }
        }
        // Syllables of real names (communes, districts) and common words of agency lists.
        try {
            CsvTable c = readResourceCsv("domain/communes.csv");
            for (const auto& r : c.rows)
                for (const auto& cell : r)
                    addSyllables(t.syllables, cell);
            CsvTable d = readResourceCsv("domain/districts.csv");
            int dn = d.column("district_name");
            for (const auto& r : d.rows)
                if (dn >= 0 && static_cast<size_t>(dn) < r.size())
                    addSyllables(t.syllables, r[dn]);
        } catch (...) {
        }
        addSyllables(t.syllables,
                     "thôn bản khối phố tổ dân xã phường thị trấn huyện thành tỉnh làng xóm nà pài khuổi "
                     "lũng pác bó nặm khòn cốc phai thâm đồng đông tây nam bắc trung thượng hạ mới cũ "
                     "số hộ người nhà văn hóa hoá điểm trạm sóng không có yếu trắng lõm mạng di động "
                     "internet băng rộng cáp quang trường học trạm y tế ủy ban nhân chợ đường quốc lộ "
                     "tên mã ghi chú loại diện tích dân số năm tháng ngày kết quả khảo sát viettel vinaphone "
                     "mobifone vnpt bưu điện cửa hàng tài khoản thanh toán điện tử đầu tàu nòng cốt công nghệ "
                     "cộng đồng lực lượng của và các những được với trong ngoài trên dưới giữa sau trước");
    });
    return t;
}

uint32_t nextCp(std::string_view s, size_t& i)
{
    int32_t idx = static_cast<int32_t>(i);
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), idx, static_cast<int32_t>(s.size()), c);
    i = static_cast<size_t>(idx);
    return c < 0 ? 0xFFFD : static_cast<uint32_t>(c);
}

bool isVietLetter(uint32_t c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return true;
    if (c >= 0x1EA0 && c <= 0x1EF9)
        return true;
    switch (c) {
    case 0xC0: case 0xC1: case 0xC2: case 0xC3: case 0xC8: case 0xC9: case 0xCA: case 0xCC: case 0xCD:
    case 0xD2: case 0xD3: case 0xD4: case 0xD5: case 0xD9: case 0xDA: case 0xDD:
    case 0xE0: case 0xE1: case 0xE2: case 0xE3: case 0xE8: case 0xE9: case 0xEA: case 0xEC: case 0xED:
    case 0xF2: case 0xF3: case 0xF4: case 0xF5: case 0xF9: case 0xFA: case 0xFD:
    case 0x102: case 0x103: case 0x110: case 0x111: case 0x128: case 0x129: case 0x168: case 0x169:
    case 0x1A0: case 0x1A1: case 0x1AF: case 0x1B0:
        return true;
    default: return false;
    }
}

bool isSeparator(uint32_t c)
{
    return c < 0x80 && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

// Tone marks carried by a precomposed letter (0 or 1).
int toneCount(uint32_t c)
{
    if (c < 0xC0)
        return 0;
    static const char16_t* kToned =
        u"ÀÁÃÈÉÌÍÒÓÕÙÚÝàáãèéìíòóõùúýĨĩŨũ"
        u"ẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸ"
        u"ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ";
    for (const char16_t* p = kToned; *p; ++p)
        if (static_cast<uint32_t>(*p) == c)
            return 1;
    return 0;
}

} // namespace

const char* encodingName(Encoding e)
{
    switch (e) {
    case Encoding::Utf8: return "utf-8";
    case Encoding::Cp1258: return "cp1258";
    case Encoding::Tcvn3: return "tcvn3";
    case Encoding::Vni: return "vni";
    case Encoding::Latin1: return "latin1";
    }
    return "?";
}

const char* encodingLabel(Encoding e)
{
    switch (e) {
    case Encoding::Utf8: return "UTF-8 (Unicode)";
    case Encoding::Cp1258: return "Windows-1258";
    case Encoding::Tcvn3: return "TCVN3 (ABC, .VnTime)";
    case Encoding::Vni: return "VNI-Windows";
    case Encoding::Latin1: return "Windows-1252 / Latin-1";
    }
    return "?";
}

std::optional<Encoding> parseEncoding(std::string_view name)
{
    std::string n;
    for (char c : name)
        if (c != '-' && c != '_' && c != ' ')
            n += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (n == "utf8" || n == "unicode")
        return Encoding::Utf8;
    if (n == "cp1258" || n == "windows1258" || n == "1258")
        return Encoding::Cp1258;
    if (n == "tcvn3" || n == "tcvn" || n == "abc" || n == "tcvn57121" || n == "vntime")
        return Encoding::Tcvn3;
    if (n == "vni" || n == "vniwindows" || n == "vniwin")
        return Encoding::Vni;
    if (n == "latin1" || n == "cp1252" || n == "windows1252" || n == "iso88591")
        return Encoding::Latin1;
    return std::nullopt;
}

std::string decode(std::string_view bytes, Encoding e)
{
    std::string out;
    out.reserve(bytes.size() + bytes.size() / 2);
    switch (e) {
    case Encoding::Utf8: {
        if (text::isValidUtf8(bytes))
            return text::toNfc(bytes);
        for (size_t i = 0; i < bytes.size();)
            appendUtf8(out, nextCp(bytes, i));
        return text::toNfc(out);
    }
    case Encoding::Latin1:
        for (unsigned char b : bytes)
            appendUtf8(out, cp1252(b));
        return out;
    case Encoding::Cp1258:
        for (unsigned char b : bytes)
            appendUtf8(out, cp1258(b));
        return text::toNfc(out);
    case Encoding::Tcvn3: {
        const auto& t = tables().tcvn3;
        for (unsigned char b : bytes)
            appendUtf8(out, t[b]);
        return text::toNfc(out);
    }
    case Encoding::Vni: {
        const auto& m = tables().vni;
        for (size_t i = 0; i < bytes.size();) {
            auto b1 = static_cast<unsigned char>(bytes[i]);
            if (i + 1 < bytes.size()) {
                auto b2 = static_cast<unsigned char>(bytes[i + 1]);
                if (b2 >= 0x80) {
                    auto it = m.find(static_cast<uint16_t>(b1 << 8 | b2));
                    if (it != m.end()) {
                        appendUtf8(out, it->second);
                        i += 2;
                        continue;
                    }
                }
            }
            if (b1 >= 0x80) {
                auto it = m.find(b1);
                appendUtf8(out, it != m.end() ? it->second : cp1252(b1));
            } else
                out += static_cast<char>(b1);
            ++i;
        }
        return text::toNfc(out);
    }
    }
    return std::string(bytes);
}

std::string restoreVnTimeHCapitals(std::string_view utf8)
{
    int asciiUpper = 0, asciiLower = 0, otherLower = 0;
    for (size_t i = 0; i < utf8.size();) {
        uint32_t c = nextCp(utf8, i);
        if (c >= 'A' && c <= 'Z')
            ++asciiUpper;
        else if (c >= 'a' && c <= 'z')
            ++asciiLower;
        else if (c >= 0x80 && u_islower(static_cast<UChar32>(c)))
            ++otherLower;
    }
    if (asciiLower == 0 && asciiUpper >= 1 && otherLower >= 1)
        return text::toUpper(utf8);
    return std::string(utf8);
}

std::string decodeValue(std::string_view bytes, Encoding e)
{
    std::string s = decode(bytes, e);
    if (e == Encoding::Tcvn3)
        return restoreVnTimeHCapitals(s);
    return s;
}

double vietnameseScore(std::string_view utf8)
{
    const auto& syl = tables().syllables;
    double score = 0;
    std::string word;
    bool foreign = false, hasNonAscii = false;
    int tones = 0;
    auto flush = [&] {
        if (!word.empty()) {
            if (foreign)
                score -= 3;
            else if (hasNonAscii) {
                if (tones > 1)
                    score -= 2;
                else if (syl.count(text::toLower(word)))
                    score += 3;
                else
                    score += 1;
            } else if (syl.count(text::toLower(word)))
                score += 0.5;
        }
        word.clear();
        foreign = hasNonAscii = false;
        tones = 0;
    };
    for (size_t i = 0; i < utf8.size();) {
        size_t start = i;
        uint32_t c = nextCp(utf8, i);
        if (isSeparator(c)) {
            flush();
            continue;
        }
        word.append(utf8.substr(start, i - start));
        if (c >= 0x80) {
            hasNonAscii = true;
            if (!isVietLetter(c))
                foreign = true;
            tones += toneCount(c);
        }
    }
    flush();
    return score;
}

EncodingGuess detectEncoding(const std::vector<std::string>& samples)
{
    EncodingGuess g;
    bool allUtf8 = true, anyMultibyte = false;
    for (const auto& s : samples) {
        bool ascii = std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
        if (ascii)
            continue;
        g.allAscii = false;
        ++g.samples;
        if (!text::isValidUtf8(s))
            allUtf8 = false;
        else
            anyMultibyte = true;
    }
    if (g.allAscii) {
        g.encoding = Encoding::Utf8;
        g.confidence = 1.0;
        return g;
    }
    if (allUtf8 && anyMultibyte) {
        g.encoding = Encoding::Utf8;
        g.confidence = 1.0;
        g.scores[static_cast<int>(Encoding::Utf8)] = 1;
        return g;
    }
    // Legacy single-byte text: decode every sample with each candidate and score the result.
    const Encoding candidates[] = {Encoding::Tcvn3, Encoding::Vni, Encoding::Cp1258, Encoding::Latin1};
    size_t used = 0;
    for (const auto& s : samples) {
        if (std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
            continue;
        if (++used > 2000)
            break;
        for (Encoding e : candidates)
            g.scores[static_cast<int>(e)] += vietnameseScore(decode(s, e)) - (e == Encoding::Latin1 ? 0.5 : 0);
    }
    g.scores[static_cast<int>(Encoding::Utf8)] = -1e9;
    Encoding best = Encoding::Tcvn3;
    double bestScore = -1e18, second = -1e18;
    for (Encoding e : candidates) {
        double sc = g.scores[static_cast<int>(e)];
        if (sc > bestScore) {
            second = bestScore;
            bestScore = sc;
            best = e;
        } else if (sc > second)
            second = sc;
    }
    g.encoding = best;
    double span = std::abs(bestScore) + std::abs(second) + 1e-9;
    g.confidence = std::clamp((bestScore - second) / span, 0.0, 1.0);
    return g;
}

} // namespace bando::io
