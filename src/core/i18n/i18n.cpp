#include "core/i18n/i18n.hpp"

#include "core/base/resources.hpp"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace bando::i18n {
namespace {

using Catalog = std::unordered_map<std::string, std::string>;

// Minimal reader of GNU .mo files (magic, count, offset tables of original/translated strings).
Catalog loadMo(const std::string& path)
{
    Catalog cat;
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return cat;
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto u32 = [&](size_t off, bool swap) -> uint32_t {
        if (off + 4 > data.size())
            return 0;
        uint32_t v;
        std::memcpy(&v, data.data() + off, 4);
        if (swap)
            v = __builtin_bswap32(v);
        return v;
    };
    if (data.size() < 28)
        return cat;
    uint32_t magic;
    std::memcpy(&magic, data.data(), 4);
    bool swap = false;
    if (magic == 0xde120495u)
        swap = true;
    else if (magic != 0x950412deu)
        return cat;
    uint32_t n = u32(8, swap), origOff = u32(12, swap), transOff = u32(16, swap);
    for (uint32_t i = 0; i < n; ++i) {
        uint32_t ol = u32(origOff + 8 * i, swap), oo = u32(origOff + 8 * i + 4, swap);
        uint32_t tl = u32(transOff + 8 * i, swap), to = u32(transOff + 8 * i + 4, swap);
        if (oo + ol > data.size() || to + tl > data.size() || ol == 0)
            continue;
        std::string tr(data.data() + to, tl);
        if (!tr.empty())
            cat.emplace(std::string(data.data() + oo, ol), std::move(tr));
    }
    return cat;
}

struct State {
    std::mutex mutex;
    std::string lang;
    std::map<std::string, std::unique_ptr<Catalog>> catalogs;
};

State& state()
{
    static State s;
    return s;
}

std::string defaultLanguage()
{
    for (const char* var : {"BANDO_LANG"}) {
        if (const char* v = std::getenv(var); v && *v)
            return std::strncmp(v, "en", 2) == 0 ? "en" : "vi";
    }
    return "vi";
}

const Catalog* catalogFor(State& s, const std::string& lang)
{
    auto it = s.catalogs.find(lang);
    if (it == s.catalogs.end()) {
        auto cat = std::make_unique<Catalog>();
        if (lang != "en") {
            try {
                std::filesystem::path p =
                    std::filesystem::path(resourceDir()) / "locale" / lang / "LC_MESSAGES" / "bando.mo";
                *cat = loadMo(p.string());
            } catch (...) {
            }
        }
        it = s.catalogs.emplace(lang, std::move(cat)).first;
    }
    return it->second.get();
}

} // namespace

void setLanguage(const std::string& lang)
{
    auto& s = state();
    std::lock_guard g(s.mutex);
    s.lang = (lang.rfind("en", 0) == 0) ? "en" : "vi";
}

std::string language()
{
    auto& s = state();
    std::lock_guard g(s.mutex);
    if (s.lang.empty())
        s.lang = defaultLanguage();
    return s.lang;
}

const char* tr(const std::string& lang, const char* msgid)
{
    auto& s = state();
    std::lock_guard g(s.mutex);
    const Catalog* cat = catalogFor(s, lang);
    auto it = cat->find(msgid);
    return it == cat->end() ? msgid : it->second.c_str();  // catalogs are never unloaded
}

const char* tr(const char* msgid) { return tr(language(), msgid); }

} // namespace bando::i18n

namespace bando {

std::string trf(const char* msgid, std::initializer_list<std::string> args)
{
    std::string s = tr(msgid);
    size_t i = 1;
    for (const auto& a : args) {
        const std::string key = "{" + std::to_string(i++) + "}";
        for (size_t p = s.find(key); p != std::string::npos; p = s.find(key, p + a.size()))
            s.replace(p, key.size(), a);
    }
    return s;
}

} // namespace bando
