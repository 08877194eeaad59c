#pragma once
// The renderer's fixed fonts: DejaVu Sans (regular, bold) loaded from Bando's resources through
// FreeType, so output does not depend on the machine's fontconfig setup and PDFs embed the font.
typedef struct _cairo_font_face cairo_font_face_t;

namespace bando::render {

enum class FontStyle { Regular, Bold };

// Process-wide font faces, created once (thread-safe) and kept until exit. Throws
// bando::Error(Io) naming the font file if it cannot be loaded.
cairo_font_face_t* fontFace(FontStyle style);

} // namespace bando::render
