#include "core/io/lists.hpp"

#include "core/io/list_columns.hpp"

#include "core/base/error.hpp"
#include "core/base/text.hpp"
#include "core/model/schema.hpp"
#include "core/store/project_store.hpp"

#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>

namespace bando::io {
namespace {

// The cells of one data row, with error locations naming the file, row and field.
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

bool contains(const std::string& hay, const char* needle) { return hay.find(needle) != std::string::npos; }

// What one kind of list reads from its rows and writes into the project.
class ListKindHandler {
public:
    virtual ~ListKindHandler() = default;
    // Finds the kind's value columns; throws bando::Error(Format) when a required one is missing.
    virtual void findColumns(const SourceInfo& info, const std::string& path) = 0;
    // Checks the row's values (before matching: a bad value is an error even on an unmatched row).
    virtual void checkRow(const Cells& cells, Diagnostics& diag) = 0;
    // Keeps the row of a matched village.
    virtual void addMatched(const Cells& cells, const UnitRef& village) = 0;
    // Writes what was kept, in one transaction; returns the count reported as written.
    virtual int64_t write(ProjectStore& store, Layer& villages, const ListImportOptions& opts,
                          const std::string& path, const Feedback* fb) = 0;
};

// ---- survey gaps ----

class SurveyGapsHandler : public ListKindHandler {
public:
    void findColumns(const SourceInfo& info, const std::string& path) override
    {
        m_status = findColumn(info, {"status", "tinhtrang", "hientrang", "tinhtrangsong", "phanloai", "loai"});
        m_operator = findColumn(info, {"operator", "nhamang", "mang", "doanhnghiep"});
        m_date = findColumn(info, {"surveyed", "date", "ngaykhaosat", "ngay", "thoigian"});
        m_note = findColumn(info, {"note", "ghichu"});
        if (m_status < 0)
            throw Error(ErrorKind::Format, path, "no status column (e.g. 'Tình trạng': trắng sóng / lõm sóng)");
    }
    void checkRow(const Cells& cells, Diagnostics&) override
    {
        const std::string statusText = cells.get(m_status);
        m_rowStatus = normaliseGapStatus(statusText);
        if (m_rowStatus.empty())
            throw Error(ErrorKind::Format, cells.where(m_status),
                        "unknown status '" + statusText.substr(0, 60) +
                            "' (expected trắng sóng / lõm sóng / băng rộng)");
    }
    void addMatched(const Cells& cells, const UnitRef& v) override
    {
        Feature& f = m_out.addFeature({});
        m_out.set(f, "village_code", v.code);
        m_out.set(f, "village_name", v.name);
        m_out.set(f, "commune_code", v.communeCode);
        m_out.set(f, "district_code", v.districtCode);
        if (auto op = cells.get(m_operator); !op.empty())
            m_out.set(f, "operator", op);
        m_out.set(f, "status", m_rowStatus);
        if (auto d = cells.get(m_date); !d.empty())
            m_out.set(f, "surveyed", d);
        m_rows.push_back(cells.rowNo);
        if (auto n = cells.get(m_note); !n.empty())
            m_out.set(f, "note", n);
    }
    int64_t write(ProjectStore& store, Layer&, const ListImportOptions& opts, const std::string& path,
                  const Feedback* fb) override
    {
        const std::string label =
            opts.sourceLabel.empty() ? std::filesystem::path(path).filename().string() : opts.sourceLabel;
        for (size_t i = 0; i < m_out.features.size(); ++i) {
            m_out.set(m_out.features[i], "source", label);
            m_out.set(m_out.features[i], "source_row", m_rows[i]);
        }
        ProjectStore::Transaction tx(store);
        if (opts.append)
            store.appendFeatures(m_out, fb);
        else
            store.replaceLayer(m_out, fb);
        tx.commit();
        return static_cast<int64_t>(m_out.features.size());
    }

private:
    int m_status = -1, m_operator = -1, m_date = -1, m_note = -1;
    std::string m_rowStatus;
    Layer m_out = schema::makeLayer("survey_gaps");
    std::vector<int64_t> m_rows;
};

// ---- households ----

class HouseholdsHandler : public ListKindHandler {
public:
    void findColumns(const SourceInfo& info, const std::string& path) override
    {
        m_households = findColumn(info, {"households", "soho", "sohogiadinh", "tongsoho", "ho", "sohodan"});
        m_population = findColumn(info, {"population", "danso", "sokhau", "nhankhau", "sonhankhau", "songuoi"});
        if (m_households < 0)
            throw Error(ErrorKind::Format, path, "no household column (e.g. 'Số hộ' or 'households')");
    }
    void checkRow(const Cells& cells, Diagnostics&) override
    {
        m_hh = cells.integer(m_households, 0, kMaxVillageHouseholds, "households");
        if (!m_hh)
            throw Error(ErrorKind::Format, cells.where(m_households), "household count is empty");
        m_pop.reset();
        if (m_population >= 0) {
            m_pop = cells.integer(m_population, 0, kMaxVillagePopulation, "population");
            if (m_pop && *m_pop < *m_hh)
                throw Error(ErrorKind::Format, cells.where(m_population),
                            "population " + std::to_string(*m_pop) + " is smaller than the household count " +
                                std::to_string(*m_hh));
        }
    }
    void addMatched(const Cells& cells, const UnitRef& v) override
    {
        if (auto [it, fresh] = m_firstRow.emplace(v.code, cells.rowNo); !fresh)
            throw Error(ErrorKind::Format, cells.where(m_households),
                        "village " + v.code + " (" + v.name + ") is already listed in row " +
                            std::to_string(it->second));
        m_counts[v.code] = {*m_hh, m_pop};
    }
    int64_t write(ProjectStore& store, Layer& villages, const ListImportOptions&, const std::string&,
                  const Feedback* fb) override
    {
        int64_t written = 0;
        for (auto& f : villages.features) {
            auto it = m_counts.find(villages.text(f, "code"));
            if (it == m_counts.end())
                continue;
            villages.set(f, "households", it->second.first);
            if (m_population >= 0 && it->second.second)
                villages.set(f, "population", *it->second.second);
            ++written;
        }
        if (written > 0) {
            ProjectStore::Transaction tx(store);
            store.replaceLayer(villages, fb);
            tx.commit();
        }
        return written;
    }

private:
    int m_households = -1, m_population = -1;
    std::optional<int64_t> m_hh, m_pop;
    std::map<std::string, std::pair<int64_t, std::optional<int64_t>>> m_counts;  // code -> (households, population)
    std::map<std::string, int64_t> m_firstRow;                                   // code -> row
};

// ---- teams ----

class TeamsHandler : public ListKindHandler {
public:
    void findColumns(const SourceInfo& info, const std::string& path) override
    {
        m_teamNo = findColumn(info, {"teamno", "team", "toso", "sotto", "to", "sotocongnghe"});
        m_members = findColumn(info, {"members", "sothanhvien", "thanhvien", "soluongthanhvien", "songuoi"});
        m_trained = findColumn(info, {"trained", "daotao", "dadaotao", "duocdaotao", "sodaotao", "sothanhviendaotao",
                                      "sodadaotao", "taphuan", "datraphuan", "dataphuan"});
        m_formed = findColumn(info, {"formed", "ngaythanhlap", "thanhlap", "ngay"});
        if (m_members < 0)
            throw Error(ErrorKind::Format, path, "no member column (e.g. 'Số thành viên' or 'members')");
    }
    void checkRow(const Cells& cells, Diagnostics& diag) override
    {
        m_rowTeamNo.reset();
        m_rowTrained.reset();
        if (m_teamNo >= 0)
            m_rowTeamNo = cells.integer(m_teamNo, 1, 99, "team number");
        m_rowMembers = cells.integer(m_members, 0, 1000, "members");
        if (!m_rowMembers)
            throw Error(ErrorKind::Format, cells.where(m_members), "member count is empty");
        if (m_trained >= 0) {
            m_rowTrained = cells.integer(m_trained, 0, 1000, "trained members");
            if (m_rowTrained && *m_rowTrained > *m_rowMembers)
                throw Error(ErrorKind::Format, cells.where(m_trained),
                            "trained members " + std::to_string(*m_rowTrained) + " exceed the team's members " +
                                std::to_string(*m_rowMembers));
        }
        if (*m_rowMembers < 1 || *m_rowMembers > 10)
            diag.warning(cells.where(m_members),
                         "a team of " + std::to_string(*m_rowMembers) + " members (expected 1–10): please check");
    }
    void addMatched(const Cells& cells, const UnitRef& v) override
    {
        if (m_rowTeamNo)
            if (auto [it, fresh] = m_teamKeys.emplace(std::pair{v.code, *m_rowTeamNo}, cells.rowNo); !fresh)
                throw Error(ErrorKind::Format, cells.where(m_teamNo),
                            "team " + std::to_string(*m_rowTeamNo) + " of village " + v.code +
                                " is already listed in row " + std::to_string(it->second));
        m_teams.push_back({v.code, m_rowTeamNo.value_or(0), *m_rowMembers, m_rowTrained.value_or(-1),
                           cells.get(m_formed), cells.rowNo});
    }
    int64_t write(ProjectStore& store, Layer&, const ListImportOptions& opts, const std::string& path,
                  const Feedback* fb) override
    {
        Layer out = store.hasLayer("teams") ? store.readLayer("teams", fb) : schema::makeLayer("teams");
        std::set<std::string> listed;
        for (const auto& t : m_teams)
            listed.insert(t.village);
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
        for (const auto& t : m_teams)
            if (t.teamNo > 0 && used.count({t.village, t.teamNo}))
                throw Error(ErrorKind::Format, path + ": row " + std::to_string(t.rowNo),
                            "team " + std::to_string(t.teamNo) + " of village " + t.village +
                                " already exists in the project (import without appending to replace it)");
        for (const auto& t : m_teams)
            if (t.teamNo > 0)
                lastNo[t.village] = std::max(lastNo[t.village], t.teamNo);
        int64_t written = 0;
        for (const auto& t : m_teams) {
            Feature& f = out.addFeature({});
            out.set(f, "village_code", t.village);
            out.set(f, "team_no", t.teamNo > 0 ? t.teamNo : ++lastNo[t.village]);
            out.set(f, "members", t.members);
            if (t.trained >= 0)
                out.set(f, "trained", t.trained);
            if (!t.formed.empty())
                out.set(f, "formed", t.formed);
            ++written;
        }
        if (!m_teams.empty()) {
            ProjectStore::Transaction tx(store);
            store.replaceLayer(out, fb);
            tx.commit();
        }
        return written;
    }

private:
    struct TeamRow {
        std::string village;
        int64_t teamNo = 0;  // 0 = numbered automatically
        int64_t members = 0, trained = -1;
        std::string formed;
        int64_t rowNo = 0;
    };
    int m_teamNo = -1, m_members = -1, m_trained = -1, m_formed = -1;
    std::optional<int64_t> m_rowTeamNo, m_rowMembers, m_rowTrained;
    std::map<std::pair<std::string, int64_t>, int64_t> m_teamKeys;  // (code, no) -> row
    std::vector<TeamRow> m_teams;
};

std::unique_ptr<ListKindHandler> handlerFor(ListKind kind)
{
    switch (kind) {
    case ListKind::Households: return std::make_unique<HouseholdsHandler>();
    case ListKind::Teams: return std::make_unique<TeamsHandler>();
    case ListKind::SurveyGaps: return std::make_unique<SurveyGapsHandler>();
    }
    return nullptr;
}

// The unit named by a row: code and names, an address column filling the missing names.
struct RowUnit {
    std::string code, village, commune, district;
    std::string input() const
    {
        std::string s = code;
        for (const auto* p : {&village, &commune, &district})
            if (!p->empty())
                s += (s.empty() ? "" : ", ") + *p;
        return s;
    }
};

RowUnit unitOfRow(const Cells& cells, const UnitColumns& uc)
{
    RowUnit u{cells.get(uc.code), cells.get(uc.village), cells.get(uc.commune), cells.get(uc.district)};
    if (uc.address >= 0) {
        AddressParts a = splitAddress(cells.get(uc.address));
        if (u.village.empty()) u.village = a.village;
        if (u.commune.empty()) u.commune = a.commune;
        if (u.district.empty()) u.district = a.district;
    }
    return u;
}

} // namespace

const char* listKindName(ListKind k)
{
    switch (k) {
    case ListKind::Households: return "households";
    case ListKind::Teams: return "teams";
    case ListKind::SurveyGaps: return "survey_gaps";
    }
    return "";
}

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

std::vector<ReviewRow> ListImportResult::rowsToReview() const
{
    std::vector<ReviewRow> out;
    for (const auto& r : review)
        if (r.match.status != UnitMatch::Status::Matched)
            out.push_back(r);
    return out;
}

ListImportResult importList(ProjectStore& store, const std::string& path, const ListImportOptions& opts,
                            const Feedback* fb)
{
    ListImportResult res;
    // Read the rows and detect the columns.
    TableData t = readTable(path, opts.source, fb);
    res.encoding = encodingLabel(t.info.encoding);
    const SourceInfo& info = t.info;
    auto handler = handlerFor(opts.kind);
    const UnitColumns uc = findUnitColumns(info);
    if (opts.kind == ListKind::SurveyGaps)  // a survey list is recognised by its status column first
        handler->findColumns(info, path);
    if (uc.code < 0 && uc.village < 0 && uc.address < 0)
        throw Error(ErrorKind::Format, path, "no village column (code, 'Thôn' or 'Địa chỉ')");
    if (opts.kind != ListKind::SurveyGaps)
        handler->findColumns(info, path);
    for (const char* l : {"districts", "communes", "villages"})
        if (!store.hasLayer(l))
            throw Error(ErrorKind::Store, store.path(),
                        std::string("the project has no '") + l + "' layer to match names against");
    Layer villages = store.readLayer("villages", fb);
    const UnitMatcher matcher(store.readLayer("districts"), store.readLayer("communes"), villages);

    // Check and match every row (the review); nothing is written here.
    Cells cells{path, info};
    for (const auto& r : t.rows) {
        ++cells.rowNo;
        cells.row = &r;
        if (blankRow(r))
            continue;
        ++res.rows;
        const RowUnit unit = unitOfRow(cells, uc);
        handler->checkRow(cells, res.diagnostics);
        ReviewRow rv;
        rv.row = cells.rowNo;
        rv.input = unit.input();
        rv.match = matcher.matchVillage(unit.code, unit.village, unit.commune, unit.district);
        switch (rv.match.status) {
        case UnitMatch::Status::Matched:
            ++res.matched;
            handler->addMatched(cells, rv.match.unit);
            break;
        case UnitMatch::Status::Ambiguous: ++res.ambiguous; break;
        case UnitMatch::Status::Unmatched: ++res.unmatched; break;
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
    // Write in one transaction.
    res.written = handler->write(store, villages, opts, path, fb);
    res.wrote = true;
    return res;
}

} // namespace bando::io
