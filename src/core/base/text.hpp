#pragma once
// UTF-8 text helpers (ICU underneath: the one place the core needs real Unicode tables).
#include <string>
#include <string_view>

namespace bando::text {

bool isValidUtf8(std::string_view s);
std::string toNfc(std::string_view utf8);    // Unicode NFC; invalid input is returned unchanged
bool isNfc(std::string_view utf8);
std::string toUpper(std::string_view utf8);  // Vietnamese-aware (ICU root locale)
std::string toLower(std::string_view utf8);
// Lower-case, diacritics removed, đ -> d, whitespace collapsed: a key for name matching.
std::string foldForMatch(std::string_view utf8);

} // namespace bando::text
