#pragma once
// Cairo handles: one owning pointer per Cairo object type, so that a surface, a context or a
// font face is released on every path, exceptions included. Cairo never returns NULL from its
// constructors (it returns an object in an error state): check the status after creating.
#include "core/base/error.hpp"

#include <cairo.h>

#include <memory>

namespace bando::cairo {

struct SurfaceDeleter {
    void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct ContextDeleter {
    void operator()(cairo_t* c) const { cairo_destroy(c); }
};
struct FontFaceDeleter {
    void operator()(cairo_font_face_t* f) const { cairo_font_face_destroy(f); }
};
struct PatternDeleter {
    void operator()(cairo_pattern_t* p) const { cairo_pattern_destroy(p); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
using ContextPtr = std::unique_ptr<cairo_t, ContextDeleter>;
using FontFacePtr = std::unique_ptr<cairo_font_face_t, FontFaceDeleter>;
using PatternPtr = std::unique_ptr<cairo_pattern_t, PatternDeleter>;

// Status of a freshly created object (CAIRO_STATUS_SUCCESS when usable).
inline cairo_status_t status(const SurfacePtr& s) { return cairo_surface_status(s.get()); }
inline cairo_status_t status(const ContextPtr& c) { return cairo_status(c.get()); }
inline cairo_status_t status(const FontFacePtr& f) { return cairo_font_face_status(f.get()); }

// A drawing context on `surface`; throws bando::Error(Internal) when Cairo cannot make one.
inline ContextPtr makeContext(cairo_surface_t* surface)
{
    ContextPtr cr(cairo_create(surface));
    if (status(cr) != CAIRO_STATUS_SUCCESS)
        throw Error(ErrorKind::Internal, "cairo", cairo_status_to_string(status(cr)));
    return cr;
}

} // namespace bando::cairo
