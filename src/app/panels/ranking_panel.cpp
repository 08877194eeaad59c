#include "app/panels/ranking_panel.hpp"

#include "app/bridge/bridge.hpp"
#include "core/base/error.hpp"
#include "core/i18n/i18n.hpp"
#include "core/model/schema.hpp"
#include "core/report/documents.hpp"
#include "core/tasks/job.hpp"

#include <wx/button.h>
#include <wx/choice.h>
#include <wx/listctrl.h>
#include <wx/sizer.h>
#include <wx/slider.h>
#include <wx/spinctrl.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

namespace bando::app {

namespace {

constexpr int kThrottleMs = 60;  // at most one re-rank per 60 ms while a slider moves (plus the last)

wxString fmt(double v, int decimals)
{
    if (std::isnan(v))
        return wx("—");
    return wxString::Format("%.*f", decimals, v);
}

} // namespace

// The ranked villages as a virtual list (80,000 rows at national size): rank, code, village,
// commune, district, score; the top N in bold dark red.
class RankListCtrl : public wxListCtrl {
public:
    explicit RankListCtrl(wxWindow* parent)
        : wxListCtrl(parent, wxID_ANY, wxDefaultPosition, wxSize(-1, 200),
                     wxLC_REPORT | wxLC_VIRTUAL | wxLC_SINGLE_SEL)
    {
        AppendColumn(wtr("Rank"), wxLIST_FORMAT_RIGHT, 50);
        AppendColumn(wtr("Code"), wxLIST_FORMAT_LEFT, 70);
        AppendColumn(wtr("Village"), wxLIST_FORMAT_LEFT, 140);
        AppendColumn(wtr("District"), wxLIST_FORMAT_LEFT, 60);
        AppendColumn(wtr("Score"), wxLIST_FORMAT_RIGHT, 60);
        m_topAttr.SetTextColour(wxColour(0x99, 0x00, 0x0d));
        wxFont bold = GetFont();
        bold.SetWeight(wxFONTWEIGHT_BOLD);
        m_topAttr.SetFont(bold);
    }
    const tasks::LiveRanking* live = nullptr;
    int topN = 20;

    wxString OnGetItemText(long item, long column) const override
    {
        if (!live || item < 0 || static_cast<size_t>(item) >= live->order().size())
            return wxEmptyString;
        const size_t v = live->order()[static_cast<size_t>(item)];
        const auto& rv = live->village(v);
        switch (column) {
        case 0: return wxString::Format("%ld", item + 1);
        case 1: return wx(rv.code);
        case 2: return wx(rv.name);
        case 3: return wx(rv.district);
        default: return fmt(live->score(v), 2);
        }
    }
    wxItemAttr* OnGetItemAttr(long item) const override
    {
        return item < topN ? const_cast<wxItemAttr*>(&m_topAttr) : nullptr;
    }

private:
    wxItemAttr m_topAttr;
};

RankingPanel::RankingPanel(wxWindow* parent) : wxPanel(parent, wxID_ANY)
{
    auto* top = new wxBoxSizer(wxVERTICAL);
    auto* grid = new wxFlexGridSizer(2, wxSize(6, 4));
    grid->AddGrowableCol(1);
    auto label = [&](const char* msgid) {
        grid->Add(new wxStaticText(this, wxID_ANY, wtr(msgid)), 0, wxALIGN_CENTER_VERTICAL);
    };
    label(N_("Preset"));
    m_presetChoice = new wxChoice(this, wxID_ANY);
    grid->Add(m_presetChoice, 1, wxEXPAND);
    label(N_("District"));
    m_districtChoice = new wxChoice(this, wxID_ANY);
    grid->Add(m_districtChoice, 1, wxEXPAND);
    label(N_("Phase"));
    m_phaseChoice = new wxChoice(this, wxID_ANY);
    grid->Add(m_phaseChoice, 1, wxEXPAND);
    label(N_("Coverage class"));
    m_classChoice = new wxChoice(this, wxID_ANY);
    grid->Add(m_classChoice, 1, wxEXPAND);
    label(N_("Highlight the top"));
    m_top = new wxSpinCtrl(this, wxID_ANY, wxEmptyString, wxDefaultPosition, wxDefaultSize, wxSP_ARROW_KEYS, 1, 1000, 20);
    grid->Add(m_top, 0);
    top->Add(grid, 0, wxEXPAND | wxALL, 6);

    top->Add(new wxStaticText(this, wxID_ANY, wtr("Weights (moving a slider re-ranks at once)")), 0, wxLEFT | wxRIGHT, 6);
    m_sliderBox = new wxPanel(this, wxID_ANY);
    m_sliderSizer = new wxFlexGridSizer(3, wxSize(6, 0));
    m_sliderSizer->AddGrowableCol(1);
    m_sliderBox->SetSizer(m_sliderSizer);
    top->Add(m_sliderBox, 0, wxEXPAND | wxALL, 6);

    auto* save = new wxBoxSizer(wxHORIZONTAL);
    m_presetName = new wxTextCtrl(this, wxID_ANY);
    m_presetName->SetHint(wtr("Preset name"));
    save->Add(m_presetName, 1, wxRIGHT, 4);
    auto* saveButton = new wxButton(this, wxID_ANY, wtr("Save as preset"));
    save->Add(saveButton, 0);
    top->Add(save, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 6);

    m_summary = new wxStaticText(this, wxID_ANY, wxEmptyString);
    top->Add(m_summary, 0, wxEXPAND | wxLEFT | wxRIGHT, 6);
    m_list = new RankListCtrl(this);
    top->Add(m_list, 1, wxEXPAND | wxALL, 6);

    m_explainTitle = new wxStaticText(this, wxID_ANY, wtr("Select a village to see why it is ranked there."));
    top->Add(m_explainTitle, 0, wxEXPAND | wxLEFT | wxRIGHT, 6);
    m_explain = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, wxSize(-1, 170), wxLC_REPORT | wxLC_SINGLE_SEL);
    m_explain->AppendColumn(wtr("Criterion"), wxLIST_FORMAT_LEFT, 150);
    m_explain->AppendColumn(wtr("Value"), wxLIST_FORMAT_RIGHT, 70);
    m_explain->AppendColumn(wtr("Normalised"), wxLIST_FORMAT_RIGHT, 75);
    m_explain->AppendColumn(wtr("Weight"), wxLIST_FORMAT_RIGHT, 55);
    m_explain->AppendColumn(wtr("Contribution"), wxLIST_FORMAT_RIGHT, 80);
    top->Add(m_explain, 0, wxEXPAND | wxALL, 6);
    SetSizer(top);

    m_throttle.SetOwner(this);
    Bind(wxEVT_TIMER, [this](wxTimerEvent&) {
        if (m_dirty)
            applyWeights();
    });
    m_presetChoice->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) {
        if (!m_filling)
            guarded(this, wtr("Village ranking"), [&] { rerun(); });
    });
    for (wxChoice* c : {m_districtChoice, m_phaseChoice, m_classChoice})
        c->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) {
            if (!m_filling)
                guarded(this, wtr("Village ranking"), [&] { rerun(); });
        });
    m_top->Bind(wxEVT_SPINCTRL, [this](wxSpinEvent&) { refresh(); });
    saveButton->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        guarded(this, wtr("Save as preset"), [&] { saveAsPreset(m_presetName->GetValue().utf8_string()); });
    });
    m_list->Bind(wxEVT_LIST_ITEM_SELECTED, &RankingPanel::onListSelected, this);
}

RankingPanel::~RankingPanel() { m_throttle.Stop(); }

void RankingPanel::clear()
{
    m_throttle.Stop();
    m_live.reset();
    m_themeBuilder.reset();
    m_data.reset();
    m_project.clear();
    m_selectedCode.clear();
    m_list->live = nullptr;
    m_list->SetItemCount(0);
    m_list->Refresh();
    m_explain->DeleteAllItems();
    m_summary->SetLabel(wxEmptyString);
}

bool RankingPanel::load(const std::string& project, std::shared_ptr<const render::MapData> data)
{
    const bool sameProject = project == m_project && m_live;
    m_project = project;
    m_data = std::move(data);
    if (!sameProject) {
        m_live.reset();
        fillPresets("team");
        m_filling = true;
        m_districtChoice->Clear();
        m_phaseChoice->Clear();
        m_classChoice->Clear();
        m_filling = false;
    }
    const bool done = rerun();
    if (done && !sameProject)
        fillFilters();
    return done;
}

void RankingPanel::fillPresets(const std::string& select)
{
    m_filling = true;
    m_presets = {"team", "telecom"};
    for (const auto& n : tasks::savedPresetNames(m_project))
        m_presets.push_back(n);
    m_presetChoice->Clear();
    for (const auto& n : m_presets) {
        if (n == "team")
            m_presetChoice->Append(wtr("Team deployment"));
        else if (n == "telecom")
            m_presetChoice->Append(wtr("Telecom investment"));
        else
            m_presetChoice->Append(wx(n));
    }
    auto it = std::find(m_presets.begin(), m_presets.end(), select);
    m_presetChoice->SetSelection(it == m_presets.end() ? 0 : static_cast<int>(it - m_presets.begin()));
    m_filling = false;
}

void RankingPanel::fillFilters()
{
    // the filter choices from the unfiltered run: its districts, phases and classes
    m_filling = true;
    std::set<std::string> districts, classes;
    std::set<int> phases;
    for (size_t v = 0; v < m_live->size(); ++v) {
        const auto& rv = m_live->village(v);
        districts.insert(rv.district);
        if (rv.phase > 0)
            phases.insert(rv.phase);
        if (!rv.mobileClass.empty())
            classes.insert(rv.mobileClass);
    }
    const Layer* dl = m_data ? m_data->layer(schema::kDistricts) : nullptr;
    auto districtName = [&](const std::string& code) -> std::string {
        if (dl)
            for (const auto& f : dl->features)
                if (dl->text(f, "code") == code)
                    return dl->text(f, "name");
        return code;
    };
    m_districtCodes = {""};
    m_districtChoice->Clear();
    m_districtChoice->Append(wtr("Every district"));
    for (const auto& d : districts) {
        m_districtCodes.push_back(d);
        m_districtChoice->Append(wx(districtName(d)));
    }
    m_districtChoice->SetSelection(0);
    m_phases = {0};
    m_phaseChoice->Clear();
    m_phaseChoice->Append(wtr("Every phase"));
    for (int p : phases) {
        m_phases.push_back(p);
        m_phaseChoice->Append(wx(trf(N_("Phase {1}"), {std::to_string(p)})));
    }
    m_phaseChoice->SetSelection(0);
    m_classes = {""};
    m_classChoice->Clear();
    m_classChoice->Append(wtr("Every class"));
    for (const char* c : {"no_signal", "unstable", "covered"})
        if (classes.count(c)) {
            m_classes.push_back(c);
            m_classChoice->Append(wx(report::className(c)));
        }
    m_classChoice->SetSelection(0);
    m_filling = false;
}

std::string RankingPanel::preset() const
{
    const int i = m_presetChoice->GetSelection();
    return i >= 0 && static_cast<size_t>(i) < m_presets.size() ? m_presets[static_cast<size_t>(i)] : "team";
}

bool RankingPanel::rerun()
{
    if (m_project.empty())
        throw Error(ErrorKind::Usage, "", tr("Open or create a project first."));
    tasks::RankRequest request;
    request.project = m_project;
    request.preset = preset();
    request.top = 0;  // every village: the sliders re-rank them all
    auto pick = [](wxChoice* c, size_t n) {
        const int i = c->GetSelection();
        return i > 0 && static_cast<size_t>(i) < n ? static_cast<size_t>(i) : size_t(0);
    };
    if (size_t i = pick(m_districtChoice, m_districtCodes.size()))
        request.districts = {m_districtCodes[i]};
    if (size_t i = pick(m_phaseChoice, m_phases.size()))
        request.phases = {m_phases[i]};
    if (size_t i = pick(m_classChoice, m_classes.size()))
        request.classes = {m_classes[i]};
    std::optional<tasks::RankResult> result;
    const bool done = runWithProgress(this, wtr("Village ranking"), wtr("Ranking the villages…"),
                                      [&](Feedback& fb) { result = tasks::runTask(request, fb); });
    if (!done || !result)
        return false;
    m_throttle.Stop();
    m_dirty = false;
    m_live = std::make_unique<tasks::LiveRanking>(std::move(*result));
    std::vector<std::string> codes;
    codes.reserve(m_live->size());
    for (size_t v = 0; v < m_live->size(); ++v)
        codes.push_back(m_live->village(v).code);
    m_themeBuilder = std::make_unique<planning::RankThemeBuilder>(m_data ? m_data->layer(schema::kVillages) : nullptr, codes);
    m_list->live = m_live.get();
    buildSliders();
    refresh();
    return true;
}

void RankingPanel::buildSliders()
{
    m_sliderSizer->Clear(true);
    m_sliders.clear();
    m_sliderValues.clear();
    const auto& criteria = m_live->criteria();
    for (size_t k = 0; k < criteria.size(); ++k) {
        const auto& c = criteria[k];
        auto* name = new wxStaticText(m_sliderBox, wxID_ANY, wx(planning::criterionLabel(c.name)));
        name->SetToolTip(wx(c.reason));
        const int value = static_cast<int>(std::lround(c.weight * 100));
        auto* s = new wxSlider(m_sliderBox, wxID_ANY, value, 0, std::max(100, 2 * value));
        s->SetToolTip(wx(c.reason));
        auto* shown = new wxStaticText(m_sliderBox, wxID_ANY, fmt(c.weight, 2), wxDefaultPosition, wxSize(40, -1));
        m_sliderSizer->Add(name, 0, wxALIGN_CENTER_VERTICAL);
        m_sliderSizer->Add(s, 1, wxEXPAND);
        m_sliderSizer->Add(shown, 0, wxALIGN_CENTER_VERTICAL);
        s->Bind(wxEVT_SLIDER, [this, k](wxCommandEvent&) { onSlider(k); });
        m_sliders.push_back(s);
        m_sliderValues.push_back(shown);
    }
    m_sliderBox->Layout();
    Layout();
}

std::vector<double> RankingPanel::weights() const
{
    std::vector<double> w;
    for (auto* s : m_sliders)
        w.push_back(s->GetValue() / 100.0);
    return w;
}

void RankingPanel::onSlider(size_t k)
{
    if (k < m_sliders.size())
        m_sliderValues[k]->SetLabel(fmt(m_sliders[k]->GetValue() / 100.0, 2));
    // throttled: the first move re-ranks at once, later ones at most every kThrottleMs (and the last)
    m_dirty = true;
    if (!m_throttle.IsRunning()) {
        applyWeights();
        m_throttle.StartOnce(kThrottleMs);
    }
}

void RankingPanel::moveSlider(size_t k, int value)
{
    if (k >= m_sliders.size())
        throw Error(ErrorKind::Usage, "weight", "no criterion " + std::to_string(k));
    m_sliders[k]->SetValue(value);
    wxCommandEvent e(wxEVT_SLIDER, m_sliders[k]->GetId());
    e.SetInt(value);
    e.SetEventObject(m_sliders[k]);
    m_sliders[k]->ProcessWindowEvent(e);
}

void RankingPanel::applyWeights()
{
    m_dirty = false;
    if (!m_live)
        return;
    const auto w = weights();
    if (std::none_of(w.begin(), w.end(), [](double x) { return x > 0; })) {
        m_summary->SetLabel(wtr("At least one weight must be above 0."));
        return;
    }
    m_live->setWeights(w);
    refresh();
}

void RankingPanel::setTopN(int n)
{
    m_top->SetValue(n);
    refresh();
}

int RankingPanel::topN() const { return m_top->GetValue(); }

std::string RankingPanel::codeAtRank(int r) const
{
    if (!m_live || r < 1 || static_cast<size_t>(r) > m_live->order().size())
        return {};
    return m_live->village(m_live->order()[static_cast<size_t>(r - 1)]).code;
}

void RankingPanel::refresh()
{
    if (!m_live)
        return;
    const int n = topN();
    m_list->topN = n;
    m_list->SetItemCount(static_cast<long>(m_live->size()));
    m_summary->SetLabel(wx(trf(N_("{1} villages ranked ({2}); top 1: {3}"),
                               {std::to_string(m_live->size()), m_live->result().date,
                                m_live->size() ? m_live->village(m_live->order()[0]).name : std::string()})));
    // keep the chosen village selected at its new position
    const int sel = m_selectedCode.empty() ? -1 : m_live->indexOf(m_selectedCode);
    const long oldSel = m_list->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
    if (oldSel >= 0)
        m_list->SetItemState(oldSel, 0, wxLIST_STATE_SELECTED);
    if (sel >= 0) {
        const long pos = m_live->rankOf(static_cast<size_t>(sel)) - 1;
        m_filling = true;
        m_list->SetItemState(pos, wxLIST_STATE_SELECTED, wxLIST_STATE_SELECTED);
        m_filling = false;
    } else
        m_selectedCode.clear();
    m_list->Refresh();
    showExplanation();
    if (onTheme && m_themeBuilder) {
        std::vector<int> ranks(m_live->size());
        for (size_t v = 0; v < ranks.size(); ++v)
            ranks[v] = m_live->rankOf(v);
        onTheme(std::make_shared<const render::MapData::Theme>(m_themeBuilder->make(ranks, n)));
    }
}

void RankingPanel::onListSelected(wxListEvent& e)
{
    if (m_filling || !m_live)
        return;
    const long pos = e.GetIndex();
    if (pos < 0 || static_cast<size_t>(pos) >= m_live->order().size())
        return;
    const size_t v = m_live->order()[static_cast<size_t>(pos)];
    m_selectedCode = m_live->village(v).code;
    showExplanation();
    if (onVillageChosen && m_themeBuilder)
        onVillageChosen(m_themeBuilder->featureOf(v));
}

bool RankingPanel::selectVillage(const std::string& code)
{
    if (!m_live)
        return false;
    const int v = m_live->indexOf(code);
    if (v < 0)
        return false;
    const long pos = m_live->rankOf(static_cast<size_t>(v)) - 1;
    m_list->EnsureVisible(pos);
    // SetItemState sends wxEVT_LIST_ITEM_SELECTED (onListSelected), as a click does
    m_list->SetItemState(pos, wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED, wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED);
    if (m_selectedCode != code) {  // some ports send no event for a programmatic change
        wxListEvent e(wxEVT_LIST_ITEM_SELECTED, m_list->GetId());
        e.m_itemIndex = pos;
        e.SetEventObject(m_list);
        m_list->ProcessWindowEvent(e);
    }
    return m_selectedCode == code;
}

std::vector<ExplanationRow> RankingPanel::explanation() const
{
    std::vector<ExplanationRow> rows;
    if (!m_live || m_selectedCode.empty())
        return rows;
    const int v = m_live->indexOf(m_selectedCode);
    if (v < 0)
        return rows;
    const auto& criteria = m_live->criteria();
    const auto& rv = m_live->village(static_cast<size_t>(v));
    for (size_t k = 0; k < criteria.size(); ++k)
        rows.push_back({criteria[k].name, rv.values[k], m_live->normalised(static_cast<size_t>(v), k), criteria[k].weight,
                        m_live->contribution(static_cast<size_t>(v), k)});
    return rows;
}

wxString RankingPanel::explanationTitle() const { return m_explainTitle->GetLabel(); }

void RankingPanel::showExplanation()
{
    m_explain->DeleteAllItems();
    const int v = m_live && !m_selectedCode.empty() ? m_live->indexOf(m_selectedCode) : -1;
    if (v < 0) {
        m_explainTitle->SetLabel(wtr("Select a village to see why it is ranked there."));
        return;
    }
    const auto& rv = m_live->village(static_cast<size_t>(v));
    const double score = m_live->score(static_cast<size_t>(v));
    m_explainTitle->SetLabel(wx(trf(N_("{1} ({2}, district {3}): rank {4} of {5}, score {6} = the sum of the contributions"),
                                    {rv.name, rv.code, rv.district, std::to_string(m_live->rankOf(static_cast<size_t>(v))),
                                     std::to_string(m_live->size()), fmt(score, 2).utf8_string()})));
    long row = 0;
    double sum = 0;
    for (const auto& e : explanation()) {
        m_explain->InsertItem(row, wx(planning::criterionLabel(e.criterion)));
        m_explain->SetItem(row, 1, fmt(e.value, 2));
        m_explain->SetItem(row, 2, fmt(e.normalised, 3));
        m_explain->SetItem(row, 3, fmt(e.weight, 2));
        m_explain->SetItem(row, 4, fmt(e.contribution, 2));
        sum += e.contribution;
        ++row;
    }
    m_explain->InsertItem(row, wtr("Score"));
    m_explain->SetItem(row, 4, fmt(sum, 2));
    wxFont bold = m_explain->GetFont();
    bold.SetWeight(wxFONTWEIGHT_BOLD);
    m_explain->SetItemFont(row, bold);
}

void RankingPanel::choosePreset(const std::string& name)
{
    auto it = std::find(m_presets.begin(), m_presets.end(), name);
    if (it == m_presets.end())
        throw Error(ErrorKind::Usage, "--preset", "no preset '" + name + "'");
    m_presetChoice->SetSelection(static_cast<int>(it - m_presets.begin()));
    rerun();
}

void RankingPanel::chooseDistrict(const std::string& code)
{
    auto it = std::find(m_districtCodes.begin(), m_districtCodes.end(), code);
    if (it == m_districtCodes.end())
        throw Error(ErrorKind::Usage, "--district", "no district '" + code + "' in the ranking");
    m_districtChoice->SetSelection(static_cast<int>(it - m_districtCodes.begin()));
    rerun();
}

void RankingPanel::saveAsPreset(const std::string& name)
{
    if (!m_live)
        throw Error(ErrorKind::Usage, "", tr("Open or create a project first."));
    if (name.empty())
        throw Error(ErrorKind::Usage, "--save-preset", tr("Type a name for the preset."));
    tasks::RankRequest request;
    request.project = m_project;
    request.preset = preset();
    const auto w = weights();
    const auto& criteria = m_live->criteria();
    for (size_t k = 0; k < criteria.size() && k < w.size(); ++k)
        request.weights[criteria[k].name] = w[k];
    request.savePreset = name;
    request.runs = 0;  // storing the criteria only
    request.top = 1;
    request.validate();  // before the dialog: a refused name is a clear message
    std::optional<tasks::RankResult> result;
    const bool done = runWithProgress(this, wtr("Save as preset"), wtr("Storing the preset in the project…"),
                                      [&](Feedback& fb) { result = tasks::runTask(request, fb); });
    if (!done || !result)
        return;
    fillPresets(name);
    m_summary->SetLabel(wx(trf(N_("Preset '{1}' saved in the project."), {name})));
}

} // namespace bando::app
