#include "app/panels/layer_panel.hpp"

#include "app/bridge/bridge.hpp"
#include "core/render/hillshade.hpp"

#include <wx/dataobj.h>
#include <wx/dataview.h>
#include <wx/menu.h>
#include <wx/sizer.h>
#include <wx/stattext.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

namespace bando::app {

wxString layerLabel(const std::string& name)
{
    static const std::map<std::string, const char*> labels{
        {"districts", N_("Districts")},
        {"communes", N_("Communes")},
        {"villages", N_("Village boundaries")},
        {"roads", N_("Roads")},
        {"places", N_("Places")},
        {"settlements", N_("Household clusters")},
        {"sites", N_("Mobile base stations")},
        {"coverage", N_("Mobile coverage")},
        {"coverage_predicted", N_("Predicted coverage")},
        {"broadband_nodes", N_("Broadband nodes")},
        {"fibre", N_("Fibre lines")},
        {"shops", N_("Digital shops")},
        {"coverage_gaps", N_("Coverage gaps")},
        {"hillshade", N_("Hillshade")},
        {"place_labels", N_("Place names")},
    };
    auto it = labels.find(name);
    return it == labels.end() ? wx(name) : wtr(it->second);
}

LayerPanel::LayerPanel(wxWindow* parent) : wxPanel(parent, wxID_ANY)
{
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    m_tree = new wxTreeListCtrl(this, wxID_ANY, wxDefaultPosition, wxSize(240, 220),
                                wxTL_SINGLE | wxTL_CHECKBOX | wxTL_3STATE | wxTL_NO_HEADER);
    m_tree->AppendColumn(wtr("Layer"), 230);
    m_tree->SetToolTip(wtr("Tick to show a layer or a whole group; the top of a group is drawn on top"));
    sizer->Add(m_tree, 1, wxEXPAND | wxALL, 4);

    auto* buttons = new wxBoxSizer(wxHORIZONTAL);
    m_up = new wxButton(this, wxID_UP, wtr("Move up"));
    m_down = new wxButton(this, wxID_DOWN, wtr("Move down"));
    m_up->SetBitmap(icon("arrow-up", 16));
    m_down->SetBitmap(icon("arrow-down", 16));
    m_style = new wxButton(this, wxID_ANY, wtr("Style…"));
    m_style->SetToolTip(wtr("Edit how the selected layer is drawn: classes, colours, symbols, labels"));
    buttons->Add(m_up, 1, wxRIGHT, 4);
    buttons->Add(m_down, 1, wxRIGHT, 4);
    buttons->Add(m_style, 1);
    sizer->Add(buttons, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 4);

    auto* grid = new wxFlexGridSizer(2, 4, 6);
    grid->AddGrowableCol(1);
    grid->Add(new wxStaticText(this, wxID_ANY, wtr("Opacity")), 0, wxALIGN_CENTER_VERTICAL);
    m_opacity = new wxSlider(this, wxID_ANY, 100, 0, 100, wxDefaultPosition, wxDefaultSize, wxSL_HORIZONTAL | wxSL_VALUE_LABEL);
    grid->Add(m_opacity, 1, wxEXPAND);
    grid->Add(new wxStaticText(this, wxID_ANY, wtr("Visible from 1:")), 0, wxALIGN_CENTER_VERTICAL);
    m_minScale = new wxSpinCtrl(this, wxID_ANY, "0", wxDefaultPosition, wxSize(130, -1), wxSP_ARROW_KEYS, 0, 100000000, 0);
    
    m_minScale->SetToolTip(wtr("Smallest scale denominator the layer is drawn at (0 = no limit)"));
    grid->Add(m_minScale, 1, wxEXPAND);
    grid->Add(new wxStaticText(this, wxID_ANY, wtr("Visible to 1:")), 0, wxALIGN_CENTER_VERTICAL);
    m_maxScale = new wxSpinCtrl(this, wxID_ANY, "0", wxDefaultPosition, wxSize(130, -1), wxSP_ARROW_KEYS, 0, 100000000, 0);
    
    m_maxScale->SetToolTip(wtr("Largest scale denominator the layer is drawn at (0 = no limit)"));
    grid->Add(m_maxScale, 1, wxEXPAND);
    sizer->Add(grid, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 6);
    SetSizer(sizer);

    m_tree->Bind(wxEVT_TREELIST_ITEM_CHECKED, [this](wxTreeListEvent& e) {
        if (m_updating)
            return;
        const wxTreeListItem item = e.GetItem();
        const bool on = m_tree->GetCheckedState(item) == wxCHK_CHECKED;
        for (const auto& [it, id] : m_groups)
            if (it == item) {
                setGroupVisible(id, on);
                return;
            }
        for (const auto& [it, name] : m_items)
            if (it == item) {
                setVisible(name, on);
                return;
            }
    });
    m_tree->Bind(wxEVT_TREELIST_SELECTION_CHANGED, [this](wxTreeListEvent&) { updateControls(); });
    // Drag a layer onto another layer of its group to reorder.
    wxDataViewCtrl* view = m_tree->GetDataView();
    view->EnableDragSource(wxDF_UNICODETEXT);
    view->EnableDropTarget(wxDF_UNICODETEXT);
    view->Bind(wxEVT_DATAVIEW_ITEM_BEGIN_DRAG, [this](wxDataViewEvent& e) {
        m_dragged = layerOfItem(e.GetItem().GetID());
        if (m_dragged.empty()) {
            e.Veto();
            return;
        }
        e.SetDataObject(new wxTextDataObject(wx(m_dragged)));
        e.SetDragFlags(wxDrag_DefaultMove);
    });
    view->Bind(wxEVT_DATAVIEW_ITEM_DROP_POSSIBLE, [this](wxDataViewEvent& e) {
        const std::string target = layerOfItem(e.GetItem().GetID());
        if (m_dragged.empty() || target.empty() || target == m_dragged ||
            render::layerGroup(target) != render::layerGroup(m_dragged))
            e.Veto();
    });
    view->Bind(wxEVT_DATAVIEW_ITEM_DROP, [this](wxDataViewEvent& e) {
        const std::string target = layerOfItem(e.GetItem().GetID());
        const std::string layer = std::exchange(m_dragged, std::string());
        if (layer.empty() || target.empty() || !dropOn(layer, target))
            e.Veto();
    });
    m_style->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        if (onEditStyle && !selectedLayer().empty())
            onEditStyle(selectedLayer());
    });
    m_tree->Bind(wxEVT_TREELIST_ITEM_ACTIVATED, [this](wxTreeListEvent&) {
        if (onEditStyle && !selectedLayer().empty())
            onEditStyle(selectedLayer());
    });
    m_tree->Bind(wxEVT_TREELIST_ITEM_CONTEXT_MENU, [this](wxTreeListEvent& e) {
        const std::string layer = layerOfItem(e.GetItem().GetID());
        if (layer.empty())
            return;
        select(layer);
        wxMenu menu;
        const int styleId = wxWindow::NewControlId(), zoomId = wxWindow::NewControlId();
        menu.Append(styleId, wtr("Style…"));
        menu.Append(zoomId, wtr("Zoom to layer"));
        const int chosen = GetPopupMenuSelectionFromUser(menu);
        if (chosen == styleId && onEditStyle)
            onEditStyle(layer);
        else if (chosen == zoomId && onZoomToLayer)
            onZoomToLayer(layer);
    });
    m_up->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { move(selectedLayer(), -1); });
    m_down->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { move(selectedLayer(), +1); });
    m_opacity->Bind(wxEVT_SLIDER, [this](wxCommandEvent&) {
        if (!m_updating && !selectedLayer().empty())
            setOpacity(selectedLayer(), m_opacity->GetValue() / 100.0);
    });
    auto scaleChanged = [this](wxSpinEvent&) {
        if (!m_updating && !selectedLayer().empty())
            setScaleRange(selectedLayer(), m_minScale->GetValue(), m_maxScale->GetValue());
    };
    m_minScale->Bind(wxEVT_SPINCTRL, scaleChanged);
    m_maxScale->Bind(wxEVT_SPINCTRL, scaleChanged);
    updateControls();
}

void LayerPanel::setState(const render::MapState& state)
{
    m_state = state;
    rebuild();
}

void LayerPanel::setLayers(const std::vector<std::string>& bottomToTop, const std::vector<std::string>& hidden)
{
    render::MapState st;
    for (const auto& name : bottomToTop) {
        render::LayerView v;
        v.layer = name;
        v.visible = std::find(hidden.begin(), hidden.end(), name) == hidden.end();
        st.layers.push_back(v);
    }
    st.bookmarks = m_state.bookmarks;
    st.theme = m_state.theme;
    setState(st);
}

void LayerPanel::rebuild()
{
    const std::string selected = selectedLayer();
    m_updating = true;
    m_tree->DeleteAllItems();
    m_items.clear();
    m_groups.clear();
    for (const auto& g : render::layerGroups()) {
        std::vector<const render::LayerView*> members;  // top first
        for (auto it = m_state.layers.rbegin(); it != m_state.layers.rend(); ++it)
            if (render::layerGroup(it->layer) == g.id)
                members.push_back(&*it);
        if (members.empty())
            continue;
        const wxTreeListItem gi = m_tree->AppendItem(m_tree->GetRootItem(), wtr(g.label));
        m_groups.emplace_back(gi, g.id);
        for (const auto* v : members) {
            wxString label = layerLabel(v->layer);
            if (v->opacity < 1)
                label << wxString::Format("  (%d %%)", static_cast<int>(std::lround(v->opacity * 100)));
            const wxTreeListItem li = m_tree->AppendItem(gi, label);
            m_tree->CheckItem(li, v->visible ? wxCHK_CHECKED : wxCHK_UNCHECKED);
            m_items.emplace_back(li, v->layer);
        }
        m_tree->UpdateItemParentStateRecursively(m_tree->GetFirstChild(gi));
        m_tree->Expand(gi);
    }
    m_updating = false;
    if (!selected.empty())
        select(selected);
    updateControls();
}

std::vector<std::string> LayerPanel::orderBottomToTop() const
{
    std::vector<std::string> out;
    for (const auto& v : m_state.layers)
        out.push_back(v.layer);
    return out;
}

std::vector<std::string> LayerPanel::hidden() const
{
    std::vector<std::string> out;
    for (const auto& v : m_state.layers)
        if (!v.visible)
            out.push_back(v.layer);
    return out;
}

std::vector<render::MapSettings::LayerDisplay> LayerPanel::display() const
{
    render::MapSettings s;
    render::applyMapState(m_state, s);
    return s.display;
}

render::LayerView* LayerPanel::find(const std::string& layer)
{
    for (auto& v : m_state.layers)
        if (v.layer == layer)
            return &v;
    return nullptr;
}

std::string LayerPanel::selectedLayer() const
{
    const wxTreeListItem sel = m_tree->GetSelection();
    for (const auto& [it, name] : m_items)
        if (it == sel)
            return name;
    return "";
}

void LayerPanel::select(const std::string& layer)
{
    for (const auto& [it, name] : m_items)
        if (name == layer) {
            m_tree->Select(it);
            break;
        }
    updateControls();
}

void LayerPanel::setVisible(const std::string& layer, bool visible)
{
    if (auto* v = find(layer)) {
        v->visible = visible;
        rebuild();
        notify();
    }
}

void LayerPanel::setGroupVisible(const std::string& groupId, bool visible)
{
    for (auto& v : m_state.layers)
        if (render::layerGroup(v.layer) == groupId)
            v.visible = visible;
    rebuild();
    notify();
}

void LayerPanel::setOpacity(const std::string& layer, double opacity)
{
    if (auto* v = find(layer)) {
        v->opacity = std::clamp(opacity, 0.0, 1.0);
        rebuild();
        notify();
    }
}

void LayerPanel::setScaleRange(const std::string& layer, double minScale, double maxScale)
{
    if (auto* v = find(layer)) {
        v->minScale = std::max(0.0, minScale);
        v->maxScale = std::max(0.0, maxScale);
        if (v->minScale > 0 && v->maxScale > 0 && v->minScale > v->maxScale)
            std::swap(v->minScale, v->maxScale);
        rebuild();
        notify();
    }
}

void LayerPanel::move(const std::string& layer, int delta)
{
    // The next layer of the same group in the drawing order (delta -1 = up = later in order).
    auto& L = m_state.layers;
    auto it = std::find_if(L.begin(), L.end(), [&](const render::LayerView& v) { return v.layer == layer; });
    if (it == L.end())
        return;
    const std::string group = render::layerGroup(layer);
    const int step = delta < 0 ? +1 : -1;
    for (long j = (it - L.begin()) + step; j >= 0 && j < static_cast<long>(L.size()); j += step)
        if (render::layerGroup(L[static_cast<size_t>(j)].layer) == group) {
            std::swap(*it, L[static_cast<size_t>(j)]);
            rebuild();
            select(layer);
            notify();
            return;
        }
}

std::string LayerPanel::layerOfItem(const void* id) const
{
    if (!id)
        return "";
    for (const auto& [it, name] : m_items)
        if (it.GetID() == id)
            return name;
    return "";
}

bool LayerPanel::dropOn(const std::string& layer, const std::string& target)
{
    const auto& L = m_state.layers;
    auto pos = [&](const std::string& n) {
        return std::find_if(L.begin(), L.end(), [&](const render::LayerView& v) { return v.layer == n; }) - L.begin();
    };
    // Dragged upwards in the tree (onto a layer drawn later): above it; downwards: below it.
    const bool above = pos(layer) < pos(target);
    if (!render::moveLayer(m_state, layer, target, above))
        return false;
    rebuild();
    select(layer);
    notify();
    return true;
}

void LayerPanel::setClassHidden(const std::string& layer, int classIndex, bool hidden)
{
    if (render::setClassHidden(m_state, layer, classIndex, hidden))
        notify();
}

wxCheckBoxState LayerPanel::groupCheckState(const std::string& groupId) const
{
    for (const auto& [it, id] : m_groups)
        if (id == groupId)
            return m_tree->GetCheckedState(it);
    return wxCHK_UNDETERMINED;
}

void LayerPanel::updateControls()
{
    const std::string sel = selectedLayer();
    const render::LayerView* v = sel.empty() ? nullptr : find(sel);
    m_updating = true;
    m_up->Enable(v != nullptr);
    m_down->Enable(v != nullptr);
    m_style->Enable(v != nullptr && v->layer != render::kHillshadeLayer && v->layer != render::kPlaceLabelsLayer);
    m_opacity->Enable(v != nullptr);
    m_minScale->Enable(v != nullptr);
    m_maxScale->Enable(v != nullptr);
    m_opacity->SetValue(v ? static_cast<int>(std::lround(v->opacity * 100)) : 100);
    m_minScale->SetValue(v ? static_cast<int>(v->minScale) : 0);
    m_maxScale->SetValue(v ? static_cast<int>(v->maxScale) : 0);
    m_updating = false;
}

void LayerPanel::notify()
{
    if (onChanged)
        onChanged();
}

} // namespace bando::app
