#pragma once
// The village ranking panel (issue #10): a preset choice, one weight slider per criterion, the
// filters (district, phase, coverage class), the top N spin control, the ranked villages and
// the explanation of the selected one (each criterion's value, normalised value, weight and
// contribution; the contributions add up to the score). The ranking runs through
// tasks::RankRequest (the request `bando rank` runs) on a worker thread behind a progress dialog;
// a slider move re-ranks the run's villages in memory (tasks::LiveRanking: the same scores as
// `bando rank --weight`), throttled, and hands the map a ranking theme (planning/rank_theme.hpp)
// with the top N in dark red. "Save as preset" stores the current weights in the project
// through the same request (--save-preset, one transaction).
#include "core/planning/rank_theme.hpp"
#include "core/render/map_renderer.hpp"
#include "core/tasks/rank_task.hpp"

#include <wx/panel.h>
#include <wx/timer.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

class wxChoice;
class wxSlider;
class wxSpinCtrl;
class wxStaticText;
class wxTextCtrl;
class wxListCtrl;
class wxListEvent;
class wxFlexGridSizer;

namespace bando::app {

class RankListCtrl;

// One row of the explanation of a village.
struct ExplanationRow {
    std::string criterion;
    double value = 0;  // NaN = missing
    double normalised = 0, weight = 0, contribution = 0;
};

class RankingPanel : public wxPanel {
public:
    explicit RankingPanel(wxWindow* parent);
    ~RankingPanel() override;

    // Opens the panel on a project (its map data joins the ranking to the village polygons):
    // fills the preset and filter choices and runs the ranking. False when cancelled.
    bool load(const std::string& project, std::shared_ptr<const render::MapData> data);
    void clear();
    bool loaded() const { return m_live != nullptr; }

    // Runs the RankRequest of the chosen preset and filters (worker thread, progress dialog).
    bool rerun();
    void choosePreset(const std::string& name);  // selects it and re-runs
    void chooseDistrict(const std::string& code);  // "" = every district; re-runs
    // Sets slider k (weight × 100) and sends the slider's event, as a user's move does.
    void moveSlider(size_t k, int value);
    void setTopN(int n);
    int topN() const;
    // Selects the village (list selection event) and shows its explanation. False when not ranked.
    bool selectVillage(const std::string& code);
    // Stores the current criteria and weights as preset `name` in the project.
    void saveAsPreset(const std::string& name);

    const tasks::LiveRanking* ranking() const { return m_live.get(); }
    std::vector<double> weights() const;
    std::string preset() const;
    std::vector<std::string> presetNames() const { return m_presets; }
    // The village shown at rank r (1-based), code; "" out of range.
    std::string codeAtRank(int r) const;
    const std::string& selectedCode() const { return m_selectedCode; }
    std::vector<ExplanationRow> explanation() const;  // of the selected village
    wxString explanationTitle() const;
    int slidersCount() const { return static_cast<int>(m_sliders.size()); }

    // The ranking theme for the map (every re-rank) and the chosen village's feature.
    std::function<void(std::shared_ptr<const render::MapData::Theme>)> onTheme;
    std::function<void(int villageFeature)> onVillageChosen;

private:
    void fillPresets(const std::string& select);
    void fillFilters();
    void buildSliders();
    void onSlider(size_t k);
    void applyWeights();
    void refresh();  // list, explanation, theme
    void showExplanation();
    void onListSelected(wxListEvent& e);

    std::string m_project;
    std::shared_ptr<const render::MapData> m_data;
    std::unique_ptr<tasks::LiveRanking> m_live;
    std::unique_ptr<planning::RankThemeBuilder> m_themeBuilder;
    std::vector<std::string> m_presets;       // parallel to m_presetChoice
    std::vector<std::string> m_districtCodes;  // parallel to m_districtChoice ("" = all)
    std::vector<int> m_phases;                 // parallel to m_phaseChoice (0 = all)
    std::vector<std::string> m_classes;        // parallel to m_classChoice ("" = all)
    std::string m_selectedCode;
    bool m_dirty = false;
    bool m_filling = false;

    wxChoice* m_presetChoice = nullptr;
    wxChoice* m_districtChoice = nullptr;
    wxChoice* m_phaseChoice = nullptr;
    wxChoice* m_classChoice = nullptr;
    wxPanel* m_sliderBox = nullptr;
    wxFlexGridSizer* m_sliderSizer = nullptr;
    std::vector<wxSlider*> m_sliders;
    std::vector<wxStaticText*> m_sliderValues;
    wxSpinCtrl* m_top = nullptr;
    wxStaticText* m_summary = nullptr;
    RankListCtrl* m_list = nullptr;
    wxStaticText* m_explainTitle = nullptr;
    wxListCtrl* m_explain = nullptr;
    wxTextCtrl* m_presetName = nullptr;
    wxTimer m_throttle;
};

} // namespace bando::app
