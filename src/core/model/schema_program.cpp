// Digital-economy program layers and tables (schema version 2, issue #3).
#include "core/model/schema.hpp"

namespace bando::schema {

void appendProgramSchemas(std::vector<LayerSchema>& out)
{
    auto T = [](const char* n) { return FieldDef{n, FieldType::Text, 0, false}; };
    auto I = [](const char* n) { return FieldDef{n, FieldType::Integer, 0, false}; };
    auto R = [](const char* n) { return FieldDef{n, FieldType::Real, 0, false}; };
    out.push_back({"shops", GeomType::Point,
                   {T("village_code"), T("opened"), T("epay_opened"), T("marketplace"), I("locomotive"), T("locomotive_since")},
                   "Household digital shops (cửa hàng số) with opening and e-payment account dates", 2});
    out.push_back({"teams", GeomType::None,
                   {T("village_code"), I("team_no"), I("members"), I("trained"), T("formed")},
                   "Community technology teams (tổ công nghệ cộng đồng)", 2});
    out.push_back({"targets", GeomType::None,
                   {T("scope"), T("code"), R("shop_pct"), R("epay_pct"), R("locomotive_pct"), I("households_claimed"),
                    T("source")},
                   "Program targets: province defaults and district/commune overrides", 2});
    out.push_back({"phases", GeomType::None,
                   {I("phase"), T("district_code"), T("start"), T("end")},
                   "Roll-out phases by district", 2});
    out.push_back({"progress_reports", GeomType::None,
                   {T("date"), T("scope"), T("code"), I("shops"), I("accounts"), I("locomotives"), I("teams"),
                    I("members"), T("source")},
                   "Progress figures as reported by the province (to check against the shops layer)", 2});
}

} // namespace bando::schema
