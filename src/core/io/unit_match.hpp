#pragma once
// Matching rows of agency lists ("Thôn Nà Pài, xã Chi Lăng") to the project's administrative
// units: by code when present, else by (district, commune, village) names, diacritic- and
// case-insensitive and aware of the usual abbreviations (TT, X., P., TP, H., Thôn/Bản/Khối).
#include "core/model/layer.hpp"

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

} // namespace bando::io
