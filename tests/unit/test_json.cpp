// The one JSON writer: nesting, compact records, escapes, numbers in the C locale.
#include "core/base/json.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>

using bando::JsonWriter;

TEST_CASE("JsonWriter nests objects and arrays with indentation", "[json]")
{
    std::ostringstream out;
    {
        JsonWriter w(out);
        w.beginObject();
        w.field("name", "Lạng Sơn").field("villages", 1703);
        w.key("total").beginObject(true).field("no_signal", 148).field("unstable", 140).endObject();
        w.key("empty").beginArray().endArray();
        w.key("codes").beginArray();
        w.value("178").value("189");
        w.endArray();
        w.endObject();
    }
    CHECK(out.str() ==
          "{\n"
          "  \"name\": \"Lạng Sơn\",\n"
          "  \"villages\": 1703,\n"
          "  \"total\": {\"no_signal\": 148, \"unstable\": 140},\n"
          "  \"empty\": [],\n"
          "  \"codes\": [\n"
          "    \"178\",\n"
          "    \"189\"\n"
          "  ]\n"
          "}\n");
}

TEST_CASE("JsonWriter escapes strings and writes numbers exactly", "[json]")
{
    CHECK(JsonWriter::quote("a\"b\\c\n\t\x01") == "\"a\\\"b\\\\c\\n\\t\\u0001\"");
    std::ostringstream out;
    {
        JsonWriter w(out, 0);
        w.beginArray().value(0.1).value(2000.0).value(-3.25).value(std::nan("")).value(true).null().endArray();
    }
    CHECK(out.str() == "[0.1,2000,-3.25,null,true,null]\n");
}
