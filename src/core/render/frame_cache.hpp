#pragma once
// FrameCache: redraws of an interactive view (the app's canvas) without redrawing what has not
// changed (issue #13). The base layers — the bottom of the layer order up to the first marker,
// heatmap or labelled layer: village fills, hillshade, boundaries, roads — are kept as an image
// per view scale. A pan at a cached scale moves that image by whole pixels and draws only the
// newly exposed strips (features culled against each strip); a zoom back to a cached scale at
// the same place reuses it whole. Markers, labels and decorations are drawn over a copy of the
// base on every frame, so they are placed for the whole view as renderMap places them. The
// result equals renderMap's image (to rounding at the antialiased edges).
//
// Thread-safe: render() may run on several workers at once (a cancelled job still finishing);
// cached bases are immutable and shared, a cancelled or failed render stores nothing.
#include "core/render/map_renderer.hpp"

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace bando::render {

// How many layers at the bottom of the draw order of `s` FrameCache can cache (0 = none).
size_t cacheableBaseLayers(const MapData& data, const MapSettings& s);

class FrameCache {
public:
    explicit FrameCache(size_t maxScales = 4);
    FrameCache(const FrameCache&) = delete;
    FrameCache& operator=(const FrameCache&) = delete;

    enum class Reuse {
        None,     // the base was drawn whole (new scale, layers or styles, or no overlap)
        Shifted,  // the cached base was moved and the exposed strips drawn
        Same      // the cached base was used as it is
    };
    struct Result {
        Reuse reuse = Reuse::None;
        double exposedFraction = 1;  // share of the image's pixels whose base was drawn
    };
    // Draws `s` on `data` into `out` (ARGB32, premultiplied, s.widthPx × s.heightPx). Throws
    // CancelledError when `fb` is cancelled (nothing is cached then).
    Result render(Image& out, const MapData& data, const MapSettings& s, const Feedback* fb = nullptr);
    void clear();
    size_t size() const;

private:
    struct Base;
    mutable std::mutex m_mutex;
    std::vector<std::shared_ptr<const Base>> m_bases;  // most recently used first
    size_t m_maxScales;
};

namespace detail {
// The passes FrameCache composes (map_renderer.cpp): the base layers order[0, baseCount)
// with the background, only inside `clipPx` (device units; empty = everything), and the rest
// of the map drawn over an existing base.
void renderBaseLayers(cairo_t* cr, const MapData& data, const MapSettings& s, size_t baseCount,
                      const Extent& clipPx, const Feedback* fb);
void renderOverlay(cairo_t* cr, const MapData& data, const MapSettings& s, size_t baseCount, const Feedback* fb);
} // namespace detail

} // namespace bando::render
