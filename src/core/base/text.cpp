#include "core/base/text.hpp"

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include <memory>

namespace bando::text {

bool isValidUtf8(std::string_view s)
{
    int32_t i = 0;
    const int32_t n = static_cast<int32_t>(s.size());
    const auto* p = reinterpret_cast<const uint8_t*>(s.data());
    while (i < n) {
        UChar32 c;
        U8_NEXT(p, i, n, c);
        if (c < 0)
            return false;
    }
    return true;
}

std::string toNfc(std::string_view utf8)
{
    UErrorCode err = U_ZERO_ERROR;
    const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(err);
    if (U_FAILURE(err) || !isValidUtf8(utf8))
        return std::string(utf8);
    icu::UnicodeString in = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
    icu::UnicodeString out = nfc->normalize(in, err);
    if (U_FAILURE(err))
        return std::string(utf8);
    std::string result;
    out.toUTF8String(result);
    return result;
}

bool isNfc(std::string_view utf8)
{
    UErrorCode err = U_ZERO_ERROR;
    const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(err);
    if (U_FAILURE(err))
        return false;
    icu::UnicodeString in = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
    bool r = nfc->isNormalized(in, err);
    return U_SUCCESS(err) && r;
}

std::string toUpper(std::string_view utf8)
{
    icu::UnicodeString s = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
    s.toUpper(icu::Locale::getRoot());
    std::string r;
    s.toUTF8String(r);
    return r;
}

std::string toLower(std::string_view utf8)
{
    icu::UnicodeString s = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
    s.toLower(icu::Locale::getRoot());
    std::string r;
    s.toUTF8String(r);
    return r;
}

std::string foldForMatch(std::string_view utf8)
{
    UErrorCode err = U_ZERO_ERROR;
    const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(err);
    icu::UnicodeString s = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
    s.toLower(icu::Locale::getRoot());
    icu::UnicodeString d = U_SUCCESS(err) ? nfd->normalize(s, err) : s;
    icu::UnicodeString out;
    bool lastSpace = true;
    for (int32_t i = 0; i < d.length();) {
        UChar32 c = d.char32At(i);
        i += U16_LENGTH(c);
        if (u_getCombiningClass(c) != 0 || u_charType(c) == U_NON_SPACING_MARK)
            continue;
        if (c == 0x0111 || c == 0x0110)
            c = 'd';
        if (u_isUWhiteSpace(c) || c == '_' || c == '-' || c == '.' || c == ',') {
            if (!lastSpace)
                out.append(static_cast<UChar32>(' '));
            lastSpace = true;
            continue;
        }
        out.append(c);
        lastSpace = false;
    }
    std::string r;
    out.toUTF8String(r);
    while (!r.empty() && r.back() == ' ')
        r.pop_back();
    return r;
}

} // namespace bando::text
