#pragma once
// Administrative units as they change (issue #17): the versioned registry of Lạng Sơn's
// commune-level units and the crosswalks between its versions. GUI-free.
//
// Versions (docs/UNITS.md):
//   v2021     200 communes in 11 districts (GSO list of 01/07/2021: gisdata/domain/communes.csv)
//   v2024-12  194 communes in 11 districts (NQ 1246/NQ-UBTVQH15, effective 01/12/2024)
//   v2025-07  65 units (61 xã, 4 phường), no districts: the province is the only level above
//             (NQ 1672/NQ-UBTVQH15, effective 01/07/2025)
// The registry is built from the shipped tables (communes.csv, districts.csv,
// communes_crosswalk_2025.csv, communes_2025.csv); nothing is hard-coded but the version dates.
//
// Codes are not keys across versions: 06040 is xã Đại Đồng in v2021, TT Thất Khê in v2024-12 and
// xã Thất Khê in v2025-07. Every lookup takes (version, code).
#include <map>
#include <string>
#include <vector>

namespace bando::units {

inline constexpr const char* kV2021 = "v2021";
inline constexpr const char* kV2024 = "v2024-12";
inline constexpr const char* kV2025 = "v2025-07";
inline constexpr const char* kProvinceCode = "20";
inline constexpr const char* kProvinceName = "Tỉnh Lạng Sơn";

struct Version {
    std::string id;                 // v2021 | v2024-12 | v2025-07
    std::string validFrom, validTo;  // ISO dates; validTo "" = still in force
    std::string basis;              // the legal act (or list) the version follows
    bool hasDistricts = true;       // false: communes sit directly under the province
};

struct Unit {
    std::string version, level;  // level: district | commune
    std::string code, name, type;
    std::string parentCode, parentName;  // district (v2021, v2024-12) or the province (v2025-07, districts)
    std::string validFrom, validTo;       // the period in which this (code, name, territory) existed
};

// One link of a crosswalk: the part `share` of `from` (by the stated basis) belongs to `to`.
struct Link {
    std::string fromVersion, fromCode, fromName;
    std::string toVersion, toCode, toName;
    double share = 1;  // 1 for a whole unit; the shares of one `from` sum to 1
    // whole | population (published) | households | area | nearest (no published size)
    std::string basis = "whole";
    std::string confidence = "H";  // H | M | L as in the shipped crosswalk
    std::string note;
};

class Registry {
public:
    // The registry read from the shipped gisdata (once; thread-safe).
    static const Registry& shipped();
    // Reads the tables from a folder holding communes.csv, districts.csv,
    // communes_crosswalk_2025.csv and communes_2025.csv. Throws bando::Error(Format) naming the
    // file, row and field of an inconsistent table.
    static Registry load(const std::string& domainDir);

    const std::vector<Version>& versions() const { return m_versions; }
    const Version& version(const std::string& id) const;  // throws bando::Error(Usage) when unknown
    bool hasVersion(const std::string& id) const;
    // Order of a version in time (0 = v2021).
    int rank(const std::string& id) const;

    // Units of a version at a level (commune | district), in code order.
    std::vector<const Unit*> units(const std::string& version, const std::string& level = "commune") const;
    // The unit with this code in this version and level; nullptr when none.
    const Unit* find(const std::string& version, const std::string& code, const std::string& level = "commune") const;
    const std::vector<Unit>& all() const { return m_units; }

    // Crosswalk between consecutive versions as stored (from the older to the newer one).
    const std::vector<Link>& step(const std::string& from) const;
    // Crosswalk from `from` to any newer (or the same) version: the steps composed, shares
    // multiplied. Every commune of `from` appears with shares summing to 1.
    // From a newer version to an older one the links are reversed, and each share is the part of
    // the newer unit that came from the older one, weighted by `weights` (old unit code -> weight,
    // e.g. households); without weights the shares of a merge are left equal (basis "equal").
    std::vector<Link> crosswalk(const std::string& from, const std::string& to,
                                const std::map<std::string, double>* weights = nullptr) const;

private:
    std::vector<Version> m_versions;
    std::vector<Unit> m_units;
    std::map<std::string, std::vector<Link>> m_steps;  // by `from` version
};

// Figures of a newer version carried back to the units of an older one (e.g. 2025 figures ->
// 2021 communes): the weighted backward mapping. A newer unit n made of older units o (each
// with its forward share s(o->n): 1 for a whole unit, Đại Đồng's 8,527/8,615 to TT Thất Khê)
// gives each of them the part w(o) x s(o->n) / sum over o' of w(o') x s(o'->n) of its figure,
// w being the weights (households of the older units); a split older unit adds the parts it gets
// from each newer unit. Totals are conserved; figures that are the forward sums of values
// proportional to the weights come back exactly. Without a weight (or with all zero) the parts
// are equal. `links` receives the backward links used (basis "weights" or "equal").
// Throws bando::Error(Usage) when `newer` is not newer than `older` or a figure names a unit
// that is not in `newer`.
std::map<std::string, double> carryBackward(const Registry& registry, const std::string& newer, const std::string& older,
                                            const std::map<std::string, double>& figures,
                                            const std::map<std::string, double>& weights,
                                            std::vector<Link>* links = nullptr);

// Published sizes of the split of xã Đại Đồng (NQ 1246): 18.61 km² and 8,527 people of 27.61 km²
// and 8,615 people went to TT Thất Khê, the rest to xã Đội Cấn.
struct PublishedSplit {
    std::string fromVersion, fromCode, toCode;  // toCode in the next version
    double areaKm2 = 0, areaTotalKm2 = 0;
    double people = 0, peopleTotal = 0;
};
const std::vector<PublishedSplit>& publishedSplits();

} // namespace bando::units
