#include "core/style/style_store.hpp"

#include "core/base/error.hpp"
#include "core/store/project_store.hpp"

#include <algorithm>

namespace bando::style {

void saveStyles(ProjectStore& store, const std::vector<StoredStyle>& styles)
{
    Layer table;
    table.name = kStylesTable;
    table.geomType = GeomType::None;
    table.fields = {{"layer", FieldType::Text, 0, true},
                    {"position", FieldType::Integer, 0, true},
                    {"visible", FieldType::Integer, 0, true},
                    {"style", FieldType::Text, 0, true}};
    for (const auto& s : styles) {
        s.style.validate();
        Feature& f = table.addFeature(Geometry{});
        table.set(f, "layer", s.style.layer);
        table.set(f, "position", static_cast<int64_t>(s.position));
        table.set(f, "visible", static_cast<int64_t>(s.visible ? 1 : 0));
        table.set(f, "style", toJson(s.style));
    }
    ProjectStore::Transaction tx(store);
    store.replaceLayer(table);
    tx.commit();
}

std::vector<StoredStyle> loadStyles(const ProjectStore& store)
{
    std::vector<StoredStyle> out;
    if (!store.hasLayer(kStylesTable))
        return out;
    const Layer table = store.readLayer(kStylesTable);
    for (size_t i = 0; i < table.features.size(); ++i) {
        const Feature& f = table.features[i];
        const std::string where = store.path() + ": " + kStylesTable + " row " + std::to_string(i + 1);
        auto parsed = parseStyles(table.text(f, "style"), where);
        if (parsed.size() != 1)
            throw Error(ErrorKind::Usage, where, "field style: expected one style");
        StoredStyle s;
        s.style = std::move(parsed[0]);
        s.position = static_cast<int>(table.integer(f, "position", static_cast<int64_t>(i)));
        s.visible = table.integer(f, "visible", 1) != 0;
        out.push_back(std::move(s));
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const StoredStyle& a, const StoredStyle& b) { return a.position < b.position; });
    return out;
}

std::vector<StoredStyle> putStyle(ProjectStore& store, const Style& s)
{
    s.validate();
    std::vector<StoredStyle> styles = loadStyles(store);
    auto it = std::find_if(styles.begin(), styles.end(), [&](const StoredStyle& o) { return o.style.layer == s.layer; });
    if (it != styles.end()) {
        it->style = s;
    } else {
        StoredStyle added;
        added.style = s;
        added.position = styles.empty() ? 0 : styles.back().position + 1;
        styles.push_back(std::move(added));
    }
    saveStyles(store, styles);
    return styles;
}

std::vector<Style> visibleStyles(const std::vector<StoredStyle>& stored)
{
    std::vector<Style> out;
    for (const auto& s : stored)
        if (s.visible)
            out.push_back(s.style);
    return out;
}

} // namespace bando::style
