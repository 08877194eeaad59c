// libFuzzer target: the administrative-unit name matcher (core/io/unit_match.hpp) and the
// column detection of agency lists (io::headerKey, io::normaliseGapStatus).
// Input: bytes decoded as UTF-8 (invalid sequences become U+FFFD, as in the list importer), up to four '\t'-separated fields (village code, village, commune, district), matched
// against a fixed set of Chi Lăng / Lạng Sơn units that has homonyms in both directions.
// Invariants: a match is Matched with a unit of the set, Ambiguous with >= 2 candidates, or
// Unmatched with a reason; parseUnitName and splitAddress return valid UTF-8.
#include "core/io/encoding.hpp"
#include "core/io/list_columns.hpp"
#include "core/io/lists.hpp"
#include "core/io/unit_match.hpp"
#include "core/model/schema.hpp"
#include "fuzz_common.hpp"

#include <set>

using namespace bando;
using namespace bando::io;

namespace {

struct Units {
    Layer d = schema::makeLayer("districts"), c = schema::makeLayer("communes"), v = schema::makeLayer("villages");
    std::set<std::string> codes;
    void add(Layer& l, std::initializer_list<std::pair<const char*, const char*>> values)
    {
        auto& f = l.addFeature({});
        for (const auto& [k, val] : values) {
            l.set(f, k, std::string(val));
            if (std::string(k) == "code")
                codes.insert(val);
        }
    }
    Units()
    {
        add(d, {{"code", "178"}, {"name", "Thành phố Lạng Sơn"}});
        add(d, {{"code", "186"}, {"name", "Huyện Chi Lăng"}});
        add(c, {{"code", "06040"}, {"name", "Xã Chi Lăng"}, {"district_code", "186"}});
        add(c, {{"code", "06028"}, {"name", "Thị trấn Chi Lăng"}, {"district_code", "186"}});
        add(c, {{"code", "05971"}, {"name", "Phường Hoàng Văn Thụ"}, {"district_code", "178"}});
        add(v, {{"code", "0604001"}, {"name", "Thôn Nà Pài"}, {"commune_code", "06040"}, {"district_code", "186"}});
        add(v, {{"code", "0604002"}, {"name", "Thôn Bó Kheo"}, {"commune_code", "06040"}, {"district_code", "186"}});
        add(v, {{"code", "0602801"}, {"name", "Khối Bó Kheo"}, {"commune_code", "06028"}, {"district_code", "186"}});
        add(v, {{"code", "0602802"}, {"name", "Khối 1"}, {"commune_code", "06028"}, {"district_code", "186"}});
        add(v, {{"code", "0597101"}, {"name", "Khối 1"}, {"commune_code", "05971"}, {"district_code", "178"}});
    }
};

void check(const UnitMatch& m, const Units& u, const char* what)
{
    switch (m.status) {
    case UnitMatch::Status::Matched:
        if (!u.codes.count(m.unit.code))
            fuzz::fail("matched a unit that is not in the set", what);
        break;
    case UnitMatch::Status::Ambiguous:
        if (m.candidates.size() < 2)
            fuzz::fail("ambiguous with fewer than two candidates", what);
        break;
    case UnitMatch::Status::Unmatched:
        if (m.reason.empty())
            fuzz::fail("unmatched without a reason", what);
        break;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const Units units;
    static const UnitMatcher matcher(units.d, units.c, units.v);
    // Names reach the matcher decoded (valid UTF-8), as the list importer hands them over.
    const std::string in = decode(std::string_view(reinterpret_cast<const char*>(data), size), Encoding::Utf8);
    auto f = fuzz::split(in, '\t');
    f.resize(4);
    for (const std::string& s : f) {
        for (UnitLevel level : {UnitLevel::District, UnitLevel::Commune, UnitLevel::Village}) {
            const UnitName n = parseUnitName(s, level);
            if (!fuzz::validUtf8(n.core) || !fuzz::validUtf8(n.kind))
                fuzz::fail("parseUnitName() returned invalid UTF-8", s);
        }
        const AddressParts a = splitAddress(s);
        if (!fuzz::validUtf8(a.village) || !fuzz::validUtf8(a.commune) || !fuzz::validUtf8(a.district))
            fuzz::fail("splitAddress() returned invalid UTF-8", s);
        (void)headerKey(s);
        (void)normaliseGapStatus(s);
    }
    check(matcher.matchVillage(f[0], f[1], f[2], f[3]), units, "matchVillage");
    check(matcher.matchCommune(f[0], f[2], f[3]), units, "matchCommune");
    const AddressParts a = splitAddress(f[1]);
    check(matcher.matchVillage("", a.village, a.commune, a.district), units, "matchVillage(splitAddress)");
    return 0;
}
