#include "app/panels/identify_panel.hpp"

#include "app/bridge/bridge.hpp"

#include <wx/listctrl.h>
#include <wx/sizer.h>

#include <cmath>

namespace bando::app {
namespace {

// Village attributes and indicators shown, with their English msgids (translated by wtr).
struct Label {
    const char* field;
    const char* msgid;
};
const Label kVillageFields[] = {
    {"name", N_("Name")}, {"code", N_("Code")}, {"households", N_("Households")}, {"population", N_("Population")},
    {"area_km2", N_("Area (km²)")},
};
const Label kIndicatorFields[] = {
    {"date", N_("Indicators at")},
    {"shops", N_("Digital shops")},
    {"epay", N_("E-payment accounts")},
    {"locomotive", N_("Locomotive households")},
    {"shop_pct", N_("Shops, % of households")},
    {"epay_pct", N_("Accounts, % of households")},
    {"locomotive_pct", N_("Locomotives, % of households")},
    {"target_shop_pct", N_("Shop target, %")},
    {"teams", N_("Community technology teams")},
    {"team_members", N_("Team members")},
    {"team_trained", N_("Trained team members")},
    {"class", N_("Mobile signal")},
    {"hh_good_share", N_("Households with good signal, share")},
    {"gap_households", N_("Households without coverage")},
    {"broadband", N_("Broadband")},
    {"minutes_district_seat", N_("Minutes to the district seat")},
};

wxString shown(const Value& v)
{
    if (isNull(v))
        return wxString::FromUTF8("—");
    if (const auto* d = std::get_if<double>(&v)) {
        wxString s = wxString::FromCDouble(*d, std::fabs(*d) < 10 ? 3 : 1);
        while (s.Contains(".") && (s.EndsWith("0") || s.EndsWith(".")))
            s.RemoveLast();
        return s;
    }
    return wx(toString(v));
}

const Feature* byCode(const Layer* l, const std::string& field, const std::string& code)
{
    if (!l || l->fieldIndex(field) < 0)
        return nullptr;
    for (const auto& f : l->features)
        if (l->text(f, field) == code)
            return &f;
    return nullptr;
}

} // namespace

IdentifyPanel::IdentifyPanel(wxWindow* parent) : wxPanel(parent, wxID_ANY)
{
    m_list = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, wxDefaultSize, wxLC_REPORT | wxLC_SINGLE_SEL);
    m_list->AppendColumn(wtr("Field"), wxLIST_FORMAT_LEFT, 190);
    m_list->AppendColumn(wtr("Value"), wxLIST_FORMAT_LEFT, 170);
    auto* s = new wxBoxSizer(wxVERTICAL);
    s->Add(m_list, 1, wxEXPAND);
    SetSizer(s);
}

void IdentifyPanel::clear()
{
    m_rows.clear();
    m_list->DeleteAllItems();
}

void IdentifyPanel::add(const wxString& label, const wxString& value)
{
    m_rows.emplace_back(label, value);
    const long i = m_list->InsertItem(m_list->GetItemCount(), label);
    m_list->SetItem(i, 1, value);
    if (value.empty()) {
        wxFont f = m_list->GetFont();
        f.SetWeight(wxFONTWEIGHT_BOLD);
        m_list->SetItemFont(i, f);
    }
}

wxString IdentifyPanel::valueOf(const wxString& label) const
{
    for (const auto& [l, v] : m_rows)
        if (l == label)
            return v;
    return {};
}

std::vector<search::LayerHit> IdentifyPanel::identify(const render::MapData& data, double x, double y, double tolerance)
{
    clear();
    // villages first, then the point and line layers a planner asks about, then the units
    std::vector<const Layer*> layers;
    for (const char* n : {"villages", "shops", "sites", "settlements", "roads", "communes", "districts"})
        if (const Layer* l = data.layer(n))
            layers.push_back(l);
    const auto hits = search::identifyAt(layers, x, y, tolerance);
    m_list->Freeze();
    const Layer* communes = data.layer("communes");
    const Layer* districts = data.layer("districts");
    for (const auto& h : hits) {
        const Layer* l = data.layer(h.layer);
        const Feature& f = l->features[h.feature];
        add(wxString::FromUTF8("▸ ") + wx(h.layer), "");
        if (h.layer == "villages") {
            for (const auto& lab : kVillageFields)
                if (l->fieldIndex(lab.field) >= 0)
                    add(wtr(lab.msgid), shown(l->value(f, lab.field)));
            if (const Feature* c = byCode(communes, "code", l->text(f, "commune_code")))
                add(wtr("Commune"), wx(communes->text(*c, "name")));
            if (const Feature* d = byCode(districts, "code", l->text(f, "district_code")))
                add(wtr("District"), wx(districts->text(*d, "name")));
            const Layer& ind = data.indicators;
            if (const Feature* r = byCode(&ind, "village_code", l->text(f, "code"))) {
                for (const auto& lab : kIndicatorFields)
                    if (ind.fieldIndex(lab.field) >= 0)
                        add(wtr(lab.msgid), shown(ind.value(*r, lab.field)));
            } else {
                add(wtr("Indicators"), wtr("not computed (Analysis → Analyse villages)"));
            }
            continue;
        }
        size_t shownFields = 0;
        for (size_t i = 0; i < l->fields.size() && shownFields < 12; ++i, ++shownFields)
            add(wx(l->fields[i].name), shown(f.values[i]));
    }
    if (hits.empty())
        add(wtr("Nothing here"), "");
    m_list->Thaw();
    return hits;
}

} // namespace bando::app
