#pragma once
// Filter expressions: the documented subset of QGIS's expression syntax (docs/EXPRESSIONS.md),
// parsed by Bando into a tree and evaluated on features in C++. An expression is never pasted
// into SQL. Syntax errors and unknown fields throw ExprError with the 1-based character position.
#include "core/base/error.hpp"
#include "core/model/layer.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace bando::expr {

// A syntax or binding error: kind Usage, where "expression", the message names the position.
class ExprError : public Error {
public:
    ExprError(size_t position, const std::string& message);
    // 1-based position of the offending character, counted in Unicode code points.
    size_t position() const { return m_position; }
    // The message without the position prefix (e.g. "expected ')'").
    const std::string& detail() const { return m_detail; }

private:
    size_t m_position;
    std::string m_detail;
};

struct Node;

class Expression {
public:
    // Parses `text`; throws ExprError on a syntax error.
    static Expression parse(std::string_view text);

    // Resolves field names against a layer's fields (exact name first, then case-insensitive);
    // throws ExprError naming the unknown field at its position.
    void bind(const std::vector<FieldDef>& fields);
    bool bound() const { return m_bound; }

    // Evaluates on one feature of the layer bound to (booleans are 1 / 0, unknown is null).
    Value evaluate(const Feature& f) const;
    // True when evaluate() is true (non-zero number or non-empty text); null is not a match.
    bool matches(const Feature& f) const;

    const std::string& text() const { return m_text; }
    // Field names as written, in order of first use.
    const std::vector<std::string>& fieldNames() const { return m_fields; }
    // The tree fully parenthesised, for tests and error reports: ("households" > 100).
    std::string dump() const;

private:
    std::string m_text;
    std::shared_ptr<const Node> m_root;
    std::vector<std::string> m_fields;      // slot -> name
    std::vector<size_t> m_fieldPos;         // slot -> position of first use
    std::vector<int> m_fieldIndex;          // slot -> layer field index (after bind)
    bool m_bound = false;
};

// Indices (into layer.features) of the features matching `text`, in layer order.
// Throws ExprError for a syntax error or an unknown field.
std::vector<size_t> filter(const Layer& layer, std::string_view text);

// Truthiness of a value as the filter uses it.
bool isTrue(const Value& v);

} // namespace bando::expr
