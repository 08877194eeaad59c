#pragma once
// The layer tree: the core's groups (render::layerGroups: Administrative, Telecom, Digital
// economy, Analysis, Context) with a tri-state checkbox each, the layers under them in drawing
// order (top of a group drawn last), up/down buttons that move a layer within its group, and the
// selected layer's opacity and visibility scale range. Layers are dragged to a new place within
// their group (render::moveLayer); the legend's class toggles land here (setClassHidden). The state is a render::MapState (what the
// project stores); the panel only shows and edits it.
#include "core/render/layer_tree.hpp"

#include <wx/button.h>
#include <wx/panel.h>
#include <wx/slider.h>
#include <wx/spinctrl.h>
#include <wx/treelist.h>

#include <functional>
#include <string>
#include <vector>

namespace bando::app {

// Translated display name of a project layer ("villages" -> "Thôn, bản").
wxString layerLabel(const std::string& layerName);

class LayerPanel : public wxPanel {
public:
    explicit LayerPanel(wxWindow* parent);

    // Shows `state` (layers bottom to top). Does not notify.
    void setState(const render::MapState& state);
    const render::MapState& state() const { return m_state; }
    // Convenience forms used by the frame and the tests.
    void setLayers(const std::vector<std::string>& bottomToTop, const std::vector<std::string>& hidden = {});
    std::vector<std::string> orderBottomToTop() const;
    std::vector<std::string> hidden() const;
    std::vector<render::MapSettings::LayerDisplay> display() const;

    // Edits (each notifies), as the controls do them.
    void setVisible(const std::string& layer, bool visible);
    void setGroupVisible(const std::string& groupId, bool visible);  // every layer of the group
    void setOpacity(const std::string& layer, double opacity);
    void setScaleRange(const std::string& layer, double minScale, double maxScale);
    void select(const std::string& layer);
    // Moves `layer` up (delta -1, drawn later) or down within its group.
    void move(const std::string& layer, int delta);
    // A drag of `layer` dropped on `target`: it takes the target's place in the tree (above it
    // when dragged upwards, below it when dragged downwards). False when they are in different
    // groups (nothing changes).
    bool dropOn(const std::string& layer, const std::string& target);
    // Legend toggle of one class (notifies).
    void setClassHidden(const std::string& layer, int classIndex, bool hidden);
    // The tree's checkbox state of a group: wxCHK_CHECKED, wxCHK_UNCHECKED or wxCHK_UNDETERMINED.
    wxCheckBoxState groupCheckState(const std::string& groupId) const;

    std::function<void()> onChanged;  // order, visibility, opacity or scale range changed
    // The selected layer's "Style…" (button, double-click, context menu) and "Zoom to layer".
    std::function<void(const std::string& layer)> onEditStyle;
    std::function<void(const std::string& layer)> onZoomToLayer;
    std::string selected() const { return selectedLayer(); }

private:
    void rebuild();
    void notify();
    void updateControls();
    render::LayerView* find(const std::string& layer);
    std::string selectedLayer() const;
    std::string layerOfItem(const void* itemId) const;  // "" for a group or no item
    std::string m_dragged;  // the layer being dragged

    wxTreeListCtrl* m_tree;
    wxButton* m_up;
    wxButton* m_down;
    wxButton* m_style;
    wxSlider* m_opacity;
    wxSpinCtrl* m_minScale;
    wxSpinCtrl* m_maxScale;
    render::MapState m_state;
    std::vector<std::pair<wxTreeListItem, std::string>> m_items;   // layer items
    std::vector<std::pair<wxTreeListItem, std::string>> m_groups;  // group items
    bool m_updating = false;
};

} // namespace bando::app
