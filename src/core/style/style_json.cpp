// Styles as JSON: a small strict reader (objects, arrays, strings, numbers, booleans, null) and
// the writer through JsonWriter (core/base/json.hpp).
#include "core/base/error.hpp"
#include "core/base/json.hpp"
#include "core/style/style.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

namespace bando::style {
namespace {

struct Member;

struct Value {
    enum Type { Null, Bool, Number, String, Array, Object } type = Null;
    bool b = false;
    double num = 0;
    std::string str;
    std::vector<Value> items;
    // Not std::pair<std::string, Value>: a pair needs a complete Value (clang rejects it).
    std::vector<Member> members;
};

struct Member {
    std::string first;  // the key
    Value second;
};

class Reader {
public:
    Reader(const std::string& text, const std::string& source) : m_t(text), m_src(source) {}

    Value document()
    {
        Value v = value();
        skipSpace();
        if (m_i != m_t.size())
            fail("unexpected text after the JSON value");
        return v;
    }

private:
    [[noreturn]] void fail(const std::string& what) const
    {
        int line = 1;
        for (size_t i = 0; i < m_i && i < m_t.size(); ++i)
            line += m_t[i] == '\n';
        throw Error(ErrorKind::Usage, m_src, "line " + std::to_string(line) + ": " + what);
    }
    void skipSpace()
    {
        while (m_i < m_t.size() && (m_t[m_i] == ' ' || m_t[m_i] == '\n' || m_t[m_i] == '\r' || m_t[m_i] == '\t'))
            ++m_i;
    }
    bool literal(const char* word)
    {
        const std::string w(word);
        if (m_t.compare(m_i, w.size(), w) != 0)
            return false;
        m_i += w.size();
        return true;
    }
    static void appendUtf8(std::string& out, unsigned cp)
    {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xc0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xe0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else {
            out += static_cast<char>(0xf0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        }
    }
    unsigned hex4()
    {
        if (m_i + 4 > m_t.size())
            fail("bad \\u escape");
        unsigned v = 0;
        for (int k = 0; k < 4; ++k) {
            const char c = m_t[m_i++];
            v <<= 4;
            if (c >= '0' && c <= '9')
                v |= static_cast<unsigned>(c - '0');
            else if (c >= 'a' && c <= 'f')
                v |= static_cast<unsigned>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                v |= static_cast<unsigned>(c - 'A' + 10);
            else
                fail("bad \\u escape");
        }
        return v;
    }
    std::string string()
    {
        ++m_i;  // opening quote
        std::string out;
        while (true) {
            if (m_i >= m_t.size())
                fail("unterminated string");
            const char c = m_t[m_i++];
            if (c == '"')
                return out;
            if (static_cast<unsigned char>(c) < 0x20)
                fail("control character in a string");
            if (c != '\\') {
                out += c;
                continue;
            }
            if (m_i >= m_t.size())
                fail("unterminated string");
            const char e = m_t[m_i++];
            switch (e) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                unsigned cp = hex4();
                if (cp >= 0xd800 && cp < 0xdc00 && m_t.compare(m_i, 2, "\\u") == 0) {
                    m_i += 2;
                    const unsigned lo = hex4();
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                }
                appendUtf8(out, cp);
                break;
            }
            default: fail("bad escape in a string");
            }
        }
    }
    Value value()
    {
        skipSpace();
        if (m_i >= m_t.size())
            fail("unexpected end of the JSON text");
        Value v;
        const char c = m_t[m_i];
        if (c == '{') {
            v.type = Value::Object;
            ++m_i;
            skipSpace();
            if (m_i < m_t.size() && m_t[m_i] == '}') {
                ++m_i;
                return v;
            }
            while (true) {
                skipSpace();
                if (m_i >= m_t.size() || m_t[m_i] != '"')
                    fail("expected a key in quotes");
                std::string k = string();
                skipSpace();
                if (m_i >= m_t.size() || m_t[m_i] != ':')
                    fail("expected ':' after \"" + k + "\"");
                ++m_i;
                v.members.push_back(Member{std::move(k), value()});
                skipSpace();
                if (m_i < m_t.size() && m_t[m_i] == ',') {
                    ++m_i;
                    continue;
                }
                if (m_i < m_t.size() && m_t[m_i] == '}') {
                    ++m_i;
                    return v;
                }
                fail("expected ',' or '}'");
            }
        }
        if (c == '[') {
            v.type = Value::Array;
            ++m_i;
            skipSpace();
            if (m_i < m_t.size() && m_t[m_i] == ']') {
                ++m_i;
                return v;
            }
            while (true) {
                v.items.push_back(value());
                skipSpace();
                if (m_i < m_t.size() && m_t[m_i] == ',') {
                    ++m_i;
                    continue;
                }
                if (m_i < m_t.size() && m_t[m_i] == ']') {
                    ++m_i;
                    return v;
                }
                fail("expected ',' or ']'");
            }
        }
        if (c == '"') {
            v.type = Value::String;
            v.str = string();
            return v;
        }
        if (literal("true")) {
            v.type = Value::Bool;
            v.b = true;
            return v;
        }
        if (literal("false")) {
            v.type = Value::Bool;
            return v;
        }
        if (literal("null"))
            return v;
        const char* start = m_t.c_str() + m_i;
        char* end = nullptr;
        v.num = std::strtod(start, &end);
        if (end == start || !std::isfinite(v.num))
            fail("unexpected character '" + std::string(1, c) + "'");
        v.type = Value::Number;
        m_i += static_cast<size_t>(end - start);
        return v;
    }

    const std::string& m_t;
    std::string m_src;
    size_t m_i = 0;
};

uint32_t parseColour(const std::string& s, const std::string& src, const std::string& key)
{
    if (s.size() == 7 && s[0] == '#') {
        char* end = nullptr;
        const unsigned long v = std::strtoul(s.c_str() + 1, &end, 16);
        if (end == s.c_str() + 7)
            return static_cast<uint32_t>(v);
    }
    throw Error(ErrorKind::Usage, src, "\"" + key + "\": expected a colour \"#rrggbb\", got \"" + s + "\"");
}

std::string numberText(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.15g", v);
    return buf;
}

std::string colourText(uint32_t c)
{
    char buf[8];
    std::snprintf(buf, sizeof buf, "#%06x", c & 0xffffffu);
    return buf;
}

Style styleFrom(const Value& o, const std::string& src)
{
    if (o.type != Value::Object)
        throw Error(ErrorKind::Usage, src, "a style must be a JSON object");
    Style s;
    for (const auto& m : o.members)
        if (m.first == "layer" && m.second.type == Value::String)
            s.layer = m.second.str;
    const std::string where = src + ": style " + (s.layer.empty() ? "(no layer)" : s.layer);
    auto num = [&](const std::string& k, const Value& v) {
        if (v.type != Value::Number)
            throw Error(ErrorKind::Usage, where, "\"" + k + "\": expected a number");
        return v.num;
    };
    auto str = [&](const std::string& k, const Value& v) {
        if (v.type != Value::String)
            throw Error(ErrorKind::Usage, where, "\"" + k + "\": expected a string");
        return v.str;
    };
    auto boolean = [&](const std::string& k, const Value& v) {
        if (v.type != Value::Bool)
            throw Error(ErrorKind::Usage, where, "\"" + k + "\": expected true or false");
        return v.b;
    };
    auto oneOf = [&](const std::string& k, const std::string& v, std::initializer_list<const char*> names) {
        int i = 0;
        std::string list;
        for (const char* n : names) {
            if (v == n)
                return i;
            list += (list.empty() ? "" : ", ") + std::string(n);
            ++i;
        }
        throw Error(ErrorKind::Usage, where, "\"" + k + "\": unknown value \"" + v + "\" (expected " + list + ")");
    };
    for (const auto& [k, v] : o.members) {
        if (k == "layer") {
            s.layer = str(k, v);
        } else if (k == "renderer") {
            s.renderer = static_cast<Renderer>(oneOf(k, str(k, v), {"single", "categorized", "graduated", "heatmap"}));
        } else if (k == "field") {
            s.field = str(k, v);
        } else if (k == "symbol") {
            s.symbol = static_cast<Symbol>(oneOf(k, str(k, v), {"circle", "square", "triangle", "diamond"}));
        } else if (k == "size") {
            s.sizePt = num(k, v);
        } else if (k == "scale_with_zoom") {
            s.scaleWithZoom = boolean(k, v);
        } else if (k == "colour" || k == "color") {
            s.colour = parseColour(str(k, v), where, k);
        } else if (k == "stroke_colour" || k == "stroke_color") {
            s.strokeColour = parseColour(str(k, v), where, k);
        } else if (k == "stroke_width") {
            s.strokeWidthPt = num(k, v);
        } else if (k == "opacity") {
            s.opacity = num(k, v);
        } else if (k == "categories") {
            if (v.type != Value::Array)
                throw Error(ErrorKind::Usage, where, "\"categories\": expected an array");
            for (const auto& c : v.items) {
                if (c.type != Value::Object)
                    throw Error(ErrorKind::Usage, where, "\"categories\": expected objects");
                Category cat;
                bool hasColour = false;
                for (const auto& [ck, cv] : c.members) {
                    if (ck == "value")
                        cat.value = cv.type == Value::Number ? numberText(cv.num) : str(ck, cv);
                    else if (ck == "colour" || ck == "color") {
                        cat.colour = parseColour(str(ck, cv), where, ck);
                        hasColour = true;
                    } else if (ck == "label")
                        cat.label = str(ck, cv);
                    else if (ck == "visible")
                        cat.visible = boolean(ck, cv);
                    else
                        throw Error(ErrorKind::Usage, where, "unknown category key \"" + ck + "\"");
                }
                if (!hasColour)
                    throw Error(ErrorKind::Usage, where, "category \"" + cat.value + "\" has no \"colour\"");
                s.categories.push_back(std::move(cat));
            }
        } else if (k == "method") {
            s.method = static_cast<Method>(
                oneOf(k, str(k, v), {"jenks", "quantile", "equal", "pretty", "fixed", "manual"}));
        } else if (k == "classes") {
            s.classes = static_cast<int>(num(k, v));
        } else if (k == "interval") {
            s.interval = num(k, v);
        } else if (k == "breaks") {
            if (v.type != Value::Array)
                throw Error(ErrorKind::Usage, where, "\"breaks\": expected an array of numbers");
            for (const auto& e : v.items)
                s.edges.push_back(num(k, e));
        } else if (k == "ramp") {
            s.ramp = str(k, v);
        } else if (k == "radius_m") {
            s.radiusM = num(k, v);
        } else if (k == "max_density") {
            s.maxDensity = num(k, v);
        } else if (k == "min_scale") {
            s.minScale = num(k, v);
        } else if (k == "max_scale") {
            s.maxScale = num(k, v);
        } else if (k == "label_field") {
            s.labelField = str(k, v);
        } else if (k == "label_priority") {
            s.labelPriorityField = str(k, v);
        } else if (k == "label_size") {
            s.labelSizePt = num(k, v);
        } else if (k == "label_halo") {
            s.labelHalo = boolean(k, v);
        } else if (k == "label_max_scale") {
            s.labelMaxScale = num(k, v);
        } else {
            throw Error(ErrorKind::Usage, where, "unknown key \"" + k + "\"");
        }
    }
    try {
        s.validate();
    } catch (const Error& e) {
        throw Error(ErrorKind::Usage, src, e.what());
    }
    return s;
}

void write(JsonWriter& w, const Style& s)
{
    const Style d;  // defaults are not written
    w.beginObject();
    w.field("layer", s.layer);
    w.field("renderer", rendererName(s.renderer));
    if (!s.field.empty())
        w.field("field", s.field);
    w.field("symbol", symbolName(s.symbol));
    w.field("size", s.sizePt);
    if (s.scaleWithZoom != d.scaleWithZoom)
        w.field("scale_with_zoom", s.scaleWithZoom);
    w.field("colour", colourText(s.colour));
    w.field("stroke_colour", colourText(s.strokeColour));
    w.field("stroke_width", s.strokeWidthPt);
    w.field("opacity", s.opacity);
    if (!s.categories.empty()) {
        w.key("categories").beginArray();
        for (const auto& c : s.categories) {
            w.beginObject(true).field("value", c.value).field("colour", colourText(c.colour));
            if (!c.label.empty())
                w.field("label", c.label);
            if (!c.visible)
                w.field("visible", false);
            w.endObject();
        }
        w.endArray();
    }
    if (s.renderer == Renderer::Graduated) {
        w.field("method", methodName(s.method));
        w.field("classes", s.classes);
        if (s.interval > 0)
            w.field("interval", s.interval);
        if (!s.edges.empty()) {
            w.key("breaks").beginArray(true);
            for (double e : s.edges)
                w.value(e);
            w.endArray();
        }
    }
    if (!s.ramp.empty())
        w.field("ramp", s.ramp);
    if (s.renderer == Renderer::Heatmap) {
        w.field("radius_m", s.radiusM);
        if (s.maxDensity > 0)
            w.field("max_density", s.maxDensity);
    }
    if (s.minScale > 0)
        w.field("min_scale", s.minScale);
    if (s.maxScale > 0)
        w.field("max_scale", s.maxScale);
    if (!s.labelField.empty()) {
        w.field("label_field", s.labelField);
        if (!s.labelPriorityField.empty())
            w.field("label_priority", s.labelPriorityField);
        w.field("label_size", s.labelSizePt);
        w.field("label_halo", s.labelHalo);
        if (s.labelMaxScale > 0)
            w.field("label_max_scale", s.labelMaxScale);
    }
    w.endObject();
}

} // namespace

std::vector<Style> parseStyles(const std::string& json, const std::string& source)
{
    Reader r(json, source);
    const Value doc = r.document();
    const Value* list = &doc;
    if (doc.type == Value::Object)
        for (const auto& m : doc.members)
            if (m.first == "styles")
                list = &m.second;
    std::vector<Style> out;
    if (list->type == Value::Array) {
        for (const auto& v : list->items)
            out.push_back(styleFrom(v, source));
    } else {
        out.push_back(styleFrom(*list, source));
    }
    return out;
}

std::string toJson(const Style& s)
{
    std::ostringstream os;
    JsonWriter w(os, 0);
    write(w, s);
    return os.str();
}

std::string toJson(const std::vector<Style>& styles)
{
    std::ostringstream os;
    JsonWriter w(os, 2);
    w.beginObject().key("styles").beginArray();
    for (const auto& s : styles)
        write(w, s);
    w.endArray().endObject();
    return os.str();
}

std::vector<Style> readStyleFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(ErrorKind::Io, path, "cannot read the style file");
    std::ostringstream ss;
    ss << in.rdbuf();
    return parseStyles(ss.str(), path);
}

} // namespace bando::style
