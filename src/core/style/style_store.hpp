#pragma once
// Styles kept in the project: the `bando_styles` table (one row per layer: layer, position in
// the drawing order, visible, the style as JSON), written in one transaction. QGIS shows it as
// an attribute table.
#include "core/style/style.hpp"

#include <string>
#include <vector>

namespace bando {
class ProjectStore;
}

namespace bando::style {

inline constexpr const char* kStylesTable = "bando_styles";

struct StoredStyle {
    Style style;
    int position = 0;     // drawing order, bottom to top
    bool visible = true;
};

// Replaces every stored style with `styles` (in their order) in one transaction; each style
// is validated first, so a bad one writes nothing.
void saveStyles(ProjectStore& store, const std::vector<StoredStyle>& styles);
// The style editor's save: replaces the stored style of s.layer (keeping its position and
// visibility) or appends it visible, in one transaction; `s` is validated first (a bad style
// writes nothing). Returns the stored list as saved.
std::vector<StoredStyle> putStyle(ProjectStore& store, const Style& s);
// The styles to draw from a stored list: the visible ones, in drawing order.
std::vector<Style> visibleStyles(const std::vector<StoredStyle>& stored);

// The stored styles in drawing order; empty when the project has none. Throws
// bando::Error(Usage) naming the project and the row when a stored style is invalid.
std::vector<StoredStyle> loadStyles(const ProjectStore& store);

} // namespace bando::style
