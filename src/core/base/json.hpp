#pragma once
// The one JSON writer of Bando (every `--json` output and JSON files the core writes).
// A small streaming writer: objects and arrays nest, keys and strings are escaped, numbers are
// written with the C locale (shortest form that round-trips for doubles), NaN/inf become null.
//   JsonWriter w(out);
//   w.beginObject(); w.key("total"); w.value(148); w.endObject();
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace bando {

class JsonWriter {
public:
    // indent = 0 writes everything on one line.
    explicit JsonWriter(std::ostream& out, int indent = 2) : m_out(out), m_indent(indent) {}
    ~JsonWriter();  // ends with a newline once the top-level value is complete

    // A compact object or array is written on one line ({"a": 1, "b": 2}), for short records.
    JsonWriter& beginObject(bool compact = false);
    JsonWriter& endObject();
    JsonWriter& beginArray(bool compact = false);
    JsonWriter& endArray();
    JsonWriter& key(std::string_view k);

    JsonWriter& value(std::string_view s);
    JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
    JsonWriter& value(const char* s) { return value(std::string_view(s)); }
    JsonWriter& value(bool b);
    JsonWriter& value(double d);
    JsonWriter& value(int v) { return value(static_cast<int64_t>(v)); }
    JsonWriter& value(long long v) { return value(static_cast<int64_t>(v)); }
    JsonWriter& value(unsigned v) { return value(static_cast<int64_t>(v)); }
    JsonWriter& value(unsigned long v) { return value(static_cast<int64_t>(v)); }
    JsonWriter& value(int64_t v);
    JsonWriter& null();
    // A number with a fixed count of decimals ("%.*f"), for outputs that keep a set precision.
    JsonWriter& fixed(double d, int decimals);

    // key + value in one call.
    template <class T>
    JsonWriter& field(std::string_view k, const T& v)
    {
        key(k);
        return value(v);
    }

    // key + an array of strings (e.g. a result's notes).
    JsonWriter& strings(std::string_view k, const std::vector<std::string>& values, bool compact = false)
    {
        key(k).beginArray(compact);
        for (const auto& v : values)
            value(v);
        return endArray();
    }

    // "…" with JSON escapes (quotes included).
    static std::string quote(std::string_view s);

private:
    void beforeValue();
    void newline();
    void open(char bracket, bool array, bool compact);
    void close(char bracket);

    struct Level {
        bool array = false;
        bool empty = true;
        bool compact = false;
    };
    std::ostream& m_out;
    int m_indent;
    std::vector<Level> m_stack;
    bool m_afterKey = false;
    bool m_done = false;
};

} // namespace bando
