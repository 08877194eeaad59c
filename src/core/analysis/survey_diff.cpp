#include "core/analysis/survey_diff.hpp"

#include "core/analysis/classify.hpp"
#include "core/base/error.hpp"
#include "core/store/project_store.hpp"

#include <map>
#include <optional>
#include <set>

namespace bando::analysis {

SurveyDiff surveyDiff(const ProjectStore& store, const Feedback* fb)
{
    SurveyDiff d;
    for (const char* l : {"survey_gaps", "villages", "settlements"})
        if (!store.hasLayer(l))
            throw Error(ErrorKind::Store, store.path(), std::string("the project has no '") + l + "' layer");
    Layer gaps = store.readLayer("survey_gaps", fb);
    Layer villages = store.readLayer("villages", fb);
    Layer settlements = store.readLayer("settlements", fb);
    std::optional<Layer> coverage, nodes, fibre;
    if (store.hasLayer("coverage")) coverage = store.readLayer("coverage", fb);
    if (store.hasLayer("broadband_nodes")) nodes = store.readLayer("broadband_nodes", fb);
    if (store.hasLayer("fibre")) fibre = store.readLayer("fibre", fb);
    ClassificationInput in;
    in.villages = &villages;
    in.settlements = &settlements;
    in.coverage = coverage ? &*coverage : nullptr;
    in.broadbandNodes = nodes ? &*nodes : nullptr;
    in.fibre = fibre ? &*fibre : nullptr;
    auto statuses = classifyVillages(in, loadThresholds(store), 9215, fb);
    std::map<std::string, const VillageStatus*> byCode;
    for (const auto& s : statuses)
        byCode[s.villageCode] = &s;
    std::map<std::string, std::set<std::string>> surveyed;
    for (const auto& f : gaps.features)
        surveyed[gaps.text(f, "village_code")].insert(gaps.text(f, "status"));
    std::map<std::string, const Feature*> villageByCode;
    for (const auto& f : villages.features)
        villageByCode[villages.text(f, "code")] = &f;
    std::map<std::string, std::string> communeNames, districtNames;
    if (store.hasLayer("communes")) {
        Layer c = store.readLayer("communes");
        for (const auto& f : c.features) communeNames[c.text(f, "code")] = c.text(f, "name");
    }
    if (store.hasLayer("districts")) {
        Layer c = store.readLayer("districts");
        for (const auto& f : c.features) districtNames[c.text(f, "code")] = c.text(f, "name");
    }
    for (const auto& [code, st] : surveyed) {
        ++d.surveyedVillages;
        auto it = byCode.find(code);
        if (it == byCode.end())
            continue;
        const VillageStatus& m = *it->second;
        const std::string mobile = mobileClassName(m.mobile);
        bool agree = true;
        const bool sNo = st.count("no_signal"), sUn = st.count("unstable"), sBb = st.count("no_broadband");
        if (sNo && m.mobile != MobileClass::NoSignal) agree = false;
        if (sUn && m.mobile != MobileClass::Unstable) agree = false;
        if (sBb && m.broadband) agree = false;
        if (agree) {
            ++d.agree;
            continue;
        }
        SurveyDisagreement x;
        x.villageCode = code;
        if (auto v = villageByCode.find(code); v != villageByCode.end())
            x.villageName = villages.text(*v->second, "name");
        x.communeName = communeNames[m.communeCode];
        x.districtName = districtNames[m.districtCode];
        for (const auto& s : st)
            x.surveyed += (x.surveyed.empty() ? "" : ", ") + s;
        x.modelled = mobile + (m.broadband ? "" : ", no_broadband");
        x.shareGood = m.shareGood;
        x.shareAny = m.shareAny;
        d.disagreements.push_back(x);
    }
    return d;
}

} // namespace bando::analysis
