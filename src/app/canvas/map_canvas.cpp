#include "app/canvas/map_canvas.hpp"

#include "core/base/error.hpp"
#include "core/i18n/i18n.hpp"

#include <wx/dcbuffer.h>
#include <wx/graphics.h>
#include <wx/settings.h>

#include <algorithm>
#include <cmath>

namespace bando::app {

namespace {
const wxColour kBackground(0xf4, 0xf3, 0xef);  // the renderer's paper colour
constexpr double kMinRes = 0.05;    // m per pixel: about 1:200
constexpr double kMaxRes = 2000.0;  // m per pixel: the whole region and more
} // namespace

MapCanvas::MapCanvas(wxWindow* parent)
    : wxWindow(parent, wxID_ANY, wxDefaultPosition, wxSize(800, 600), wxFULL_REPAINT_ON_RESIZE | wxWANTS_CHARS),
      m_self(this), m_resizeTimer(this)
{
    SetBackgroundStyle(wxBG_STYLE_PAINT);
    SetMinSize(wxSize(200, 150));
    Bind(wxEVT_PAINT, &MapCanvas::onPaint, this);
    Bind(wxEVT_SIZE, &MapCanvas::onSize, this);
    Bind(wxEVT_LEFT_DOWN, &MapCanvas::onMouse, this);
    Bind(wxEVT_LEFT_UP, &MapCanvas::onMouse, this);
    Bind(wxEVT_MOTION, &MapCanvas::onMouse, this);
    Bind(wxEVT_LEFT_DCLICK, &MapCanvas::onMouse, this);
    Bind(wxEVT_MOUSEWHEEL, &MapCanvas::onWheel, this);
    Bind(wxEVT_MOUSE_CAPTURE_LOST, &MapCanvas::onCaptureLost, this);
    Bind(wxEVT_TIMER, &MapCanvas::onResizeTimer, this, m_resizeTimer.GetId());
}

MapCanvas::~MapCanvas()
{
    // Join every worker before the window goes away (their continuations are dropped by the
    // weak reference anyway).
    if (m_job)
        m_job->cancel();
    for (auto& j : m_retired)
        j->cancel();
    m_job.reset();
    m_retired.clear();
}

void MapCanvas::setData(std::shared_ptr<const render::MapData> data)
{
    if (m_job) {
        m_job->cancel();
        m_retired.push_back(std::move(m_job));
    }
    ++m_generation;  // any pending result belongs to the old project
    m_frameCache->clear();
    m_data = std::move(data);
    m_order.clear();
    m_hidden.clear();
    m_image = wxImage();
    m_bitmap = wxBitmap();
    m_view = View();
    m_history.clear();
    m_historyPos = 0;
    m_message.clear();
    if (m_data)
        zoomFull();
    Refresh();
}

void MapCanvas::replaceData(std::shared_ptr<const render::MapData> data)
{
    if (!m_view.valid() || !data) {
        setData(std::move(data));
        return;
    }
    if (m_job) {
        m_job->cancel();
        m_retired.push_back(std::move(m_job));
    }
    ++m_generation;
    m_data = std::move(data);
    m_message.clear();
    requestRender();
}

void MapCanvas::setView(const View& v)
{
    if (!v.valid())
        return;
    m_pendingExtent = Extent();  // an explicit view wins over a zoom asked before the window had a size
    m_view = v;
    requestRender();
    Refresh();
    if (onViewChanged)
        onViewChanged();
}

void MapCanvas::setDisplay(std::vector<render::MapSettings::LayerDisplay> display)
{
    m_display = std::move(display);
    requestRender();
}

void MapCanvas::setStyles(std::vector<style::Style> styles)
{
    m_styles = std::move(styles);
    requestRender();
}

void MapCanvas::recordHistory()
{
    if (m_navigatingHistory) {
        m_navigatingHistory = false;
        return;
    }
    if (!m_history.empty()) {
        const View& cur = m_history[m_historyPos];
        if (cur.cx == m_view.cx && cur.cy == m_view.cy && cur.res == m_view.res)
            return;
        m_history.resize(m_historyPos + 1);  // a new view drops the forward history
    }
    m_history.push_back(m_view);
    if (m_history.size() > 100)
        m_history.erase(m_history.begin());
    m_historyPos = m_history.size() - 1;
}

void MapCanvas::goBack()
{
    if (!canGoBack())
        return;
    m_navigatingHistory = true;
    setView(m_history[--m_historyPos]);
}

void MapCanvas::goForward()
{
    if (!canGoForward())
        return;
    m_navigatingHistory = true;
    setView(m_history[++m_historyPos]);
}

void MapCanvas::setMessage(const wxString& message)
{
    m_message = message;
    Refresh();
}

void MapCanvas::setLayerState(std::vector<std::string> order, std::vector<std::string> hidden)
{
    m_order = std::move(order);
    m_hidden = std::move(hidden);
    requestRender();
}

void MapCanvas::setTheme(const std::string& theme)
{
    if (theme == m_theme && !m_villageTheme)
        return;
    m_theme = theme;
    m_villageTheme.reset();
    requestRender();
}

void MapCanvas::setVillageTheme(std::shared_ptr<const render::MapData::Theme> theme)
{
    m_villageTheme = std::move(theme);
    requestRender();
}

render::MapSettings MapCanvas::viewSettings() const { return settingsFor(m_view, GetClientSize()); }

void MapCanvas::zoomToExtent(const Extent& e, double margin)
{
    if (e.isEmpty())
        return;
    wxSize s = GetClientSize();
    if (s.x < 10 || s.y < 10) {
        m_pendingExtent = e;
        return;
    }
    m_pendingExtent = Extent();
    double w = std::max(e.width(), 1.0), h = std::max(e.height(), 1.0);
    double usable = std::max(0.5, 1.0 - 2 * margin);
    m_view.res = std::clamp(std::max(w / (s.x * usable), h / (s.y * usable)), kMinRes, kMaxRes);
    m_view.cx = e.center().x;
    m_view.cy = e.center().y;
    requestRender();
    if (onViewChanged)
        onViewChanged();
}

void MapCanvas::zoomFull()
{
    if (m_data)
        zoomToExtent(m_data->extent);
}

void MapCanvas::zoomBy(double factor, wxPoint p)
{
    if (!m_view.valid() || factor <= 0)
        return;
    double mx, my;
    toMap(p, mx, my);
    wxSize s = GetClientSize();
    double res = std::clamp(m_view.res / factor, kMinRes, kMaxRes);
    m_view.res = res;
    m_view.cx = mx - (p.x - s.x / 2.0) * res;
    m_view.cy = my + (p.y - s.y / 2.0) * res;
    requestRender();
    Refresh();
    if (onViewChanged)
        onViewChanged();
}

void MapCanvas::panByPixels(int dx, int dy)
{
    if (!m_view.valid())
        return;
    m_view.cx -= dx * m_view.res;
    m_view.cy += dy * m_view.res;
    requestRender();
    Refresh();
    if (onViewChanged)
        onViewChanged();
}

void MapCanvas::toMap(wxPoint p, double& x, double& y) const
{
    wxSize s = GetClientSize();
    x = m_view.cx + (p.x - s.x / 2.0) * m_view.res;
    y = m_view.cy - (p.y - s.y / 2.0) * m_view.res;
}

wxPoint MapCanvas::toPixel(double x, double y) const
{
    wxSize s = GetClientSize();
    return wxPoint(static_cast<int>(std::lround((x - m_view.cx) / m_view.res + s.x / 2.0)),
                   static_cast<int>(std::lround((m_view.cy - y) / m_view.res + s.y / 2.0)));
}

Extent MapCanvas::visibleExtent() const
{
    wxSize s = GetClientSize();
    double hw = s.x * m_view.res / 2, hh = s.y * m_view.res / 2;
    return {m_view.cx - hw, m_view.cy - hh, m_view.cx + hw, m_view.cy + hh};
}

render::MapSettings MapCanvas::settingsFor(const View& v, wxSize s) const
{
    render::MapSettings ms;
    double hw = s.x * v.res / 2, hh = s.y * v.res / 2;
    ms.extent = {v.cx - hw, v.cy - hh, v.cx + hw, v.cy + hh};
    ms.widthPx = s.x;
    ms.heightPx = s.y;
    ms.dpi = 96;
    ms.hiddenLayers = m_hidden;
    ms.layerOrder = m_order;
    ms.title = false;   // the window has its own title, layer list and legend
    ms.legend = false;
    ms.scaleBar = true;
    ms.language = i18n::language();
    ms.theme = m_theme;
    ms.villageTheme = m_villageTheme;
    ms.display = m_display;
    ms.styles = m_styles;
    return ms;
}

void MapCanvas::requestRender()
{
    if (!m_data || !m_view.valid())
        return;
    wxSize s = GetClientSize();
    if (s.x < 10 || s.y < 10)
        return;
    // Coalesce the requests of one event-loop turn (e.g. open: view, layers and theme) into
    // one render; the old job is cancelled there.
    if (m_renderQueued)
        return;
    m_renderQueued = true;
    CallAfter([this] {
        m_renderQueued = false;
        if (m_data && m_view.valid())
            startRender();
    });
}

void MapCanvas::startRender()
{
    reapRetired();
    if (m_job) {
        m_job->cancel();  // never blocks; the worker stops at its next check
        m_retired.push_back(std::move(m_job));
    }
    recordHistory();
    const uint64_t gen = ++m_generation;
    m_jobGeneration = gen;
    m_jobView = m_view;
    m_jobSize = GetClientSize();
    m_job = std::make_unique<render::RenderJob>(m_data, settingsFor(m_jobView, m_jobSize));
    m_job->setFrameCache(m_frameCache);
    WindowHandle<MapCanvas> self = m_self;
    m_job->start([self, gen](render::RenderJob&) {  // worker thread: only post
        self.post([gen](MapCanvas& c) { c.onJobDone(gen); });
    });
}

void MapCanvas::reapRetired()
{
    m_retired.erase(std::remove_if(m_retired.begin(), m_retired.end(), [](const auto& j) { return j->isFinished(); }),
                    m_retired.end());
}

void MapCanvas::onJobDone(uint64_t gen)
{
    reapRetired();
    if (!m_job || gen != m_jobGeneration || gen != m_generation)
        return;  // an older generation: never painted over a newer one
    if (!m_job->isFinished())
        m_job->wait();  // the worker posted from its completion callback: at most a moment
    std::unique_ptr<render::RenderJob> job = std::move(m_job);
    if (job->error()) {
        try {
            std::rethrow_exception(job->error());
        } catch (const CancelledError&) {
            return;
        } catch (...) {
            if (onRenderError)
                onRenderError(describeException(std::current_exception()));
            return;
        }
    }
    if (job->wasCancelled())
        return;
    m_image = toWxImage(job->image());
    if (!m_image.IsOk())
        return;
    m_bitmap = wxBitmap(m_image);
    m_bitmapView = m_jobView;
    m_bitmapSize = m_jobSize;
    m_shownGeneration = gen;
    ++m_completed;
    m_lastRenderSeconds = job->elapsedSeconds();
    job.reset();
    Refresh();
    if (onRenderComplete)
        onRenderComplete(gen);
}

void MapCanvas::onPaint(wxPaintEvent&)
{
    wxAutoBufferedPaintDC dc(this);
    wxSize s = GetClientSize();
    dc.SetBackground(wxBrush(kBackground));
    dc.Clear();
    if (m_bitmap.IsOk() && m_bitmapView.valid() && m_view.valid()) {
        // Place the last image where its extent falls in the current view.
        double k = m_bitmapView.res / m_view.res;
        double left = m_bitmapView.cx - m_bitmapSize.x / 2.0 * m_bitmapView.res;
        double top = m_bitmapView.cy + m_bitmapSize.y / 2.0 * m_bitmapView.res;
        double px = (left - (m_view.cx - s.x / 2.0 * m_view.res)) / m_view.res;
        double py = ((m_view.cy + s.y / 2.0 * m_view.res) - top) / m_view.res;
        if (std::abs(k - 1) < 1e-9) {
            dc.DrawBitmap(m_bitmap, static_cast<int>(std::lround(px)), static_cast<int>(std::lround(py)), true);
        } else if (std::unique_ptr<wxGraphicsContext> gc{wxGraphicsContext::Create(dc)}) {
            gc->SetInterpolationQuality(wxINTERPOLATION_FAST);
            gc->DrawBitmap(m_bitmap, px, py, m_bitmapSize.x * k, m_bitmapSize.y * k);
        }
    }
    if (onOverlay && m_data && m_view.valid())
        onOverlay(dc);
    if (m_boxing && m_dragging) {
        dc.SetPen(wxPen(wxColour(0, 90, 200), 1, wxPENSTYLE_SHORT_DASH));
        dc.SetBrush(wxBrush(wxColour(0, 90, 200), wxBRUSHSTYLE_FDIAGONAL_HATCH));
        dc.DrawRectangle(wxRect(m_dragStart, m_dragLast));
    }
    if (!m_data || !m_message.empty()) {
        wxString msg = m_message.empty() ? wtr("No project open. Use File → Open or File → New sample project.")
                                         : m_message;
        dc.SetFont(wxSystemSettings::GetFont(wxSYS_DEFAULT_GUI_FONT).Scaled(1.3f));
        dc.SetTextForeground(wxColour(0x55, 0x55, 0x55));
        wxSize ts = dc.GetTextExtent(msg);
        dc.DrawText(msg, (s.x - ts.x) / 2, (s.y - ts.y) / 2);
    }
}

void MapCanvas::onSize(wxSizeEvent& e)
{
    e.Skip();
    wxSize s = GetClientSize();
    if (s.x < 10 || s.y < 10)
        return;
    if (!m_pendingExtent.isEmpty()) {
        zoomToExtent(m_pendingExtent);
        return;
    }
    if (m_data && !m_view.valid()) {
        zoomFull();
        return;
    }
    m_resizeTimer.StartOnce(120);  // re-render once the size settles
}

void MapCanvas::onResizeTimer(wxTimerEvent&) { requestRender(); }

void MapCanvas::onMouse(wxMouseEvent& e)
{
    wxPoint p = e.GetPosition();
    if (e.LeftDown()) {
        SetFocus();
        if (m_view.valid()) {
            m_dragging = true;
            m_dragStart = m_dragLast = p;
            m_dragStartView = m_view;
            m_boxing = e.ShiftDown() && onBox;
            if (!HasCapture())
                CaptureMouse();
            SetCursor(wxCursor(m_boxing ? wxCURSOR_CROSS : wxCURSOR_HAND));
        }
    } else if (e.Dragging() && m_dragging && m_boxing) {
        m_dragLast = p;
        Refresh();  // the rectangle is drawn by onPaint
    } else if (e.Dragging() && m_dragging) {
        m_view.cx -= (p.x - m_dragLast.x) * m_view.res;
        m_view.cy += (p.y - m_dragLast.y) * m_view.res;
        m_dragLast = p;
        Refresh();  // the last image follows the mouse; render on release
    } else if (e.LeftUp() && m_dragging) {
        m_dragging = false;
        if (HasCapture())
            ReleaseMouse();
        SetCursor(wxNullCursor);
        if (m_boxing) {
            m_boxing = false;
            Refresh();
            if (p != m_dragStart) {
                double x0, y0, x1, y1;
                toMap(m_dragStart, x0, y0);
                toMap(p, x1, y1);
                Extent box;
                box.expand(x0, y0);
                box.expand(x1, y1);
                onBox(box);
            } else if (onClick) {
                double x, y;
                toMap(p, x, y);
                onClick(x, y);
            }
        } else if (p != m_dragStart) {
            requestRender();
            if (onViewChanged)
                onViewChanged();
        } else if (onClick) {
            double x, y;
            toMap(p, x, y);
            onClick(x, y);
        }
    } else if (e.LeftDClick()) {
        double x = 0, y = 0;
        toMap(p, x, y);
        if (onDoubleClick && m_view.valid() && onDoubleClick(x, y)) {
            // the press of the second click started a drag: its release is not a click
            m_dragging = false;
            m_boxing = false;
            if (HasCapture())
                ReleaseMouse();
            SetCursor(wxNullCursor);
        } else {
            zoomBy(2.0, p);
        }
    }
    if (onCursor && m_view.valid()) {
        double x, y;
        toMap(p, x, y);
        onCursor(x, y);
    }
}

void MapCanvas::onWheel(wxMouseEvent& e)
{
    int delta = e.GetWheelDelta() > 0 ? e.GetWheelDelta() : 120;
    double steps = static_cast<double>(e.GetWheelRotation()) / delta;
    if (e.GetWheelAxis() != wxMOUSE_WHEEL_VERTICAL || steps == 0)
        return;
    zoomBy(std::pow(1.25, steps), e.GetPosition());
}

void MapCanvas::onCaptureLost(wxMouseCaptureLostEvent&)
{
    m_dragging = false;
    m_boxing = false;
    SetCursor(wxNullCursor);
    requestRender();
}

} // namespace bando::app
