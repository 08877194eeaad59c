#pragma once
// Layer → Style…: the style editor of one layer (core/style). Renderer (single symbol,
// categorized, graduated, heatmap), classified field, classification method, class count,
// interval, ColorBrewer ramp, class breaks that can be typed (they become manual breaks) over a
// histogram of the field's values, symbol, size, colour, heatmap radius in metres, labels
// (field, priority field, size, halo, largest scale) and the layer's visibility scale range.
// The dialog only edits a style::Style: the breaks come from style::classEdges, the frame
// stores the result with style::putStyle and redraws.
#include "core/render/map_renderer.hpp"
#include "core/style/style.hpp"

#include <wx/dialog.h>
#include <wx/timer.h>

#include <functional>

#include <memory>
#include <string>
#include <vector>

class wxChoice;
class wxSpinCtrl;
class wxSpinCtrlDouble;
class wxTextCtrl;
class wxCheckBox;
class wxColourPickerCtrl;
class wxStaticText;

namespace bando::app {

class HistogramPanel;

class StyleDialog : public wxDialog {
public:
    // `data` holds the layer (style.layer) the dialog edits; `initial` is its current style.
    StyleDialog(wxWindow* parent, std::shared_ptr<const render::MapData> data, const style::Style& initial);

    // The style the controls describe (not validated; the frame validates when storing).
    style::Style style() const;
    // The class edges shown (graduated), as style::classEdges computes them or as typed.
    const std::vector<double>& edges() const { return m_edges; }
    // Histogram of the field's values (graduated): counts per bin, bins of equal width from
    // histogramMin() to histogramMax().
    const std::vector<int>& histogram() const;
    double histogramMin() const;
    double histogramMax() const;

    // What the controls do, for tests and the keyboard (each updates the dependent controls).
    void setRenderer(style::Renderer r);
    void setField(const std::string& field);
    void setMethod(style::Method m);
    void setClasses(int n);
    void setRamp(const std::string& ramp);
    // Typed breaks ("0, 50, 120, 400"): the method becomes manual. False (and a message
    // shown under the field) when the text is not ascending numbers.
    bool setBreaksText(const wxString& text);
    void setLabelField(const std::string& field);
    void setLabelPriorityField(const std::string& field);
    void setLabelHalo(bool on);
    void setScaleRange(double minScale, double maxScale);
    void setLabelMaxScale(double maxScale);
    wxString breaksText() const;

    // Live preview: called with the unsaved style (valid only) once the controls have rested
    // kPreviewDelayMs after a change; the frame redraws the map with it and restores the saved
    // styles on Cancel.
    std::function<void(const style::Style&)> onPreview;
    static constexpr int kPreviewDelayMs = 250;
    int previewCount() const { return m_previews; }
    // The histogram (a mouse drag of an inner break line moves that break; the breaks become
    // manual) and the pixel column of break i in it, for tests.
    wxWindow* histogramWindow() const;
    int breakPixel(size_t i) const;

private:
    void fromStyle(const style::Style& s);
    void refresh();  // recompute edges and histogram, enable the controls that apply
    void schedulePreview();
    std::vector<double> fieldValues() const;

    std::shared_ptr<const render::MapData> m_data;
    style::Style m_base;  // what the dialog does not edit (categories, stroke…) comes from here
    std::vector<std::string> m_fields;         // every field of the layer
    std::vector<std::string> m_numericFields;  // integer / real fields
    std::vector<double> m_edges;
    bool m_updating = false;
    wxTimer m_previewTimer;
    int m_previews = 0;

    wxChoice* m_renderer = nullptr;
    wxChoice* m_field = nullptr;
    wxChoice* m_method = nullptr;
    wxSpinCtrl* m_classes = nullptr;
    wxSpinCtrlDouble* m_interval = nullptr;
    wxChoice* m_ramp = nullptr;
    wxTextCtrl* m_breaks = nullptr;
    wxStaticText* m_breaksMessage = nullptr;
    HistogramPanel* m_histogram = nullptr;
    wxChoice* m_symbol = nullptr;
    wxSpinCtrlDouble* m_size = nullptr;
    wxColourPickerCtrl* m_colour = nullptr;
    wxSpinCtrlDouble* m_opacity = nullptr;
    wxSpinCtrl* m_radius = nullptr;
    wxChoice* m_labelField = nullptr;
    wxChoice* m_labelPriority = nullptr;
    wxSpinCtrlDouble* m_labelSize = nullptr;
    wxCheckBox* m_labelHalo = nullptr;
    wxSpinCtrl* m_labelMaxScale = nullptr;
    wxSpinCtrl* m_minScale = nullptr;
    wxSpinCtrl* m_maxScale = nullptr;
};

// The window name the dialog carries (tests find it with wxWindow::FindWindowByName).
inline constexpr const char* kStyleDialogName = "bando-style-dialog";

} // namespace bando::app
