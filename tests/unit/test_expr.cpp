// Filter expressions (core/expr): the QGIS subset of docs/EXPRESSIONS.md, parsed and evaluated
// by Bando, with the positions of syntax errors.
#include "core/expr/expression.hpp"

#include <catch2/catch.hpp>

using namespace bando;
using bando::expr::Expression;
using bando::expr::ExprError;

namespace {

Layer villages()
{
    Layer l;
    l.name = "villages";
    l.fields = {{"code", FieldType::Text}, {"name", FieldType::Text}, {"households", FieldType::Integer},
                {"area_km2", FieldType::Real}, {"class", FieldType::Text}};
    auto add = [&](const char* code, const char* name, Value hh, Value area, Value cls) {
        auto& f = l.addFeature({});
        l.set(f, "code", std::string(code));
        l.set(f, "name", std::string(name));
        l.set(f, "households", hh);
        l.set(f, "area_km2", area);
        l.set(f, "class", cls);
    };
    add("0604001", "Thôn Nà Pài", int64_t(120), 4.5, std::string("covered"));
    add("0604002", "Thôn Bó Kheo", int64_t(85), 2.0, std::string("no_signal"));
    add("0602801", "Khối Bó Kheo", int64_t(310), 0.8, std::string("unstable"));
    add("0602802", "Khối 1", Value{}, 1.25, Value{});
    add("0597101", "Bản Đồng Mỏ", int64_t(40), 10.0, std::string("no_signal"));
    return l;
}

std::vector<std::string> codes(const Layer& l, const char* text)
{
    std::vector<std::string> out;
    for (size_t i : expr::filter(l, text))
        out.push_back(l.text(l.features[i], "code"));
    return out;
}

Value eval(const char* text)
{
    Expression e = Expression::parse(text);
    e.bind({});
    return e.evaluate(Feature{});
}

size_t errorPosition(const char* text, const Layer* l = nullptr)
{
    try {
        Expression e = Expression::parse(text);
        if (l)
            e.bind(l->fields);
    } catch (const ExprError& e) {
        return e.position();
    }
    return 0;
}

} // namespace

TEST_CASE("expressions compare fields with numbers and text", "[expr]")
{
    const Layer l = villages();
    CHECK(codes(l, "\"households\" > 100") == std::vector<std::string>{"0604001", "0602801"});
    CHECK(codes(l, "households >= 85 AND households <= 120") == std::vector<std::string>{"0604001", "0604002"});
    CHECK(codes(l, "\"class\" = 'no_signal'") == std::vector<std::string>{"0604002", "0597101"});
    CHECK(codes(l, "\"class\" <> 'no_signal'") == std::vector<std::string>{"0604001", "0602801"});  // NULL is not <>
    CHECK(codes(l, "\"class\" != 'no_signal' OR \"class\" IS NULL") ==
          std::vector<std::string>{"0604001", "0602801", "0602802"});
    CHECK(codes(l, "\"households\" IS NULL") == std::vector<std::string>{"0602802"});
    CHECK(codes(l, "\"households\" IS NOT NULL AND NOT \"households\" < 100") ==
          std::vector<std::string>{"0604001", "0602801"});
    // text field compared with a number: the text reads as a number
    CHECK(codes(l, "\"code\" = 604002") == std::vector<std::string>{"0604002"});
    // arithmetic: households per km² above 100 (× and ÷ are accepted as well as * and /)
    CHECK(codes(l, "\"households\" / \"area_km2\" > 100") == std::vector<std::string>{"0602801"});
    CHECK(codes(l, "\"households\" ÷ \"area_km2\" > 100") == std::vector<std::string>{"0602801"});
    CHECK(codes(l, "(\"households\" + 10) * 2 = 260") == std::vector<std::string>{"0604001"});
    CHECK(codes(l, "\"households\" × 2 − 10 = 160") == std::vector<std::string>{"0604002"});
}

TEST_CASE("expressions: IN, LIKE and ILIKE", "[expr]")
{
    const Layer l = villages();
    CHECK(codes(l, "\"class\" IN ('covered', 'unstable')") == std::vector<std::string>{"0604001", "0602801"});
    CHECK(codes(l, "\"class\" NOT IN ('covered', 'unstable')") == std::vector<std::string>{"0604002", "0597101"});
    CHECK(codes(l, "\"households\" in (40, 85)") == std::vector<std::string>{"0604002", "0597101"});
    CHECK(codes(l, "\"name\" LIKE '%Bó Kheo'") == std::vector<std::string>{"0604002", "0602801"});
    CHECK(codes(l, "\"name\" LIKE 'thôn%'").empty());  // LIKE is case-sensitive
    CHECK(codes(l, "\"name\" ILIKE 'THÔN%'") == std::vector<std::string>{"0604001", "0604002"});
    CHECK(codes(l, "\"name\" ILIKE '%đồng%'") == std::vector<std::string>{"0597101"});
    CHECK(codes(l, "\"name\" LIKE 'Khối _'") == std::vector<std::string>{"0602802"});
    CHECK(codes(l, "\"name\" NOT LIKE 'Th%'") == std::vector<std::string>{"0602801", "0602802", "0597101"});
    CHECK(codes(l, "\"code\" LIKE '0604%' AND \"households\" > 100") == std::vector<std::string>{"0604001"});
}

TEST_CASE("expressions: values, precedence and three-valued logic", "[expr]")
{
    CHECK(std::get<int64_t>(eval("1 + 2 * 3")) == 7);
    CHECK(std::get<int64_t>(eval("(1 + 2) * 3")) == 9);
    CHECK(std::get<double>(eval("5 / 2")) == 2.5);
    CHECK(std::get<int64_t>(eval("-3 - -4")) == 1);
    CHECK(std::get<double>(eval("1.5e2 + .5")) == 150.5);
    CHECK(std::get<std::string>(eval("'Lạng ' || 'Sơn'")) == "Lạng Sơn");
    CHECK(std::get<std::string>(eval("'it''s'")) == "it's");
    CHECK(isNull(eval("1 / 0")));
    CHECK(isNull(eval("NULL + 1")));
    CHECK(isNull(eval("NULL = NULL")));
    CHECK(std::get<int64_t>(eval("NULL IS NULL")) == 1);
    CHECK(std::get<int64_t>(eval("NULL AND FALSE")) == 0);
    CHECK(isNull(eval("NULL AND TRUE")));
    CHECK(std::get<int64_t>(eval("NULL OR TRUE")) == 1);
    CHECK(isNull(eval("NOT NULL")));
    CHECK(std::get<int64_t>(eval("1 = 1 OR 1 = 2 AND 1 = 2")) == 1);  // AND binds tighter than OR
    CHECK(std::get<int64_t>(eval("NOT 1 = 2")) == 1);                 // NOT applies to the comparison
    CHECK(std::get<int64_t>(eval("'abc' < 'abd'")) == 1);
    CHECK(std::get<int64_t>(eval("'10' = 10.0")) == 1);
    CHECK(isNull(eval("2 IN (1, NULL)")));
    CHECK(std::get<int64_t>(eval("2 IN (2, NULL)")) == 1);
    CHECK(std::get<double>(eval("9223372036854775807 + 1")) == Approx(9.223372036854776e18));
    CHECK(Expression::parse("a=1 or b in (1,'x') and not c ilike 'y%'").dump() ==
          "((\"a\" = 1) OR ((\"b\" IN (1, 'x')) AND (NOT (\"c\" ILIKE 'y%'))))");
}

TEST_CASE("expression errors name the position", "[expr]")
{
    const Layer l = villages();
    CHECK(errorPosition("\"households\" > ") == 16);                  // end of expression
    CHECK(errorPosition("\"households\" >> 3") == 15);
    CHECK(errorPosition("(\"households\" > 3") == 18);                 // missing ')'
    CHECK(errorPosition("\"name\" = 'Nà Pài") == 10);                  // text not closed, counted in characters
    CHECK(errorPosition("\"tên\" = 'x' AND \"hộ\" > 1", &l) == 1);     // unknown field: the first one
    CHECK(errorPosition("\"households\" > 1 AND \"hộ\" > 1", &l) == 22);
    CHECK(errorPosition("households IS 3") == 15);
    CHECK(errorPosition("upper(name) = 'X'") == 1);                   // functions are not in the subset
    CHECK(errorPosition("1 + ") == 5);
    CHECK(errorPosition("") == 1);
    CHECK(errorPosition("a = 1 b") == 7);
    CHECK(errorPosition("a = 1 ; DROP TABLE villages") == 7);
    try {
        expr::filter(l, "\"households\" > 1 AND \"hộ\" > 1");
        FAIL("no error");
    } catch (const ExprError& e) {
        CHECK(e.kind() == ErrorKind::Usage);
        CHECK(std::string(e.what()).find("position 22") != std::string::npos);
        CHECK(e.detail().find("unknown field \"hộ\"") == 0);
    }
    // deep nesting is refused, not a stack overflow
    CHECK(errorPosition(std::string(5000, '(').c_str()) > 0);
}

TEST_CASE("expression field names bind case-insensitively after an exact match", "[expr]")
{
    Layer l = villages();
    CHECK(codes(l, "HOUSEHOLDS = 40") == std::vector<std::string>{"0597101"});
    CHECK(codes(l, "\"Households\" = 40") == std::vector<std::string>{"0597101"});
}
