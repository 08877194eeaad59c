#include "core/units/registry.hpp"

#include "core/base/error.hpp"
#include "core/base/resources.hpp"
#include "core/base/text.hpp"
#include "core/io/csv_util.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <mutex>
#include <regex>
#include <set>

namespace bando::units {
namespace {

// NFC, single spaces, trimmed ("Xã  Hoàng Văn Thụ" in the GSO list has a double space).
std::string clean(const std::string& s)
{
    std::string n = text::toNfc(s), out;
    bool space = false;
    for (char c : n) {
        if (c == ' ' || c == '\t') {
            space = !out.empty();
            continue;
        }
        if (space)
            out += ' ';
        space = false;
        out += c;
    }
    return out;
}

std::string typeOf(const std::string& name)
{
    const std::string n = clean(name);
    for (const char* t : {"Phường", "Thị trấn", "Xã"})
        if (n.rfind(t, 0) == 0)
            return t;
    return "";
}

struct Table {
    io::CsvTable t;
    std::string path;
    std::string at(size_t r, const char* col) const
    {
        const int c = t.column(col);
        if (c < 0)
            throw Error(ErrorKind::Format, path, std::string("missing column '") + col + "'");
        return r < t.rows.size() && static_cast<size_t>(c) < t.rows[r].size() ? t.rows[r][c] : std::string();
    }
    std::string where(size_t r, const char* col) const
    {
        return path + ": row " + std::to_string(r + 2) + ", field " + col;
    }
    size_t rows() const { return t.rows.size(); }
};

Table readTable(const std::string& dir, const char* name)
{
    Table t;
    t.path = (std::filesystem::path(dir) / name).string();
    t.t = io::readCsvFile(t.path);
    return t;
}

int confidenceRank(const std::string& c)
{
    return c == "L" ? 2 : c == "M" ? 1 : 0;
}

const std::vector<Version>& versionList()
{
    static const std::vector<Version> v = {
        {kV2021, "2021-07-01", "2024-11-30", "GSO list of 01/07/2021 (units of NQ 818/NQ-UBTVQH14)", true},
        {kV2024, "2024-12-01", "2025-06-30", "NQ 1246/NQ-UBTVQH15 (effective 01/12/2024)", true},
        {kV2025, "2025-07-01", "", "NQ 1672/NQ-UBTVQH15 of 16/06/2025; codes: Công văn 1027/CTK-CSCL", false},
    };
    return v;
}

} // namespace

const std::vector<PublishedSplit>& publishedSplits()
{
    // NQ 1246/NQ-UBTVQH15 as reported by S10, S11, S12 (gisdata/domain/communes_2025_SOURCES.md);
    // the total is the HĐND figure of S14.
    static const std::vector<PublishedSplit> s = {{kV2021, "06040", "06040", 18.61, 27.61, 8527, 8615}};
    return s;
}

const Version& Registry::version(const std::string& id) const
{
    for (const auto& v : m_versions)
        if (v.id == id)
            return v;
    throw Error(ErrorKind::Usage, "--to", "unknown unit version '" + id + "' (known: v2021, v2024-12, v2025-07)");
}

bool Registry::hasVersion(const std::string& id) const
{
    return std::any_of(m_versions.begin(), m_versions.end(), [&](const Version& v) { return v.id == id; });
}

int Registry::rank(const std::string& id) const
{
    for (size_t i = 0; i < m_versions.size(); ++i)
        if (m_versions[i].id == id)
            return static_cast<int>(i);
    version(id);  // throws
    return -1;
}

std::vector<const Unit*> Registry::units(const std::string& version, const std::string& level) const
{
    std::vector<const Unit*> out;
    for (const auto& u : m_units)
        if (u.version == version && u.level == level)
            out.push_back(&u);
    std::sort(out.begin(), out.end(), [](const Unit* a, const Unit* b) { return a->code < b->code; });
    return out;
}

const Unit* Registry::find(const std::string& version, const std::string& code, const std::string& level) const
{
    for (const auto& u : m_units)
        if (u.version == version && u.code == code && u.level == level)
            return &u;
    return nullptr;
}

const std::vector<Link>& Registry::step(const std::string& from) const
{
    static const std::vector<Link> none;
    auto it = m_steps.find(from);
    return it == m_steps.end() ? none : it->second;
}

std::vector<Link> Registry::crosswalk(const std::string& from, const std::string& to,
                                      const std::map<std::string, double>* weights) const
{
    const int a = rank(from), b = rank(to);
    if (a > b) {
        // Newer -> older: reverse the forward links; the share is the part of the newer unit.
        std::vector<Link> fwd = crosswalk(to, from);
        std::map<std::string, double> total;
        auto weightOf = [&](const Link& l) {
            double w = 1;
            if (weights) {
                auto it = weights->find(l.fromCode);
                w = it == weights->end() ? 0 : it->second;
            }
            return w * l.share;
        };
        for (const auto& l : fwd)
            total[l.toCode] += weightOf(l);
        std::vector<Link> out;
        for (const auto& l : fwd) {
            Link r;
            r.fromVersion = l.toVersion, r.fromCode = l.toCode, r.fromName = l.toName;
            r.toVersion = l.fromVersion, r.toCode = l.fromCode, r.toName = l.fromName;
            const double t = total[l.toCode];
            r.share = t > 0 ? weightOf(l) / t : 0;
            r.basis = weights ? "weights" : "equal";
            r.confidence = l.confidence;
            r.note = l.note;
            out.push_back(std::move(r));
        }
        std::sort(out.begin(), out.end(), [](const Link& x, const Link& y) {
            return x.fromCode != y.fromCode ? x.fromCode < y.fromCode : x.toCode < y.toCode;
        });
        return out;
    }
    std::vector<Link> cur;
    for (const Unit* u : units(from)) {
        Link l;
        l.fromVersion = l.toVersion = from;
        l.fromCode = l.toCode = u->code;
        l.fromName = l.toName = u->name;
        cur.push_back(std::move(l));
    }
    for (int k = a; k < b; ++k) {
        const auto& s = step(m_versions[k].id);
        std::vector<Link> next;
        for (const auto& l : cur)
            for (const auto& n : s) {
                if (n.fromCode != l.toCode)
                    continue;
                Link c = l;
                c.toVersion = n.toVersion, c.toCode = n.toCode, c.toName = n.toName;
                c.share = l.share * n.share;
                if (n.basis != "whole")
                    c.basis = l.basis == "whole" ? n.basis : l.basis + "; " + n.basis;
                if (confidenceRank(n.confidence) > confidenceRank(c.confidence))  // keep the weakest
                    c.confidence = n.confidence;
                if (!n.note.empty())
                    c.note = c.note.empty() ? n.note : c.note + " | " + n.note;
                next.push_back(std::move(c));
            }
        cur = std::move(next);
    }
    return cur;
}

const Registry& Registry::shipped()
{
    static std::once_flag once;
    static Registry r;
    std::call_once(once, [] {
        const std::string path = resourcePath("domain/communes_crosswalk_2025.csv");
        r = load(std::filesystem::path(path).parent_path().string());
    });
    return r;
}

Registry Registry::load(const std::string& dir)
{
    Registry R;
    R.m_versions = versionList();
    const auto& V = R.m_versions;

    // ---- v2021: districts and communes ----
    Table dt = readTable(dir, "districts.csv");
    std::map<std::string, std::string> districtName;
    for (size_t r = 0; r < dt.rows(); ++r) {
        const std::string code = dt.at(r, "district_code"), name = clean(dt.at(r, "district_name"));
        if (code.size() != 3)
            throw Error(ErrorKind::Format, dt.where(r, "district_code"), "expected a 3-digit code, got '" + code + "'");
        districtName[code] = name;
        for (int k = 0; k < 2; ++k)
            R.m_units.push_back({V[k].id, "district", code, name, clean(dt.at(r, "type")), kProvinceCode, kProvinceName,
                                 V[0].validFrom, V[1].validTo});
    }
    Table ct = readTable(dir, "communes.csv");
    for (size_t r = 0; r < ct.rows(); ++r) {
        Unit u;
        u.version = kV2021, u.level = "commune";
        u.code = ct.at(r, "commune_code"), u.name = clean(ct.at(r, "commune_name")), u.type = typeOf(u.name);
        u.parentCode = ct.at(r, "district_code");
        if (u.code.size() != 5)
            throw Error(ErrorKind::Format, ct.where(r, "commune_code"), "expected a 5-digit code, got '" + u.code + "'");
        if (!districtName.count(u.parentCode))
            throw Error(ErrorKind::Format, ct.where(r, "district_code"), "unknown district '" + u.parentCode + "'");
        u.parentName = districtName[u.parentCode];
        u.validFrom = V[0].validFrom, u.validTo = V[0].validTo;
        R.m_units.push_back(std::move(u));
    }

    // ---- the crosswalk rows ----
    Table xt = readTable(dir, "communes_crosswalk_2025.csv");
    struct Row {
        size_t r;
        std::string code, name, district, step2024, newCode, confidence, notes;
    };
    std::vector<Row> rows;
    for (size_t r = 0; r < xt.rows(); ++r) {
        Row x{r, xt.at(r, "old_code"), clean(xt.at(r, "old_name")), xt.at(r, "old_district_code"),
              clean(xt.at(r, "step2024_name")), xt.at(r, "new_code_2025"), xt.at(r, "confidence"), xt.at(r, "notes")};
        if (!R.find(kV2021, x.code))
            throw Error(ErrorKind::Format, xt.where(r, "old_code"), "not a commune of communes.csv: '" + x.code + "'");
        rows.push_back(std::move(x));
    }
    if (rows.size() != R.units(kV2021).size())
        throw Error(ErrorKind::Format, xt.path,
                    "expected one row per commune (" + std::to_string(R.units(kV2021).size()) + "), found " +
                        std::to_string(rows.size()));

    // ---- v2024-12: the survivors of the 2024 step ----
    static const std::regex codeChange(R"(changed (\d{5}) -> (\d{5}))");
    static const std::regex splitStep(R"(^(.+) \(part\) \+ (.+) \(rest\)$)");
    std::map<std::string, std::string> code2024;  // v2021 code of a survivor -> its v2024 code
    for (const auto& x : rows) {
        const bool survives = x.step2024.empty() || x.step2024 == x.name;
        if (!survives)
            continue;
        const Unit* old = R.find(kV2021, x.code);
        Unit u = *old;
        u.version = kV2024;
        std::smatch m;
        if (std::regex_search(x.notes, m, codeChange) && m[1] == x.code)
            u.code = m[2];
        u.validFrom = V[1].validFrom, u.validTo = V[1].validTo;
        code2024[x.code] = u.code;
        R.m_units.push_back(std::move(u));
    }
    auto find2024ByName = [&](const std::string& name, const std::string& district, const Row& x,
                              const char* field) -> const Unit* {
        for (const auto& u : R.m_units)
            if (u.version == kV2024 && u.level == "commune" && u.name == name && u.parentCode == district)
                return &u;
        throw Error(ErrorKind::Format, xt.where(x.r, field), "no unit named '" + name + "' in district " + district +
                                                                 " after the 2024 step");
    };
    // Links v2021 -> v2024-12 (pointers into m_units are not kept: codes and names are copied).
    std::vector<Link> s1;
    for (const auto& x : rows) {
        const Unit* old = R.find(kV2021, x.code);
        auto add = [&](const Unit* to, double share, const std::string& basis) {
            Link l{kV2021, old->code, old->name, kV2024, to->code, to->name, share, basis, x.confidence, ""};
            if (basis != "whole")
                l.note = "split 12/2024 (NQ 1246)";
            s1.push_back(std::move(l));
        };
        std::smatch m;
        if (code2024.count(x.code)) {
            add(R.find(kV2024, code2024[x.code]), 1, "whole");
        } else if (std::regex_match(x.step2024, m, splitStep)) {
            const Unit* part = find2024ByName(clean(m[1]), x.district, x, "step2024_name");
            const Unit* rest = find2024ByName(clean(m[2]), x.district, x, "step2024_name");
            double share = -1;
            for (const auto& p : publishedSplits())
                if (p.fromVersion == kV2021 && p.fromCode == x.code && p.toCode == part->code)
                    share = p.people / p.peopleTotal;
            if (share < 0)
                throw Error(ErrorKind::Format, xt.where(x.r, "step2024_name"),
                            "split of '" + x.name + "' without published sizes");
            add(part, share, "population (published)");
            add(rest, 1 - share, "population (published)");
        } else {
            add(find2024ByName(x.step2024, x.district, x, "step2024_name"), 1, "whole");
        }
    }
    R.m_steps[kV2021] = std::move(s1);

    // ---- v2025-07: the 65 units ----
    Table nt = readTable(dir, "communes_2025.csv");
    for (size_t r = 0; r < nt.rows(); ++r) {
        Unit u;
        u.version = kV2025, u.level = "commune";
        u.code = nt.at(r, "new_code_2025"), u.name = clean(nt.at(r, "new_name")), u.type = typeOf(u.name);
        if (u.code.size() != 5)
            throw Error(ErrorKind::Format, nt.where(r, "new_code_2025"), "expected a 5-digit code, got '" + u.code + "'");
        if (R.find(kV2025, u.code))
            throw Error(ErrorKind::Format, nt.where(r, "new_code_2025"), "code '" + u.code + "' twice");
        u.parentCode = kProvinceCode, u.parentName = kProvinceName;
        u.validFrom = V[2].validFrom, u.validTo = V[2].validTo;
        R.m_units.push_back(std::move(u));
    }

    // Links v2024-12 -> v2025-07: a survivor carries its own row's 2025 unit(s); the rows merged
    // in 2024 must agree with the unit they joined.
    static const std::regex partly(R"(Also maps partly to: [^(]*\((\d{5})\))");
    std::vector<Link> s2;
    std::map<std::string, std::string> target2025;  // v2024 code -> primary 2025 code
    for (const auto& x : rows) {
        if (!code2024.count(x.code))
            continue;
        const Unit* from = R.find(kV2024, code2024[x.code]);
        const Unit* primary = R.find(kV2025, x.newCode);
        if (!primary)
            throw Error(ErrorKind::Format, xt.where(x.r, "new_code_2025"), "not a unit of communes_2025.csv: '" + x.newCode + "'");
        target2025[from->code] = primary->code;
        std::smatch m;
        const bool split2025 = x.notes.rfind("SPLIT (NQ 1672", 0) == 0 && std::regex_search(x.notes, m, partly);
        if (!split2025) {
            s2.push_back({kV2024, from->code, from->name, kV2025, primary->code, primary->name, 1, "whole", x.confidence, ""});
            continue;
        }
        const Unit* other = R.find(kV2025, m[1]);
        if (!other)
            throw Error(ErrorKind::Format, xt.where(x.r, "notes"), "not a unit of communes_2025.csv: '" + std::string(m[1]) + "'");
        // No published size: halves in the registry; a project splits along village lines.
        const std::string note = "split 07/2025 (NQ 1672), no published sizes";
        s2.push_back({kV2024, from->code, from->name, kV2025, primary->code, primary->name, 0.5, "equal (no published size)",
                      x.confidence, note});
        s2.push_back({kV2024, from->code, from->name, kV2025, other->code, other->name, 0.5, "equal (no published size)",
                      x.confidence, note});
    }
    for (const auto& x : rows) {
        if (code2024.count(x.code))
            continue;
        for (const auto& l : R.m_steps[kV2021])
            if (l.fromCode == x.code && l.basis == "whole" && target2025[l.toCode] != x.newCode)
                throw Error(ErrorKind::Format, xt.where(x.r, "new_code_2025"),
                            "'" + x.name + "' joined " + l.toName + " in 2024, whose 2025 unit is " + target2025[l.toCode] +
                                ", not " + x.newCode);
    }
    R.m_steps[kV2024] = std::move(s2);

    // A unit that passes whole and alone into an identical unit of the next version lived on.
    for (int k = 0; k + 1 < static_cast<int>(V.size()); ++k) {
        std::map<std::string, int> sources;
        for (const auto& l : R.m_steps[V[k].id])
            sources[l.toCode]++;
        for (const auto& l : R.m_steps[V[k].id]) {
            if (l.basis != "whole" || sources[l.toCode] != 1 || l.fromName != l.toName)
                continue;
            Unit* a = nullptr;
            Unit* b = nullptr;
            for (auto& u : R.m_units) {
                if (u.level != "commune")
                    continue;
                if (u.version == V[k].id && u.code == l.fromCode)
                    a = &u;
                if (u.version == V[k + 1].id && u.code == l.toCode)
                    b = &u;
            }
            if (a && b) {
                b->validFrom = a->validFrom;
                a->validTo = b->validTo;
            }
        }
    }
    return R;
}

std::map<std::string, double> carryBackward(const Registry& registry, const std::string& newer, const std::string& older,
                                            const std::map<std::string, double>& figures,
                                            const std::map<std::string, double>& weights, std::vector<Link>* links)
{
    if (registry.rank(newer) <= registry.rank(older))
        throw Error(ErrorKind::Usage, "--from", "'" + newer + "' is not newer than '" + older + "'");
    for (const auto& [code, v] : figures)
        if (!registry.find(newer, code))
            throw Error(ErrorKind::Usage, code, "'" + code + "' is not a unit of " + newer);
    // weights: when every older unit of a newer one weighs 0, that unit's parts are equal
    std::vector<Link> back = registry.crosswalk(newer, older, &weights);
    std::map<std::string, double> total;
    for (const auto& l : back)
        total[l.fromCode] += l.share;
    if (std::any_of(back.begin(), back.end(), [&](const Link& l) { return total[l.fromCode] <= 0; })) {
        const std::vector<Link> equal = registry.crosswalk(newer, older);
        for (size_t i = 0; i < back.size(); ++i)
            if (total[back[i].fromCode] <= 0)
                back[i] = equal[i];
    }
    std::map<std::string, double> out;
    for (const auto* u : registry.units(older))
        out[u->code] = 0;
    for (const auto& l : back) {
        auto it = figures.find(l.fromCode);
        if (it != figures.end())
            out[l.toCode] += it->second * l.share;
    }
    if (links)
        *links = std::move(back);
    return out;
}

} // namespace bando::units
