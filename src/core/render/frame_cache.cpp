// FrameCache: the base layers of an interactive view cached per scale, moved on pan.
#include "core/render/frame_cache.hpp"

#include "core/base/error.hpp"
#include "core/capi/cairo.hpp"
#include "core/style/style.hpp"

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace bando::render {

struct FrameCache::Base {
    std::string key;  // everything but the extent that changes the base image
    ViewTransform vt;
    int width = 0, height = 0, stride = 0;
    std::vector<uint8_t> pixels;
    // The ranking theme the key names by address: held, so no other theme takes its address
    // while this image is cached.
    std::shared_ptr<const MapData::Theme> villageTheme;
};

namespace {

std::string cacheKey(const MapData& data, const MapSettings& s, size_t baseCount)
{
    std::string k;
    auto add = [&k](const std::string& v) {
        k += v;
        k += '\x1f';
    };
    char buf[160];
    std::snprintf(buf, sizeof buf, "%p/%llu/%dx%d/%.17g/%zu/%p", static_cast<const void*>(&data),
                  static_cast<unsigned long long>(data.generation), s.widthPx, s.heightPx, s.dpi, baseCount,
                  static_cast<const void*>(s.villageTheme.get()));
    add(buf);
    for (const auto& l : s.layerOrder)
        add(l);
    add("|");
    for (const auto& l : s.hiddenLayers)
        add(l);
    add("|");
    add(s.theme);
    add(s.districtCode);
    add(style::toJson(s.styles));
    for (const auto& d : s.display) {
        std::snprintf(buf, sizeof buf, "%.17g,%.17g,%.17g", d.opacity, d.minScale, d.maxScale);
        add(d.layer + ":" + buf);
        for (int c : d.hiddenClasses)
            add(std::to_string(c));
    }
    return k;
}

void checkSurface(const cairo::SurfacePtr& s)
{
    if (cairo::status(s) != CAIRO_STATUS_SUCCESS)
        throw Error(ErrorKind::Internal, "cairo", cairo_status_to_string(cairo::status(s)));
}

// Draws `fn` on an ARGB32 surface over `pixels`.
template <typename F>
void onPixels(std::vector<uint8_t>& pixels, int w, int h, int stride, F&& fn)
{
    cairo::SurfacePtr surface(cairo_image_surface_create_for_data(pixels.data(), CAIRO_FORMAT_ARGB32, w, h, stride));
    checkSurface(surface);
    {
        const cairo::ContextPtr cr = cairo::makeContext(surface.get());
        fn(cr.get());
    }
    cairo_surface_finish(surface.get());
}

bool sameScale(double a, double b) { return std::fabs(a / b - 1) < 1e-9; }

} // namespace

FrameCache::FrameCache(size_t maxScales) : m_maxScales(std::max<size_t>(1, maxScales)) {}

void FrameCache::clear()
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_bases.clear();
}

size_t FrameCache::size() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_bases.size();
}

FrameCache::Result FrameCache::render(Image& out, const MapData& data, const MapSettings& s, const Feedback* fb)
{
    const int w = s.widthPx, h = s.heightPx;
    if (w <= 0 || h <= 0)
        throw Error(ErrorKind::Usage, "FrameCache", "empty image size");
    const int stride = cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, w);
    Result result;
    const size_t baseCount = data.prepared ? cacheableBaseLayers(data, s) : 0;
    out.width = w;
    out.height = h;
    out.stride = stride;
    if (baseCount == 0) {  // nothing to cache: the plain renderer
        out.pixels.assign(static_cast<size_t>(stride) * static_cast<size_t>(h), 0);
        onPixels(out.pixels, w, h, stride, [&](cairo_t* cr) { renderMap(cr, data, s, fb); });
        return result;
    }
    const ViewTransform vt = viewTransform(s, data);
    const std::string key = cacheKey(data, s, baseCount);
    std::shared_ptr<const Base> old;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        for (const auto& b : m_bases)
            if (b->key == key && sameScale(b->vt.scale, vt.scale)) {
                old = b;
                break;
            }
    }
    auto base = std::make_shared<Base>();
    base->key = key;
    base->vt = vt;
    base->width = w;
    base->height = h;
    base->stride = stride;
    base->villageTheme = s.villageTheme;
    // Where the cached image's pixel (0, 0) falls in the new view, in whole pixels.
    long dx = 0, dy = 0;
    bool shift = false;
    if (old) {
        const double fx = (old->vt.originX - vt.originX) * vt.scale;
        const double fy = (vt.originY - old->vt.originY) * vt.scale;
        dx = std::lround(fx);
        dy = std::lround(fy);
        shift = std::fabs(fx - static_cast<double>(dx)) < 0.01 && std::fabs(fy - static_cast<double>(dy)) < 0.01 &&
                std::labs(dx) < w && std::labs(dy) < h;
    }
    if (!shift) {
        base->pixels.assign(static_cast<size_t>(stride) * static_cast<size_t>(h), 0);
        onPixels(base->pixels, w, h, stride,
                 [&](cairo_t* cr) { detail::renderBaseLayers(cr, data, s, baseCount, Extent(), fb); });
    } else if (dx == 0 && dy == 0) {
        base = std::const_pointer_cast<Base>(old);  // shared as it is; never written below
        result.reuse = Reuse::Same;
        result.exposedFraction = 0;
    } else {
        base->pixels.assign(static_cast<size_t>(stride) * static_cast<size_t>(h), 0);
        // Move the overlapping part of the cached image.
        const long x0 = std::max(0L, dx), x1 = std::min<long>(w, w + dx);
        for (long y = std::max(0L, dy); y < std::min<long>(h, h + dy); ++y)
            std::memcpy(base->pixels.data() + static_cast<size_t>(y) * stride + x0 * 4,
                        old->pixels.data() + static_cast<size_t>(y - dy) * stride + (x0 - dx) * 4,
                        static_cast<size_t>(x1 - x0) * 4);
        // Draw the exposed strips: a column (dx) over the full height, a row (dy) beside it.
        std::vector<Extent> strips;
        if (dx > 0)
            strips.push_back({0, 0, static_cast<double>(dx), static_cast<double>(h)});
        else if (dx < 0)
            strips.push_back({static_cast<double>(w + dx), 0, static_cast<double>(w), static_cast<double>(h)});
        if (dy > 0)
            strips.push_back({static_cast<double>(x0), 0, static_cast<double>(x1), static_cast<double>(dy)});
        else if (dy < 0)
            strips.push_back(
                {static_cast<double>(x0), static_cast<double>(h + dy), static_cast<double>(x1), static_cast<double>(h)});
        double exposed = 0;
        onPixels(base->pixels, w, h, stride, [&](cairo_t* cr) {
            for (const Extent& strip : strips) {
                if (strip.width() <= 0 || strip.height() <= 0)
                    continue;
                exposed += strip.width() * strip.height();
                detail::renderBaseLayers(cr, data, s, baseCount, strip, fb);
            }
        });
        result.reuse = Reuse::Shifted;
        result.exposedFraction = exposed / (static_cast<double>(w) * h);
    }
    throwIfCancelled(fb);
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_bases.erase(std::remove_if(m_bases.begin(), m_bases.end(),
                                     [&](const auto& b) { return b->key == key && sameScale(b->vt.scale, vt.scale); }),
                      m_bases.end());
        m_bases.insert(m_bases.begin(), base);
        // Another layer set or style makes the older bases useless: keep only this key's scales.
        m_bases.erase(std::remove_if(m_bases.begin(), m_bases.end(), [&](const auto& b) { return b->key != key; }),
                      m_bases.end());
        if (m_bases.size() > m_maxScales)
            m_bases.resize(m_maxScales);
    }
    out.pixels = base->pixels;
    onPixels(out.pixels, w, h, stride, [&](cairo_t* cr) { detail::renderOverlay(cr, data, s, baseCount, fb); });
    return result;
}

} // namespace bando::render
