#pragma once
// MapCanvas: shows the project map. It owns the current RenderJob and a generation counter
// (QGIS QgsMapCanvas idea): every view change cancels the running job without blocking and
// starts a new one; completion comes back through CallAfter with a weak window reference, and
// a result from an older generation is never painted over a newer one. While a render runs,
// the last image is drawn transformed to the new view, so panning and zooming stay smooth.
#include "app/bridge/bridge.hpp"
#include "core/render/frame_cache.hpp"
#include "core/render/map_renderer.hpp"

#include <wx/bitmap.h>
#include <wx/timer.h>
#include <wx/window.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace bando::app {

// A view: map CRS centre and resolution (map units per pixel), north up.
struct View {
    double cx = 0, cy = 0;
    double res = 0;  // 0 = unset
    bool valid() const { return res > 0; }
};

class MapCanvas : public wxWindow {
public:
    explicit MapCanvas(wxWindow* parent);
    ~MapCanvas() override;

    void setData(std::shared_ptr<const render::MapData> data);
    const std::shared_ptr<const render::MapData>& data() const { return m_data; }

    void setLayerState(std::vector<std::string> order, std::vector<std::string> hidden);
    // Per-layer opacity and scale range (the layer tree).
    void setDisplay(std::vector<render::MapSettings::LayerDisplay> display);
    // Layer styles drawn (the project's saved styles, core/style); empty = the default looks.
    void setStyles(std::vector<style::Style> styles);
    const std::vector<style::Style>& styles() const { return m_styles; }
    // Replaces the data keeping the view (a reload of the same project).
    void replaceData(std::shared_ptr<const render::MapData> data);
    void setView(const View& v);
    void setTheme(const std::string& theme);  // village theme ("density", "coverage", "shops")
    const std::string& theme() const { return m_theme; }
    // A village theme drawn instead of theme() (the ranking panel's); nullptr = none. setTheme clears it.
    void setVillageTheme(std::shared_ptr<const render::MapData::Theme> theme);
    const std::shared_ptr<const render::MapData::Theme>& villageTheme() const { return m_villageTheme; }
    // Settings of the on-screen view (no title/legend: the window has its own).
    render::MapSettings viewSettings() const;

    // View commands.
    void zoomToExtent(const Extent& e, double marginFraction = 0.03);
    void zoomFull();
    void zoomBy(double factor, wxPoint aroundPx);  // factor > 1 zooms in
    void zoomBy(double factor) { zoomBy(factor, wxPoint(GetClientSize().x / 2, GetClientSize().y / 2)); }
    void panByPixels(int dx, int dy);
    const View& view() const { return m_view; }
    // Extent history (previous / next view, like a browser's back and forward).
    bool canGoBack() const { return m_historyPos > 0; }
    bool canGoForward() const { return m_historyPos + 1 < m_history.size(); }
    void goBack();
    void goForward();
    size_t historySize() const { return m_history.size(); }
    // The extent shown in the window, map CRS.
    Extent visibleExtent() const;
    // Pixel -> map CRS.
    void toMap(wxPoint px, double& x, double& y) const;
    // Map CRS -> pixel (the selection overlay).
    wxPoint toPixel(double x, double y) const;

    // Message shown when there is no map (e.g. "Loading…").
    void setMessage(const wxString& message);

    // Render state (for the status bar and the GUI tests).
    uint64_t generation() const { return m_generation; }          // last started render (or data change)
    uint64_t shownGeneration() const { return m_shownGeneration; }  // generation of the shown image
    uint64_t completedRenders() const { return m_completed; }
    // A render is running or queued (requested this event-loop turn, not started yet).
    bool rendering() const { return m_job != nullptr || m_renderQueued; }
    double lastRenderSeconds() const { return m_lastRenderSeconds; }
    const wxImage& image() const { return m_image; }  // last complete render (un-premultiplied)

    // Callbacks (main thread).
    std::function<void(double x, double y)> onCursor;           // map CRS coordinates
    std::function<void(uint64_t generation)> onRenderComplete;  // a current-generation image is shown
    std::function<void(const std::string& message)> onRenderError;
    std::function<void()> onViewChanged;
    std::function<void(double x, double y)> onClick;  // a left click without a drag (map CRS)
    std::function<void(wxDC& dc)> onOverlay;          // drawn over the map (selection highlight)
    // Shift + drag draws a rectangle instead of panning; on release, its extent (map CRS).
    std::function<void(const Extent& box)> onBox;
    // A left double click (map CRS): returns true when it was used (a polygon closed); otherwise
    // the map zooms in around it.
    std::function<bool(double x, double y)> onDoubleClick;

private:
    render::MapSettings settingsFor(const View& v, wxSize size) const;
    void requestRender();
    void startRender();
    void onJobDone(uint64_t generation);
    void reapRetired();

    void onPaint(wxPaintEvent&);
    void onSize(wxSizeEvent&);
    void onMouse(wxMouseEvent&);
    void onWheel(wxMouseEvent&);
    void onCaptureLost(wxMouseCaptureLostEvent&);
    void onResizeTimer(wxTimerEvent&);

    std::shared_ptr<const render::MapData> m_data;
    std::vector<std::string> m_order, m_hidden;
    std::vector<render::MapSettings::LayerDisplay> m_display;
    std::vector<style::Style> m_styles;
    std::vector<View> m_history;  // views that were rendered, oldest first
    size_t m_historyPos = 0;
    bool m_navigatingHistory = false;
    void recordHistory();
    std::string m_theme = "density";
    std::shared_ptr<const render::MapData::Theme> m_villageTheme;
    View m_view;

    // The base layers per scale, moved on pan (shared with the render workers).
    std::shared_ptr<render::FrameCache> m_frameCache = std::make_shared<render::FrameCache>();
    std::unique_ptr<render::RenderJob> m_job;                   // current job
    std::vector<std::unique_ptr<render::RenderJob>> m_retired;  // cancelled, still finishing
    uint64_t m_generation = 0, m_jobGeneration = 0, m_shownGeneration = 0, m_completed = 0;
    double m_lastRenderSeconds = 0;
    WindowHandle<MapCanvas> m_self;

    wxImage m_image;     // last complete render
    wxBitmap m_bitmap;   // same, as a bitmap
    View m_bitmapView;   // the view m_bitmap was rendered for
    wxSize m_bitmapSize;

    bool m_renderQueued = false;
    bool m_dragging = false;
    bool m_boxing = false;  // the drag draws a selection rectangle (Shift held at the press)
    wxPoint m_dragStart, m_dragLast;
    View m_dragStartView;
    wxTimer m_resizeTimer;
    wxString m_message;
    Extent m_pendingExtent;  // zoom request made before the window had a size
    View m_jobView;
    wxSize m_jobSize;
};

} // namespace bando::app
