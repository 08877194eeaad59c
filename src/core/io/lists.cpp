#include "core/io/lists.hpp"

#include "core/io/list_columns.hpp"

#include "core/base/error.hpp"
#include "core/base/text.hpp"
#include "core/model/schema.hpp"
#include "core/store/project_store.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
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
    // The unit a row names: a village (the default), or a district or commune for the lists of
    // those levels (then the list needs no village column).
    virtual bool namesVillages() const { return true; }
    virtual UnitMatch match(const UnitMatcher& m, const Cells&, const std::string& code, const std::string& village,
                            const std::string& commune, const std::string& district)
    {
        return m.matchVillage(code, village, commune, district);
    }
    virtual void setOptions(const ListImportOptions&, const std::string&) {}
};

// A date cell as YYYY-MM-DD: ISO, or D/M/YYYY and D-M-YYYY and D.M.YYYY as Vietnamese lists write it.
std::string isoDateOf(std::string s)
{
    const auto b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
    if (b == std::string::npos)
        return {};
    s = s.substr(b, e - b + 1);
    int y = 0, m = 0, d = 0;
    char tail = 0;
    if (std::sscanf(s.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && s.size() == 10 && s[4] == '-') {
    } else if (std::sscanf(s.c_str(), "%d/%d/%d%c", &d, &m, &y, &tail) == 3 ||
               std::sscanf(s.c_str(), "%d.%d.%d%c", &d, &m, &y, &tail) == 3 ||
               std::sscanf(s.c_str(), "%d-%d-%d%c", &d, &m, &y, &tail) == 3) {
        if (y < 100)
            return {};
    } else
        return {};
    static const int len[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1 || d > len[m - 1] || y < 1900 || y > 2200)
        return {};
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return {};
    char out[48];
    std::snprintf(out, sizeof out, "%04d-%02d-%02d", y, m, d);
    return out;
}

// ---- progress reports (dated district or commune figures) ----

class ProgressHandler : public ListKindHandler {
public:
    bool namesVillages() const override { return false; }
    void setOptions(const ListImportOptions& opts, const std::string& path) override
    {
        m_source = opts.sourceLabel.empty() ? std::filesystem::path(path).filename().string() : opts.sourceLabel;
        m_defaultDate = opts.reportDate;
        if (!m_defaultDate.empty()) {
            const std::string iso = isoDateOf(m_defaultDate);
            if (iso.empty())
                throw Error(ErrorKind::Usage, "--date", "'" + m_defaultDate + "' is not a date (YYYY-MM-DD or D/M/YYYY)");
            m_defaultDate = iso;
        }
    }
    void findColumns(const SourceInfo& info, const std::string& path) override
    {
        m_date = findColumn(info, {"date", "ngay", "ngaybaocao", "denngay", "thoigian", "tinhdenngay"});
        m_districtCode = findColumn(info, {"districtcode", "mahuyen"});
        m_communeCode = findColumn(info, {"communecode", "maxa"});
        m_code = findColumn(info, {"code", "ma", "madonvi"});
        m_commune = findColumn(info, {"commune", "communename", "xa", "tenxa", "xaphuong", "xaphuongthitran"});
        m_district = findColumn(info, {"district", "districtname", "huyen", "tenhuyen", "huyenthanhpho", "donvi"});
        static const char* names[] = {"shops", "accounts", "locomotives", "teams", "members"};
        m_value[0] = findColumn(info, {"shops", "cuahang", "socuahang", "cuahangso", "socuahangso", "sohocuahangso"});
        m_value[1] = findColumn(info, {"accounts", "taikhoan", "sotaikhoan", "taikhoanthanhtoan", "sotaikhoanthanhtoan",
                                       "taikhoanthanhtoandientu", "sotaikhoanthanhtoandientu"});
        m_value[2] = findColumn(info, {"locomotives", "hodautau", "sohodautau", "dautau"});
        m_value[3] = findColumn(info, {"teams", "tocongnghe", "sotocongnghe", "soto", "tocongnghecongdong"});
        m_value[4] = findColumn(info, {"members", "thanhvien", "sothanhvien"});
        m_names = names;
        if (m_date < 0 && m_defaultDate.empty())
            throw Error(ErrorKind::Format, path, "no date column (e.g. 'Ngày báo cáo'): add one or give --date");
        if (m_district < 0 && m_commune < 0 && m_districtCode < 0 && m_communeCode < 0 && m_code < 0)
            throw Error(ErrorKind::Format, path, "no district or commune column (e.g. 'Huyện' or 'Xã')");
        bool any = false;
        for (int c : m_value)
            any = any || c >= 0;
        if (!any)
            throw Error(ErrorKind::Format, path,
                        "no figure column (e.g. 'Số cửa hàng số', 'Tài khoản thanh toán', 'Hộ đầu tàu')");
    }
    void checkRow(const Cells& cells, Diagnostics&) override
    {
        m_rowDate = m_defaultDate;
        if (m_date >= 0 && !cells.get(m_date).empty()) {
            m_rowDate = isoDateOf(cells.get(m_date));
            if (m_rowDate.empty())
                throw Error(ErrorKind::Format, cells.where(m_date),
                            "'" + cells.get(m_date).substr(0, 40) + "' is not a date (YYYY-MM-DD or D/M/YYYY)");
        }
        if (m_rowDate.empty())
            throw Error(ErrorKind::Format, cells.where(m_date), "the report date is empty");
        bool any = false;
        for (int k = 0; k < 5; ++k) {
            m_rowValue[k].reset();
            if (m_value[k] >= 0)
                m_rowValue[k] = cells.integer(m_value[k], 0, 10000000, m_names[k]);
            any = any || m_rowValue[k];
        }
        if (!any)
            throw Error(ErrorKind::Format, cells.path + ": row " + std::to_string(cells.rowNo), "the row has no figure");
    }
    UnitMatch match(const UnitMatcher& m, const Cells& cells, const std::string&, const std::string&,
                    const std::string& commune, const std::string& district) override
    {
        const std::string cc = cells.get(m_communeCode), dc = cells.get(m_districtCode), code = cells.get(m_code);
        if (!commune.empty() || !cc.empty() || (code.size() == 5 && dc.empty())) {
            m_rowScope = "commune";
            return m.matchCommune(cc.empty() ? code : cc, commune, district);
        }
        m_rowScope = "district";
        return m.matchDistrict(dc.empty() ? code : dc, district);
    }
    void addMatched(const Cells& cells, const UnitRef& u) override
    {
        const std::string key = m_rowDate + "|" + m_rowScope + "|" + u.code;
        if (auto [it, fresh] = m_firstRow.emplace(key, cells.rowNo); !fresh)
            throw Error(ErrorKind::Format, cells.path + ": row " + std::to_string(cells.rowNo),
                        m_rowScope + " " + u.code + " (" + u.name + ") on " + m_rowDate + " is already listed in row " +
                            std::to_string(it->second));
        Feature& f = m_out.addFeature({});
        m_out.set(f, "date", m_rowDate);
        m_out.set(f, "scope", m_rowScope);
        m_out.set(f, "code", u.code);
        for (int k = 0; k < 5; ++k)
            if (m_rowValue[k])
                m_out.set(f, m_names[k], *m_rowValue[k]);
        m_out.set(f, "source", m_source + ", row " + std::to_string(cells.rowNo));
    }
    int64_t write(ProjectStore& store, Layer&, const ListImportOptions& opts, const std::string&,
                  const Feedback* fb) override
    {
        if (m_out.features.empty())
            return 0;
        ProjectStore::Transaction tx(store);
        if (!opts.append && store.hasLayer("progress_reports"))
            for (const auto& f : m_out.features)
                store.deleteWhere("progress_reports", {{"date", m_out.text(f, "date")},
                                                       {"scope", m_out.text(f, "scope")},
                                                       {"code", m_out.text(f, "code")}});
        if (store.hasLayer("progress_reports"))
            store.appendFeatures(m_out, fb);
        else
            store.replaceLayer(m_out, fb);
        tx.commit();
        return static_cast<int64_t>(m_out.features.size());
    }

private:
    int m_date = -1, m_districtCode = -1, m_communeCode = -1, m_code = -1, m_commune = -1, m_district = -1;
    int m_value[5] = {-1, -1, -1, -1, -1};
    const char* const* m_names = nullptr;
    std::optional<int64_t> m_rowValue[5];
    std::string m_rowDate, m_rowScope, m_defaultDate, m_source;
    std::map<std::string, int64_t> m_firstRow;
    Layer m_out = schema::makeLayer("progress_reports");
};

// ---- commune flags (border / particularly difficult) ----

// "border" and/or "difficult" from the words lists use ("biên giới", "đặc biệt khó khăn", "ĐBKK",
// "xã biên giới, ĐBKK", "1" under a flag's own column).
std::vector<std::string> flagsOf(const std::string& text)
{
    const std::string f = text::foldForMatch(text);
    std::vector<std::string> out;
    if (contains(f, "bien gioi") || contains(f, "border") || f == "bg")
        out.push_back("border");
    if (contains(f, "dac biet kho khan") || contains(f, "dbkk") || contains(f, "difficult") || contains(f, "135"))
        out.push_back("difficult");
    return out;
}

bool truthy(const std::string& text)
{
    const std::string f = text::foldForMatch(text);
    return f == "1" || f == "x" || f == "co" || f == "yes" || f == "true" || f == "v";
}

class CommuneFlagsHandler : public ListKindHandler {
public:
    bool namesVillages() const override { return false; }
    void setOptions(const ListImportOptions& opts, const std::string& path) override
    {
        m_source = opts.sourceLabel.empty() ? std::filesystem::path(path).filename().string() : opts.sourceLabel;
    }
    void findColumns(const SourceInfo& info, const std::string& path) override
    {
        m_flag = findColumn(info, {"flag", "loai", "phanloai", "doituong", "ghichu", "note"});
        m_border = findColumn(info, {"border", "biengioi", "xabiengioi"});
        m_difficult = findColumn(info, {"difficult", "dacbietkhokhan", "dbkk", "xadbkk", "xadacbietkhokhan"});
        m_code = findColumn(info, {"communecode", "maxa", "code", "ma"});
        if (m_flag < 0 && m_border < 0 && m_difficult < 0)
            throw Error(ErrorKind::Format, path,
                        "no flag column (e.g. 'Loại': biên giới / đặc biệt khó khăn, or 'Biên giới' and 'ĐBKK' columns)");
        if (findColumn(info, {"commune", "communename", "xa", "tenxa", "xaphuong", "xaphuongthitran"}) < 0 && m_code < 0)
            throw Error(ErrorKind::Format, path, "no commune column (e.g. 'Xã' or 'Mã xã')");
    }
    void checkRow(const Cells& cells, Diagnostics&) override
    {
        m_rowFlags.clear();
        if (m_flag >= 0)
            m_rowFlags = flagsOf(cells.get(m_flag));
        auto addFlag = [&](const char* f) {
            if (std::find(m_rowFlags.begin(), m_rowFlags.end(), f) == m_rowFlags.end())
                m_rowFlags.push_back(f);
        };
        if (m_border >= 0 && truthy(cells.get(m_border)))
            addFlag("border");
        if (m_difficult >= 0 && truthy(cells.get(m_difficult)))
            addFlag("difficult");
        if (m_rowFlags.empty()) {
            const int c = m_flag >= 0 ? m_flag : m_border >= 0 ? m_border : m_difficult;
            throw Error(ErrorKind::Format, cells.where(c),
                        "no flag in '" + cells.get(c).substr(0, 60) + "' (expected biên giới / đặc biệt khó khăn)");
        }
    }
    UnitMatch match(const UnitMatcher& m, const Cells& cells, const std::string&, const std::string&,
                    const std::string& commune, const std::string& district) override
    {
        return m.matchCommune(cells.get(m_code), commune, district);
    }
    void addMatched(const Cells& cells, const UnitRef& u) override
    {
        for (const auto& flag : m_rowFlags) {
            if (!m_seen.insert(u.code + "|" + flag).second)
                continue;  // listed twice: one flag row
            Feature& f = m_out.addFeature({});
            m_out.set(f, "commune_code", u.code);
            m_out.set(f, "flag", flag);
            m_out.set(f, "source", m_source + ", row " + std::to_string(cells.rowNo));
        }
    }
    int64_t write(ProjectStore& store, Layer&, const ListImportOptions& opts, const std::string&,
                  const Feedback* fb) override
    {
        if (m_out.features.empty())
            return 0;
        ProjectStore::Transaction tx(store);
        if (opts.append && store.hasLayer("commune_flags")) {
            for (const auto& f : m_out.features)
                store.deleteWhere("commune_flags", {{"commune_code", m_out.text(f, "commune_code")},
                                                    {"flag", m_out.text(f, "flag")}});
            store.appendFeatures(m_out, fb);
        } else
            store.replaceLayer(m_out, fb);
        tx.commit();
        return static_cast<int64_t>(m_out.features.size());
    }

private:
    int m_flag = -1, m_border = -1, m_difficult = -1, m_code = -1;
    std::vector<std::string> m_rowFlags;
    std::set<std::string> m_seen;
    std::string m_source;
    Layer m_out = schema::makeLayer("commune_flags");
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
    case ListKind::Progress: return std::make_unique<ProgressHandler>();
    case ListKind::CommuneFlags: return std::make_unique<CommuneFlagsHandler>();
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
    case ListKind::Progress: return "progress";
    case ListKind::CommuneFlags: return "commune_flags";
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
    if (k == "progress" || k == "tiendo" || k == "baocao") {
        out = ListKind::Progress;
        return true;
    }
    if (k == "communeflags" || k == "flags" || k == "flag" || k == "xabiengioi" || k == "dbkk") {
        out = ListKind::CommuneFlags;
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
    handler->setOptions(opts, path);
    const UnitColumns uc = findUnitColumns(info);
    if (opts.kind == ListKind::SurveyGaps || !handler->namesVillages())  // recognised by their own columns first
        handler->findColumns(info, path);
    if (handler->namesVillages() && uc.code < 0 && uc.village < 0 && uc.address < 0)
        throw Error(ErrorKind::Format, path, "no village column (code, 'Thôn' or 'Địa chỉ')");
    if (opts.kind != ListKind::SurveyGaps && handler->namesVillages())
        handler->findColumns(info, path);
    for (const char* l : {"districts", "communes", "villages"})
        if (!store.hasLayer(l))
            throw Error(ErrorKind::Store, store.path(),
                        std::string("the project has no '") + l + "' layer to match names against");
    Layer villages = store.readLayer("villages", fb);
    const UnitMatcher matcher(store.readLayer("districts"), store.readLayer("communes"), villages);
    // The unit version the list's commune names use (issue #17): newer names match the villages
    // of the old communes they were made of; a name of different units in different versions goes to review.
    std::vector<std::pair<std::string, std::string>> named;
    for (size_t i = 0; i < t.rows.size(); ++i)
        if (!blankRow(t.rows[i])) {
            const Cells c{path, info, &t.rows[i], static_cast<int64_t>(i + 1)};
            const RowUnit u = unitOfRow(c, uc);
            named.emplace_back(u.commune, u.district);
        }
    const VersionedListMatcher versioned(matcher, named);
    res.unitVersion = versioned.listVersion();

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
        rv.match = handler->match(matcher, cells, unit.code, unit.village, unit.commune, unit.district);
        if (handler->namesVillages())
            rv.match = versioned.matchVillage(rv.match, unit.code, unit.village, unit.commune, unit.district);
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
