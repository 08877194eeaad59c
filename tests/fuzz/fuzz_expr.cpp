// libFuzzer target: the filter expression parser and evaluator (core/expr/expression.hpp).
// Input: bytes taken as an expression text (any bytes, not only UTF-8), bound to a small
// villages layer and evaluated on its features (values of every type, NULLs, Vietnamese text).
// Invariants: parse() either succeeds or throws ExprError with a position within the text (+1
// for "at the end"); no other exception; a parsed expression's dump() parses again to the same
// dump(); evaluation never throws and returns NULL, a number or text.
#include "core/expr/expression.hpp"
#include "fuzz_common.hpp"

using namespace bando;
using bando::expr::Expression;
using bando::expr::ExprError;

namespace {

Layer makeLayer()
{
    Layer l;
    l.name = "villages";
    l.fields = {{"code", FieldType::Text}, {"name", FieldType::Text}, {"households", FieldType::Integer},
                {"area_km2", FieldType::Real}, {"class", FieldType::Text}};
    const Value rows[][5] = {
        {std::string("0604001"), std::string("Thôn Nà Pài"), int64_t(120), 4.5, std::string("covered")},
        {std::string("0602802"), std::string("Khối 1"), Value{}, 0.0, Value{}},
        {std::string(""), std::string("%_\\'\""), int64_t(-9223372036854775807LL - 1), -1e308, std::string("no_signal")},
    };
    for (const auto& r : rows) {
        auto& f = l.addFeature({});
        f.values.assign(std::begin(r), std::end(r));
    }
    return l;
}

size_t codePoints(std::string_view s)
{
    size_t n = 0;
    for (unsigned char c : s)
        n += (c & 0xC0) != 0x80 ? 1 : 0;
    return n;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const Layer layer = makeLayer();
    if (size > 4096)
        return 0;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    Expression e;
    try {
        e = Expression::parse(text);
    } catch (const ExprError& err) {
        if (err.position() < 1 || err.position() > codePoints(text) + 1)
            fuzz::fail("syntax error position outside the text", text);
        return 0;
    }
    const std::string dump = e.dump();
    try {
        if (Expression::parse(dump).dump() != dump)
            fuzz::fail("dump() does not parse back to itself", dump);
    } catch (const ExprError& err) {
        // dump() puts every node in parentheses, so it nests deeper than the text it came from:
        // near the nesting limit only that refusal is allowed (finding F3, docs/FUZZING.md).
        if (err.detail() != "expression nested too deeply")
            fuzz::fail("dump() does not parse", dump);
    }
    try {
        e.bind(layer.fields);
    } catch (const ExprError& err) {
        if (err.position() < 1 || err.position() > codePoints(text) + 1)
            fuzz::fail("unknown-field position outside the text", text);
        return 0;
    }
    for (const auto& f : layer.features) {
        const Value v = e.evaluate(f);
        if (const auto* s = std::get_if<std::string>(&v); s && s->size() > (size_t(1) << 24))
            fuzz::fail("text result grew without bound", text);
        (void)e.matches(f);
    }
    return 0;
}
