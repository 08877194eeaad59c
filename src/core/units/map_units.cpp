#include "core/units/map_units.hpp"

#include "core/base/error.hpp"
#include "core/model/schema.hpp"
#include "core/store/project_store.hpp"
#include "core/units/registry.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace bando::units {

std::string communesLayerOf(const std::string& version)
{
    if (version == kV2021)
        return schema::kCommunes;
    std::string s = "communes_" + version;
    std::replace(s.begin(), s.end(), '-', '_');
    return s;
}

std::shared_ptr<const render::MapData> mapInVersion(const render::MapData& data, const std::string& version,
                                                    const Feedback* fb)
{
    const Registry& reg = Registry::shipped();
    if (!reg.hasVersion(version))
        throw Error(ErrorKind::Usage, "--units", "unknown unit version '" + version + "' (known: v2021, v2024-12, v2025-07)");
    auto out = std::make_shared<render::MapData>(data);
    if (version == kV2021)
        return out;
    const std::string name = communesLayerOf(version);
    if (const Layer* l = data.layer(name); !l || l->features.empty())
        throw Error(ErrorKind::Usage, "--units",
                    "the project has no layer '" + name + "' (run `bando units --to " + version + "` first)");
    // With districts (v2024-12) the units are drawn as the communes are. Without (v2025-07) the
    // communes are the level under the province: they take the districts' place on the map (bold
    // outlines, labels, --district CODE zooms to one), and the 2021 seats are not drawn.
    const bool districts = reg.version(version).hasDistricts;
    const std::string replaced = districts ? schema::kCommunes : schema::kDistricts;
    std::erase_if(out->layers, [&](const Layer& l) {
        return l.name == schema::kCommunes || l.name == replaced || (!districts && l.name == schema::kPlaces);
    });
    for (auto& l : out->layers)
        if (l.name == name)
            l.name = replaced;
    // With districts: the seats of communes that did not live on unchanged into `version` go
    // (their codes are v2021 codes; 06040, xã Đại Đồng's seat, is TT Thất Khê in v2024-12).
    if (districts)
        for (auto& l : out->layers) {
            if (l.name != schema::kPlaces || l.fieldIndex("kind") < 0 || l.fieldIndex("code") < 0)
                continue;
            std::set<std::string> kept;
            for (const auto& x : reg.crosswalk(kV2021, version))
                if (x.basis == "whole" && x.fromName == x.toName)
                    kept.insert(x.fromCode);
            std::erase_if(l.features, [&](const Feature& f) {
                return l.text(f, "kind") == "commune_seat" && !kept.count(l.text(f, "code"));
            });
        }
    out->prepare(fb);
    return out;
}

std::map<std::string, std::string> villageUnits(const ProjectStore& store, const std::string& version, const Feedback* fb)
{
    std::map<std::string, std::string> unitOf;
    if (store.hasLayer("village_units")) {
        const Layer vu = store.readLayer("village_units", fb);
        for (const auto& f : vu.features)
            if (vu.text(f, "version") == version)
                unitOf[vu.text(f, "village_code")] = vu.text(f, "unit_code");
    }
    if (unitOf.empty())
        throw Error(ErrorKind::Usage, "--units",
                    "the project has no village_units of " + version + " (run `bando units --to " + version + "` first)");
    return unitOf;
}

std::shared_ptr<const render::MapData> atlasInVersion(const ProjectStore& store, const render::MapData& data,
                                                       const std::string& version, std::string& atlasLayer,
                                                       const Feedback* fb)
{
    const Registry& reg = Registry::shipped();
    if (!reg.hasVersion(version))
        throw Error(ErrorKind::Usage, "--units", "unknown unit version '" + version + "' (known: v2021, v2024-12, v2025-07)");
    const bool districts = reg.version(version).hasDistricts;
    atlasLayer = districts ? schema::kCommunes : schema::kDistricts;
    if (version == kV2021)
        return mapInVersion(data, version, fb);
    const std::map<std::string, std::string> unitOf = villageUnits(store, version, fb);
    render::MapData keyed(data);
    const std::string field = districts ? "commune_code" : "district_code";
    for (auto& l : keyed.layers) {
        if (l.name != schema::kVillages || l.fieldIndex(field) < 0 || l.fieldIndex("code") < 0)
            continue;
        for (auto& f : l.features) {
            auto it = unitOf.find(l.text(f, "code"));
            if (it == unitOf.end())
                throw Error(ErrorKind::Usage, "--units",
                            "village " + l.text(f, "code") + " has no unit in " + version + " (run `bando units --to " + version + "` again)");
            l.set(f, field, it->second);
        }
    }
    return mapInVersion(keyed, version, fb);
}

} // namespace bando::units
