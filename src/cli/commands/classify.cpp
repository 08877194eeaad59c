// bando classify PROJECT [--json]: the village classification rule (issue #3) — villages with
// no signal, with an unstable signal and without broadband, per district and in total.
#include "cli/command.hpp"
#include "core/analysis/classify.hpp"
#include "core/base/error.hpp"
#include "core/i18n/i18n.hpp"
#include "core/store/project_store.hpp"

#include <cstdio>
#include <map>
#include <string>

namespace bando::cli {
namespace {

struct Row {
    std::string name;
    int villages = 0;
    analysis::ClassCounts c;
};

std::string jsonText(const std::string& s)
{
    std::string o = "\"";
    for (unsigned char ch : s) {
        if (ch == '"' || ch == '\\') { o += '\\'; o += static_cast<char>(ch); }
        else if (ch < 0x20) { char b[8]; std::snprintf(b, sizeof b, "\\u%04x", ch); o += b; }
        else o += static_cast<char>(ch);
    }
    return o + "\"";
}

// Left-aligned in `width` characters (UTF-8 code points, not bytes).
std::string pad(const std::string& s, size_t width)
{
    size_t n = 0;
    for (unsigned char ch : s)
        if ((ch & 0xC0) != 0x80) ++n;
    return n >= width ? s : s + std::string(width - n, ' ');
}

int runClassify(const Args& a)
{
    a.allowOnly({"json"});
    if (a.positional.size() != 1)
        throw Error(ErrorKind::Usage, "", tr("expected one PROJECT file"));
    auto store = ProjectStore::open(a.positional[0], ProjectStore::Mode::ReadOnly);
    for (const char* required : {"villages", "settlements"})
        if (!store->hasLayer(required))
            throw Error(ErrorKind::Format, store->path(), std::string(tr("the project has no layer")) + " '" + required + "'");
    Layer villages = store->readLayer("villages");
    Layer settlements = store->readLayer("settlements");
    Layer coverage, nodes, fibre, districts;
    analysis::ClassificationInput in;
    in.villages = &villages;
    in.settlements = &settlements;
    if (store->hasLayer("coverage")) { coverage = store->readLayer("coverage"); in.coverage = &coverage; }
    if (store->hasLayer("broadband_nodes")) { nodes = store->readLayer("broadband_nodes"); in.broadbandNodes = &nodes; }
    if (store->hasLayer("fibre")) { fibre = store->readLayer("fibre"); in.fibre = &fibre; }
    std::map<std::string, std::string> districtNames;
    if (store->hasLayer("districts")) {
        districts = store->readLayer("districts");
        for (const auto& f : districts.features)
            districtNames[districts.text(f, "code")] = districts.text(f, "name");
    }
    const analysis::Thresholds t = analysis::loadThresholds(*store);
    const auto statuses = analysis::classifyVillages(in, t);

    std::map<std::string, Row> byDistrict;
    for (const auto& s : statuses) {
        Row& r = byDistrict[s.districtCode];
        r.name = districtNames.count(s.districtCode) ? districtNames[s.districtCode] : "";
        ++r.villages;
        r.c = analysis::ClassCounts{};
    }
    for (auto& [code, r] : byDistrict) {
        std::vector<analysis::VillageStatus> part;
        for (const auto& s : statuses)
            if (s.districtCode == code) part.push_back(s);
        r.c = analysis::countClasses(part);
    }
    const auto total = analysis::countClasses(statuses);

    if (a.has("json")) {
        std::printf("{\n  \"file\": %s,\n", jsonText(store->path()).c_str());
        std::printf("  \"thresholds\": {\"no_signal_share_any\": %g, \"unstable_share_good\": %g, "
                    "\"broadband_share\": %g, \"broadband_distance_m\": %g},\n",
                    t.noSignalShareAny, t.unstableShareGood, t.broadbandShare, t.broadbandDistanceM);
        std::printf("  \"total\": {\"villages\": %zu, \"no_signal\": %d, \"unstable\": %d, \"covered\": %d, "
                    "\"no_broadband\": %d},\n",
                    statuses.size(), total.noSignal, total.unstable, total.covered, total.noBroadband);
        std::printf("  \"districts\": [");
        bool first = true;
        for (const auto& [code, r] : byDistrict) {
            std::printf("%s\n    {\"code\": %s, \"name\": %s, \"villages\": %d, \"no_signal\": %d, \"unstable\": %d, "
                        "\"covered\": %d, \"no_broadband\": %d}",
                        first ? "" : ",", jsonText(code).c_str(), jsonText(r.name).c_str(), r.villages, r.c.noSignal,
                        r.c.unstable, r.c.covered, r.c.noBroadband);
            first = false;
        }
        std::printf("\n  ]\n}\n");
        return 0;
    }
    std::printf("%s: %s\n", tr("Project"), store->path().c_str());
    std::printf("%s: %s < %g, %s < %g, %s >= %g / %g m\n\n", tr("Thresholds"), tr("share with any signal"),
                t.noSignalShareAny, tr("share with good signal"), t.unstableShareGood, tr("broadband share"),
                t.broadbandShare, t.broadbandDistanceM);
    std::printf("%s %s %s %s %s %s %s\n", pad(tr("Code"), 5).c_str(), pad(tr("District"), 24).c_str(),
                pad(tr("Villages"), 8).c_str(), pad(tr("No signal"), 11).c_str(), pad(tr("Unstable"), 10).c_str(),
                pad(tr("Covered"), 9).c_str(), tr("No broadband"));
    for (const auto& [code, r] : byDistrict)
        std::printf("%s %s %8d %11d %10d %9d %12d\n", pad(code, 5).c_str(), pad(r.name, 24).c_str(), r.villages,
                    r.c.noSignal, r.c.unstable, r.c.covered, r.c.noBroadband);
    std::printf("%s %s %8zu %11d %10d %9d %12d\n", pad("", 5).c_str(), pad(tr("Total"), 24).c_str(), statuses.size(),
                total.noSignal, total.unstable, total.covered, total.noBroadband);
    return 0;
}

CommandRegistration reg({"classify", "classify PROJECT [--json]",
                         "Applies the village classification rule: a village has no signal when less than half of "
                         "its households (located by the settlements layer) are inside good or weak 3G/4G coverage "
                         "of any operator, an unstable signal when less than 80 % are inside good coverage, and no "
                         "broadband when less than half are within 2 km of an OLT/cabinet or a fibre line. The "
                         "thresholds are the project settings setting.* in bando_meta. Prints the counts per "
                         "district and in total.",
                         {"json"}, runClassify});

} // namespace
} // namespace bando::cli
