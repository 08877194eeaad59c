#include "core/io/unit_match.hpp"

#include "core/base/text.hpp"

#include <algorithm>
#include <map>
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

} // namespace bando::io
