#include "core/search/place_search.hpp"

#include "core/base/text.hpp"
#include "core/io/unit_match.hpp"
#include "core/store/project_store.hpp"

#include <unicode/coll.h>
#include <unicode/locid.h>
#include <unicode/sortkey.h>

#include <algorithm>
#include <map>
#include <sstream>

namespace bando::search {
namespace {

std::vector<std::string> words(const std::string& s)
{
    std::vector<std::string> w;
    std::istringstream in(s);
    for (std::string t; in >> t;)
        w.push_back(t);
    return w;
}

bool startsWith(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }

// Every query word starts a word of `name`, in order.
bool wordPrefixes(const std::vector<std::string>& q, const std::vector<std::string>& name)
{
    size_t j = 0;
    for (const auto& w : q) {
        while (j < name.size() && !startsWith(name[j], w))
            ++j;
        if (j == name.size())
            return false;
        ++j;
    }
    return !q.empty();
}

int scoreOf(const std::string& q, const std::vector<std::string>& qWords, const std::string& core,
            const std::vector<std::string>& coreWords)
{
    if (q.empty() || core.empty())
        return 0;
    if (core == q)
        return 100;
    if (startsWith(core, q) && (core.size() == q.size() || core[q.size()] == ' '))
        return 80;
    if (wordPrefixes(qWords, coreWords))
        return 60;
    if (core.find(q) != std::string::npos)
        return 40;
    return 0;
}

// Folded kinds of the query's abbreviations -> the kind parseUnitName reports for stored names.
// Villages: the type words that surely mean a village (not "lang", which also starts "Lạng Sơn").
bool villagePrefix(const std::string& w)
{
    for (const char* p : {"thon", "ban", "khoi", "xom", "tdp", "khu"})
        if (w == p)
            return true;
    return false;
}

struct Entry {
    Place place;
    std::string kind;                    // parseUnitName kind ("tt", "xa", "huyen", ...); villages: "thon", "ban", … or ""
    std::string core;                    // folded name without its type word
    std::vector<std::string> coreWords;
    std::vector<std::string> contextWords;  // core + commune core + district core
    std::string sortKey;                 // ICU collation key (Vietnamese)
};

} // namespace

const char* levelName(Level level)
{
    switch (level) {
    case Level::District: return "district";
    case Level::Commune: return "commune";
    case Level::Village: return "village";
    }
    return "";
}

struct PlaceIndex::Impl {
    std::vector<Entry> entries;
};

PlaceIndex::PlaceIndex(const Layer& districts, const Layer& communes, const Layer& villages) : m(std::make_unique<Impl>())
{
    UErrorCode err = U_ZERO_ERROR;
    std::unique_ptr<icu::Collator> coll(icu::Collator::createInstance(icu::Locale("vi"), err));
    if (U_FAILURE(err))
        coll.reset();
    auto key = [&](const std::string& s) {
        if (!coll)
            return text::foldForMatch(s);
        const icu::UnicodeString u = icu::UnicodeString::fromUTF8(s);
        std::string k;
        k.resize(static_cast<size_t>(coll->getSortKey(u, nullptr, 0)));
        coll->getSortKey(u, reinterpret_cast<uint8_t*>(k.data()), static_cast<int32_t>(k.size()));
        return k;
    };
    auto text = [](const Layer& l, const Feature& f, const char* field) {
        return l.fieldIndex(field) >= 0 ? l.text(f, field) : std::string();
    };
    std::map<std::string, std::string> dName, dCore, cName, cCore;
    auto add = [&](Level level, const Layer& l, const Feature& f, io::UnitLevel ul) {
        Entry e;
        e.place.level = level;
        e.place.code = text(l, f, "code");
        e.place.name = text(l, f, "name");
        e.place.extent = f.geom.extent();
        const io::UnitName n = io::parseUnitName(e.place.name, ul);
        e.kind = n.kind;
        e.core = n.core;
        e.coreWords = words(e.core);
        e.sortKey = key(e.place.name);
        return e;
    };
    for (const auto& f : districts.features) {
        Entry e = add(Level::District, districts, f, io::UnitLevel::District);
        dName[e.place.code] = e.place.name;
        dCore[e.place.code] = e.core;
        e.contextWords = e.coreWords;
        m->entries.push_back(std::move(e));
    }
    for (const auto& f : communes.features) {
        Entry e = add(Level::Commune, communes, f, io::UnitLevel::Commune);
        e.place.districtCode = text(communes, f, "district_code");
        e.place.districtName = dName[e.place.districtCode];
        cName[e.place.code] = e.place.name;
        cCore[e.place.code] = e.core;
        e.contextWords = words(e.core + " " + dCore[e.place.districtCode]);
        m->entries.push_back(std::move(e));
    }
    for (const auto& f : villages.features) {
        Entry e = add(Level::Village, villages, f, io::UnitLevel::Village);
        const auto w = words(text::foldForMatch(e.place.name));
        e.kind = !w.empty() && villagePrefix(w[0]) ? w[0] : "";
        e.place.communeCode = text(villages, f, "commune_code");
        e.place.communeName = cName[e.place.communeCode];
        e.place.districtCode = text(villages, f, "district_code");
        e.place.districtName = dName[e.place.districtCode];
        e.contextWords = words(e.core + " " + cCore[e.place.communeCode] + " " + dCore[e.place.districtCode]);
        m->entries.push_back(std::move(e));
    }
}

PlaceIndex PlaceIndex::fromProject(const ProjectStore& store)
{
    auto read = [&](const char* name) { return store.hasLayer(name) ? store.readLayer(name) : Layer{}; };
    return PlaceIndex(read("districts"), read("communes"), read("villages"));
}

PlaceIndex::~PlaceIndex() = default;
PlaceIndex::PlaceIndex(PlaceIndex&&) noexcept = default;
PlaceIndex& PlaceIndex::operator=(PlaceIndex&&) noexcept = default;

size_t PlaceIndex::size() const { return m->entries.size(); }

std::vector<Hit> PlaceIndex::find(std::string_view query, size_t limit) const
{
    const std::string q = text::foldForMatch(query);
    if (q.empty() || limit == 0)
        return {};
    // The query read at each level: "tt dong mo" is (tt, "dong mo") for communes.
    const io::UnitName qd = io::parseUnitName(std::string(query), io::UnitLevel::District);
    const io::UnitName qc = io::parseUnitName(std::string(query), io::UnitLevel::Commune);
    const std::vector<std::string> qWords = words(q);
    std::string qv = q;  // villages: a leading type word that surely means a village filters by it
    std::string qvKind;
    if (qWords.size() > 1 && villagePrefix(qWords[0])) {
        qv = q.substr(qWords[0].size() + 1);
        qvKind = qWords[0];
    }
    else if (qWords.size() > 3 && qWords[0] == "to" && qWords[1] == "dan" && qWords[2] == "pho")
        qv = q.substr(11);
    const std::vector<std::string> qdW = words(qd.core), qcW = words(qc.core), qvW = words(qv);

    struct Scored {
        const Entry* e;
        int score;
    };
    std::vector<Scored> found;
    for (const Entry& e : m->entries) {
        int s = 0;
        switch (e.place.level) {
        case Level::District:
            if (qd.kind.empty() || qd.kind == e.kind)
                s = scoreOf(qd.core, qdW, e.core, e.coreWords);
            break;
        case Level::Commune:
            if (qc.kind.empty() || qc.kind == e.kind)
                s = scoreOf(qc.core, qcW, e.core, e.coreWords);
            if (s == 0 && qc.kind.empty() && wordPrefixes(qWords, e.contextWords))
                s = 30;
            break;
        case Level::Village:
            if (!qd.kind.empty() || !qc.kind.empty())
                break;  // "tt …", "x. …", "h. …" name a commune or a district
            if (!qvKind.empty() && qvKind != e.kind)
                break;  // "thon …" names a thôn
            s = scoreOf(qv, qvW, e.core, e.coreWords);
            if (s == 0 && wordPrefixes(qvW, e.contextWords))
                s = 30;
            break;
        }
        if (s > 0)
            found.push_back({&e, s});
    }
    std::sort(found.begin(), found.end(), [](const Scored& a, const Scored& b) {
        if (a.score != b.score)
            return a.score > b.score;
        if (a.e->place.level != b.e->place.level)
            return a.e->place.level < b.e->place.level;
        if (a.e->sortKey != b.e->sortKey)
            return a.e->sortKey < b.e->sortKey;
        return a.e->place.code < b.e->place.code;
    });
    std::vector<Hit> out;
    for (size_t i = 0; i < found.size() && i < limit; ++i)
        out.push_back({found[i].e->place, found[i].score});
    return out;
}

} // namespace bando::search
