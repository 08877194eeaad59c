#include "core/report/documents.hpp"

#include "core/base/clock.hpp"
#include "core/base/error.hpp"
#include "core/i18n/i18n.hpp"
#include "core/capi/proj.hpp"
#include "core/crs/reproject.hpp"
#include "core/model/schema.hpp"
#include "core/render/map_style.hpp"
#include "core/style/style.hpp"
#include "core/store/project_store.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <numeric>

namespace bando::report {
namespace {

std::string T(const char* msgid) { return i18n::tr(msgid); }

std::string pct(double share)
{
    if (!std::isfinite(share))
        return "";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f %%", share * 100);
    return buf;
}

std::string km(double m)
{
    if (!(m >= 0))
        return "";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", m / 1000);
    std::string s = buf;
    if (i18n::language() != "en")
        std::replace(s.begin(), s.end(), '.', ',');
    return s;
}

std::string num(int64_t n) { return layout::thousands(n, i18n::language()); }

// The level the gap report groups by: the district, or in the 2025 two-level units the commune
// (xã/phường) directly under the province.
std::string unitCodeHeading(const GapReport& r) { return T(r.twoLevel ? "Commune code (2025)" : "District code"); }
std::string unitHeading(const GapReport& r) { return T(r.twoLevel ? "Commune (2025)" : "District"); }

// Pages of a document before their numbers are known.
struct PendingPage {
    std::string kind;
    layout::PageFill fill;
};

layout::Document finish(const layout::Template& t, std::shared_ptr<const render::MapData> data,
                        std::vector<PendingPage> pages, const ProjectFacts& facts, const std::string& title,
                        const std::string& subject)
{
    layout::Document doc;
    t.pageSize(doc.widthPt, doc.heightPt);
    doc.data = std::move(data);
    doc.title = title;
    doc.subject = subject;
    doc.author = "Bando";
    doc.keywords = facts.projectTitle + ", " + facts.date;
    const auto base = facts.vars();
    for (size_t i = 0; i < pages.size(); ++i) {
        auto& f = pages[i].fill;
        for (const auto& [k, v] : base)
            f.vars.emplace(k, v);
        f.vars["contents"] = T("Contents");
        f.vars["page"] = std::to_string(i + 1);
        f.vars["pages"] = std::to_string(pages.size());
        f.vars["footer"] = facts.projectTitle + (facts.date.empty() ? "" : " · " + T("data of") + " " + facts.date) +
                           " · " + T("page") + " " + std::to_string(i + 1) + "/" + std::to_string(pages.size()) +
                           " · Bando " + facts.created;
        doc.pages.push_back(layout::instantiate(t, pages[i].kind, f));
    }
    return doc;
}

// Splits `rows` over a first page holding `first` rows and further pages holding `next`.
std::vector<std::vector<std::vector<std::string>>> paginate(const std::vector<std::vector<std::string>>& rows,
                                                             int first, int next)
{
    std::vector<std::vector<std::vector<std::string>>> out;
    size_t i = 0;
    size_t cap = static_cast<size_t>(std::max(1, first));
    do {
        const size_t end = std::min(rows.size(), i + cap);
        out.emplace_back(rows.begin() + static_cast<std::ptrdiff_t>(i), rows.begin() + static_cast<std::ptrdiff_t>(end));
        i = end;
        cap = static_cast<size_t>(std::max(1, next));
    } while (i < rows.size());
    return out;
}

layout::TableData pdfTable(const Table& t, const std::vector<size_t>& cols, const std::vector<double>& widths)
{
    layout::TableData d;
    for (size_t c : cols) {
        d.header.push_back(t.columns[c].name);
        d.numeric.push_back(t.columns[c].kind != ColumnKind::Text);
    }
    d.widths = widths;
    for (const auto& row : t.rows) {
        std::vector<std::string> r;
        for (size_t c : cols)
            r.push_back(c < row.size() ? row[c] : std::string());
        d.rows.push_back(std::move(r));
    }
    return d;
}

uint32_t themeColour(const render::MapData* data, const char* theme, size_t cls, uint32_t fallback)
{
    const render::MapData::Theme* th = data ? data->theme(theme) : nullptr;
    return th && cls < th->colours.size() ? th->colours[cls] : fallback;
}

} // namespace

std::map<std::string, std::string> ProjectFacts::vars() const
{
    return {{"project", projectTitle}, {"project_file", projectFile}, {"date", date},       {"created", created},
            {"sources", sources},      {"crs", crs},                  {"thresholds", thresholds}, {"notice", notice}};
}

ProjectFacts projectFacts(const ProjectStore& store, const std::string& projectFile, const std::string& date)
{
    ProjectFacts f;
    f.projectFile = std::filesystem::path(projectFile).filename().string();
    f.projectTitle = store.meta("province_name").value_or(std::filesystem::path(projectFile).stem().string());
    f.date = date;
    {
        const std::time_t now = stampTime();  // SOURCE_DATE_EPOCH when set (reproducible documents)
        std::tm tm{};
        gmtime_r(&now, &tm);
        char buf[16];
        std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
        f.created = buf;
    }
    f.sources = T("Sources") + ": " + T("project") + " " + f.projectFile;
    if (!date.empty())
        f.sources += "; " + T("village indicators of") + " " + date + " (bando analyze)";
    // The provenance texts the sample writes are msgids (resources/locale/vi/report.po), so a
    // Vietnamese report does not quote English; a user's own text is printed as written.
    if (auto real = store.meta("real_data"))
        f.sources += "; " + T("real data") + ": " + T(real->c_str());
    if (auto model = store.meta("telecom_model"))
        f.sources += "; " + T("coverage model") + ": " + T(model->c_str());
    f.crs = T("Map CRS") + ": VN-2000 / TM-3 107-15 (EPSG:9215); " + T("data stored in WGS 84 (EPSG:4326)");
    const analysis::Thresholds th = analysis::loadThresholds(store);
    char buf[512];
    std::snprintf(buf, sizeof buf, T("Thresholds: no signal when fewer than %.0f %% of households have any signal; "
                                     "unstable when fewer than %.0f %% have a good signal; broadband when %.0f %% of "
                                     "households live within %.0f m of a fibre line, OLT or cabinet.")
                                       .c_str(),
                  th.noSignalShareAny * 100, th.unstableShareGood * 100, th.broadbandShare * 100,
                  th.broadbandDistanceM);
    f.thresholds = buf;
    if (store.meta("synthetic_data"))
        f.notice = T("Synthetic sample data") + ": " +
                   T(store.meta("synthetic_note").value_or(*store.meta("synthetic_data")).c_str());
    return f;
}

std::string className(const std::string& c)
{
    if (c == "no_signal")
        return T("No signal");
    if (c == "unstable")
        return T("Unstable signal");
    if (c == "covered")
        return T("Covered");
    return c;
}

// ---- coverage gaps ----

Table gapTable(const GapReport& r)
{
    Table t;
    t.columns = {{T("Village code")},
                 {T("Village")},
                 {T("Commune code")},
                 {T("Commune")},
                 {unitCodeHeading(r)},
                 {unitHeading(r)},
                 {T("Households"), ColumnKind::Integer},
                 {T("Mobile signal")},
                 {T("Households with good signal (share)"), ColumnKind::Real},
                 {T("Broadband")},
                 {T("Nearest own site (m)"), ColumnKind::Real},
                 {T("Proposed new site")}};
    for (const auto& g : r.rows)
        t.rows.push_back({g.code, g.name, g.communeCode, g.commune, g.districtCode, g.district,
                          std::to_string(g.households), className(g.mobileClass), number(g.coveredShare, 3),
                          g.broadband ? T("yes") : T("no"), g.distSiteM >= 0 ? number(std::round(g.distSiteM), 0) : "",
                          g.proposedSite});
    return t;
}

Table gapSummaryTable(const GapReport& r)
{
    Table t;
    t.columns = {{unitCodeHeading(r)},
                 {unitHeading(r)},
                 {T("Gap villages"), ColumnKind::Integer},
                 {T("No signal"), ColumnKind::Integer},
                 {T("Unstable signal"), ColumnKind::Integer},
                 {T("Without broadband"), ColumnKind::Integer},
                 {T("Households affected"), ColumnKind::Integer}};
    auto add = [&](const GapTotals& d, const std::string& code, const std::string& name) {
        t.rows.push_back({code, name, std::to_string(d.villages), std::to_string(d.noSignal),
                          std::to_string(d.unstable), std::to_string(d.noBroadband), std::to_string(d.households)});
    };
    for (const auto& d : r.districts)
        add(d, d.code, d.name);
    add(r.total, "", T("Total"));
    return t;
}

Table gapOperatorTable(const std::vector<GapReport>& byOperator)
{
    Table t;
    const GapReport none;
    const GapReport& first = byOperator.empty() ? none : byOperator.front();
    t.columns = {{T("Operator")},
                 {unitCodeHeading(first)},
                 {unitHeading(first)},
                 {T("Villages to cover"), ColumnKind::Integer},
                 {T("No signal"), ColumnKind::Integer},
                 {T("Unstable signal"), ColumnKind::Integer},
                 {T("Without broadband"), ColumnKind::Integer},
                 {T("Households"), ColumnKind::Integer}};
    for (const auto& r : byOperator) {
        for (const auto& d : r.districts)
            t.rows.push_back({r.operatorName, d.code, d.name, std::to_string(d.villages), std::to_string(d.noSignal),
                              std::to_string(d.unstable), std::to_string(d.noBroadband), std::to_string(d.households)});
        t.rows.push_back({r.operatorName, "", T("Total"), std::to_string(r.total.villages), std::to_string(r.total.noSignal),
                          std::to_string(r.total.unstable), std::to_string(r.total.noBroadband),
                          std::to_string(r.total.households)});
    }
    return t;
}

std::string operatorTheme(const std::string& operatorName) { return "coverage@" + operatorName; }

std::shared_ptr<const render::MapData> withOperatorThemes(std::shared_ptr<const render::MapData> data,
                                                          const std::vector<const GapReport*>& reports)
{
    if (!data || reports.empty())
        return data;
    const render::MapData::Theme* base = data->theme("coverage");
    const Layer* villages = data->layer(schema::kVillages);
    if (!base || !villages)
        return data;
    auto copy = std::make_shared<render::MapData>(*data);
    const int codeField = villages->fieldIndex("code"), districtField = villages->fieldIndex("district_code");
    for (const GapReport* r : reports) {
        if (!r || r->operatorName.empty())
            continue;
        std::map<std::string, int> classOf;  // village code -> class of the coverage theme
        for (const auto& row : r->rows)
            classOf[row.code] = row.mobileClass == "no_signal" ? 0 : row.mobileClass == "unstable" ? 1 : 2;
        render::MapData::Theme t = *base;
        t.name = operatorTheme(r->operatorName);
        t.legendTitle = T(base->legendTitle.c_str()) + " — " + r->operatorName;
        std::fill(t.classCounts.begin(), t.classCounts.end(), 0);
        for (size_t i = 0; i < villages->features.size() && i < t.villageClass.size(); ++i) {
            const auto& f = villages->features[i];
            const std::string code = codeField < 0 ? "" : toString(f.values[static_cast<size_t>(codeField)]);
            const std::string district = districtField < 0 ? "" : toString(f.values[static_cast<size_t>(districtField)]);
            int c = -1;
            if (auto it = classOf.find(code); it != classOf.end())
                c = it->second;
            else if (base->villageClass[i] >= 0 && (r->district.empty() || district == r->district))
                c = 2;  // analysed, in the scope and not a gap of the operator: covered
            t.villageClass[i] = c;
            if (c >= 0 && static_cast<size_t>(c) < t.classCounts.size())
                ++t.classCounts[static_cast<size_t>(c)];
        }
        copy->themes.push_back(std::move(t));
    }
    return copy;
}

std::vector<Sheet> gapSheets(const GapReport& r, const std::vector<GapReport>& byOperator)
{
    std::vector<Sheet> sheets;
    sheets.push_back({T("Summary"), gapSummaryTable(r)});
    const Table all = gapTable(r);
    for (const auto& d : r.districts) {
        Sheet s{d.name, {all.columns, {}}};
        for (size_t i = 0; i < r.rows.size(); ++i)
            if (r.rows[i].districtCode == d.code)
                s.table.rows.push_back(all.rows[i]);
        sheets.push_back(std::move(s));
    }
    if (!byOperator.empty())
        sheets.push_back({T("By operator"), gapOperatorTable(byOperator)});
    return sheets;
}

layout::Document gapDocument(const GapReport& r, const ProjectFacts& facts, const layout::Template& t,
                             std::shared_ptr<const render::MapData> data, const std::vector<GapReport>& byOperator)
{
    std::vector<const GapReport*> themed;
    if (!r.operatorName.empty())
        themed.push_back(&r);
    for (const auto& o : byOperator)
        themed.push_back(&o);
    data = withOperatorThemes(std::move(data), themed);
    const std::string theme = r.operatorName.empty() ? "coverage" : operatorTheme(r.operatorName);
    const std::string who = r.operatorName.empty() ? T("all operators") : r.operatorName;
    const std::string title = T("Coverage gaps") + " — " + who;
    std::string scope = facts.projectTitle;
    for (const auto& d : r.districts)
        if (!r.district.empty() && d.code == r.district)
            scope = d.name;
    const std::string subtitle = scope + " · " + T("data of") + " " + r.date;
    const Table rows = gapTable(r);
    // The proposed site column only once the planner has run the site selection.
    std::vector<size_t> cols = {0, 1, 3, 6, 7, 8, 9, 10, 11};
    std::vector<double> widths = {1.3, 2.2, 1.9, 1.0, 1.3, 1.1, 1.0, 1.2, 1.2};
    if (!r.proposedSites) {
        cols.pop_back();
        widths.pop_back();
    }
    layout::TableData pdfRows = pdfTable(rows, cols, widths);
    pdfRows.header[5] = T("Good signal");
    pdfRows.header[7] = T("Nearest site (km)");
    for (size_t i = 0; i < r.rows.size(); ++i) {
        pdfRows.rows[i][5] = pct(r.rows[i].coveredShare);
        pdfRows.rows[i][7] = km(r.rows[i].distSiteM);
        pdfRows.rows[i][3] = num(r.rows[i].households);
    }

    std::vector<PendingPage> pages;
    // Cover: summary, chart, overview map, sources; the table of contents filled below.
    PendingPage cover;
    cover.kind = "cover";
    cover.fill.vars = {{"title", title}, {"subtitle", subtitle}};
    char counts[512];
    std::snprintf(counts, sizeof counts,
                  T("%d of %d villages need coverage: %d with no signal, %d unstable, %d without broadband; %s "
                    "households.")
                      .c_str(),
                  r.total.villages, r.villagesChecked, r.total.noSignal, r.total.unstable, r.total.noBroadband,
                  num(r.total.households).c_str());
    cover.fill.vars["summary"] = counts;
    cover.fill.map.theme = theme;
    cover.fill.map.districtCode = r.district;
    layout::TableData summary;
    const Table st = gapSummaryTable(r);
    summary = pdfTable(st, {1, 2, 3, 4, 5, 6}, {2.4, 1.2, 1.1, 1.1, 1.2, 1.4});
    for (auto& row : summary.rows)
        row[5] = num(std::strtoll(row[5].c_str(), nullptr, 10));
    cover.fill.table = summary;
    layout::ChartData chart;
    chart.title = T(r.twoLevel ? "Villages to cover by commune (2025 units)" : "Villages to cover by district");
    layout::ChartSeries s1{T("No signal"), themeColour(data.get(), "coverage", 0, 0xd7301f), {}};
    layout::ChartSeries s2{T("Unstable signal"), themeColour(data.get(), "coverage", 1, 0xfc8d59), {}};
    layout::ChartSeries s3{T("Without broadband"), 0x807dba, {}};
    for (const auto& d : r.districts) {
        chart.labels.push_back(d.name);
        s1.values.push_back(d.noSignal);
        s2.values.push_back(d.unstable);
        s3.values.push_back(d.noBroadband);
    }
    chart.series = {s1, s2, s3};
    cover.fill.chart = chart;
    cover.fill.outline = title;
    pages.push_back(cover);

    const int first = t.tableRows("map"), next = t.tableRows("table");
    std::vector<layout::TocEntry> toc;
    for (const auto& d : r.districts) {
        std::vector<std::vector<std::string>> mine;
        for (size_t i = 0; i < r.rows.size(); ++i)
            if (r.rows[i].districtCode == d.code)
                mine.push_back(pdfRows.rows[i]);
        const auto chunks = paginate(mine, first, next);
        char sub[256];
        std::snprintf(sub, sizeof sub, T("%d villages: %d no signal, %d unstable, %d without broadband; %s households").c_str(),
                      d.villages, d.noSignal, d.unstable, d.noBroadband, num(d.households).c_str());
        toc.push_back({d.name, static_cast<int>(pages.size()) + 1});
        for (size_t k = 0; k < chunks.size(); ++k) {
            PendingPage p;
            p.kind = k == 0 ? "map" : "table";
            p.fill.vars = {{"title", title + " — " + d.name + (k ? " (" + T("continued") + ")" : "")},
                           {"subtitle", sub},
                           {"unit", d.name}};
            p.fill.map.theme = theme;
            p.fill.map.districtCode = d.code;
            p.fill.table = pdfRows;
            p.fill.table.rows = chunks[k];
            if (k == 0)
                p.fill.outline = d.name;
            pages.push_back(std::move(p));
        }
    }
    // The all-operators report: a section per operator, its classes on the map and its totals.
    for (const auto& o : byOperator) {
        PendingPage p;
        p.kind = t.hasPage("operator") ? "operator" : "map";
        char sub[256];
        std::snprintf(sub, sizeof sub, T("%d villages: %d no signal, %d unstable, %d without broadband; %s households").c_str(),
                      o.total.villages, o.total.noSignal, o.total.unstable, o.total.noBroadband,
                      num(o.total.households).c_str());
        p.fill.vars = {{"title", T("Coverage gaps") + " — " + o.operatorName}, {"subtitle", sub}, {"unit", o.operatorName}};
        p.fill.map.theme = operatorTheme(o.operatorName);
        p.fill.map.districtCode = r.district;
        p.fill.villageLabels = false;  // the province: the classes, not the names
        const Table ot = gapSummaryTable(o);
        p.fill.table = pdfTable(ot, {1, 2, 3, 4, 5, 6}, {2.4, 1.2, 1.1, 1.1, 1.2, 1.4});
        for (auto& row : p.fill.table.rows)
            row[5] = num(std::strtoll(row[5].c_str(), nullptr, 10));
        p.fill.outline = T("Coverage gaps") + " — " + o.operatorName;
        toc.push_back({o.operatorName, static_cast<int>(pages.size()) + 1});
        pages.push_back(std::move(p));
    }
    pages[0].fill.toc = toc;
    return finish(t, std::move(data), std::move(pages), facts, title, T("Coverage-gap report") + " — " + subtitle);
}

// ---- deployment plan ----

Table planTable(const tasks::RankResult& r)
{
    Table t;
    t.columns = {{T("Rank"), ColumnKind::Integer},
                 {T("Village code")},
                 {T("Village")},
                 {T("Commune code")},
                 {T("District code")},
                 {T("Mobile signal")},
                 {T("Score"), ColumnKind::Real},
                 {T("Rank range under weight changes")},
                 {T("Robust")},
                 {T("Reasons")}};
    for (const auto& v : r.villages) {
        // The reasons: the criteria contributing most to the score, largest first.
        std::vector<size_t> order(v.contributions.size());
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(),
                         [&](size_t a, size_t b) { return v.contributions[a] > v.contributions[b]; });
        std::string reasons;
        for (size_t k = 0; k < order.size() && k < 2; ++k) {
            const size_t c = order[k];
            if (c >= r.criteria.size() || !(v.contributions[c] > 0))
                continue;
            reasons += (reasons.empty() ? "" : "; ") + r.criteria[c].name + " +" + number(v.contributions[c], 1);
        }
        t.rows.push_back({std::to_string(v.rank), v.code, v.name, v.commune, v.district, className(v.mobileClass),
                          number(v.score, 2),
                          std::to_string(v.stability.rankMin) + "–" + std::to_string(v.stability.rankMax),
                          v.robust ? T("yes") : T("no"), reasons});
    }
    return t;
}

std::vector<Sheet> planSheets(const tasks::RankResult& r, const DeploymentPlan* deployment)
{
    Table criteria;
    criteria.columns = {{T("Criterion")}, {T("Field")}, {T("Weight"), ColumnKind::Real}, {T("Why")}};
    for (const auto& c : r.criteria)
        criteria.rows.push_back({c.name, c.field, number(c.weight, 3), c.reason});
    std::vector<Sheet> sheets{{T("Ranking"), planTable(r)}, {T("Criteria"), criteria}};
    if (!deployment)
        return sheets;
    if (deployment->hasBases())
        sheets.push_back({T("Team bases"), basesTable(*deployment)});
    if (deployment->hasSchedule()) {
        sheets.push_back({T("Weeks"), weeksTable(*deployment)});
        sheets.push_back({T("Schedule"), scheduleTable(*deployment)});
    }
    if (!deployment->hasBases() || !deployment->hasSchedule()) {
        Table missing;
        missing.columns = {{T("Not stored in the project")}};
        std::string text = deploymentSummary(*deployment, "PROJECT");
        for (size_t a = 0; a <= text.size();) {
            const size_t b = std::min(text.find('\n', a), text.size());
            missing.rows.push_back({text.substr(a, b - a)});
            a = b + 1;
        }
        sheets.push_back({T("Not stored"), missing});
    }
    return sheets;
}

std::shared_ptr<const render::MapData> withBases(std::shared_ptr<const render::MapData> data, const DeploymentPlan& p)
{
    if (!data || !p.hasBases())
        return data;
    auto copy = std::make_shared<render::MapData>(*data);
    Layer l = schema::makeLayer("team_bases");
    l.epsg = crs::kWgs84;
    for (const auto& b : p.bases) {
        Feature& f = l.addFeature(Geometry::point(b.lonLat.x, b.lonLat.y));
        l.set(f, "scenario", p.basesScenario);
        l.set(f, "commune_code", b.communeCode);
        l.set(f, "name", b.name);
        l.set(f, "district_code", b.districtCode);
        l.set(f, "villages", static_cast<int64_t>(b.villages));
        l.set(f, "households", b.households);
    }
    crs::reproject(l, copy->epsg);
    std::erase_if(copy->layers, [](const Layer& x) { return x.name == "team_bases"; });
    copy->layers.push_back(std::move(l));
    copy->prepare();
    return copy;
}

std::string deploymentSummary(const DeploymentPlan& p, const std::string& projectFile)
{
    std::string out;
    const std::string project = projectFile.empty() ? "PROJECT" : projectFile;
    if (p.hasBases()) {
        int villages = 0;
        double households = 0;
        for (const auto& b : p.bases) {
            villages += b.villages;
            households += b.households;
        }
        out += trf("{1} team bases (scenario '{2}', {3}) serve {4} villages and {5} households.",
                         {std::to_string(p.bases.size()), p.basesScenario, p.basesCreated.substr(0, 10),
                          num(villages), num(static_cast<int64_t>(std::llround(households)))});
    } else {
        out += trf("No team bases are stored in the project: run `bando bases {1} --count P` (P bases).", {project});
    }
    out += "\n";
    if (p.hasSchedule()) {
        out += trf("Schedule '{1}' from {2} to {3}: {4} teams per base, {5} villages per team and day; the last visit "
                         "{6} ({7} team days, {8} km by road), in the 2021 order {9} ({10} team days, {11} km).",
                         {p.scheduleScenario, p.from, p.to, std::to_string(p.teamsPerBase),
                          std::to_string(p.villagesPerDay), p.finishDate.empty() ? "—" : p.finishDate,
                          num(p.teamDays), num(std::llround(p.travelKm)), p.naiveFinishDate.empty() ? "—" : p.naiveFinishDate,
                          num(p.naiveTeamDays), num(std::llround(p.naiveTravelKm))});
        if (p.unscheduled > 0)
            out += " " + trf("{1} villages find no day in their window.", {num(p.unscheduled)});
    } else {
        out += trf("No schedule is stored in the project: run `bando schedule {1}` after `bando bases`.", {project});
    }
    return out;
}

namespace {

// The bases page (map and table, the schedule's summary or what is missing), the weeks' table and
// a table of visits per week.
void appendDeploymentPages(std::vector<PendingPage>& pages, const DeploymentPlan& p, const layout::Template& t,
                           const render::MapData* data, const ProjectFacts& facts,
                           const std::map<std::string, std::string>& districtNames)
{
    auto districtName = [&](const std::string& code) {
        const auto it = districtNames.find(code);
        return it == districtNames.end() ? code : it->second;
    };
    const bool basesPage = t.hasPage("bases");
    PendingPage b;
    b.kind = basesPage ? "bases" : "table";
    const std::string title = T("Team bases and schedule");
    b.fill.vars = {{"title", title},
                   {"subtitle", facts.projectTitle + (p.hasBases() ? " · " + T("scenario") + " " + p.basesScenario + " · ■ " +
                                                                        T("team base")
                                                                  : "")},
                   {"summary", deploymentSummary(p, facts.projectFile)}};
    b.fill.outline = title;
    b.fill.map.theme = "coverage";
    if (data && p.hasBases()) {
        const render::LayerState state = render::defaultLayerState(*data);
        for (const auto& name : state.order)
            if (std::find(state.hidden.begin(), state.hidden.end(), name) == state.hidden.end() && name != "team_bases")
                b.fill.map.layerOrder.push_back(name);
        b.fill.map.layerOrder.push_back("team_bases");
        style::Style st = style::defaultStyle("team_bases");
        st.layer = "team_bases";
        st.symbol = style::Symbol::Square;
        st.colour = 0x1a1a1a;
        st.strokeColour = 0xffffff;
        st.sizePt = 5;
        st.scaleWithZoom = false;
        // One class per base: each marker recording is painted once (Cairo 1.16 lists a recording
        // painted several times on a page under a duplicated resource key, which qpdf flags).
        st.renderer = style::Renderer::Categorized;
        st.field = "commune_code";
        for (const auto& base : p.bases)
            st.categories.push_back({base.communeCode, 0x1a1a1a, base.communeCode, true});
        st.labelField = "commune_code";  // the table's first column (the seats' names are on the map already)
        st.labelSizePt = 7;
        b.fill.map.styles = {st};
    }
    Table bases = basesTable(p);
    for (auto& row : bases.rows)
        row[2] = districtName(row[2]);
    b.fill.table = pdfTable(bases, {0, 1, 2, 3, 4, 5, 6, 7}, {0.9, 1.6, 1.3, 0.6, 0.7, 0.9, 0.8, 0.8});
    b.fill.table.header[2] = T("District");
    if (!p.hasBases())
        b.fill.table = layout::TableData{};
    if (!basesPage)  // a user template without a bases page: the summary above the table
        b.fill.vars["subtitle"] += " — " + b.fill.vars["summary"];
    pages.push_back(b);
    if (!p.hasSchedule())
        return;
    // The weeks, then each week's visits (continued over as many pages as it needs).
    const int rows = std::max(1, t.tableRows("table"));
    Table weeks = weeksTable(p);
    layout::TableData wt = pdfTable(weeks, {0, 1, 2, 3, 4, 5, 6}, {0.5, 1.0, 1.0, 0.8, 0.7, 0.8, 4.0});
    bool firstWeeks = true;
    for (const auto& chunk : paginate(wt.rows, rows, rows)) {
        PendingPage w;
        w.kind = "table";
        w.fill.vars = {{"title", T("Schedule by week")},
                       {"subtitle", trf("Scenario '{1}' from {2} to {3}", {p.scheduleScenario, p.from, p.to})}};
        w.fill.table = wt;
        w.fill.table.rows = chunk;
        if (firstWeeks)
            w.fill.outline = T("Schedule by week");
        firstWeeks = false;
        pages.push_back(std::move(w));
    }
    Table visits = scheduleTable(p);
    std::map<std::string, std::string> baseNames;
    for (const auto& base : p.bases)
        baseNames[base.communeCode] = base.name;
    for (auto& row : visits.rows) {
        row[6] = districtName(row[6]);
        if (baseNames.count(row[3]))
            row[3] = baseNames[row[3]];
    }
    const layout::TableData all =
        pdfTable(visits, {1, 2, 3, 4, 5, 6, 7, 8, 9}, {0.9, 0.9, 0.9, 0.9, 1.7, 1.3, 0.5, 0.7, 0.9});
    std::map<int, std::vector<std::vector<std::string>>> byWeek;
    for (size_t i = 0; i < visits.rows.size(); ++i)
        byWeek[p.visits[i].week].push_back(all.rows[i]);
    for (const auto& [week, weekRows] : byWeek) {
        const std::string heading = week > 0 ? trf("Week {1} (from {2})", {std::to_string(week), weekMonday(p.from, week)})
                                             : T("Villages without a visit");
        bool first = true;
        for (const auto& chunk : paginate(weekRows, rows, rows)) {
            PendingPage w;
            w.kind = "table";
            w.fill.vars = {{"title", first ? heading : heading + " (" + T("continued") + ")"},
                           {"subtitle", trf("{1} villages", {std::to_string(weekRows.size())})}};
            w.fill.table = all;
            w.fill.table.header[2] = T("Base");
            w.fill.table.header[5] = T("District");
            w.fill.table.rows = chunk;
            if (first)
                w.fill.outline = heading;
            first = false;
            pages.push_back(std::move(w));
        }
    }
}

} // namespace

layout::Document planDocument(const tasks::RankResult& r, const ProjectFacts& facts, const layout::Template& t,
                              std::shared_ptr<const render::MapData> data, const DeploymentPlan* deployment)
{
    const std::string title = T("Deployment plan") + " — " + T("village ranking");
    const std::string subtitle = facts.projectTitle + " · " + T("preset") + " " + r.preset + " · " + T("data of") + " " + r.date;
    const Table rows = planTable(r);
    layout::TableData pdf = pdfTable(rows, {0, 1, 2, 4, 5, 6, 7, 8, 9}, {0.5, 1.1, 1.8, 1.7, 1.0, 0.7, 1.0, 0.7, 4.2});
    pdf.header[3] = T("District");
    std::map<std::string, std::string> districtNames;
    if (data)
        if (const Layer* d = data->layer(schema::kDistricts))
            for (const auto& f : d->features)
                districtNames[d->text(f, "code")] = d->text(f, "name");
    for (auto& row : pdf.rows)
        if (districtNames.count(row[3]))
            row[3] = districtNames[row[3]];
    std::vector<PendingPage> pages;
    PendingPage cover;
    cover.kind = "cover";
    cover.fill.vars = {{"title", title}, {"subtitle", subtitle}};
    std::string crit;
    for (const auto& c : r.criteria)
        crit += (crit.empty() ? "" : "\n") + c.name + " (" + T("weight") + " " + number(c.weight, 2) + "): " + c.reason;
    char summary[256];
    std::snprintf(summary, sizeof summary,
                  T("%d villages ranked; %d sensitivity runs with ±%.0f %% on every weight (seed %llu).").c_str(),
                  r.villagesRanked, r.runs, r.spread * 100, static_cast<unsigned long long>(r.seed));
    cover.fill.vars["summary"] = std::string(summary) + "\n" + crit;
    cover.fill.map.theme = "coverage";
    cover.fill.outline = title;
    // The ranking's districts as a chart: villages in the table per district.
    std::map<std::string, int> perDistrict;
    for (const auto& v : r.villages)
        ++perDistrict[v.district];
    layout::ChartData chart;
    chart.title = T("Ranked villages by district");
    layout::ChartSeries s{T("Villages"), 0x4477aa, {}};
    std::map<std::string, std::string> dname;
    if (data)
        if (const Layer* d = data->layer(schema::kDistricts))
            for (const auto& f : d->features)
                dname[d->text(f, "code")] = d->text(f, "name");
    for (const auto& [code, n] : perDistrict) {
        chart.labels.push_back(dname.count(code) ? dname[code] : code);
        s.values.push_back(n);
    }
    chart.series = {s};
    cover.fill.chart = chart;
    cover.fill.table = pdf;
    const int first = t.tableRows("cover");
    const auto chunks = paginate(pdf.rows, first > 0 ? first : 1, t.tableRows("table"));
    cover.fill.table.rows = chunks[0];
    pages.push_back(cover);
    for (size_t k = 1; k < chunks.size(); ++k) {
        PendingPage p;
        p.kind = "table";
        p.fill.vars = {{"title", title + " (" + T("continued") + ")"}, {"subtitle", subtitle}};
        p.fill.table = pdf;
        p.fill.table.rows = chunks[k];
        pages.push_back(std::move(p));
    }
    if (deployment) {
        data = withBases(std::move(data), *deployment);
        appendDeploymentPages(pages, *deployment, t, data.get(), facts, dname);
    }
    return finish(t, std::move(data), std::move(pages), facts, title, subtitle);
}

// ---- progress ----

Table progressTable(const tasks::ProgressResult& r, const std::string& level)
{
    Table t;
    t.columns = {{T("Code")},
                 {T("Name")},
                 {T("Households"), ColumnKind::Integer},
                 {T("Digital shops"), ColumnKind::Integer},
                 {T("Shop target"), ColumnKind::Integer},
                 {T("Shops / target"), ColumnKind::Real},
                 {T("E-payment accounts"), ColumnKind::Integer},
                 {T("Account target"), ColumnKind::Integer},
                 {T("Locomotive households"), ColumnKind::Integer},
                 {T("Locomotive target"), ColumnKind::Integer},
                 {T("Teams"), ColumnKind::Integer},
                 {T("Villages with a team meeting the rule"), ColumnKind::Integer},
                 {T("Villages"), ColumnKind::Integer}};
    for (const auto& p : r.places) {
        if (p.level != level)
            continue;
        const auto& c = p.c;
        const std::string name = p.name.empty() && level == "province" ? T("Province") : p.name;
        t.rows.push_back({p.code, name, std::to_string(c.households), std::to_string(c.shops),
                          std::to_string(c.targetShops),
                          c.targetShops > 0 ? number(static_cast<double>(c.shops) / static_cast<double>(c.targetShops), 3) : "",
                          std::to_string(c.accounts), std::to_string(c.targetAccounts), std::to_string(c.locomotives),
                          std::to_string(c.targetLocomotives), std::to_string(c.teams),
                          std::to_string(c.villagesTeamRuleMet), std::to_string(c.villages)});
    }
    return t;
}

Table forecastTable(const tasks::ProgressResult& r)
{
    Table t;
    t.columns = {{T("Code")},      {T("Name")},         {T("Measure")},  {T("Current"), ColumnKind::Integer},
                 {T("Target"), ColumnKind::Integer}, {T("Forecast")}, {T("Date")}, {T("Phase end")}, {T("Late")}};
    for (const auto& f : r.forecasts)
        t.rows.push_back({f.code, f.name, f.measure, number(f.forecast.current, 0), number(f.forecast.target, 0),
                          planning::forecastStatusName(f.forecast.status), f.date, f.phaseEnd, f.late ? T("yes") : T("no")});
    return t;
}

namespace {

// "Xã" / "Commune" for commune (province, district, commune, village); other levels as they are.
std::string levelName(const std::string& level)
{
    if (level == "province")
        return T("Province");
    if (level == "district")
        return T("District");
    if (level == "commune")
        return T("Commune");
    if (level == "village")
        return T("Village");
    return level;
}

} // namespace

Table progressChangeTable(const tasks::ProgressResult& from, const tasks::ProgressResult& to)
{
    Table t;
    t.columns = {{T("Level")}, {T("Code")}, {T("Name")}};
    const char* measures[] = {N_("Digital shops"), N_("E-payment accounts"), N_("Locomotive households"), N_("Teams")};
    for (const char* m : measures) {
        t.columns.push_back({T(m) + " " + from.date, ColumnKind::Integer});
        t.columns.push_back({T(m) + " " + to.date, ColumnKind::Integer});
        t.columns.push_back({T(m) + " " + T("change"), ColumnKind::Integer});
    }
    std::map<std::string, const planning::PlaceProgress*> before;
    for (const auto& p : from.places)
        before[p.level + ":" + p.code] = &p;
    for (const char* level : {"province", "district", "commune"})
        for (const auto& p : to.places) {
            if (p.level != level)
                continue;
            auto it = before.find(p.level + ":" + p.code);
            const planning::ProgressCounts c0 = it == before.end() ? planning::ProgressCounts{} : it->second->c;
            const std::string name = p.name.empty() && p.level == "province" ? T("Province") : p.name;
            std::vector<std::string> row = {levelName(p.level), p.code, name};
            const int64_t a[4] = {c0.shops, c0.accounts, c0.locomotives, c0.teams};
            const int64_t b[4] = {p.c.shops, p.c.accounts, p.c.locomotives, p.c.teams};
            for (int k = 0; k < 4; ++k) {
                row.push_back(std::to_string(a[k]));
                row.push_back(std::to_string(b[k]));
                row.push_back(std::to_string(b[k] - a[k]));
            }
            t.rows.push_back(std::move(row));
        }
    return t;
}

Table checkSummaryTable(const tasks::CheckResult& c)
{
    Table t;
    t.columns = {{T("Check")}, {T("Severity")}, {T("Rule")}, {T("Findings"), ColumnKind::Integer}};
    for (const auto& k : planning::checkKinds()) {
        auto it = c.countByKind.find(k.id);
        if (it == c.countByKind.end())
            continue;
        t.rows.push_back({k.id, T(k.severity == planning::Severity::Error ? N_("error") : N_("warning")), T(k.rule),
                          std::to_string(it->second)});
    }
    return t;
}

Table checkFindingsTable(const tasks::CheckResult& c)
{
    Table t;
    t.columns = {{T("Severity")}, {T("Rule")},  {T("Level")},  {T("Code")},    {T("Name")},
                 {T("Table")},    {T("Row"), ColumnKind::Integer}, {T("Date")}, {T("Figures")}};
    for (const auto& f : c.findings) {
        const planning::CheckKind* k = planning::findCheckKind(f.kind);
        std::string figures;
        for (const auto& [name, v] : f.figures)
            figures += (figures.empty() ? "" : "; ") + name + " " + number(v, 2);
        t.rows.push_back({T(f.severity == planning::Severity::Error ? N_("error") : N_("warning")),
                          k ? T(k->rule) : f.kind, levelName(f.level), f.code, f.name, f.layer,
                          f.row > 0 ? std::to_string(f.row) : "", f.date, figures});
    }
    return t;
}

layout::ChartData progressSeriesChart(const tasks::ProgressResult& r, const std::vector<ReportedFigure>& reported,
                                      const std::string& fromDate)
{
    layout::ChartData chart;
    chart.title = T("Province: shops, accounts and locomotive households against the targets");
    const int asOf = planning::dayNumber(r.date);
    const int from = fromDate.empty() ? INT32_MIN : planning::dayNumber(fromDate);
    const struct {
        const char* measure;
        const char* name;
        uint32_t colour;
    } kSeries[] = {{"shops", N_("Digital shops"), 0x238b45},
                   {"accounts", N_("E-payment accounts"), 0x2171b5},
                   {"locomotives", N_("Locomotive households"), 0xd94801}};
    for (const auto& m : kSeries)
        for (const auto& f : r.forecasts) {
            if (f.level != "province" || f.measure != m.measure)
                continue;
            layout::TimeSeries ts;
            ts.name = T(m.name);
            ts.colour = m.colour;
            ts.target = f.forecast.target > 0 ? f.forecast.target : NAN;
            double before = 0;
            for (const auto& p : f.series) {
                if (p.day > asOf)
                    break;
                if (p.day < from) {
                    before = p.value;
                    continue;
                }
                if (ts.days.empty() && from != INT32_MIN) {  // the count held at the start date
                    ts.days.push_back(from);
                    ts.values.push_back(before);
                }
                if (!ts.days.empty() && ts.days.back() == p.day)
                    ts.values.back() = p.value;
                else {
                    ts.days.push_back(p.day);
                    ts.values.push_back(p.value);
                }
            }
            if (ts.days.empty() && from != INT32_MIN) {
                ts.days.push_back(from);
                ts.values.push_back(before);
            }
            if (!ts.days.empty() && ts.days.back() < asOf) {  // held until the report's date
                ts.days.push_back(asOf);
                ts.values.push_back(ts.values.back());
            }
            if (!ts.days.empty())
                chart.timeSeries.push_back(std::move(ts));
        }
    for (const auto& m : kSeries) {
        layout::TimeSeries pts;
        pts.name = T(m.name) + " — " + T("reported");
        pts.colour = m.colour;
        pts.points = true;
        for (const auto& rf : reported) {
            if (!planning::isIsoDate(rf.date))
                continue;
            const int d = planning::dayNumber(rf.date);
            const double v = std::string(m.measure) == "shops" ? rf.shops
                             : std::string(m.measure) == "accounts" ? rf.accounts
                                                                    : rf.locomotives;
            if (d > asOf || d < from || !std::isfinite(v))
                continue;
            pts.days.push_back(d);
            pts.values.push_back(v);
        }
        if (!pts.days.empty())
            chart.timeSeries.push_back(std::move(pts));
    }
    return chart;
}

std::vector<Sheet> progressSheets(const tasks::ProgressResult& r, const ProgressExtras& extras)
{
    Table districts = progressTable(r, "province");
    for (auto& row : progressTable(r, "district").rows)
        districts.rows.push_back(row);
    std::vector<Sheet> out = {{T("Districts"), districts}, {T("Communes"), progressTable(r, "commune")}, {T("Forecast"), forecastTable(r)}};
    if (extras.from)
        out.push_back({T("Change"), progressChangeTable(*extras.from, r)});
    if (extras.checks) {
        out.push_back({T("Data checks"), checkSummaryTable(*extras.checks)});
        out.push_back({T("Findings"), checkFindingsTable(*extras.checks)});
    }
    return out;
}

layout::Document progressDocument(const tasks::ProgressResult& r, const ProjectFacts& facts, const layout::Template& t,
                                  std::shared_ptr<const render::MapData> data, const ProgressExtras& extras)
{
    const std::string title = T("Program progress against the targets");
    const std::string subtitle = facts.projectTitle + " · " + T("data of") + " " + r.date +
                                 (extras.from ? " · " + T("change since") + " " + extras.from->date : "");
    std::vector<PendingPage> pages;
    PendingPage cover;
    cover.kind = "cover";
    cover.fill.vars = {{"title", title}, {"subtitle", subtitle}};
    for (const auto& p : r.places)
        if (p.level == "province") {
            char buf[512];
            std::snprintf(buf, sizeof buf,
                          T("%s digital shops of %s targeted, %s e-payment accounts of %s, %s locomotive households "
                            "of %s; %s of %s villages have a team meeting the rule.")
                              .c_str(),
                          num(p.c.shops).c_str(), num(p.c.targetShops).c_str(), num(p.c.accounts).c_str(),
                          num(p.c.targetAccounts).c_str(), num(p.c.locomotives).c_str(),
                          num(p.c.targetLocomotives).c_str(), num(p.c.villagesTeamRuleMet).c_str(),
                          num(p.c.villages).c_str());
            cover.fill.vars["summary"] = buf;
        }
    if (extras.from)
        for (const auto& p0 : extras.from->places)
            for (const auto& p : r.places)
                if (p0.level == "province" && p.level == "province") {
                    char buf[512];
                    std::snprintf(buf, sizeof buf,
                                  T("From %s to %s: %s digital shops, %s e-payment accounts, %s locomotive households "
                                    "and %s teams more.")
                                      .c_str(),
                                  extras.from->date.c_str(), r.date.c_str(), num(p.c.shops - p0.c.shops).c_str(),
                                  num(p.c.accounts - p0.c.accounts).c_str(), num(p.c.locomotives - p0.c.locomotives).c_str(),
                                  num(p.c.teams - p0.c.teams).c_str());
                    cover.fill.vars["summary"] += std::string(" ") + buf;
                }
    if (extras.checks) {
        char buf[256];
        std::snprintf(buf, sizeof buf, T("Data checks: %d errors, %d warnings (listed at the end).").c_str(),
                      extras.checks->errors, extras.checks->warnings);
        cover.fill.vars["summary"] += std::string(" ") + buf;
    }
    cover.fill.map.theme = "shops";
    cover.fill.outline = title;
    layout::ChartData chart;
    chart.title = T("Digital shops by district against the target");
    layout::ChartSeries shops{T("Digital shops"), 0x238b45, {}};
    layout::ChartSeries accounts{T("E-payment accounts"), 0x6baed6, {}};
    for (const auto& p : r.places)
        if (p.level == "district") {
            chart.labels.push_back(p.name);
            shops.values.push_back(static_cast<double>(p.c.shops));
            accounts.values.push_back(static_cast<double>(p.c.accounts));
            chart.targets.push_back(static_cast<double>(p.c.targetShops));
        }
    chart.series = {shops, accounts};
    chart.targetName = T("Shop target");
    cover.fill.chart = chart;
    const Table dt = progressTable(r, "district");
    layout::TableData districts = pdfTable(dt, {1, 2, 3, 4, 5, 6, 7, 8, 10, 11}, {2.2, 1, 1, 1, 0.9, 1, 1, 1, 0.8, 1.2});
    for (size_t i = 0; i < districts.rows.size(); ++i) {
        const auto& src = dt.rows[i];
        districts.rows[i][4] = src[5].empty() ? "" : pct(std::stod(src[5]));
        for (size_t c : {1u, 2u, 3u, 5u, 6u, 7u})
            districts.rows[i][c] = num(std::strtoll(districts.rows[i][c].c_str(), nullptr, 10));
    }
    districts.header[4] = "%";
    cover.fill.table = districts;
    pages.push_back(cover);
    const int rows = std::max(1, t.tableRows("table"));
    // The time series of the province against the targets.
    if (t.hasPage("chart")) {
        PendingPage p;
        p.kind = "chart";
        p.fill.vars = {{"title", T("Progress over time")}, {"subtitle", subtitle}};
        p.fill.chart = progressSeriesChart(r, extras.reported, extras.from ? extras.from->date : "");
        p.fill.vars["summary"] =
            T("Lines: the counts from the shops layer's dates (a shop, an account or a locomotive household counts from "
              "its date); dashed: the province's targets; circles: the figures the province reported (progress_reports).");
        p.fill.outline = T("Progress over time");
        if (!p.fill.chart.timeSeries.empty())
            pages.push_back(std::move(p));
    }
    // The change between the two dates: province and districts, then communes.
    if (extras.from) {
        const Table change = progressChangeTable(*extras.from, r);
        layout::TableData pdf = pdfTable(change, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14},
                                         {0.8, 2.0, 1, 1, 0.9, 1, 1, 0.9, 1, 1, 0.9, 0.7, 0.7, 0.7});
        for (auto& row : pdf.rows)
            for (size_t c = 2; c < row.size(); ++c)
                row[c] = num(std::strtoll(row[c].c_str(), nullptr, 10));
        // the header: the measure once, then the dates
        const char* shortNames[] = {N_("Shops"), N_("Accounts"), N_("Locomotive"), N_("Teams")};
        for (size_t k = 0; k < 4; ++k) {
            pdf.header[2 + 3 * k] = T(shortNames[k]) + " " + extras.from->date;
            pdf.header[3 + 3 * k] = T(shortNames[k]) + " " + r.date;
            pdf.header[4 + 3 * k] = T(shortNames[k]) + " +/−";
        }
        const auto chunks = paginate(pdf.rows, rows, rows);
        for (size_t k = 0; k < chunks.size(); ++k) {
            PendingPage p;
            p.kind = "table";
            p.fill.vars = {{"title", T("Change between the two dates") + (k ? " (" + T("continued") + ")" : "")},
                           {"subtitle", subtitle}};
            p.fill.table = pdf;
            p.fill.table.rows = chunks[k];
            if (k == 0)
                p.fill.outline = T("Change between the two dates");
            pages.push_back(std::move(p));
        }
    }
    // Communes, then the forecast, on table pages.
    const Table ct = progressTable(r, "commune");
    layout::TableData communes = pdfTable(ct, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
                                          {0.8, 2.0, 1, 1, 1, 0.8, 1, 1, 1, 1, 0.7, 1.2, 0.8});
    for (size_t i = 0; i < communes.rows.size(); ++i)
        communes.rows[i][5] = ct.rows[i][5].empty() ? "" : pct(std::stod(ct.rows[i][5]));
    const auto chunks = paginate(communes.rows, rows, rows);
    for (size_t k = 0; k < chunks.size(); ++k) {
        PendingPage p;
        p.kind = "table";
        p.fill.vars = {{"title", T("Progress by commune") + (k ? " (" + T("continued") + ")" : "")}, {"subtitle", subtitle}};
        p.fill.table = communes;
        p.fill.table.rows = chunks[k];
        if (k == 0)
            p.fill.outline = T("Progress by commune");
        pages.push_back(std::move(p));
    }
    const Table ft = forecastTable(r);
    layout::TableData forecast = pdfTable(ft, {0, 1, 2, 3, 4, 5, 6, 7, 8}, {0.7, 2.2, 1.2, 1, 1, 1.4, 1.1, 1.1, 0.6});
    bool firstForecast = true;
    for (const auto& chunk : paginate(forecast.rows, rows, rows)) {
        PendingPage p;
        p.kind = "table";
        p.fill.vars = {{"title", T("Forecast at the recent pace")}, {"subtitle", subtitle}};
        p.fill.table = forecast;
        p.fill.table.rows = chunk;
        if (firstForecast)
            p.fill.outline = T("Forecast at the recent pace");
        firstForecast = false;
        pages.push_back(std::move(p));
    }
    // The data-check findings: the count per check, then every finding.
    if (extras.checks) {
        const Table summary = checkSummaryTable(*extras.checks);
        layout::TableData kinds = pdfTable(summary, {0, 1, 2, 3}, {1.6, 0.8, 5, 0.8});
        const Table ft2 = checkFindingsTable(*extras.checks);
        layout::TableData findings = pdfTable(ft2, {0, 1, 2, 3, 4, 5, 6, 7, 8}, {0.7, 3.6, 0.8, 0.9, 1.4, 1.1, 0.5, 0.8, 2});
        auto chunk = paginate(kinds.rows, rows, rows);
        for (size_t k = 0; k < chunk.size(); ++k) {
            PendingPage p;
            p.kind = "table";
            p.fill.vars = {{"title", T("Data-check findings")}, {"subtitle", subtitle}};
            p.fill.table = kinds;
            p.fill.table.rows = chunk[k];
            if (k == 0)
                p.fill.outline = T("Data-check findings");
            pages.push_back(std::move(p));
        }
        if (!findings.rows.empty())
            for (const auto& c : paginate(findings.rows, rows, rows)) {
                PendingPage p;
                p.kind = "table";
                p.fill.vars = {{"title", T("Data-check findings") + " (" + T("continued") + ")"}, {"subtitle", subtitle}};
                p.fill.table = findings;
                p.fill.table.rows = c;
                pages.push_back(std::move(p));
            }
    }
    return finish(t, std::move(data), std::move(pages), facts, title, subtitle);
}

// ---- atlas ----

layout::Document atlasDocument(const std::string& layer, const std::vector<AtlasUnit>& units,
                               const ProjectFacts& facts, const layout::Template& t,
                               std::shared_ptr<const render::MapData> data, const std::string& theme,
                               const std::string& titleIn)
{
    if (!data)
        throw Error(ErrorKind::Internal, "atlas", "no map data");
    const std::string title = titleIn.empty() ? T("Atlas") + " — " + facts.projectTitle : titleIn;
    const bool byDistrict = layer == schema::kDistricts;
    const Layer* villages = data->layer(schema::kVillages);
    const Layer* communes = data->layer(schema::kCommunes);
    const render::MapData::Theme* th = data->theme(theme);
    std::map<std::string, std::string> communeName;
    if (communes)
        for (const auto& f : communes->features)
            communeName[communes->text(f, "code")] = communes->text(f, "name");
    const std::vector<double> widths = {1.3, 2.4, 2.0, 1.0, 1.8};
    std::vector<PendingPage> pages;
    PendingPage cover;
    cover.kind = "cover";
    cover.fill.vars = {{"title", title},
                       {"subtitle", std::to_string(units.size()) + " " + (byDistrict ? T("districts") : T("communes"))}};
    cover.fill.map.theme = theme;
    cover.fill.outline = title;
    pages.push_back(cover);
    std::vector<layout::TocEntry> toc;
    const int first = t.tableRows("map"), next = t.tableRows("table");
    for (const auto& u : units) {
        layout::TableData table;
        table.header = {T("Village code"), T("Village"), T("Commune"), T("Households"),
                        th ? i18n::tr(th->legendTitle.c_str()) : std::string(T("Class"))};
        table.numeric = {false, false, false, true, false};
        table.widths = widths;
        int64_t hh = 0;
        Extent unitExtent;
        if (villages)
            for (size_t i = 0; i < villages->features.size(); ++i) {
                const Feature& f = villages->features[i];
                const std::string key = villages->text(f, byDistrict ? "district_code" : "commune_code");
                if (key != u.code)
                    continue;
                std::string cls;
                if (th && i < th->villageClass.size()) {
                    const int c = th->villageClass[i];
                    if (c >= 0 && static_cast<size_t>(c) < th->classLabels.size())
                        cls = th->labelsTranslatable ? i18n::tr(th->classLabels[static_cast<size_t>(c)].c_str())
                                                     : th->classLabels[static_cast<size_t>(c)];
                    else
                        cls = T("No data");
                }
                const std::string cc = villages->text(f, "commune_code");
                hh += villages->integer(f, "households");
                table.rows.push_back({villages->text(f, "code"), villages->text(f, "name"),
                                      communeName.count(cc) ? communeName[cc] : cc,
                                      num(villages->integer(f, "households")), cls});
            }
        if (!byDistrict && communes)
            for (const auto& f : communes->features)
                if (communes->text(f, "code") == u.code)
                    unitExtent.expand(f.geom.extent());
        std::stable_sort(table.rows.begin(), table.rows.end(),
                         [](const auto& a, const auto& b) { return a[0] < b[0]; });
        const auto chunks = paginate(table.rows, first, next);
        toc.push_back({u.name, static_cast<int>(pages.size()) + 1});
        const std::string sub = std::to_string(table.rows.size()) + " " + T("villages") + " · " + num(hh) + " " +
                                T("households");
        for (size_t k = 0; k < chunks.size(); ++k) {
            PendingPage p;
            p.kind = k == 0 ? "map" : "table";
            p.fill.vars = {{"title", u.name + (k ? " (" + T("continued") + ")" : "")}, {"subtitle", sub}, {"unit", u.name}};
            p.fill.map.theme = theme;
            if (byDistrict) {
                p.fill.map.districtCode = u.code;
            } else if (!unitExtent.isEmpty()) {
                const double pad = std::max(unitExtent.width(), unitExtent.height()) * 0.08;
                p.fill.map.extent = unitExtent.buffered(pad);
                p.fill.highlight = {u.code};
            }
            p.fill.table = table;
            p.fill.table.rows = chunks[k];
            if (k == 0)
                p.fill.outline = u.name;
            pages.push_back(std::move(p));
        }
    }
    pages[0].fill.toc = toc;
    return finish(t, std::move(data), std::move(pages), facts, title, T("Atlas") + " — " + facts.projectTitle);
}

} // namespace bando::report
