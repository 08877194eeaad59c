#include "core/io/unit_match.hpp"

#include "core/base/text.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <cctype>
#include <sstream>

namespace bando::io {
namespace {

std::vector<std::string> words(const std::string& folded)
{
    std::vector<std::string> w;
    std::istringstream in(folded);
    for (std::string s; in >> s;)
        w.push_back(s);
    return w;
}

std::string join(const std::vector<std::string>& w, size_t from)
{
    std::string s;
    for (size_t i = from; i < w.size(); ++i) {
        std::string t = w[i];
        if (!t.empty() && std::all_of(t.begin(), t.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
            t.erase(0, t.find_first_not_of('0'));
            if (t.empty())
                t = "0";
        }
        s += (s.empty() ? "" : " ") + t;
    }
    return s;
}

struct Prefix {
    std::vector<std::string> words;
    const char* kind;
};

const std::vector<Prefix>& prefixes(UnitLevel level)
{
    static const std::vector<Prefix> district = {{{"thanh", "pho"}, "tp"}, {{"tp"}, "tp"}, {{"thi", "xa"}, "tx"},
                                                 {{"tx"}, "tx"},           {{"huyen"}, "huyen"}, {{"h"}, "huyen"},
                                                 {{"quan"}, "huyen"}};
    static const std::vector<Prefix> commune = {{{"thi", "tran"}, "tt"}, {{"tt"}, "tt"},         {{"xa"}, "xa"},
                                                {{"x"}, "xa"},           {{"phuong"}, "phuong"}, {{"p"}, "phuong"}};
    static const std::vector<Prefix> village = {{{"to", "dan", "pho"}, ""}, {{"khoi", "pho"}, ""}, {{"tdp"}, ""},
                                                {{"thon"}, ""}, {{"ban"}, ""}, {{"khoi"}, ""}, {{"xom"}, ""},
                                                {{"lang"}, ""}, {{"khu"}, ""}, {{"to"}, ""}, {{"th"}, ""}};
    switch (level) {
    case UnitLevel::District: return district;
    case UnitLevel::Commune: return commune;
    case UnitLevel::Village: return village;
    }
    return village;
}

bool isVillageWord(const std::string& first)
{
    for (const auto& p : prefixes(UnitLevel::Village))
        if (p.words[0] == first)
            return true;
    return false;
}

} // namespace

UnitName parseUnitName(const std::string& name, UnitLevel level)
{
    UnitName n;
    std::vector<std::string> w = words(text::foldForMatch(name));
    for (const auto& p : prefixes(level)) {
        if (w.size() > p.words.size() && std::equal(p.words.begin(), p.words.end(), w.begin())) {
            n.kind = p.kind;
            // "Khối 1" keeps its number as the name; "Thôn Nà Pài" -> "na pai".
            n.core = join(w, p.words.size());
            return n;
        }
    }
    n.core = join(w, 0);
    return n;
}

AddressParts splitAddress(const std::string& address)
{
    AddressParts a;
    std::vector<std::string> parts;
    std::string cur;
    for (char c : address + ",") {
        if (c == ',' || c == ';' || c == '-') {
            auto s = cur;
            s.erase(0, s.find_first_not_of(" \t"));
            while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
                s.pop_back();
            if (!s.empty())
                parts.push_back(s);
            cur.clear();
        } else
            cur += c;
    }
    std::vector<std::string> untyped;
    for (const auto& p : parts) {
        UnitName d = parseUnitName(p, UnitLevel::District), c = parseUnitName(p, UnitLevel::Commune);
        std::vector<std::string> w = words(text::foldForMatch(p));
        if (!d.kind.empty() && a.district.empty())
            a.district = p;
        else if (!c.kind.empty() && a.commune.empty())
            a.commune = p;
        else if (!w.empty() && isVillageWord(w[0]) && a.village.empty())
            a.village = p;
        else
            untyped.push_back(p);
    }
    for (const auto& u : untyped) {
        if (a.village.empty())
            a.village = u;
        else if (a.commune.empty())
            a.commune = u;
        else if (a.district.empty())
            a.district = u;
    }
    return a;
}

UnitMatcher::UnitMatcher(const Layer& districts, const Layer& communes, const Layer& villages)
{
    std::map<std::string, std::string> dName, cName, cDistrict;
    for (const auto& f : districts.features) {
        Unit u;
        u.ref.code = u.ref.districtCode = districts.text(f, "code");
        u.ref.name = u.ref.districtName = districts.text(f, "name");
        u.key = parseUnitName(u.ref.name, UnitLevel::District);
        dName[u.ref.code] = u.ref.name;
        m_districts.push_back(u);
    }
    for (const auto& f : communes.features) {
        Unit u;
        u.ref.code = u.ref.communeCode = communes.text(f, "code");
        u.ref.name = u.ref.communeName = communes.text(f, "name");
        u.ref.districtCode = u.parentCode = communes.text(f, "district_code");
        u.ref.districtName = dName[u.parentCode];
        u.key = parseUnitName(u.ref.name, UnitLevel::Commune);
        cName[u.ref.code] = u.ref.name;
        cDistrict[u.ref.code] = u.parentCode;
        m_communes.push_back(u);
    }
    for (const auto& f : villages.features) {
        Unit u;
        u.ref.code = villages.text(f, "code");
        u.ref.name = villages.text(f, "name");
        u.ref.communeCode = u.parentCode = villages.text(f, "commune_code");
        u.ref.communeName = cName[u.parentCode];
        u.ref.districtCode = villages.fieldIndex("district_code") >= 0 ? villages.text(f, "district_code") : "";
        if (u.ref.districtCode.empty())
            u.ref.districtCode = cDistrict[u.parentCode];
        u.ref.districtName = dName[u.ref.districtCode];
        u.key = parseUnitName(u.ref.name, UnitLevel::Village);
        m_villages.push_back(u);
    }
}

std::vector<const UnitMatcher::Unit*> UnitMatcher::find(const std::vector<Unit>& units, const UnitName& key,
                                                        const std::vector<std::string>* parents) const
{
    std::vector<const Unit*> out;
    for (const auto& u : units) {
        if (u.key.core != key.core)
            continue;
        if (!key.kind.empty() && !u.key.kind.empty() && key.kind != u.key.kind)
            continue;
        if (parents && std::find(parents->begin(), parents->end(), u.parentCode) == parents->end())
            continue;
        out.push_back(&u);
    }
    return out;
}

UnitMatch UnitMatcher::resolve(const std::vector<const Unit*>& found, const char* level, const std::string& name,
                               const std::string& notFoundSuffix)
{
    UnitMatch m;
    const std::string quoted = std::string(level) + " '" + name + "'";
    if (found.empty()) {
        m.reason = quoted + " not found" + notFoundSuffix;
    } else if (found.size() == 1) {
        m.status = UnitMatch::Status::Matched;
        m.unit = found[0]->ref;
    } else {
        m.status = UnitMatch::Status::Ambiguous;
        for (const Unit* u : found)
            m.candidates.push_back(u->ref);
        m.reason = quoted + " matches " + std::to_string(found.size()) + " " + level + "s";
    }
    return m;
}

UnitMatch UnitMatcher::matchCommune(const std::string& communeCode, const std::string& commune,
                                    const std::string& district) const
{
    UnitMatch m;
    if (!communeCode.empty()) {
        for (const auto& u : m_communes)
            if (u.ref.code == communeCode) {
                m.status = UnitMatch::Status::Matched;
                m.unit = u.ref;
                m.byCode = true;
                return m;
            }
    }
    if (commune.empty()) {
        m.reason = communeCode.empty() ? "no commune given" : "unknown commune code " + communeCode;
        return m;
    }
    std::vector<std::string> dcodes;
    const bool haveDistrict = !district.empty();
    if (haveDistrict) {
        for (const Unit* d : find(m_districts, parseUnitName(district, UnitLevel::District), nullptr))
            dcodes.push_back(d->ref.code);
        if (dcodes.empty()) {
            m.reason = "district '" + district + "' not found";
            return m;
        }
    }
    auto found = find(m_communes, parseUnitName(commune, UnitLevel::Commune), haveDistrict ? &dcodes : nullptr);
    return resolve(found, "commune", commune);
}

UnitMatch UnitMatcher::matchDistrict(const std::string& districtCode, const std::string& district) const
{
    UnitMatch m;
    if (!districtCode.empty())
        for (const auto& u : m_districts)
            if (u.ref.code == districtCode) {
                m.status = UnitMatch::Status::Matched;
                m.unit = u.ref;
                m.byCode = true;
                return m;
            }
    if (district.empty()) {
        m.reason = districtCode.empty() ? "no district given" : "unknown district code " + districtCode;
        return m;
    }
    return resolve(find(m_districts, parseUnitName(district, UnitLevel::District), nullptr), "district", district);
}

UnitMatch UnitMatcher::matchVillage(const std::string& villageCode, const std::string& village,
                                    const std::string& commune, const std::string& district) const
{
    UnitMatch m;
    if (!villageCode.empty()) {
        // Spreadsheets store codes as numbers: 6115003 is village 06115003.
        const bool digits = villageCode.find_first_not_of("0123456789") == std::string::npos;
        for (const auto& u : m_villages)
            if (u.ref.code == villageCode ||
                (digits && u.ref.code.size() > villageCode.size() &&
                 u.ref.code.compare(u.ref.code.size() - villageCode.size(), std::string::npos, villageCode) == 0 &&
                 u.ref.code.find_first_not_of('0') == u.ref.code.size() - villageCode.size())) {
                m.status = UnitMatch::Status::Matched;
                m.unit = u.ref;
                m.byCode = true;
                return m;
            }
        if (village.empty()) {
            m.reason = "unknown village code " + villageCode;
            return m;
        }
    }
    if (village.empty()) {
        m.reason = "no village given";
        return m;
    }
    std::vector<std::string> parents;
    bool restrict = false;
    if (!commune.empty()) {
        restrict = true;
        std::vector<std::string> dcodes;
        if (!district.empty())
            for (const Unit* d : find(m_districts, parseUnitName(district, UnitLevel::District), nullptr))
                dcodes.push_back(d->ref.code);
        if (!district.empty() && dcodes.empty()) {
            m.reason = "district '" + district + "' not found";
            return m;
        }
        for (const Unit* c : find(m_communes, parseUnitName(commune, UnitLevel::Commune), district.empty() ? nullptr : &dcodes))
            parents.push_back(c->ref.code);
        if (parents.empty()) {
            m.reason = "commune '" + commune + "' not found";
            return m;
        }
    } else if (!district.empty()) {
        restrict = true;
        std::vector<std::string> dcodes;
        for (const Unit* d : find(m_districts, parseUnitName(district, UnitLevel::District), nullptr))
            dcodes.push_back(d->ref.code);
        for (const auto& c : m_communes)
            if (std::find(dcodes.begin(), dcodes.end(), c.parentCode) != dcodes.end())
                parents.push_back(c.ref.code);
        if (parents.empty()) {
            m.reason = "district '" + district + "' not found";
            return m;
        }
    }
    auto found = find(m_villages, parseUnitName(village, UnitLevel::Village), restrict ? &parents : nullptr);
    return resolve(found, "village", village, commune.empty() ? std::string() : " in '" + commune + "'");
}


// ---------------------------------------------------------------- across unit versions

VersionedUnitMatcher::VersionedUnitMatcher(const units::Registry& registry)
{
    for (const auto& u : registry.all())
        if (u.level == "commune")
            m_entries.push_back({&u, parseUnitName(u.name, UnitLevel::Commune), parseUnitName(u.parentName, UnitLevel::District)});
}

std::vector<const VersionedUnitMatcher::Entry*> VersionedUnitMatcher::find(const std::string& commune,
                                                                           const std::string& district,
                                                                           const std::string& version) const
{
    const UnitName key = parseUnitName(commune, UnitLevel::Commune);
    const UnitName dkey = district.empty() ? UnitName{} : parseUnitName(district, UnitLevel::District);
    std::vector<const Entry*> out;
    for (const auto& e : m_entries) {
        if (!version.empty() && e.unit->version != version)
            continue;
        if (e.key.core != key.core)
            continue;
        if (!key.kind.empty() && !e.key.kind.empty() && key.kind != e.key.kind)
            continue;
        // a district narrows the versions that have districts; v2025-07 units have none
        if (!dkey.core.empty() && e.unit->parentCode != units::kProvinceCode && e.parentKey.core != dkey.core)
            continue;
        out.push_back(&e);
    }
    return out;
}

VersionDetection VersionedUnitMatcher::detectVersion(const std::vector<std::pair<std::string, std::string>>& rows) const
{
    VersionDetection d;
    for (const auto& [commune, district] : rows) {
        if (commune.empty())
            continue;
        d.rows++;
        std::set<std::string> versions;
        for (const Entry* e : find(commune, district, ""))
            versions.insert(e->unit->version);
        for (const auto& v : versions)
            d.matched[v]++;
        if (versions.size() == 1)
            d.only[*versions.begin()]++;
    }
    // most rows matched; ties broken by the names found in one version only
    std::vector<std::pair<std::pair<int, int>, std::string>> score;
    for (const auto& [v, n] : d.matched)
        score.push_back({{n, d.only[v]}, v});
    std::sort(score.rbegin(), score.rend());
    if (!score.empty()) {
        d.version = score[0].second;
        d.certain = score.size() == 1 || score[0].first > score[1].first;
        if (!d.certain)
            d.version.clear();
    }
    return d;
}

VersionedMatch VersionedUnitMatcher::matchCommune(const std::string& commune, const std::string& district,
                                                  const std::string& version) const
{
    VersionedMatch m;
    const auto found = find(commune, district, version);
    const std::string quoted = "commune '" + commune + "'";
    if (found.empty()) {
        m.reason = quoted + " not found" + (version.empty() ? std::string() : " in " + version);
        return m;
    }
    // The same place listed unchanged in several versions (same code and name) is one meaning
    // when the version is not given: the newest entry stands for it.
    std::vector<const Entry*> distinct;
    for (const Entry* e : found) {
        bool dup = false;
        for (const Entry*& d : distinct)
            if (d->unit->code == e->unit->code && d->unit->name == e->unit->name &&
                d->unit->validTo == e->unit->validTo && d->unit->validFrom == e->unit->validFrom) {
                dup = true;
                if (e->unit->version > d->unit->version)  // "v2021" < "v2024-12" < "v2025-07"
                    d = e;
            }
        if (!dup)
            distinct.push_back(e);
    }
    if (distinct.size() == 1) {
        m.status = VersionedMatch::Status::Matched;
        m.unit = *distinct[0]->unit;
        return m;
    }
    m.status = VersionedMatch::Status::Ambiguous;
    for (const Entry* e : distinct)
        m.candidates.push_back(*e->unit);
    std::set<std::string> versions;
    for (const Entry* e : distinct)
        versions.insert(e->unit->version);
    m.reason = quoted + " matches " + std::to_string(distinct.size()) + " units" +
               (versions.size() > 1 ? " in different unit versions" : "");
    return m;
}


// ---------------------------------------------------------------- village lists in another version

namespace {

void addUnique(std::vector<UnitRef>& found, const UnitRef& r)
{
    if (std::none_of(found.begin(), found.end(), [&r](const UnitRef& f) { return f.code == r.code; }))
        found.push_back(r);
}

// One village found -> matched; several -> ambiguous (reason `several`); none -> unmatched (reason `none`).
UnitMatch matchOf(const std::vector<UnitRef>& found, const std::string& several, const std::string& none)
{
    UnitMatch out;
    if (found.size() == 1) {
        out.status = UnitMatch::Status::Matched;
        out.unit = found[0];
    } else if (found.size() > 1) {
        out.status = UnitMatch::Status::Ambiguous;
        out.candidates = found;
        out.reason = several;
    } else {
        out.reason = none;
    }
    return out;
}

} // namespace

VersionedListMatcher::VersionedListMatcher(const UnitMatcher& matcher,
                                           const std::vector<std::pair<std::string, std::string>>& rows,
                                           std::string projectVersion, const units::Registry& registry)
    : m_matcher(matcher), m_registry(registry), m_versioned(registry), m_project(std::move(projectVersion))
{
    m_detection = m_versioned.detectVersion(rows);
}

UnitMatch VersionedListMatcher::inNewerUnit(const units::Unit& unit, const std::string& village) const
{
    std::vector<UnitRef> found;
    std::string olds;
    for (const auto& l : m_registry.crosswalk(m_project, unit.version)) {
        if (l.toCode != unit.code)
            continue;
        const units::Unit* old = m_registry.find(m_project, l.fromCode);
        if (!old)
            continue;
        olds += (olds.empty() ? "" : ", ") + old->name;
        const UnitMatch m = m_matcher.matchCommune(old->code, "", "");
        if (m.status != UnitMatch::Status::Matched)
            continue;  // a commune of the registry the project does not hold
        const UnitMatch v = m_matcher.matchVillage("", village, m.unit.name, m.unit.districtName);
        if (v.status == UnitMatch::Status::Matched)
            addUnique(found, v.unit);
        for (const auto& c : v.candidates)
            addUnique(found, c);
    }
    return matchOf(found,
                   "village '" + village + "' matches " + std::to_string(found.size()) + " villages in the communes of " +
                       unit.name + " (" + unit.version + ")",
                   "village '" + village + "' not found in the communes of " + unit.name + " (" + unit.version + ": " +
                       olds + ")");
}

UnitMatch VersionedListMatcher::matchVillage(const UnitMatch& base, const std::string& code, const std::string& village,
                                             const std::string& commune, const std::string& district) const
{
    if (base.byCode || (!code.empty() && base.status == UnitMatch::Status::Matched) || commune.empty() || village.empty())
        return base;
    const std::string& version = m_detection.version;
    if (version == m_project)
        return base;
    const VersionedMatch vm = m_versioned.matchCommune(commune, district, version);
    if (!version.empty()) {
        // the list is of another version: the commune as that version names it
        if (vm.status == VersionedMatch::Status::Matched && m_registry.rank(vm.unit.version) > m_registry.rank(m_project))
            return inNewerUnit(vm.unit, village);
        return base;
    }
    // the list's version cannot be told: every meaning of the commune name
    std::vector<units::Unit> meanings;
    if (vm.status == VersionedMatch::Status::Matched)
        meanings.push_back(vm.unit);
    else if (vm.status == VersionedMatch::Status::Ambiguous)
        meanings = vm.candidates;
    if (std::none_of(meanings.begin(), meanings.end(),
                     [&](const units::Unit& u) { return m_registry.rank(u.version) > m_registry.rank(m_project); }))
        return base;  // no newer meaning: the project's matcher decides
    std::vector<UnitRef> found;
    std::string versions;
    for (const auto& u : meanings) {
        const UnitMatch m = m_registry.rank(u.version) > m_registry.rank(m_project) ? inNewerUnit(u, village) : base;
        std::vector<UnitRef> refs = m.candidates;
        if (m.status == UnitMatch::Status::Matched)
            refs.push_back(m.unit);
        for (const auto& r : refs)
            addUnique(found, r);
        if (!refs.empty())
            versions += (versions.empty() ? "" : ", ") + u.code + "@" + u.version + " " + u.name;
    }
    return matchOf(found,
                   "commune '" + commune + "' means different units in different unit versions (" + versions +
                       "): village '" + village + "' matches " + std::to_string(found.size()) + " villages",
                   "village '" + village + "' not found in any unit named '" + commune + "'");
}

} // namespace bando::io
