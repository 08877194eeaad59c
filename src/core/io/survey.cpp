#include "core/io/survey.hpp"

#include "core/io/list_columns.hpp"

#include "core/analysis/classify.hpp"
#include "core/base/error.hpp"
#include "core/base/text.hpp"
#include "core/model/schema.hpp"
#include "core/store/project_store.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <set>

namespace bando::io {
namespace {

bool contains(const std::string& hay, const char* needle) { return hay.find(needle) != std::string::npos; }

} // namespace

std::string normaliseGapStatus(const std::string& t)
{
    const std::string f = text::foldForMatch(t);
    if (f.empty())
        return {};
    if (contains(f, "bang rong") || contains(f, "internet") || contains(f, "cap quang") || contains(f, "broadband") ||
        contains(f, "co dinh"))
        return "no_broadband";
    if (contains(f, "trang song") || contains(f, "khong co song") || contains(f, "mat song") ||
        contains(f, "no signal") || f == "no_signal" || f == "no signal" || contains(f, "chua co song"))
        return "no_signal";
    if (contains(f, "lom song") || contains(f, "yeu") || contains(f, "chap chon") || contains(f, "khong on dinh") ||
        contains(f, "unstable") || contains(f, "weak") || contains(f, "kem"))
        return "unstable";
    return {};
}

SurveyImportResult importSurveyGaps(ProjectStore& store, const std::string& path, const SurveyImportOptions& opts,
                                    const Feedback* fb)
{
    SurveyImportResult res;
    TableData t = readTable(path, opts.source, fb);
    res.encoding = encodingLabel(t.info.encoding);
    const SourceInfo& info = t.info;
    const UnitColumns uc = findUnitColumns(info);
    const int cCode = uc.code, cVillage = uc.village, cCommune = uc.commune, cDistrict = uc.district,
              cAddress = uc.address;
    const int cStatus = findColumn(info, {"status", "tinhtrang", "hientrang", "tinhtrangsong", "phanloai", "loai"});
    const int cOperator = findColumn(info, {"operator", "nhamang", "mang", "doanhnghiep"});
    const int cDate = findColumn(info, {"surveyed", "date", "ngaykhaosat", "ngay", "thoigian"});
    const int cNote = findColumn(info, {"note", "ghichu"});
    if (cStatus < 0)
        throw Error(ErrorKind::Format, path, "no status column (e.g. 'Tình trạng': trắng sóng / lõm sóng)");
    if (cCode < 0 && cVillage < 0 && cAddress < 0)
        throw Error(ErrorKind::Format, path, "no village column (code, 'Thôn' or 'Địa chỉ')");
    for (const char* l : {"districts", "communes", "villages"})
        if (!store.hasLayer(l))
            throw Error(ErrorKind::Store, store.path(), std::string("the project has no '") + l + "' layer to match names against");
    UnitMatcher matcher(store.readLayer("districts"), store.readLayer("communes"), store.readLayer("villages"));

    Layer out = schema::makeLayer("survey_gaps");
    const std::string label = opts.sourceLabel.empty() ? std::filesystem::path(path).filename().string() : opts.sourceLabel;
    auto cell = [](const std::vector<std::string>& r, int c) { return c >= 0 && static_cast<size_t>(c) < r.size() ? r[static_cast<size_t>(c)] : std::string(); };
    int64_t rowNo = 0;
    for (const auto& r : t.rows) {
        ++rowNo;
        std::string code = cell(r, cCode), village = cell(r, cVillage), commune = cell(r, cCommune),
                    district = cell(r, cDistrict);
        const std::string statusText = cell(r, cStatus);
        bool blank = true;
        for (const auto& v : r)
            blank = blank && v.find_first_not_of(" \t") == std::string::npos;
        if (blank)
            continue;
        ++res.rows;
        if (cAddress >= 0) {
            AddressParts a = splitAddress(cell(r, cAddress));
            if (village.empty()) village = a.village;
            if (commune.empty()) commune = a.commune;
            if (district.empty()) district = a.district;
        }
        const std::string status = normaliseGapStatus(statusText);
        if (status.empty())
            throw Error(ErrorKind::Format,
                        path + ": row " + std::to_string(rowNo) + ", field '" + info.fields[static_cast<size_t>(cStatus)].name + "'",
                        "unknown status '" + statusText.substr(0, 60) + "' (expected trắng sóng / lõm sóng / băng rộng)");
        UnitMatch m = matcher.matchVillage(code, village, commune, district);
        if (m.status != UnitMatch::Status::Matched) {
            std::string input = code;
            for (const auto* s : {&village, &commune, &district})
                if (!s->empty())
                    input += (input.empty() ? "" : ", ") + *s;
            res.review.push_back({rowNo, input, m});
            continue;
        }
        ++res.matched;
        Feature& f = out.addFeature({});
        out.set(f, "village_code", m.unit.code);
        out.set(f, "village_name", m.unit.name);
        out.set(f, "commune_code", m.unit.communeCode);
        out.set(f, "district_code", m.unit.districtCode);
        if (auto op = cell(r, cOperator); !op.empty())
            out.set(f, "operator", op);
        out.set(f, "status", status);
        if (auto d = cell(r, cDate); !d.empty())
            out.set(f, "surveyed", d);
        out.set(f, "source", label);
        out.set(f, "source_row", rowNo);
        if (auto n = cell(r, cNote); !n.empty())
            out.set(f, "note", n);
    }
    if (opts.reviewOnly)
        return res;
    if (!res.review.empty() && !opts.skipUnmatched) {
        res.diagnostics.warning(path, std::to_string(res.review.size()) +
                                          " rows need review (unmatched or ambiguous): nothing written");
        return res;
    }
    if (!res.review.empty())
        res.diagnostics.warning(path, std::to_string(res.review.size()) + " unmatched or ambiguous rows skipped");
    ProjectStore::Transaction tx(store);
    if (opts.append)
        store.appendFeatures(out, fb);
    else
        store.replaceLayer(out, fb);
    tx.commit();
    res.written = static_cast<int64_t>(out.features.size());
    res.wrote = true;
    return res;
}

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
    analysis::ClassificationInput in;
    in.villages = &villages;
    in.settlements = &settlements;
    in.coverage = coverage ? &*coverage : nullptr;
    in.broadbandNodes = nodes ? &*nodes : nullptr;
    in.fibre = fibre ? &*fibre : nullptr;
    auto statuses = analysis::classifyVillages(in, analysis::loadThresholds(store), 9215, fb);
    std::map<std::string, const analysis::VillageStatus*> byCode;
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
        const analysis::VillageStatus& m = *it->second;
        const std::string mobile = analysis::mobileClassName(m.mobile);
        bool agree = true;
        const bool sNo = st.count("no_signal"), sUn = st.count("unstable"), sBb = st.count("no_broadband");
        if (sNo && m.mobile != analysis::MobileClass::NoSignal) agree = false;
        if (sUn && m.mobile != analysis::MobileClass::Unstable) agree = false;
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

} // namespace bando::io
