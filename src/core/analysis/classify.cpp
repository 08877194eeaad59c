// The village classification rule (issue #3). See classify.hpp.
#include "core/analysis/classify.hpp"

#include "core/analysis/households.hpp"
#include "core/analysis/spatial_index.hpp"
#include "core/base/error.hpp"
#include "core/crs/reproject.hpp"
#include "core/store/project_store.hpp"

#include <cstdlib>

namespace bando::analysis {

const char* mobileClassName(MobileClass c)
{
    switch (c) {
    case MobileClass::NoSignal: return "no_signal";
    case MobileClass::Unstable: return "unstable";
    case MobileClass::Covered: return "covered";
    }
    return "covered";
}

namespace {

double metaNumber(const ProjectStore& store, const char* key, double fallback)
{
    auto v = store.meta(key);
    if (!v || v->empty())
        return fallback;
    char* end = nullptr;
    double d = std::strtod(v->c_str(), &end);
    if (end == v->c_str() || *end != '\0' || !(d >= 0))
        throw Error(ErrorKind::Format, store.path() + ": bando_meta " + key,
                    "not a non-negative number: '" + *v + "'");
    return d;
}

// A copy of `l` in `epsg` when it is in another CRS.
const Layer* inCrs(const Layer* l, int epsg, std::vector<Layer>& keep)
{
    if (!l || l->epsg == epsg)
        return l;
    keep.push_back(*l);
    crs::reproject(keep.back(), epsg);
    return &keep.back();
}

} // namespace

Thresholds loadThresholds(const ProjectStore& store)
{
    Thresholds t;
    t.noSignalShareAny = metaNumber(store, "setting.no_signal_share_any", t.noSignalShareAny);
    t.unstableShareGood = metaNumber(store, "setting.unstable_share_good", t.unstableShareGood);
    t.broadbandShare = metaNumber(store, "setting.broadband_share", t.broadbandShare);
    t.broadbandDistanceM = metaNumber(store, "setting.broadband_distance_m", t.broadbandDistanceM);
    return t;
}

std::vector<VillageStatus> classifyVillages(const ClassificationInput& in, const Thresholds& t, int metricEpsg,
                                            const Feedback* fb)
{
    if (!in.villages || !in.settlements)
        throw Error(ErrorKind::Usage, "classify", "villages and settlements layers are required");
    std::vector<Layer> keep;
    keep.reserve(5);
    const Layer& villages = *inCrs(in.villages, metricEpsg, keep);
    const Layer& settlements = *inCrs(in.settlements, metricEpsg, keep);
    const Layer* coverage = inCrs(in.coverage, metricEpsg, keep);
    const Layer* nodes = inCrs(in.broadbandNodes, metricEpsg, keep);
    const Layer* fibre = inCrs(in.fibre, metricEpsg, keep);

    const int vCode = villages.requireField("code");
    const int vCommune = villages.fieldIndex("commune_code");
    const int vDistrict = villages.fieldIndex("district_code");

    std::vector<VillageStatus> out(villages.features.size());
    for (size_t i = 0; i < villages.features.size(); ++i) {
        const auto& f = villages.features[i];
        auto& s = out[i];
        s.villageCode = toString(f.values[vCode]);
        if (vCommune >= 0) s.communeCode = toString(f.values[vCommune]);
        if (vDistrict >= 0) s.districtCode = toString(f.values[vDistrict]);
    }

    // Coverage: one point-in-polygon index per good / weak feature (3G and 4G only).
    std::vector<PolygonIndex> good, weak;
    if (coverage) {
        const int cTech = coverage->fieldIndex("technology");
        const int cLevel = coverage->requireField("level");
        for (const auto& f : coverage->features) {
            if (cTech >= 0) {
                const std::string tech = toString(f.values[cTech]);
                if (tech != "3G" && tech != "4G")
                    continue;
            }
            const std::string level = toString(f.values[cLevel]);
            if (level == "good")
                good.emplace_back(f.geom);
            else if (level == "weak")
                weak.emplace_back(f.geom);
        }
    }
    SegmentIndex broadband(std::max(t.broadbandDistanceM, 1.0));
    if (nodes)
        for (const auto& f : nodes->features)
            for (const auto& part : f.geom.parts)
                for (const auto& ring : part)
                    for (const auto& p : ring)
                        broadband.addPoint(p.x, p.y);
    if (fibre)
        for (const auto& f : fibre->features)
            for (const auto& part : f.geom.parts)
                for (const auto& ring : part)
                    broadband.addLine(ring);

    struct Acc {
        int64_t hh = 0, good = 0, any = 0, bb = 0;
    };
    std::vector<Acc> acc(out.size());
    auto addCluster = [&](size_t vi, double x, double y, int64_t hh) {
        Acc& a = acc[vi];
        a.hh += hh;
        bool g = false;
        for (const auto& p : good)
            if (p.contains(x, y)) {
                g = true;
                break;
            }
        bool any = g;
        if (!any)
            for (const auto& p : weak)
                if (p.contains(x, y)) {
                    any = true;
                    break;
                }
        if (g) a.good += hh;
        if (any) a.any += hh;
        if (broadband.size() && broadband.withinDistance(x, y, t.broadbandDistanceM))
            a.bb += hh;
    };

    for (const auto& c : householdClusters(villages, settlements, fb))
        addCluster(static_cast<size_t>(c.village), c.x, c.y, c.households);

    for (size_t i = 0; i < out.size(); ++i) {
        auto& s = out[i];
        const Acc& a = acc[i];
        s.households = a.hh;
        if (a.hh > 0) {
            s.shareGood = static_cast<double>(a.good) / a.hh;
            s.shareAny = static_cast<double>(a.any) / a.hh;
            s.shareBroadband = static_cast<double>(a.bb) / a.hh;
        }
        if (s.shareAny < t.noSignalShareAny)
            s.mobile = MobileClass::NoSignal;
        else if (s.shareGood < t.unstableShareGood)
            s.mobile = MobileClass::Unstable;
        else
            s.mobile = MobileClass::Covered;
        s.broadband = a.hh > 0 && s.shareBroadband >= t.broadbandShare;
    }
    return out;
}

ClassCounts countClasses(const std::vector<VillageStatus>& statuses)
{
    ClassCounts c;
    for (const auto& s : statuses) {
        switch (s.mobile) {
        case MobileClass::NoSignal: ++c.noSignal; break;
        case MobileClass::Unstable: ++c.unstable; break;
        case MobileClass::Covered: ++c.covered; break;
        }
        if (!s.broadband)
            ++c.noBroadband;
    }
    return c;
}

} // namespace bando::analysis
