#include "core/io/lists.hpp"

#include "core/io/list_columns.hpp"

#include "core/base/error.hpp"
#include "core/base/text.hpp"
#include "core/model/schema.hpp"
#include "core/store/project_store.hpp"

#include <cmath>
#include <map>
#include <set>

namespace bando::io {
namespace {

struct Cells {
    const std::string& path;
    const SourceInfo& info;
    const std::vector<std::string>* row = nullptr;
    int64_t rowNo = 0;

    std::string get(int c) const
    {
        return c >= 0 && static_cast<size_t>(c) < row->size() ? (*row)[static_cast<size_t>(c)] : std::string();
    }
    std::string where(int c) const
    {
        return path + ": row " + std::to_string(rowNo) + ", field '" + info.fields[static_cast<size_t>(c)].name + "'";
    }
    // A whole number in [lo, hi]; nullopt when the cell is empty.
    std::optional<int64_t> integer(int c, int64_t lo, int64_t hi, const char* what) const
    {
        std::string s = get(c);
        const auto b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
        if (b == std::string::npos)
            return std::nullopt;
        s = s.substr(b, e - b + 1);
        double d = 0;
        if (!parseDecimal(s, d))
            throw Error(ErrorKind::Format, where(c), "'" + s.substr(0, 40) + "' is not a number (" + what + ")");
        if (d != std::floor(d))
            throw Error(ErrorKind::Format, where(c), "'" + s.substr(0, 40) + "' is not a whole number (" + what + ")");
        if (d < static_cast<double>(lo) || d > static_cast<double>(hi))
            throw Error(ErrorKind::Format, where(c),
                        std::string(what) + " " + s.substr(0, 40) + " is impossible (expected " + std::to_string(lo) +
                            "–" + std::to_string(hi) + ")");
        return static_cast<int64_t>(d);
    }
};

bool blankRow(const std::vector<std::string>& r)
{
    for (const auto& v : r)
        if (v.find_first_not_of(" \t") != std::string::npos)
            return false;
    return true;
}

struct TeamRow {
    std::string village;
    int64_t teamNo = 0;  // 0 = numbered automatically
    int64_t members = 0, trained = -1;
    std::string formed;
    int64_t rowNo = 0;
};

} // namespace

const char* listKindName(ListKind k) { return k == ListKind::Households ? "households" : "teams"; }

bool parseListKind(const std::string& s, ListKind& out)
{
    const std::string k = headerKey(s);
    if (k == "households" || k == "household" || k == "ho" || k == "soho") {
        out = ListKind::Households;
        return true;
    }
    if (k == "teams" || k == "team" || k == "to" || k == "doi" || k == "tocongnghe") {
        out = ListKind::Teams;
        return true;
    }
    return false;
}

ListImportResult importList(ProjectStore& store, const std::string& path, const ListImportOptions& opts,
                            const Feedback* fb)
{
    ListImportResult res;
    TableData t = readTable(path, opts.source, fb);
    res.encoding = encodingLabel(t.info.encoding);
    const SourceInfo& info = t.info;
    const UnitColumns uc = findUnitColumns(info);
    const int cCode = uc.code, cVillage = uc.village, cCommune = uc.commune, cDistrict = uc.district,
              cAddress = uc.address;
    if (cCode < 0 && cVillage < 0 && cAddress < 0)
        throw Error(ErrorKind::Format, path, "no village column (code, 'Thôn' or 'Địa chỉ')");

    int cHouseholds = -1, cPopulation = -1, cTeamNo = -1, cMembers = -1, cTrained = -1, cFormed = -1;
    if (opts.kind == ListKind::Households) {
        cHouseholds = findColumn(info, {"households", "soho", "sohogiadinh", "tongsoho", "ho", "sohodan"});
        cPopulation = findColumn(info, {"population", "danso", "sokhau", "nhankhau", "sonhankhau", "songuoi"});
        if (cHouseholds < 0)
            throw Error(ErrorKind::Format, path, "no household column (e.g. 'Số hộ' or 'households')");
    } else {
        cTeamNo = findColumn(info, {"teamno", "team", "toso", "sotto", "to", "sotocongnghe"});
        cMembers = findColumn(info, {"members", "sothanhvien", "thanhvien", "soluongthanhvien", "songuoi"});
        cTrained = findColumn(info, {"trained", "daotao", "dadaotao", "duocdaotao", "sodaotao", "sothanhviendaotao",
                                 "sodadaotao", "taphuan", "datraphuan", "dataphuan"});
        cFormed = findColumn(info, {"formed", "ngaythanhlap", "thanhlap", "ngay"});
        if (cMembers < 0)
            throw Error(ErrorKind::Format, path, "no member column (e.g. 'Số thành viên' or 'members')");
    }
    for (const char* l : {"districts", "communes", "villages"})
        if (!store.hasLayer(l))
            throw Error(ErrorKind::Store, store.path(),
                        std::string("the project has no '") + l + "' layer to match names against");
    Layer villages = store.readLayer("villages", fb);
    UnitMatcher matcher(store.readLayer("districts"), store.readLayer("communes"), villages);

    // Pass 1: every row checked and matched; nothing is written here.
    std::map<std::string, std::pair<int64_t, std::optional<int64_t>>> households;  // code -> (households, population)
    std::map<std::string, int64_t> firstRow;                                        // households: code -> row
    std::map<std::pair<std::string, int64_t>, int64_t> teamKeys;                    // teams: (code, no) -> row
    std::vector<TeamRow> teams;
    Cells cells{path, info};
    for (const auto& r : t.rows) {
        ++cells.rowNo;
        cells.row = &r;
        if (blankRow(r))
            continue;
        ++res.rows;
        std::string code = cells.get(cCode), village = cells.get(cVillage), commune = cells.get(cCommune),
                    district = cells.get(cDistrict);
        if (cAddress >= 0) {
            AddressParts a = splitAddress(cells.get(cAddress));
            if (village.empty()) village = a.village;
            if (commune.empty()) commune = a.commune;
            if (district.empty()) district = a.district;
        }
        // Values first: a bad number is an error even on a row that does not match.
        std::optional<int64_t> hh, pop, teamNo, members, trained;
        if (opts.kind == ListKind::Households) {
            hh = cells.integer(cHouseholds, 0, kMaxVillageHouseholds, "households");
            if (!hh)
                throw Error(ErrorKind::Format, cells.where(cHouseholds), "household count is empty");
            if (cPopulation >= 0) {
                pop = cells.integer(cPopulation, 0, kMaxVillagePopulation, "population");
                if (pop && *pop < *hh)
                    throw Error(ErrorKind::Format, cells.where(cPopulation),
                                "population " + std::to_string(*pop) + " is smaller than the household count " +
                                    std::to_string(*hh));
            }
        } else {
            if (cTeamNo >= 0)
                teamNo = cells.integer(cTeamNo, 1, 99, "team number");
            members = cells.integer(cMembers, 0, 1000, "members");
            if (!members)
                throw Error(ErrorKind::Format, cells.where(cMembers), "member count is empty");
            if (cTrained >= 0) {
                trained = cells.integer(cTrained, 0, 1000, "trained members");
                if (trained && *trained > *members)
                    throw Error(ErrorKind::Format, cells.where(cTrained),
                                "trained members " + std::to_string(*trained) + " exceed the team's members " +
                                    std::to_string(*members));
            }
            if (*members < 1 || *members > 10)
                res.diagnostics.warning(cells.where(cMembers), "a team of " + std::to_string(*members) +
                                                                   " members (expected 1–10): please check");
        }

        ReviewRow rv;
        rv.row = cells.rowNo;
        rv.input = code;
        for (const auto* s : {&village, &commune, &district})
            if (!s->empty())
                rv.input += (rv.input.empty() ? "" : ", ") + *s;
        rv.match = matcher.matchVillage(code, village, commune, district);
        if (rv.match.status == UnitMatch::Status::Matched) {
            ++res.matched;
            const std::string& vc = rv.match.unit.code;
            if (opts.kind == ListKind::Households) {
                if (auto [it, fresh] = firstRow.emplace(vc, cells.rowNo); !fresh)
                    throw Error(ErrorKind::Format, cells.where(cHouseholds),
                                "village " + vc + " (" + rv.match.unit.name + ") is already listed in row " +
                                    std::to_string(it->second));
                households[vc] = {*hh, pop};
            } else {
                if (teamNo)
                    if (auto [it, fresh] = teamKeys.emplace(std::pair{vc, *teamNo}, cells.rowNo); !fresh)
                        throw Error(ErrorKind::Format, cells.where(cTeamNo),
                                    "team " + std::to_string(*teamNo) + " of village " + vc +
                                        " is already listed in row " + std::to_string(it->second));
                teams.push_back({vc, teamNo.value_or(0), *members, trained.value_or(-1), cells.get(cFormed),
                                 cells.rowNo});
            }
        } else if (rv.match.status == UnitMatch::Status::Ambiguous) {
            ++res.ambiguous;
        } else {
            ++res.unmatched;
        }
        res.review.push_back(std::move(rv));
    }

    if (opts.reviewOnly)
        return res;
    if (res.needsReview() && !opts.skipUnmatched) {
        res.diagnostics.warning(path, std::to_string(res.unmatched + res.ambiguous) +
                                          " rows need review (unmatched or ambiguous): nothing written");
        return res;
    }
    if (res.needsReview())
        res.diagnostics.warning(path, std::to_string(res.unmatched + res.ambiguous) +
                                          " unmatched or ambiguous rows skipped");

    // Pass 2: one transaction.
    if (opts.kind == ListKind::Households) {
        const bool hasPop = cPopulation >= 0;
        for (auto& f : villages.features) {
            auto it = households.find(villages.text(f, "code"));
            if (it == households.end())
                continue;
            villages.set(f, "households", it->second.first);
            if (hasPop && it->second.second)
                villages.set(f, "population", *it->second.second);
            ++res.written;
        }
        if (res.written > 0) {
            ProjectStore::Transaction tx(store);
            store.replaceLayer(villages, fb);
            tx.commit();
        }
    } else {
        Layer out = store.hasLayer("teams") ? store.readLayer("teams", fb) : schema::makeLayer("teams");
        std::set<std::string> listed;
        for (const auto& tr : teams)
            listed.insert(tr.village);
        if (!opts.append) {
            std::vector<Feature> kept;
            for (auto& f : out.features)
                if (!listed.count(out.text(f, "village_code")))
                    kept.push_back(std::move(f));
            out.features = std::move(kept);
        }
        std::map<std::string, int64_t> lastNo;
        std::set<std::pair<std::string, int64_t>> used;
        for (const auto& f : out.features) {
            const std::string vc = out.text(f, "village_code");
            const int64_t no = out.integer(f, "team_no");
            lastNo[vc] = std::max(lastNo[vc], no);
            used.insert({vc, no});
        }
        for (const auto& tr : teams)
            if (tr.teamNo > 0 && used.count({tr.village, tr.teamNo}))
                throw Error(ErrorKind::Format, path + ": row " + std::to_string(tr.rowNo),
                            "team " + std::to_string(tr.teamNo) + " of village " + tr.village +
                                " already exists in the project (import without appending to replace it)");
        for (const auto& tr : teams)
            if (tr.teamNo > 0)
                lastNo[tr.village] = std::max(lastNo[tr.village], tr.teamNo);
        for (const auto& tr : teams) {
            Feature& f = out.addFeature({});
            out.set(f, "village_code", tr.village);
            out.set(f, "team_no", tr.teamNo > 0 ? tr.teamNo : ++lastNo[tr.village]);
            out.set(f, "members", tr.members);
            if (tr.trained >= 0)
                out.set(f, "trained", tr.trained);
            if (!tr.formed.empty())
                out.set(f, "formed", tr.formed);
            ++res.written;
        }
        if (!teams.empty()) {
            ProjectStore::Transaction tx(store);
            store.replaceLayer(out, fb);
            tx.commit();
        }
    }
    res.wrote = true;
    return res;
}

} // namespace bando::io
