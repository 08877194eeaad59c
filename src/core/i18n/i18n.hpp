#pragma once
// Translations for the core, the CLI and the app: gettext .mo catalogs read by Bando itself
// (no dependency on installed system locales). Vietnamese is the default language; English
// (the msgids) is chosen with setLanguage("en") or BANDO_LANG=en.
#include <initializer_list>
#include <string>

namespace bando::i18n {

// "vi" or "en". Thread-safe; catalogs load lazily from resources/locale/<lang>/LC_MESSAGES/bando.mo.
void setLanguage(const std::string& lang);
std::string language();
// Translation of `msgid` in the current language (msgid itself when untranslated).
const char* tr(const char* msgid);
// Translation in a given language, independent of the current one.
const char* tr(const std::string& lang, const char* msgid);

} // namespace bando::i18n

namespace bando {
inline const char* tr(const char* msgid) { return i18n::tr(msgid); }
// tr(msgid) with {1}, {2}, ... replaced by the arguments: messages are translated whole, never
// assembled from translated fragments.
std::string trf(const char* msgid, std::initializer_list<std::string> args);
}
// Marks a string for extraction without translating it (xgettext keyword N_).
#define N_(s) s
