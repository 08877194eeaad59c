#include "core/base/json.hpp"

#include <charconv>
#include <cmath>

namespace bando {

JsonWriter::~JsonWriter()
{
    if (m_done && m_stack.empty())
        m_out << '\n';
}

std::string JsonWriter::quote(std::string_view s)
{
    std::string o;
    o.reserve(s.size() + 2);
    o += '"';
    for (unsigned char ch : s) {
        switch (ch) {
        case '"': o += "\\\""; break;
        case '\\': o += "\\\\"; break;
        case '\n': o += "\\n"; break;
        case '\r': o += "\\r"; break;
        case '\t': o += "\\t"; break;
        default:
            if (ch < 0x20) {
                static const char* hex = "0123456789abcdef";
                o += "\\u00";
                o += hex[ch >> 4];
                o += hex[ch & 15];
            } else {
                o += static_cast<char>(ch);
            }
        }
    }
    o += '"';
    return o;
}

void JsonWriter::newline()
{
    if (m_indent <= 0)
        return;
    m_out << '\n';
    m_out << std::string(m_stack.size() * static_cast<size_t>(m_indent), ' ');
}

void JsonWriter::beforeValue()
{
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (!m_stack.empty()) {
        Level& l = m_stack.back();
        const bool first = l.empty;
        l.empty = false;
        if (!first)
            m_out << ',';
        if (!l.compact)
            newline();
        else if (!first)
            m_out << ' ';
    }
}

void JsonWriter::open(char bracket, bool array, bool compact)
{
    beforeValue();
    m_out << bracket;
    m_stack.push_back({array, true, compact || (!m_stack.empty() && m_stack.back().compact)});
}

void JsonWriter::close(char bracket)
{
    const Level closed = m_stack.back();
    m_stack.pop_back();
    if (!closed.empty && !closed.compact)
        newline();
    m_out << bracket;
    m_done = m_stack.empty();
}

JsonWriter& JsonWriter::beginObject(bool compact)
{
    open('{', false, compact);
    return *this;
}

JsonWriter& JsonWriter::endObject()
{
    close('}');
    return *this;
}

JsonWriter& JsonWriter::beginArray(bool compact)
{
    open('[', true, compact);
    return *this;
}

JsonWriter& JsonWriter::endArray()
{
    close(']');
    return *this;
}

JsonWriter& JsonWriter::key(std::string_view k)
{
    beforeValue();
    m_out << quote(k) << (m_indent > 0 ? ": " : ":");
    m_afterKey = true;
    return *this;
}

JsonWriter& JsonWriter::value(std::string_view s)
{
    beforeValue();
    m_out << quote(s);
    m_done = m_stack.empty();
    return *this;
}

JsonWriter& JsonWriter::value(bool b)
{
    beforeValue();
    m_out << (b ? "true" : "false");
    m_done = m_stack.empty();
    return *this;
}

JsonWriter& JsonWriter::value(double d)
{
    if (!std::isfinite(d))
        return null();
    beforeValue();
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, d);
    m_out.write(buf, r.ptr - buf);
    m_done = m_stack.empty();
    return *this;
}

JsonWriter& JsonWriter::value(int64_t v)
{
    beforeValue();
    m_out << v;
    m_done = m_stack.empty();
    return *this;
}

JsonWriter& JsonWriter::null()
{
    beforeValue();
    m_out << "null";
    m_done = m_stack.empty();
    return *this;
}

JsonWriter& JsonWriter::fixed(double d, int decimals)
{
    if (!std::isfinite(d))
        return null();
    beforeValue();
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed, decimals);
    m_out.write(buf, r.ptr - buf);
    m_done = m_stack.empty();
    return *this;
}

} // namespace bando
