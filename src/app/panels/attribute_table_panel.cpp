#include "app/panels/attribute_table_panel.hpp"

#include "app/bridge/bridge.hpp"
#include "core/expr/expression.hpp"
#include "core/io/csv_util.hpp"

#include <unicode/coll.h>
#include <unicode/locid.h>

#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/choice.h>
#include <wx/clipbrd.h>
#include <wx/grid.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace bando::app {

// The virtual table: rows are the panel's shown rows, columns the layer's fields.
class AttributeGridTable : public wxGridTableBase {
public:
    explicit AttributeGridTable(AttributeTablePanel& p) : m_p(p) {}
    int GetNumberRows() override { return static_cast<int>(m_p.shownRows().size()); }
    int GetNumberCols() override { return static_cast<int>(m_p.layer().fields.size()); }
    wxString GetValue(int row, int col) override
    {
        const Feature* f = feature(row);
        if (!f || col < 0 || static_cast<size_t>(col) >= f->values.size())
            return {};
        const Value& v = f->values[static_cast<size_t>(col)];
        if (isNull(v))
            return {};
        if (const auto* d = std::get_if<double>(&v)) {
            wxString s = wxString::FromCDouble(*d, 4);
            while (s.Contains(".") && (s.EndsWith("0") || s.EndsWith(".")))
                s.RemoveLast();
            return s;
        }
        return wx(toString(v));
    }
    void SetValue(int row, int col, const wxString& value) override
    {
        const Feature* f = feature(row);
        if (!f || !m_p.onEdit || col < 0)
            return;
        const std::string field = m_p.layer().fields[static_cast<size_t>(col)].name;
        m_p.onEdit(m_p.layerName(), f->fid, field, utf8(value));  // the frame updates the cell
    }
    bool IsEmptyCell(int row, int col) override { return GetValue(row, col).empty(); }
    wxString GetColLabelValue(int col) override
    {
        const auto& fields = m_p.layer().fields;
        return col >= 0 && static_cast<size_t>(col) < fields.size() ? wx(fields[static_cast<size_t>(col)].name) : wxString();
    }
    wxString GetRowLabelValue(int row) override
    {
        const Feature* f = feature(row);
        return f ? wxString::Format("%lld", static_cast<long long>(f->fid)) : wxString();
    }

private:
    const Feature* feature(int row) const
    {
        const auto& rows = m_p.shownRows();
        if (row < 0 || static_cast<size_t>(row) >= rows.size())
            return nullptr;
        return &m_p.layer().features[rows[static_cast<size_t>(row)]];
    }
    AttributeTablePanel& m_p;
};

AttributeTablePanel::AttributeTablePanel(wxWindow* parent) : wxPanel(parent, wxID_ANY)
{
    // first row: layer and filter expression; second row: the buttons
    auto* filterRow = new wxBoxSizer(wxHORIZONTAL);
    m_layerChoice = new wxChoice(this, wxID_ANY, wxDefaultPosition, wxSize(160, -1));
    filterRow->Add(m_layerChoice, 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 6);
    filterRow->Add(new wxStaticText(this, wxID_ANY, wtr("Filter:")), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 4);
    m_filter = new wxTextCtrl(this, wxID_ANY, "", wxDefaultPosition, wxSize(300, -1), wxTE_PROCESS_ENTER);
    m_filter->SetHint(wx("\"households\" > 100 AND \"class\" IN ('no_signal', 'unstable')"));
    filterRow->Add(m_filter, 1, wxALIGN_CENTER_VERTICAL);
    auto* top = new wxBoxSizer(wxHORIZONTAL);
    auto* selectBtn = new wxButton(this, wxID_ANY, wtr("Select"));
    selectBtn->SetToolTip(wtr("Select the features the expression matches"));
    top->Add(selectBtn, 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 4);
    m_onlySelected = new wxCheckBox(this, wxID_ANY, wtr("Only selected"));
    top->Add(m_onlySelected, 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 4);
    auto* zoomBtn = new wxButton(this, wxID_ANY, wtr("Zoom to selection"));
    top->Add(zoomBtn, 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 4);
    auto* copyBtn = new wxButton(this, wxID_ANY, wtr("Copy as CSV"));
    top->Add(copyBtn, 0, wxALIGN_CENTER_VERTICAL);

    m_message = new wxStaticText(this, wxID_ANY, "");
    m_grid = new wxGrid(this, wxID_ANY);
    m_table = new AttributeGridTable(*this);
    m_grid->SetTable(m_table, true, wxGrid::wxGridSelectRows);
    m_grid->SetDefaultRowSize(22);
    m_grid->SetRowLabelSize(60);
    m_grid->SetColLabelSize(24);
    m_grid->UseNativeColHeader(true);

    auto* sizer = new wxBoxSizer(wxVERTICAL);
    sizer->Add(filterRow, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, 4);
    sizer->Add(top, 0, wxEXPAND | wxALL, 4);
    sizer->Add(m_message, 0, wxEXPAND | wxLEFT | wxRIGHT, 6);
    sizer->Add(m_grid, 1, wxEXPAND);
    SetSizer(sizer);

    m_layerChoice->Bind(wxEVT_CHOICE, [this](wxCommandEvent& e) {
        const int i = e.GetSelection();
        if (i >= 0 && static_cast<size_t>(i) < m_layerNames.size())
            guarded(this, wtr("Attribute table"), [&] { showLayer(m_layerNames[static_cast<size_t>(i)]); });
    });
    m_filter->Bind(wxEVT_TEXT_ENTER, [this](wxCommandEvent&) {
        try {
            setFilter(utf8(m_filter->GetValue()));
        } catch (const std::exception&) {
            // the message is shown under the filter box
        }
    });
    selectBtn->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        try {
            selectByExpression(utf8(m_filter->GetValue()));
        } catch (const std::exception&) {
        }
    });
    m_onlySelected->Bind(wxEVT_CHECKBOX, [this](wxCommandEvent& e) { setShowOnlySelected(e.IsChecked()); });
    copyBtn->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { copySelectionToClipboard(); });
    zoomBtn->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        Extent e;
        for (size_t i : m_selection)
            e.expand(m_layer.features[i].geom.extent());
        if (!e.isEmpty() && onZoomTo)
            onZoomTo(e);
    });
    m_grid->Bind(wxEVT_GRID_COL_SORT, [this](wxGridEvent& e) {
        const int col = e.GetCol();
        if (col < 0 || static_cast<size_t>(col) >= m_layer.fields.size())
            return;
        const std::string field = m_layer.fields[static_cast<size_t>(col)].name;
        sortBy(field, field == m_sortField ? !m_sortAscending : true);
        m_grid->SetSortingColumn(col, m_sortAscending);
    });
    m_grid->Bind(wxEVT_GRID_RANGE_SELECTED, [this](wxGridRangeSelectEvent& e) {
        e.Skip();
        if (!m_syncing)
            CallAfter([this] { gridSelectionToModel(); });
    });
    m_grid->Bind(wxEVT_GRID_LABEL_LEFT_DCLICK, [this](wxGridEvent& e) {
        const int row = e.GetRow();
        if (row >= 0 && static_cast<size_t>(row) < m_rows.size() && onZoomTo)
            onZoomTo(m_layer.features[m_rows[static_cast<size_t>(row)]].geom.extent());
    });
}

AttributeTablePanel::~AttributeTablePanel() = default;

void AttributeTablePanel::setLayers(std::vector<std::string> names, std::function<const Layer*(const std::string&)> get)
{
    m_layerNames = std::move(names);
    m_getLayer = std::move(get);
    m_layerChoice->Clear();
    for (const auto& n : m_layerNames)
        m_layerChoice->Append(wx(n));
    const std::string keep = m_layerName;
    m_layerName.clear();
    if (!m_layerNames.empty())
        showLayer(std::find(m_layerNames.begin(), m_layerNames.end(), keep) != m_layerNames.end() ? keep
                                                                                                   : m_layerNames.front());
}

std::vector<size_t> AttributeTablePanel::allRows() const
{
    std::vector<size_t> r(m_layer.features.size());
    for (size_t i = 0; i < r.size(); ++i)
        r[i] = i;
    return r;
}

void AttributeTablePanel::showLayer(const std::string& name)
{
    const Layer* l = m_getLayer ? m_getLayer(name) : nullptr;
    if (!l)
        return;
    const int oldCols = m_table->GetNumberCols();
    const int oldRows = m_table->GetNumberRows();
    m_layerName = name;
    m_layer = *l;
    m_filterText.clear();
    m_filter->ChangeValue("");
    m_message->SetLabel("");
    m_filtered = allRows();
    m_selection.clear();
    m_sortField.clear();
    m_rows = m_filtered;
    auto it = std::find(m_layerNames.begin(), m_layerNames.end(), name);
    if (it != m_layerNames.end())
        m_layerChoice->SetSelection(static_cast<int>(it - m_layerNames.begin()));
    m_grid->BeginBatch();
    if (oldRows > 0) {
        wxGridTableMessage m(m_table, wxGRIDTABLE_NOTIFY_ROWS_DELETED, 0, oldRows);
        m_grid->ProcessTableMessage(m);
    }
    if (oldCols > 0) {
        wxGridTableMessage m(m_table, wxGRIDTABLE_NOTIFY_COLS_DELETED, 0, oldCols);
        m_grid->ProcessTableMessage(m);
    }
    if (!m_layer.fields.empty()) {
        wxGridTableMessage m(m_table, wxGRIDTABLE_NOTIFY_COLS_APPENDED, static_cast<int>(m_layer.fields.size()));
        m_grid->ProcessTableMessage(m);
    }
    if (!m_rows.empty()) {
        wxGridTableMessage m(m_table, wxGRIDTABLE_NOTIFY_ROWS_APPENDED, static_cast<int>(m_rows.size()));
        m_grid->ProcessTableMessage(m);
    }
    m_grid->EndBatch();
    m_grid->AutoSizeColumns(false);
    if (onSelectionChanged)
        onSelectionChanged(m_layerName, m_selection);
}

void AttributeTablePanel::setFilter(const std::string& expression)
{
    try {
        m_filtered = expression.empty() ? allRows() : expr::filter(m_layer, expression);
    } catch (const std::exception& e) {
        m_message->SetLabel(wx(e.what()));
        m_message->SetForegroundColour(*wxRED);
        Layout();
        throw;
    }
    m_filterText = expression;
    m_filter->ChangeValue(wx(expression));
    m_message->SetForegroundColour(GetForegroundColour());
    m_message->SetLabel(expression.empty() ? wxString()
                                           : wxString::Format(wtr("%zu of %zu features match the filter"),
                                                              m_filtered.size(), m_layer.features.size()));
    Layout();
    refreshRows();
}

size_t AttributeTablePanel::selectByExpression(const std::string& expression)
{
    std::vector<size_t> hits;
    try {
        hits = expr::filter(m_layer, expression);
    } catch (const std::exception& e) {
        m_message->SetLabel(wx(e.what()));
        m_message->SetForegroundColour(*wxRED);
        Layout();
        throw;
    }
    setSelection(std::set<size_t>(hits.begin(), hits.end()));
    return hits.size();
}

void AttributeTablePanel::sortBy(const std::string& field, bool ascending)
{
    m_sortField = field;
    m_sortAscending = ascending;
    refreshRows();
}

void AttributeTablePanel::setShowOnlySelected(bool only)
{
    m_onlySelected->SetValue(only);
    refreshRows();
}

void AttributeTablePanel::refreshRows()
{
    const int oldRows = static_cast<int>(m_rows.size());
    m_rows.clear();
    for (size_t i : m_filtered)
        if (!m_onlySelected->GetValue() || m_selection.count(i))
            m_rows.push_back(i);
    const int col = m_layer.fieldIndex(m_sortField);
    if (col >= 0) {
        const auto c = static_cast<size_t>(col);
        UErrorCode err = U_ZERO_ERROR;
        std::unique_ptr<icu::Collator> coll(icu::Collator::createInstance(icu::Locale("vi"), err));
        std::map<size_t, std::string> keys;
        if (m_layer.fields[c].type == FieldType::Text && coll && U_SUCCESS(err))
            for (size_t i : m_rows) {
                const icu::UnicodeString u = icu::UnicodeString::fromUTF8(toString(m_layer.features[i].values[c]));
                std::string k(static_cast<size_t>(coll->getSortKey(u, nullptr, 0)), '\0');
                coll->getSortKey(u, reinterpret_cast<uint8_t*>(k.data()), static_cast<int32_t>(k.size()));
                keys[i] = std::move(k);
            }
        auto less = [&](size_t a, size_t b) {
            const Value& va = m_layer.features[a].values[c];
            const Value& vb = m_layer.features[b].values[c];
            if (isNull(va) != isNull(vb))
                return isNull(vb);  // NULLs last
            if (isNull(va))
                return false;
            if (!keys.empty())
                return keys[a] < keys[b];
            const auto x = toReal(va), y = toReal(vb);
            if (x && y)
                return *x < *y;
            return toString(va) < toString(vb);
        };
        std::stable_sort(m_rows.begin(), m_rows.end(), [&](size_t a, size_t b) { return m_sortAscending ? less(a, b) : less(b, a); });
    }
    m_grid->BeginBatch();
    if (oldRows > 0) {
        wxGridTableMessage m(m_table, wxGRIDTABLE_NOTIFY_ROWS_DELETED, 0, oldRows);
        m_grid->ProcessTableMessage(m);
    }
    if (!m_rows.empty()) {
        wxGridTableMessage m(m_table, wxGRIDTABLE_NOTIFY_ROWS_APPENDED, static_cast<int>(m_rows.size()));
        m_grid->ProcessTableMessage(m);
    }
    m_grid->EndBatch();
    modelSelectionToGrid();
    m_grid->ForceRefresh();
}

void AttributeTablePanel::setSelection(std::set<size_t> features, bool notify)
{
    m_selection = std::move(features);
    if (m_onlySelected->GetValue())
        refreshRows();
    else
        modelSelectionToGrid();
    if (notify && onSelectionChanged)
        onSelectionChanged(m_layerName, m_selection);
}

void AttributeTablePanel::modelSelectionToGrid()
{
    m_syncing = true;
    m_grid->BeginBatch();
    m_grid->ClearSelection();
    for (size_t r = 0; r < m_rows.size(); ++r)
        if (m_selection.count(m_rows[r]))
            m_grid->SelectRow(static_cast<int>(r), true);
    m_grid->EndBatch();
    m_syncing = false;
}

void AttributeTablePanel::gridSelectionToModel()
{
    std::set<size_t> sel;
    for (int r : m_grid->GetSelectedRows())
        if (r >= 0 && static_cast<size_t>(r) < m_rows.size())
            sel.insert(m_rows[static_cast<size_t>(r)]);
    if (sel == m_selection)
        return;
    m_selection = std::move(sel);
    if (onSelectionChanged)
        onSelectionChanged(m_layerName, m_selection);
}

std::string AttributeTablePanel::selectionAsCsv() const
{
    std::string out;
    for (size_t c = 0; c < m_layer.fields.size(); ++c)
        out += (c ? "," : "") + io::csvField(m_layer.fields[c].name);
    out += "\r\n";
    for (size_t i : m_rows) {
        if (!m_selection.empty() && !m_selection.count(i))
            continue;
        const Feature& f = m_layer.features[i];
        for (size_t c = 0; c < m_layer.fields.size(); ++c)
            out += (c ? "," : "") + (isNull(f.values[c]) ? std::string() : io::csvField(toString(f.values[c])));
        out += "\r\n";
    }
    return out;
}

void AttributeTablePanel::copySelectionToClipboard()
{
    wxClipboardLocker lock;
    if (!!lock)
        wxTheClipboard->SetData(new wxTextDataObject(wx(selectionAsCsv())));
}

void AttributeTablePanel::updateValue(int64_t fid, const std::string& field, const Value& v)
{
    const int c = m_layer.fieldIndex(field);
    if (c < 0)
        return;
    for (auto& f : m_layer.features)
        if (f.fid == fid)
            f.values[static_cast<size_t>(c)] = v;
    m_grid->ForceRefresh();
}

} // namespace bando::app
