#pragma once
// The attribute table of one layer (a virtual wxGrid): sort by a column, filter by an expression
// (core/expr: parsed by Bando, never SQL), selection shared with the map (the frame keeps it and
// draws it), zoom to the row, copy the selected rows as CSV, show only the selected rows, and
// edit a cell (the frame runs the core edit with its validation and undo).
#include "core/model/layer.hpp"

#include <wx/panel.h>

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

class wxGrid;
class wxChoice;
class wxTextCtrl;
class wxCheckBox;
class wxStaticText;

namespace bando::app {

class AttributeGridTable;

class AttributeTablePanel : public wxPanel {
public:
    explicit AttributeTablePanel(wxWindow* parent);
    ~AttributeTablePanel() override;

    // The layers the chooser offers (names) and where to get them (copies, map CRS).
    void setLayers(std::vector<std::string> names, std::function<const Layer*(const std::string&)> get);
    // Shows a layer (all rows, no filter, selection cleared).
    void showLayer(const std::string& name);
    const std::string& layerName() const { return m_layerName; }
    const Layer& layer() const { return m_layer; }

    // Filters the shown rows by an expression ("" = all rows). Throws expr::ExprError; the
    // message also shows under the filter box.
    void setFilter(const std::string& expression);
    const std::string& filter() const { return m_filterText; }
    // Selects the features the expression matches (select by expression); returns the count.
    size_t selectByExpression(const std::string& expression);
    // Sorts the shown rows by a field, numbers as numbers, text in Vietnamese collation.
    void sortBy(const std::string& field, bool ascending);
    void setShowOnlySelected(bool only);

    // Rows shown (feature indices into layer().features, in display order).
    const std::vector<size_t>& shownRows() const { return m_rows; }
    // Selected features (indices into layer().features).
    const std::set<size_t>& selection() const { return m_selection; }
    void setSelection(std::set<size_t> features, bool notify = true);
    // The selected rows (or all shown rows when none is selected) as CSV with a header.
    std::string selectionAsCsv() const;
    void copySelectionToClipboard();

    // A value changed outside the table (edit, undo, redo): updates the cell.
    void updateValue(int64_t fid, const std::string& field, const Value& v);

    // Set by the frame.
    std::function<void(const std::string& layer, const std::set<size_t>& selection)> onSelectionChanged;
    std::function<void(const Extent& mapExtent)> onZoomTo;
    // Runs the edit; returns the stored value on success, nullopt when refused (the frame showed why).
    std::function<std::optional<Value>(const std::string& layer, int64_t fid, const std::string& field,
                                       const std::string& text)>
        onEdit;

    wxGrid* grid() const { return m_grid; }
    wxTextCtrl* filterCtrl() const { return m_filter; }

private:
    void refreshRows();
    void gridSelectionToModel();
    void modelSelectionToGrid();
    std::vector<size_t> allRows() const;

    wxChoice* m_layerChoice = nullptr;
    wxTextCtrl* m_filter = nullptr;
    wxCheckBox* m_onlySelected = nullptr;
    wxStaticText* m_message = nullptr;
    wxGrid* m_grid = nullptr;
    AttributeGridTable* m_table = nullptr;  // owned by the grid

    std::vector<std::string> m_layerNames;
    std::function<const Layer*(const std::string&)> m_getLayer;
    std::string m_layerName;
    Layer m_layer;
    std::string m_filterText;
    std::vector<size_t> m_filtered;  // rows passing the filter (all when no filter)
    std::vector<size_t> m_rows;      // shown: filtered (and selected, if only selected), sorted
    std::string m_sortField;
    bool m_sortAscending = true;
    std::set<size_t> m_selection;
    bool m_syncing = false;
};

} // namespace bando::app
