#pragma once
// The place search of the app's search box: districts, communes and villages found by a name
// typed without diacritics, in any case, with the usual abbreviations ("lang son", "tt dong mo",
// "x. mai pha", "h. dinh lap", "thon na pai"). Results are ranked by how well they match, then
// district before commune before village, then in Vietnamese collation order (ICU "vi").
#include "core/model/layer.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace bando {
class ProjectStore;
}

namespace bando::search {

enum class Level { District = 0, Commune = 1, Village = 2 };
const char* levelName(Level level);  // "district", "commune", "village"

struct Place {
    Level level = Level::Village;
    std::string code, name;              // as stored (e.g. "Thị trấn Đồng Mỏ")
    std::string communeCode, communeName;    // villages
    std::string districtCode, districtName;  // communes and villages
    Extent extent;                       // WGS 84, for zooming the map
};

struct Hit {
    Place place;
    // 100 exact name, 80 name starts with the query, 60 every query word starts a word of the
    // name in order, 40 the query occurs in the name, 30 the query words start words of the
    // place with its commune and district ("na pai chi lang").
    int score = 0;
};

class PlaceIndex {
public:
    PlaceIndex(const Layer& districts, const Layer& communes, const Layer& villages);
    // Reads districts, communes and villages of a project (a missing layer contributes nothing).
    static PlaceIndex fromProject(const ProjectStore& store);
    ~PlaceIndex();
    PlaceIndex(PlaceIndex&&) noexcept;
    PlaceIndex& operator=(PlaceIndex&&) noexcept;

    // Best matches first, at most `limit`. An empty or blank query finds nothing.
    std::vector<Hit> find(std::string_view query, size_t limit = 50) const;
    size_t size() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

} // namespace bando::search
