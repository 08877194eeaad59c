// RenderJob: one map image rendered on a worker thread (QGIS map renderer job idea).
#include "core/render/map_renderer.hpp"

#include "core/base/error.hpp"
#include "core/capi/cairo.hpp"
#include "core/render/frame_cache.hpp"

#include <cairo.h>

#include <chrono>

namespace bando::render {

RenderJob::RenderJob(std::shared_ptr<const MapData> data, MapSettings settings)
    : m_data(std::move(data)), m_settings(std::move(settings))
{
}

RenderJob::~RenderJob()
{
    cancel();
    if (m_thread.joinable()) {
        if (m_thread.get_id() == std::this_thread::get_id())
            m_thread.detach();  // destroyed from its own onDone callback
        else
            m_thread.join();
    }
}

void RenderJob::start(Done onDone)
{
    if (m_thread.joinable() || m_finished.load())
        throw Error(ErrorKind::Internal, "RenderJob", "a render job can be started only once");
    m_thread = std::thread([this, onDone = std::move(onDone)] {
        const auto t0 = std::chrono::steady_clock::now();
        try {
            if (!m_data)
                throw Error(ErrorKind::Internal, "RenderJob", "no map data");
            m_feedback.throwIfCancelled();
            const int w = m_settings.widthPx, h = m_settings.heightPx;
            if (w <= 0 || h <= 0)
                throw Error(ErrorKind::Usage, "RenderJob", "empty image size");
            Image img;
            if (m_cache) {
                m_cache->render(img, *m_data, m_settings, &m_feedback);
            } else {
                img.width = w;
                img.height = h;
                img.stride = cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, w);
                img.pixels.assign(static_cast<size_t>(img.stride) * static_cast<size_t>(h), 0);
                cairo::SurfacePtr surface(
                    cairo_image_surface_create_for_data(img.pixels.data(), CAIRO_FORMAT_ARGB32, w, h, img.stride));
                if (cairo::status(surface) != CAIRO_STATUS_SUCCESS)
                    throw Error(ErrorKind::Internal, "cairo", cairo_status_to_string(cairo::status(surface)));
                {
                    const cairo::ContextPtr cr = cairo::makeContext(surface.get());
                    renderMap(cr.get(), *m_data, m_settings, &m_feedback);
                }
                cairo_surface_finish(surface.get());
            }
            m_feedback.throwIfCancelled();
            m_image = std::move(img);
        } catch (...) {
            m_error = std::current_exception();
        }
        m_elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        m_finished.store(true);
        if (onDone) {
            try {
                onDone(*this);
            } catch (...) {
                // never let a callback exception terminate the worker
            }
        }
    });
}

void RenderJob::cancel() { m_feedback.cancel(); }

void RenderJob::wait()
{
    if (m_thread.joinable() && m_thread.get_id() != std::this_thread::get_id())
        m_thread.join();
}

} // namespace bando::render
