#pragma once
// A compact read of a large point layer: each row's first point and the values of a few of its
// columns, interned per column (the sample's 112,000 shops hold a few thousand distinct dates and
// village codes). No Feature and no Geometry is built per row: the shops' read went from 0.1 s to
// a third of that (docs/PERFORMANCE.md).
//
// It answers exactly what the same rows read as a Layer answer: value(c, k) is the Value feature k
// of the Layer holds in column c (null where the layer has no such column), and hasPoint[k] / xy[k]
// say whether the feature's geometry has a first point and which (parts[0][0][0]).
#include "core/model/layer.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bando {

struct PointColumns {
    int epsg = 4326;
    std::vector<std::string> columns;
    std::vector<XY> xy;                      // per row; meaningful where hasPoint
    std::vector<uint8_t> hasPoint;           // per row
    std::vector<std::vector<uint32_t>> ids;  // [column][row]: index into values[column]
    std::vector<std::vector<Value>> values;  // [column]: its distinct values; [0] is null

    size_t size() const { return xy.size(); }
    const Value& value(size_t column, size_t row) const { return values[column][ids[column][row]]; }

    // The same rows from a Layer (the reference the store's compact read is tested against).
    static PointColumns fromLayer(const Layer& layer, const std::vector<std::string>& columns);
};

// Interns the values of one column: equal values (same type, same bits or bytes) get one id.
// Open addressing on a hash of the value: no key is built and nothing is allocated for a value
// seen before (the shops' 560,000 values took 20 ms through a std::unordered_map of keys).
class ValueInterner {
public:
    ValueInterner();
    uint32_t null() const { return 0; }
    uint32_t integer(int64_t v);
    uint32_t real(double v);
    uint32_t text(std::string_view v);
    uint32_t add(const Value& v);
    std::vector<Value> take() { return std::move(m_values); }

private:
    template <class Same, class Make> uint32_t intern(uint64_t hash, Same&& same, Make&& make);
    void grow();
    std::vector<uint32_t> m_slots;  // value id + 1; 0 = empty
    std::vector<uint64_t> m_hashes; // per value id
    std::vector<Value> m_values;
};

// The first point of a geometry (parts[0][0][0]); false when it has none.
bool firstPointOf(const Geometry& g, XY& p);

} // namespace bando
