#include "app/dialogs/style_dialog.hpp"

#include "app/bridge/bridge.hpp"
#include "app/panels/layer_panel.hpp"
#include "core/base/error.hpp"

#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/choice.h>
#include <wx/clrpicker.h>
#include <wx/cursor.h>
#include <wx/dcbuffer.h>
#include <wx/panel.h>
#include <wx/settings.h>
#include <wx/sizer.h>
#include <wx/spinctrl.h>
#include <wx/statbox.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include <algorithm>
#include <cmath>
#include <sstream>

namespace bando::app {

// The histogram of the classified field with the class edges drawn over it, each class
// shaded in its ramp colour.
class HistogramPanel : public wxPanel {
public:
    explicit HistogramPanel(wxWindow* parent) : wxPanel(parent, wxID_ANY, wxDefaultPosition, wxSize(420, 120))
    {
        SetBackgroundStyle(wxBG_STYLE_PAINT);
        Bind(wxEVT_PAINT, &HistogramPanel::onPaint, this);
        Bind(wxEVT_LEFT_DOWN, &HistogramPanel::onMouse, this);
        Bind(wxEVT_LEFT_UP, &HistogramPanel::onMouse, this);
        Bind(wxEVT_MOTION, &HistogramPanel::onMouse, this);
        Bind(wxEVT_MOUSE_CAPTURE_LOST, [this](wxMouseCaptureLostEvent&) { endDrag(); });
    }
    // A break line dragged with the mouse: (index, new value, true on release).
    std::function<void(size_t, double, bool)> onEdgeDragged;
    // The pixel column of edge i (clamped to the axis), -1 when there is no axis.
    int edgeX(size_t i) const
    {
        int left = 0, right = 0;
        if (!axis(left, right) || i >= m_edges.size())
            return -1;
        return xOf(m_edges[i], left, right);
    }
    void set(style::Histogram h, std::vector<double> edges, std::vector<uint32_t> colours)
    {
        m_hist = std::move(h);
        m_edges = std::move(edges);
        m_colours = std::move(colours);
        Refresh();
    }
    const style::Histogram& hist() const { return m_hist; }

private:
    bool axis(int& left, int& right) const
    {
        const wxSize sz = GetClientSize();
        left = 6;
        right = sz.x - 6;
        return !m_hist.counts.empty() && right > left;
    }
    int xOf(double v, int left, int right) const
    {
        const double lo = m_hist.min, hi = m_hist.max, span = hi > lo ? hi - lo : 1;
        return left + static_cast<int>(std::lround((std::clamp(v, lo, hi) - lo) / span * (right - left)));
    }

    // Drag an inner break (not the first or last edge) between its neighbours; the value is
    // rounded to about 1/200 of the axis, to a power of ten.
    void onMouse(wxMouseEvent& e)
    {
        int left = 0, right = 0;
        if (!axis(left, right) || m_edges.size() < 3) {
            e.Skip();
            return;
        }
        const int x = e.GetX();
        if (e.LeftDown()) {
            int best = -1, bestD = 6;
            for (size_t i = 1; i + 1 < m_edges.size(); ++i)
                if (const int d = std::abs(xOf(m_edges[i], left, right) - x); d < bestD) {
                    bestD = d;
                    best = static_cast<int>(i);
                }
            m_drag = best;
            if (m_drag >= 0 && !HasCapture())
                CaptureMouse();
        } else if (e.Dragging() && m_drag >= 0) {
            const size_t i = static_cast<size_t>(m_drag);
            const double lo = m_hist.min, hi = m_hist.max, span = hi > lo ? hi - lo : 1;
            const double step = std::pow(10.0, std::floor(std::log10(span / 200)));
            double v = std::round((lo + static_cast<double>(x - left) / (right - left) * span) / step) * step;
            const double below = m_edges[i - 1], above = m_edges[i + 1];
            v = std::clamp(v, below + step, above - step);
            if (v > below && v < above && v != m_edges[i]) {
                m_edges[i] = v;
                Refresh();
                if (onEdgeDragged)
                    onEdgeDragged(i, v, false);
            }
        } else if (e.LeftUp() && m_drag >= 0) {
            const size_t i = static_cast<size_t>(m_drag);
            endDrag();
            if (onEdgeDragged)
                onEdgeDragged(i, m_edges[i], true);
        }
        const bool onEdge = std::any_of(m_edges.begin(), m_edges.end(),
                                        [&](double v) { return std::abs(xOf(v, left, right) - x) < 6; });
        SetCursor(m_drag >= 0 || onEdge ? wxCursor(wxCURSOR_SIZEWE) : wxNullCursor);
    }
    void endDrag()
    {
        m_drag = -1;
        if (HasCapture())
            ReleaseMouse();
    }

    void onPaint(wxPaintEvent&)
    {
        wxAutoBufferedPaintDC dc(this);
        dc.SetBackground(wxBrush(wxSystemSettings::GetColour(wxSYS_COLOUR_WINDOW)));
        dc.Clear();
        const wxSize sz = GetClientSize();
        const int left = 6, right = sz.x - 6, top = 6, bottom = sz.y - 18;
        if (m_hist.counts.empty() || right <= left || bottom <= top) {
            dc.SetTextForeground(wxSystemSettings::GetColour(wxSYS_COLOUR_GRAYTEXT));
            dc.DrawText(wtr("No numeric values to show"), left, top);
            return;
        }
        // The axis spans the values; an edge beyond them is drawn at the border.
        const double lo = m_hist.min, hi = m_hist.max;
        const double span = hi > lo ? hi - lo : 1;
        auto xOf = [&](double v) {
            return left + static_cast<int>(std::lround((std::clamp(v, lo, hi) - lo) / span * (right - left)));
        };
        const int peak = std::max(1, *std::max_element(m_hist.counts.begin(), m_hist.counts.end()));
        const size_t n = m_hist.counts.size();
        const double bw = (m_hist.max - m_hist.min) / static_cast<double>(n);
        for (size_t b = 0; b < n; ++b) {
            const double v0 = m_hist.min + bw * static_cast<double>(b);
            const double mid = v0 + bw / 2;
            const int cls = style::classIndex(m_edges, mid);
            const uint32_t c = cls >= 0 && static_cast<size_t>(cls) < m_colours.size() ? m_colours[static_cast<size_t>(cls)] : 0xb0b0b0;
            const int x0 = xOf(v0), x1 = std::max(x0 + 1, xOf(v0 + bw));
            const int h = static_cast<int>(std::lround(static_cast<double>(m_hist.counts[b]) / peak * (bottom - top)));
            dc.SetPen(wxPen(wxColour(0x70, 0x70, 0x70)));
            dc.SetBrush(wxBrush(wxColour((c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff)));
            if (h > 0)
                dc.DrawRectangle(x0, bottom - h, x1 - x0, h);
        }
        dc.SetPen(wxPen(wxColour(0xc0, 0x20, 0x20), 2));
        for (double e : m_edges)
            dc.DrawLine(xOf(e), top, xOf(e), bottom + 3);
        dc.SetPen(wxPen(wxSystemSettings::GetColour(wxSYS_COLOUR_WINDOWTEXT)));
        dc.DrawLine(left, bottom, right, bottom);
        dc.SetTextForeground(wxSystemSettings::GetColour(wxSYS_COLOUR_WINDOWTEXT));
        dc.DrawText(wxString::Format("%g", lo), left, bottom + 2);
        const wxString hiText = wxString::Format("%g", hi);
        dc.DrawText(hiText, right - dc.GetTextExtent(hiText).x, bottom + 2);
    }

    style::Histogram m_hist;
    std::vector<double> m_edges;
    std::vector<uint32_t> m_colours;
    int m_drag = -1;  // the break being dragged
};

namespace {

const style::Renderer kRenderers[] = {style::Renderer::Single, style::Renderer::Categorized, style::Renderer::Graduated,
                                      style::Renderer::Heatmap};
const char* const kRendererLabels[] = {N_("Single symbol"), N_("Categorized"), N_("Graduated"),
                                       N_("Heatmap (density)")};
const style::Method kMethods[] = {style::Method::Jenks, style::Method::Quantile, style::Method::EqualInterval,
                                  style::Method::Pretty, style::Method::FixedInterval, style::Method::Manual};
const char* const kMethodLabels[] = {N_("Natural breaks (Jenks)"), N_("Quantile"), N_("Equal interval"),
                                     N_("Pretty breaks"), N_("Fixed interval"), N_("Manual breaks")};
const style::Symbol kSymbols[] = {style::Symbol::Circle, style::Symbol::Square, style::Symbol::Triangle,
                                  style::Symbol::Diamond};
const char* const kSymbolLabels[] = {N_("Circle"), N_("Square"), N_("Triangle"), N_("Diamond")};

template <class T, size_t N>
int indexOf(const T (&arr)[N], T v)
{
    for (size_t i = 0; i < N; ++i)
        if (arr[i] == v)
            return static_cast<int>(i);
    return 0;
}

std::string choiceText(const wxChoice* c, const std::vector<std::string>& values, bool withNone)
{
    const int i = c->GetSelection() - (withNone ? 1 : 0);
    return i >= 0 && static_cast<size_t>(i) < values.size() ? values[static_cast<size_t>(i)] : std::string();
}

void selectText(wxChoice* c, const std::vector<std::string>& values, const std::string& v, bool withNone)
{
    const auto it = std::find(values.begin(), values.end(), v);
    if (it != values.end())
        c->SetSelection(static_cast<int>(it - values.begin()) + (withNone ? 1 : 0));
    else
        c->SetSelection(withNone ? 0 : (values.empty() ? wxNOT_FOUND : 0));
}

wxString edgesText(const std::vector<double>& edges)
{
    std::ostringstream o;  // the C locale: a point, never a comma, inside numbers
    o.imbue(std::locale::classic());
    for (size_t i = 0; i < edges.size(); ++i)
        o << (i ? ", " : "") << edges[i];
    return wx(o.str());
}

} // namespace

StyleDialog::StyleDialog(wxWindow* parent, std::shared_ptr<const render::MapData> data, const style::Style& initial)
    : wxDialog(parent, wxID_ANY, wtr("Layer style") + " — " + layerLabel(initial.layer), wxDefaultPosition,
               wxDefaultSize, wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER, kStyleDialogName),
      m_data(std::move(data)), m_base(initial)
{
    if (const Layer* l = m_data ? m_data->layer(initial.layer) : nullptr)
        for (const auto& f : l->fields) {
            m_fields.push_back(f.name);
            if (f.type == FieldType::Integer || f.type == FieldType::Real)
                m_numericFields.push_back(f.name);
        }

    auto* top = new wxBoxSizer(wxVERTICAL);
    auto label = [&](wxWindow* box, const char* text) { return new wxStaticText(box, wxID_ANY, wtr(text)); };

    // ---- classification ----
    auto* cls = new wxStaticBoxSizer(wxVERTICAL, this, wtr("Symbology"));
    wxWindow* cb = cls->GetStaticBox();
    auto* g = new wxFlexGridSizer(4, 6, 8);
    g->AddGrowableCol(1);
    g->AddGrowableCol(3);
    m_renderer = new wxChoice(cb, wxID_ANY);
    for (const char* t : kRendererLabels)
        m_renderer->Append(wtr(t));
    m_field = new wxChoice(cb, wxID_ANY);
    for (const auto& f : m_fields)
        m_field->Append(wx(f));
    m_method = new wxChoice(cb, wxID_ANY);
    for (const char* t : kMethodLabels)
        m_method->Append(wtr(t));
    m_classes = new wxSpinCtrl(cb, wxID_ANY, "5", wxDefaultPosition, wxSize(150, -1), wxSP_ARROW_KEYS, 2, 12, 5);
    m_interval = new wxSpinCtrlDouble(cb, wxID_ANY, "", wxDefaultPosition, wxSize(150, -1), wxSP_ARROW_KEYS, 0, 1e9, 0, 1);
    m_ramp = new wxChoice(cb, wxID_ANY);
    for (const auto& r : style::ramps())
        m_ramp->Append(wx(r.name) + (r.colourBlindSafe ? wxString(" ✓") : wxString()));
    m_ramp->SetToolTip(wtr("ColorBrewer ramps; ✓ = safe for colour-blind readers"));
    g->Add(label(cb, N_("Renderer")), 0, wxALIGN_CENTER_VERTICAL);
    g->Add(m_renderer, 1, wxEXPAND);
    g->Add(label(cb, N_("Field")), 0, wxALIGN_CENTER_VERTICAL);
    g->Add(m_field, 1, wxEXPAND);
    g->Add(label(cb, N_("Method")), 0, wxALIGN_CENTER_VERTICAL);
    g->Add(m_method, 1, wxEXPAND);
    g->Add(label(cb, N_("Classes")), 0, wxALIGN_CENTER_VERTICAL);
    g->Add(m_classes, 0);
    g->Add(label(cb, N_("Colour ramp")), 0, wxALIGN_CENTER_VERTICAL);
    g->Add(m_ramp, 1, wxEXPAND);
    g->Add(label(cb, N_("Interval")), 0, wxALIGN_CENTER_VERTICAL);
    g->Add(m_interval, 0);
    cls->Add(g, 0, wxEXPAND | wxALL, 4);
    cls->Add(label(cb, N_("Class breaks (edit to set them by hand)")), 0, wxLEFT | wxTOP, 4);
    m_breaks = new wxTextCtrl(cb, wxID_ANY, "", wxDefaultPosition, wxDefaultSize, wxTE_PROCESS_ENTER);
    cls->Add(m_breaks, 0, wxEXPAND | wxALL, 4);
    m_breaksMessage = new wxStaticText(cb, wxID_ANY, "");
    m_breaksMessage->SetForegroundColour(wxColour(0xb0, 0x20, 0x20));
    cls->Add(m_breaksMessage, 0, wxLEFT | wxRIGHT, 4);
    m_histogram = new HistogramPanel(cb);
    cls->Add(m_histogram, 1, wxEXPAND | wxALL, 4);
    top->Add(cls, 1, wxEXPAND | wxALL, 8);

    // ---- symbol ----
    auto* sym = new wxStaticBoxSizer(wxVERTICAL, this, wtr("Symbol"));
    wxWindow* sb = sym->GetStaticBox();
    auto* s = new wxFlexGridSizer(4, 6, 8);
    m_symbol = new wxChoice(sb, wxID_ANY);
    for (const char* t : kSymbolLabels)
        m_symbol->Append(wtr(t));
    m_size = new wxSpinCtrlDouble(sb, wxID_ANY, "", wxDefaultPosition, wxSize(150, -1), wxSP_ARROW_KEYS, 0.2, 30, 2, 0.1);
    m_colour = new wxColourPickerCtrl(sb, wxID_ANY);
    m_opacity = new wxSpinCtrlDouble(sb, wxID_ANY, "", wxDefaultPosition, wxSize(150, -1), wxSP_ARROW_KEYS, 0, 1, 1, 0.05);
    m_radius = new wxSpinCtrl(sb, wxID_ANY, "1500", wxDefaultPosition, wxSize(150, -1), wxSP_ARROW_KEYS, 10, 100000, 1500);
    s->Add(label(sb, N_("Marker")), 0, wxALIGN_CENTER_VERTICAL);
    s->Add(m_symbol, 0);
    s->Add(label(sb, N_("Size (pt)")), 0, wxALIGN_CENTER_VERTICAL);
    s->Add(m_size, 0);
    s->Add(label(sb, N_("Colour")), 0, wxALIGN_CENTER_VERTICAL);
    s->Add(m_colour, 0);
    s->Add(label(sb, N_("Opacity")), 0, wxALIGN_CENTER_VERTICAL);
    s->Add(m_opacity, 0);
    s->Add(label(sb, N_("Heatmap radius (m)")), 0, wxALIGN_CENTER_VERTICAL);
    s->Add(m_radius, 0);
    sym->Add(s, 0, wxALL, 4);
    top->Add(sym, 0, wxEXPAND | wxLEFT | wxRIGHT, 8);

    // ---- labels and scale range ----
    auto* lab = new wxStaticBoxSizer(wxVERTICAL, this, wtr("Labels and scale range"));
    wxWindow* lb = lab->GetStaticBox();
    auto* l = new wxFlexGridSizer(4, 6, 8);
    m_labelField = new wxChoice(lb, wxID_ANY);
    m_labelPriority = new wxChoice(lb, wxID_ANY);
    m_labelField->Append(wtr("(no labels)"));
    m_labelPriority->Append(wtr("(feature order)"));
    for (const auto& f : m_fields)
        m_labelField->Append(wx(f));
    for (const auto& f : m_numericFields)
        m_labelPriority->Append(wx(f));
    m_labelSize = new wxSpinCtrlDouble(lb, wxID_ANY, "", wxDefaultPosition, wxSize(150, -1), wxSP_ARROW_KEYS, 4, 30, 7.5, 0.5);
    m_labelHalo = new wxCheckBox(lb, wxID_ANY, wtr("White halo"));
    m_labelMaxScale = new wxSpinCtrl(lb, wxID_ANY, "0", wxDefaultPosition, wxSize(150, -1), wxSP_ARROW_KEYS, 0, 100000000, 0);
    m_labelMaxScale->SetToolTip(wtr("Labels only when the scale denominator is at most this (0 = always)"));
    m_minScale = new wxSpinCtrl(lb, wxID_ANY, "0", wxDefaultPosition, wxSize(150, -1), wxSP_ARROW_KEYS, 0, 100000000, 0);
    m_maxScale = new wxSpinCtrl(lb, wxID_ANY, "0", wxDefaultPosition, wxSize(150, -1), wxSP_ARROW_KEYS, 0, 100000000, 0);
    l->Add(label(lb, N_("Label field")), 0, wxALIGN_CENTER_VERTICAL);
    l->Add(m_labelField, 0);
    l->Add(label(lb, N_("Priority (larger first)")), 0, wxALIGN_CENTER_VERTICAL);
    l->Add(m_labelPriority, 0);
    l->Add(label(lb, N_("Label size (pt)")), 0, wxALIGN_CENTER_VERTICAL);
    l->Add(m_labelSize, 0);
    l->Add(m_labelHalo, 0, wxALIGN_CENTER_VERTICAL);
    l->AddSpacer(1);
    l->Add(label(lb, N_("Labels up to 1:")), 0, wxALIGN_CENTER_VERTICAL);
    l->Add(m_labelMaxScale, 0);
    l->AddSpacer(1);
    l->AddSpacer(1);
    l->Add(label(lb, N_("Visible from 1:")), 0, wxALIGN_CENTER_VERTICAL);
    l->Add(m_minScale, 0);
    l->Add(label(lb, N_("Visible to 1:")), 0, wxALIGN_CENTER_VERTICAL);
    l->Add(m_maxScale, 0);
    lab->Add(l, 0, wxALL, 4);
    top->Add(lab, 0, wxEXPAND | wxALL, 8);

    top->Add(CreateStdDialogButtonSizer(wxOK | wxCANCEL), 0, wxEXPAND | wxALL, 8);
    SetSizerAndFit(top);

    fromStyle(initial);

    // Dragging a break on the histogram makes the breaks manual, as typing them does.
    m_histogram->onEdgeDragged = [this](size_t i, double v, bool done) {
        if (i >= m_edges.size())
            return;
        m_edges[i] = v;
        m_method->SetSelection(indexOf(kMethods, style::Method::Manual));
        m_updating = true;
        m_breaks->ChangeValue(edgesText(m_edges));
        m_updating = false;
        if (done)
            refresh();
        else
            schedulePreview();
    };
    // Live preview: the map redraws with the unsaved style once the controls rest 250 ms.
    m_previewTimer.SetOwner(this);
    Bind(wxEVT_TIMER, [this](wxTimerEvent&) {
        if (!onPreview)
            return;
        const style::Style s = style();
        try {
            s.validate();
        } catch (const std::exception&) {
            return;  // the message is under the breaks; the map keeps the last good preview
        }
        ++m_previews;
        onPreview(s);
    }, m_previewTimer.GetId());
    auto restyled = [this](wxEvent& e) {
        schedulePreview();
        e.Skip();
    };
    m_symbol->Bind(wxEVT_CHOICE, restyled);
    m_size->Bind(wxEVT_SPINCTRLDOUBLE, restyled);
    m_opacity->Bind(wxEVT_SPINCTRLDOUBLE, restyled);
    m_radius->Bind(wxEVT_SPINCTRL, restyled);
    m_colour->Bind(wxEVT_COLOURPICKER_CHANGED, restyled);
    m_labelField->Bind(wxEVT_CHOICE, restyled);
    m_labelHalo->Bind(wxEVT_CHECKBOX, restyled);

    auto changed = [this](wxCommandEvent&) {
        if (!m_updating)
            refresh();
    };
    m_renderer->Bind(wxEVT_CHOICE, changed);
    m_field->Bind(wxEVT_CHOICE, changed);
    m_method->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) {
        if (m_updating)
            return;
        m_base.edges.clear();  // a computed method replaces typed breaks
        refresh();
    });
    m_ramp->Bind(wxEVT_CHOICE, changed);
    m_classes->Bind(wxEVT_SPINCTRL, [this](wxSpinEvent&) {
        if (!m_updating)
            refresh();
    });
    m_interval->Bind(wxEVT_SPINCTRLDOUBLE, [this](wxSpinDoubleEvent&) {
        if (!m_updating)
            refresh();
    });
    auto typed = [this](wxEvent&) {
        // Not while the dialog closes: focus leaves the field as the windows are destroyed.
        if (!IsShown() || IsBeingDeleted())
            return;
        if (!m_updating && m_breaks->GetValue() != edgesText(m_edges))
            setBreaksText(m_breaks->GetValue());
    };
    m_breaks->Bind(wxEVT_TEXT_ENTER, typed);
    m_breaks->Bind(wxEVT_KILL_FOCUS, [typed](wxFocusEvent& e) {
        typed(e);
        e.Skip();
    });
    Bind(wxEVT_BUTTON, [this](wxCommandEvent& e) {
        // OK with breaks still being typed: take them first; refuse to close on bad ones.
        if (m_breaks->GetValue() != edgesText(m_edges) && !setBreaksText(m_breaks->GetValue()))
            return;
        try {
            style().validate();
        } catch (const std::exception& ex) {
            m_breaksMessage->SetLabel(wx(ex.what()));
            Layout();
            return;
        }
        e.Skip();
    }, wxID_OK);
}

void StyleDialog::fromStyle(const style::Style& st)
{
    m_updating = true;
    m_renderer->SetSelection(indexOf(kRenderers, st.renderer));
    selectText(m_field, m_fields, st.field, false);
    m_method->SetSelection(indexOf(kMethods, st.method));
    m_classes->SetValue(st.classes);
    m_interval->SetValue(st.interval);
    const std::string ramp = st.ramp.empty() ? style::defaultRamp(st.renderer) : st.ramp;
    for (size_t i = 0; i < style::ramps().size(); ++i)
        if (ramp == style::ramps()[i].name)
            m_ramp->SetSelection(static_cast<int>(i));
    m_symbol->SetSelection(indexOf(kSymbols, st.symbol));
    m_size->SetValue(st.sizePt);
    m_colour->SetColour(wxColour((st.colour >> 16) & 0xff, (st.colour >> 8) & 0xff, st.colour & 0xff));
    m_opacity->SetValue(st.opacity);
    m_radius->SetValue(static_cast<int>(std::lround(st.radiusM)));
    selectText(m_labelField, m_fields, st.labelField, true);
    selectText(m_labelPriority, m_numericFields, st.labelPriorityField, true);
    m_labelSize->SetValue(st.labelSizePt);
    m_labelHalo->SetValue(st.labelHalo);
    m_labelMaxScale->SetValue(static_cast<int>(st.labelMaxScale));
    m_minScale->SetValue(static_cast<int>(st.minScale));
    m_maxScale->SetValue(static_cast<int>(st.maxScale));
    m_updating = false;
    refresh();
}

style::Style StyleDialog::style() const
{
    style::Style s = m_base;
    s.renderer = kRenderers[std::max(0, m_renderer->GetSelection())];
    s.field = choiceText(m_field, m_fields, false);
    if (s.renderer == style::Renderer::Single || s.renderer == style::Renderer::Heatmap)
        s.field.clear();
    s.method = kMethods[std::max(0, m_method->GetSelection())];
    s.classes = m_classes->GetValue();
    s.interval = m_interval->GetValue();
    if (s.method == style::Method::Manual)
        s.edges = m_edges;
    else
        s.edges.clear();
    const int r = m_ramp->GetSelection();
    s.ramp = r >= 0 ? style::ramps()[static_cast<size_t>(r)].name : "";
    s.symbol = kSymbols[std::max(0, m_symbol->GetSelection())];
    s.sizePt = m_size->GetValue();
    const wxColour c = m_colour->GetColour();
    s.colour = (static_cast<uint32_t>(c.Red()) << 16) | (static_cast<uint32_t>(c.Green()) << 8) | c.Blue();
    s.opacity = m_opacity->GetValue();
    s.radiusM = m_radius->GetValue();
    s.labelField = choiceText(m_labelField, m_fields, true);
    s.labelPriorityField = choiceText(m_labelPriority, m_numericFields, true);
    s.labelSizePt = m_labelSize->GetValue();
    s.labelHalo = m_labelHalo->GetValue();
    s.labelMaxScale = m_labelMaxScale->GetValue();
    s.minScale = m_minScale->GetValue();
    s.maxScale = m_maxScale->GetValue();
    if (s.renderer != style::Renderer::Categorized)
        s.categories.clear();
    return s;
}

std::vector<double> StyleDialog::fieldValues() const
{
    std::vector<double> out;
    const std::string field = choiceText(m_field, m_fields, false);
    const Layer* l = m_data ? m_data->layer(m_base.layer) : nullptr;
    const int fi = l && !field.empty() ? l->fieldIndex(field) : -1;
    if (fi < 0)
        return out;
    out.reserve(l->features.size());
    for (const auto& f : l->features)
        if (auto v = toReal(f.values[static_cast<size_t>(fi)]))
            out.push_back(*v);
    return out;
}

void StyleDialog::refresh()
{
    const style::Style s = style();
    const bool graduated = s.renderer == style::Renderer::Graduated;
    const bool classified = graduated || s.renderer == style::Renderer::Categorized;
    m_field->Enable(classified);
    m_method->Enable(graduated);
    m_classes->Enable(graduated && s.method != style::Method::FixedInterval && s.method != style::Method::Manual);
    m_interval->Enable(graduated && s.method == style::Method::FixedInterval);
    m_breaks->Enable(graduated);
    m_radius->Enable(s.renderer == style::Renderer::Heatmap);
    m_colour->Enable(s.renderer == style::Renderer::Single);
    m_breaksMessage->SetLabel("");
    std::vector<double> values = graduated ? fieldValues() : std::vector<double>{};
    if (graduated && s.method != style::Method::Manual) {
        try {
            m_edges = style::classEdges(s, values);
        } catch (const std::exception& e) {
            m_edges.clear();
            m_breaksMessage->SetLabel(wx(e.what()));
        }
    } else if (!graduated) {
        m_edges.clear();
    }
    m_updating = true;
    m_breaks->ChangeValue(edgesText(m_edges));
    m_updating = false;
    const int k = m_edges.size() < 2 ? 0 : static_cast<int>(m_edges.size()) - 1;
    m_histogram->set(style::histogram(values, 40), m_edges,
                     style::rampColours(s.ramp.empty() ? style::defaultRamp(s.renderer) : s.ramp, k));
    Layout();
    schedulePreview();
}

void StyleDialog::schedulePreview()
{
    if (onPreview)
        m_previewTimer.StartOnce(kPreviewDelayMs);  // restarted by every change: debounced
}

wxWindow* StyleDialog::histogramWindow() const { return m_histogram; }
int StyleDialog::breakPixel(size_t i) const { return m_histogram->edgeX(i); }

const std::vector<int>& StyleDialog::histogram() const { return m_histogram->hist().counts; }
double StyleDialog::histogramMin() const { return m_histogram->hist().min; }
double StyleDialog::histogramMax() const { return m_histogram->hist().max; }

void StyleDialog::setRenderer(style::Renderer r)
{
    m_renderer->SetSelection(indexOf(kRenderers, r));
    refresh();
}

void StyleDialog::setField(const std::string& field)
{
    selectText(m_field, m_fields, field, false);
    refresh();
}

void StyleDialog::setMethod(style::Method m)
{
    m_method->SetSelection(indexOf(kMethods, m));
    if (m != style::Method::Manual)
        m_base.edges.clear();
    refresh();
}

void StyleDialog::setClasses(int n)
{
    m_classes->SetValue(n);
    refresh();
}

void StyleDialog::setRamp(const std::string& ramp)
{
    for (size_t i = 0; i < style::ramps().size(); ++i)
        if (ramp == style::ramps()[i].name)
            m_ramp->SetSelection(static_cast<int>(i));
    refresh();
}

bool StyleDialog::setBreaksText(const wxString& text)
{
    try {
        m_edges = style::parseEdges(utf8(text));
    } catch (const std::exception& e) {
        m_breaksMessage->SetLabel(wx(e.what()));
        Layout();
        return false;
    }
    m_method->SetSelection(indexOf(kMethods, style::Method::Manual));
    refresh();
    return true;
}

wxString StyleDialog::breaksText() const { return m_breaks->GetValue(); }

void StyleDialog::setLabelField(const std::string& field)
{
    selectText(m_labelField, m_fields, field, true);
}

void StyleDialog::setLabelPriorityField(const std::string& field)
{
    selectText(m_labelPriority, m_numericFields, field, true);
}

void StyleDialog::setLabelHalo(bool on) { m_labelHalo->SetValue(on); }

void StyleDialog::setScaleRange(double minScale, double maxScale)
{
    m_minScale->SetValue(static_cast<int>(minScale));
    m_maxScale->SetValue(static_cast<int>(maxScale));
}

void StyleDialog::setLabelMaxScale(double maxScale) { m_labelMaxScale->SetValue(static_cast<int>(maxScale)); }

} // namespace bando::app
