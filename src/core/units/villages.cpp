#include "core/units/villages.hpp"

#include "core/capi/geos.hpp"
#include "core/capi/geos_convert.hpp"
#include "core/model/schema.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

namespace bando::units {

Layer syntheticVillageMerges(const Layer& villages)
{
    const size_t n = villages.features.size();
    std::vector<std::string> code(n), name(n), commune(n);
    std::vector<int64_t> hh(n);
    std::vector<XY> centre(n);
    std::vector<geos::GeomPtr> g(n);
    std::map<std::string, std::vector<size_t>> byCommune;
    for (size_t i = 0; i < n; ++i) {
        const Feature& f = villages.features[i];
        code[i] = villages.text(f, "code");
        name[i] = villages.text(f, "name");
        commune[i] = villages.text(f, "commune_code");
        hh[i] = villages.integer(f, "households");
        if (!f.geom.isEmpty()) {
            centre[i] = interiorPoint(f.geom);
            g[i] = geos::toGeos(f.geom);
        }
        byCommune[commune[i]].push_back(i);
    }
    auto touch = [&](size_t a, size_t b) {
        return g[a] && g[b] && geos::predicate("intersects", [&] { return GEOSIntersects_r(geos::ctx(), g[a].get(), g[b].get()); });
    };
    // candidate pairs: touching villages of one commune, fewest households first
    std::vector<std::tuple<int64_t, std::string, std::string, size_t, size_t>> pairs;
    for (const auto& [c, members] : byCommune)
        for (size_t x = 0; x < members.size(); ++x)
            for (size_t y = x + 1; y < members.size(); ++y) {
                const size_t a = members[x], b = members[y];
                if (touch(a, b))
                    pairs.emplace_back(hh[a] + hh[b], std::min(code[a], code[b]), std::max(code[a], code[b]), a, b);
            }
    std::sort(pairs.begin(), pairs.end());
    std::vector<std::string> to(code), toName(name), how(n, "unchanged");
    std::set<std::string> changed;  // communes with a change already
    int merged = 0, dissolved = 0;
    for (const auto& [sum, ca, cb, a0, b0] : pairs) {
        if (merged == kVillagePairsMerged)
            break;
        if (changed.count(commune[a0]))
            continue;
        const size_t a = code[a0] < code[b0] ? a0 : b0, b = a == a0 ? b0 : a0;
        const std::string merged_name = name[a] + " - " + name[b];
        to[a] = to[b] = code[a];
        toName[a] = toName[b] = merged_name;
        how[a] = how[b] = "merged";
        changed.insert(commune[a]);
        ++merged;
    }
    std::vector<size_t> order(n);
    for (size_t i = 0; i < n; ++i)
        order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return std::tie(hh[a], code[a]) < std::tie(hh[b], code[b]); });
    for (size_t v : order) {
        if (dissolved == kVillagesDissolved)
            break;
        if (changed.count(commune[v]))
            continue;
        size_t best = n;
        double bestD = 0;
        for (size_t o : byCommune[commune[v]]) {
            if (o == v || !touch(v, o))
                continue;
            const double d = std::hypot(centre[o].x - centre[v].x, centre[o].y - centre[v].y);
            if (best == n || d < bestD)
                best = o, bestD = d;
        }
        if (best == n)
            continue;
        to[v] = code[best];
        toName[v] = name[best];
        how[v] = "dissolved";
        how[best] = "absorbed";
        changed.insert(commune[v]);
        ++dissolved;
    }
    Layer out = schema::makeLayer("village_crosswalk");
    out.epsg = villages.epsg;
    for (size_t i = 0; i < n; ++i) {
        Feature& f = out.addFeature({});
        out.set(f, "from_version", std::string(kVillagesV2021));
        out.set(f, "from_code", code[i]);
        out.set(f, "from_name", name[i]);
        out.set(f, "commune_code", commune[i]);
        out.set(f, "to_version", std::string(kVillagesV2021_12));
        out.set(f, "to_code", to[i]);
        out.set(f, "to_name", toName[i]);
        out.set(f, "how", how[i]);
        out.set(f, "synthetic", int64_t{1});
        if (how[i] != "unchanged")
            out.set(f, "note", std::string("synthetic choice: the villages of NQ 57/NQ-HĐND (09/12/2021) are not public"));
    }
    return out;
}

} // namespace bando::units
