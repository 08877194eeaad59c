#include "core/render/font.hpp"

#include "core/base/error.hpp"
#include "core/base/resources.hpp"
#include "core/capi/cairo.hpp"

#include <cairo-ft.h>
#include <cairo.h>
#include <ft2build.h>
#include FT_FREETYPE_H

#include <memory>
#include <mutex>
#include <string>

namespace bando::render {
namespace {

// FreeType objects are used only here: their owners stay local.
struct FtFaceDeleter {
    void operator()(FT_Face face) const { FT_Done_Face(face); }
};
struct FtLibraryDeleter {
    void operator()(FT_Library library) const { FT_Done_FreeType(library); }
};
using FtFacePtr = std::unique_ptr<FT_FaceRec_, FtFaceDeleter>;
using FtLibraryPtr = std::unique_ptr<FT_LibraryRec_, FtLibraryDeleter>;

struct Fonts {
    FtLibraryPtr library;  // declared first: it outlives the faces made from it
    cairo::FontFacePtr faces[2];
    std::string error;
};

const cairo_user_data_key_t kFaceKey{};

void doneFace(void* face) { FtFaceDeleter()(static_cast<FT_Face>(face)); }

cairo::FontFacePtr loadFace(FT_Library lib, const std::string& path)
{
    FT_Face raw = nullptr;
    if (FT_New_Face(lib, path.c_str(), 0, &raw) != 0)
        throw Error(ErrorKind::Io, path, "cannot load font");
    FtFacePtr face(raw);
    cairo::FontFacePtr cf(cairo_ft_font_face_create_for_ft_face(face.get(), 0));
    if (cairo::status(cf) != CAIRO_STATUS_SUCCESS)
        throw Error(ErrorKind::Io, path, "cannot create a Cairo font face");
    // The FT_Face lives as long as the Cairo face (cairo-ft documentation): the Cairo face
    // takes it over once the user data holds it.
    if (cairo_font_face_set_user_data(cf.get(), &kFaceKey, face.get(), doneFace) != CAIRO_STATUS_SUCCESS)
        throw Error(ErrorKind::Io, path, "out of memory");
    (void)face.release();
    return cf;
}

Fonts& fonts()
{
    // Never destroyed: a render worker that outlives main() (a detached job) may still draw
    // text while static objects are torn down.
    static Fonts& f = *new Fonts;
    static std::once_flag once;
    std::call_once(once, [] {
        try {
            FT_Library library = nullptr;
            if (FT_Init_FreeType(&library) != 0)
                throw Error(ErrorKind::Io, "FreeType", "cannot initialise FreeType");
            f.library.reset(library);
            f.faces[0] = loadFace(f.library.get(), resourcePath("fonts/DejaVuSans.ttf"));
            f.faces[1] = loadFace(f.library.get(), resourcePath("fonts/DejaVuSans-Bold.ttf"));
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
    cairo_font_face_t* face = f.faces[style == FontStyle::Bold ? 1 : 0].get();
    if (!face)
        throw Error(ErrorKind::Io, "fonts/DejaVuSans.ttf", f.error.empty() ? "font not loaded" : f.error);
    return face;
}

} // namespace bando::render
