#pragma once
// Matching rows of agency lists ("Thôn Nà Pài, xã Chi Lăng") to the project's administrative
// units: by code when present, else by (district, commune, village) names, diacritic- and
// case-insensitive and aware of the usual abbreviations (TT, X., P., TP, H., Thôn/Bản/Khối).
#include "core/model/layer.hpp"
#include "core/units/registry.hpp"

#include <map>

#include <string>
#include <vector>

namespace bando::io {

// The type prefix of a unit name and the folded core name: "TT. Chi Lăng" -> {"tt", "chi lang"}.
struct UnitName {
    std::string kind;  // "xa", "tt", "phuong" | "huyen", "tp", "tx" | "" (villages: prefix dropped)
    std::string core;  // folded (bando::text::foldForMatch), leading zeros of numbers removed
};
enum class UnitLevel { District, Commune, Village };
UnitName parseUnitName(const std::string& name, UnitLevel level);

// Splits "Thôn Nà Pài, xã Chi Lăng, huyện Chi Lăng" into village / commune / district parts
// (by their type words; untyped parts are taken in that order).
struct AddressParts {
    std::string village, commune, district;
};
AddressParts splitAddress(const std::string& address);

struct UnitRef {
    std::string code, name;
    std::string communeCode, communeName;
    std::string districtCode, districtName;
};

struct UnitMatch {
    enum class Status { Matched, Unmatched, Ambiguous };
    Status status = Status::Unmatched;
    UnitRef unit;                     // when matched
    std::vector<UnitRef> candidates;  // when ambiguous
    std::string reason;               // when not matched (English msgid style)
    bool byCode = false;
};

class UnitMatcher {
public:
    // Layers as stored in a project (districts, communes, villages with their code fields).
    UnitMatcher(const Layer& districts, const Layer& communes, const Layer& villages);
    UnitMatch matchVillage(const std::string& villageCode, const std::string& village, const std::string& commune,
                           const std::string& district) const;
    UnitMatch matchCommune(const std::string& communeCode, const std::string& commune,
                           const std::string& district) const;
    UnitMatch matchDistrict(const std::string& districtCode, const std::string& district) const;

private:
    struct Unit {
        UnitRef ref;
        UnitName key;
        std::string parentCode;  // commune code (villages), district code (communes)
    };
    std::vector<Unit> m_districts, m_communes, m_villages;
    // Turns the units found for a name into a match: one = matched, several = ambiguous.
    static UnitMatch resolve(const std::vector<const Unit*>& found, const char* level, const std::string& name,
                             const std::string& notFoundSuffix = {});
    std::vector<const Unit*> find(const std::vector<Unit>& units, const UnitName& key,
                                  const std::vector<std::string>* parents) const;
};


// ---- commune names across the unit versions (issue #17) ----
// A list may name communes of 2021 ("TT Lộc Bình"), of 12/2024 or of 7/2025 ("xã Lộc Bình" = TT
// Lộc Bình + Khánh Xuân + Đồng Bục + Hữu Khánh). The matcher knows every version of the shipped
// registry (units::Registry), tells which version a list uses, resolves names in that version
// and reports a name that means different units in different versions as ambiguous (the review
// step asks) when the version is not known.
struct VersionedMatch {
    enum class Status { Matched, Unmatched, Ambiguous };
    Status status = Status::Unmatched;
    units::Unit unit;                     // when matched (its version says which)
    std::vector<units::Unit> candidates;  // when ambiguous: (version, code) of each meaning
    std::string reason;                   // when not matched or ambiguous (English msgid style)
};

struct VersionDetection {
    std::string version;                // the version the list uses; "" when the names cannot tell
    std::map<std::string, int> matched;  // rows whose commune name exists in each version
    std::map<std::string, int> only;     // rows whose commune name exists in that version only
    int rows = 0;
    bool certain = false;  // one version matches the most rows, and more than any other
};

class VersionedUnitMatcher {
public:
    explicit VersionedUnitMatcher(const units::Registry& registry = units::Registry::shipped());
    // Rows are (commune, district) names; the district may be "".
    VersionDetection detectVersion(const std::vector<std::pair<std::string, std::string>>& rows) const;
    // In `version` when given (a district narrows it in versions that have districts); else in
    // every version: one unit -> matched, several different units -> ambiguous.
    VersionedMatch matchCommune(const std::string& commune, const std::string& district,
                                const std::string& version = "") const;

private:
    struct Entry {
        const units::Unit* unit;
        UnitName key, parentKey;
    };
    std::vector<Entry> m_entries;
    std::vector<const Entry*> find(const std::string& commune, const std::string& district,
                                   const std::string& version) const;
};

// ---- village lists typed in another unit version (issue #17) ----
// The project's villages are keyed on the communes of `projectVersion` (v2021). A list whose
// commune names are of a newer version ("Thôn Nà Pài, xã Lộc Bình" in a 2026 list) has its
// villages matched among the old communes that unit was made of (the registry's crosswalk). When
// the list's version cannot be told and a commune name means different units in different
// versions, the row's village is matched under every meaning: one village -> matched, different
// villages -> ambiguous (the review asks, listing each), none -> unmatched.
class VersionedListMatcher {
public:
    // `rows`: the (commune, district) names of every row of the list.
    VersionedListMatcher(const UnitMatcher& matcher, const std::vector<std::pair<std::string, std::string>>& rows,
                         std::string projectVersion = units::kV2021,
                         const units::Registry& registry = units::Registry::shipped());
    const VersionDetection& detection() const { return m_detection; }
    // The version the list's commune names use ("" when the names cannot tell).
    const std::string& listVersion() const { return m_detection.version; }
    // The village match of one row. `base` is the project matcher's own match, returned unchanged
    // when the row gives a village code, names no commune, or its commune is named in the
    // project's version.
    UnitMatch matchVillage(const UnitMatch& base, const std::string& code, const std::string& village,
                           const std::string& commune, const std::string& district) const;

private:
    const UnitMatcher& m_matcher;
    const units::Registry& m_registry;
    VersionedUnitMatcher m_versioned;
    std::string m_project;
    VersionDetection m_detection;
    // The village named in the old communes of a unit of a newer version.
    UnitMatch inNewerUnit(const units::Unit& unit, const std::string& village) const;
};

} // namespace bando::io
