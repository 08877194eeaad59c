#include "core/render/font.hpp"

#include "core/base/error.hpp"
#include "core/base/resources.hpp"

#include <cairo-ft.h>
#include <cairo.h>
#include <ft2build.h>
#include FT_FREETYPE_H

#include <mutex>
#include <string>

namespace bando::render {
namespace {

struct Fonts {
    FT_Library library = nullptr;
    cairo_font_face_t* faces[2] = {nullptr, nullptr};
    std::string error;
};

const cairo_user_data_key_t kFaceKey{};

void doneFace(void* face) { FT_Done_Face(static_cast<FT_Face>(face)); }

cairo_font_face_t* loadFace(FT_Library lib, const std::string& path)
{
    FT_Face face = nullptr;
    if (FT_New_Face(lib, path.c_str(), 0, &face) != 0)
        throw Error(ErrorKind::Io, path, "cannot load font");
    cairo_font_face_t* cf = cairo_ft_font_face_create_for_ft_face(face, 0);
    if (cairo_font_face_status(cf) != CAIRO_STATUS_SUCCESS) {
        cairo_font_face_destroy(cf);
        FT_Done_Face(face);
        throw Error(ErrorKind::Io, path, "cannot create a Cairo font face");
    }
    // The FT_Face lives as long as the Cairo face (cairo-ft documentation).
    if (cairo_font_face_set_user_data(cf, &kFaceKey, face, doneFace) != CAIRO_STATUS_SUCCESS) {
        cairo_font_face_destroy(cf);
        FT_Done_Face(face);
        throw Error(ErrorKind::Io, path, "out of memory");
    }
    return cf;
}

Fonts& fonts()
{
    static Fonts f;
    static std::once_flag once;
    std::call_once(once, [] {
        try {
            if (FT_Init_FreeType(&f.library) != 0)
                throw Error(ErrorKind::Io, "FreeType", "cannot initialise FreeType");
            f.faces[0] = loadFace(f.library, resourcePath("fonts/DejaVuSans.ttf"));
            f.faces[1] = loadFace(f.library, resourcePath("fonts/DejaVuSans-Bold.ttf"));
        } catch (const std::exception& e) {
            f.error = e.what();
        }
    });
    return f;
}

} // namespace

cairo_font_face_t* fontFace(FontStyle style)
{
    Fonts& f = fonts();
    cairo_font_face_t* face = f.faces[style == FontStyle::Bold ? 1 : 0];
    if (!face)
        throw Error(ErrorKind::Io, "fonts/DejaVuSans.ttf", f.error.empty() ? "font not loaded" : f.error);
    return face;
}

} // namespace bando::render
