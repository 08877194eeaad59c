#include "core/expr/expression.hpp"

#include "core/base/text.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>

namespace bando::expr {

enum class Op {
    Literal, Field, Neg, Not, And, Or, Eq, Ne, Lt, Le, Gt, Ge, Add, Sub, Mul, Div, Concat,
    In, Like, ILike, IsNull
};

struct Node {
    Op op = Op::Literal;
    Value literal;
    size_t slot = 0;       // Field
    bool negated = false;  // NOT IN, NOT LIKE, IS NOT NULL
    size_t pos = 1;
    std::vector<std::unique_ptr<Node>> kids;
};

ExprError::ExprError(size_t position, const std::string& message)
    : Error(ErrorKind::Usage, "expression", "position " + std::to_string(position) + ": " + message),
      m_position(position), m_detail(message)
{
}

namespace {

constexpr int kMaxDepth = 1000;

// ---- lexer ----
enum class Tok { End, Number, String, Field, Word, LParen, RParen, Comma, Eq, Ne, Lt, Le, Gt, Ge, Plus, Minus, Star,
                 Slash, Concat };

struct Token {
    Tok kind = Tok::End;
    std::string text;  // string contents, field name, upper-cased word, number spelling
    size_t pos = 1;    // 1-based code point position
};

size_t codePointsBefore(std::string_view s, size_t byte)
{
    size_t n = 0;
    for (size_t i = 0; i < byte && i < s.size(); ++i)
        n += (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 ? 1 : 0;
    return n + 1;
}

std::vector<Token> lex(std::string_view s)
{
    std::vector<Token> out;
    size_t i = 0;
    auto at = [&](size_t b) { return codePointsBefore(s, b); };
    auto starts = [&](size_t b, std::string_view w) { return s.substr(b, w.size()) == w; };
    while (i < s.size()) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            ++i;
            continue;
        }
        Token t;
        t.pos = at(i);
        if (c == '\'' || c == '"') {
            const char q = static_cast<char>(c);
            size_t j = i + 1;
            bool closed = false;
            while (j < s.size()) {
                if (s[j] == q) {
                    if (j + 1 < s.size() && s[j + 1] == q) {  // doubled quote
                        t.text += q;
                        j += 2;
                        continue;
                    }
                    closed = true;
                    break;
                }
                t.text += s[j++];
            }
            if (!closed)
                throw ExprError(t.pos, q == '\'' ? "text literal not closed (missing ')" : "field name not closed (missing \")");
            if (!text::isValidUtf8(t.text))
                throw ExprError(t.pos, "invalid UTF-8 text");
            if (q == '"' && t.text.empty())
                throw ExprError(t.pos, "empty field name");
            t.kind = q == '\'' ? Tok::String : Tok::Field;
            i = j + 1;
        } else if ((c >= '0' && c <= '9') || (c == '.' && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '9')) {
            size_t j = i;
            while (j < s.size() && s[j] >= '0' && s[j] <= '9')
                ++j;
            if (j < s.size() && s[j] == '.') {
                ++j;
                while (j < s.size() && s[j] >= '0' && s[j] <= '9')
                    ++j;
            }
            if (j < s.size() && (s[j] == 'e' || s[j] == 'E')) {
                size_t k = j + 1;
                if (k < s.size() && (s[k] == '+' || s[k] == '-'))
                    ++k;
                if (k < s.size() && s[k] >= '0' && s[k] <= '9') {
                    while (k < s.size() && s[k] >= '0' && s[k] <= '9')
                        ++k;
                    j = k;
                }
            }
            t.kind = Tok::Number;
            t.text = std::string(s.substr(i, j - i));
            i = j;
        } else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c >= 0x80) {
            // words: keywords or bare field names (letters, digits, _ and any non-ASCII letter)
            // the operators − × ÷ are non-ASCII too: check them first
            if (starts(i, "\xE2\x88\x92")) {  // U+2212 minus
                t.kind = Tok::Minus;
                i += 3;
            } else if (starts(i, "\xC3\x97")) {  // U+00D7 multiplication
                t.kind = Tok::Star;
                i += 2;
            } else if (starts(i, "\xC3\xB7")) {  // U+00F7 division
                t.kind = Tok::Slash;
                i += 2;
            } else if (starts(i, "\xE2\x89\xA0")) {  // U+2260 not equal
                t.kind = Tok::Ne;
                i += 3;
            } else if (starts(i, "\xE2\x89\xA4")) {  // U+2264
                t.kind = Tok::Le;
                i += 3;
            } else if (starts(i, "\xE2\x89\xA5")) {  // U+2265
                t.kind = Tok::Ge;
                i += 3;
            } else {
                size_t j = i;
                while (j < s.size()) {
                    const unsigned char d = static_cast<unsigned char>(s[j]);
                    const bool word = (d >= 'A' && d <= 'Z') || (d >= 'a' && d <= 'z') || (d >= '0' && d <= '9') ||
                                      d == '_' || d >= 0x80;
                    if (!word || starts(j, "\xE2\x88\x92") || starts(j, "\xC3\x97") || starts(j, "\xC3\xB7") ||
                        starts(j, "\xE2\x89\xA0") || starts(j, "\xE2\x89\xA4") || starts(j, "\xE2\x89\xA5"))
                        break;
                    ++j;
                }
                t.text = std::string(s.substr(i, j - i));
                if (!text::isValidUtf8(t.text))
                    throw ExprError(t.pos, "invalid UTF-8 text");
                t.kind = Tok::Word;
                i = j;
            }
        } else {
            i += 1;
            switch (c) {
            case '(': t.kind = Tok::LParen; break;
            case ')': t.kind = Tok::RParen; break;
            case ',': t.kind = Tok::Comma; break;
            case '+': t.kind = Tok::Plus; break;
            case '-': t.kind = Tok::Minus; break;
            case '*': t.kind = Tok::Star; break;
            case '/': t.kind = Tok::Slash; break;
            case '=':
                t.kind = Tok::Eq;
                if (i < s.size() && s[i] == '=')
                    ++i;
                break;
            case '!':
                if (i < s.size() && s[i] == '=') {
                    t.kind = Tok::Ne;
                    ++i;
                    break;
                }
                throw ExprError(t.pos, "unexpected '!' (use <> or NOT)");
            case '<':
                t.kind = Tok::Lt;
                if (i < s.size() && s[i] == '=') {
                    t.kind = Tok::Le;
                    ++i;
                } else if (i < s.size() && s[i] == '>') {
                    t.kind = Tok::Ne;
                    ++i;
                }
                break;
            case '>':
                t.kind = Tok::Gt;
                if (i < s.size() && s[i] == '=') {
                    t.kind = Tok::Ge;
                    ++i;
                }
                break;
            case '|':
                if (i < s.size() && s[i] == '|') {
                    t.kind = Tok::Concat;
                    ++i;
                    break;
                }
                throw ExprError(t.pos, "unexpected '|' (use || to join text)");
            default: {
                std::string shown = c >= 0x20 && c < 0x7F ? std::string(1, static_cast<char>(c)) : "\\x" + std::to_string(c);
                throw ExprError(t.pos, "unexpected character '" + shown + "'");
            }
            }
        }
        out.push_back(std::move(t));
    }
    Token end;
    end.kind = Tok::End;
    end.pos = at(s.size());
    out.push_back(end);
    return out;
}

std::string upperAscii(std::string s)
{
    for (char& c : s)
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
    return s;
}

bool isKeyword(const std::string& up)
{
    for (const char* k : {"AND", "OR", "NOT", "IN", "LIKE", "ILIKE", "IS", "NULL", "TRUE", "FALSE"})
        if (up == k)
            return true;
    return false;
}

// ---- parser (recursive descent, precedence from QGIS: OR < AND < NOT < comparison < + - || < * /) ----
class Parser {
public:
    Parser(std::vector<Token> toks, std::vector<std::string>& fields, std::vector<size_t>& fieldPos)
        : m_t(std::move(toks)), m_fields(fields), m_fieldPos(fieldPos)
    {
    }

    std::unique_ptr<Node> parseAll()
    {
        if (peek().kind == Tok::End)
            throw ExprError(peek().pos, "empty expression");
        auto n = parseOr(0);
        if (peek().kind != Tok::End)
            throw ExprError(peek().pos, "unexpected " + describe(peek()) + " (expected an operator or the end)");
        return n;
    }

private:
    const Token& peek(size_t ahead = 0) const { return m_t[std::min(m_i + ahead, m_t.size() - 1)]; }
    const Token& next() { return m_t[std::min(m_i++, m_t.size() - 1)]; }
    bool word(const char* w, size_t ahead = 0) const
    {
        return peek(ahead).kind == Tok::Word && upperAscii(peek(ahead).text) == w;
    }
    static std::string describe(const Token& t)
    {
        switch (t.kind) {
        case Tok::End: return "end of expression";
        case Tok::Number: return "number " + t.text;
        case Tok::String: return "text '" + t.text + "'";
        case Tok::Field: return "field \"" + t.text + "\"";
        case Tok::Word: return "'" + t.text + "'";
        case Tok::LParen: return "'('";
        case Tok::RParen: return "')'";
        case Tok::Comma: return "','";
        default: return "operator";
        }
    }
    static std::unique_ptr<Node> make(Op op, size_t pos)
    {
        auto n = std::make_unique<Node>();
        n->op = op;
        n->pos = pos;
        return n;
    }
    static std::unique_ptr<Node> binary(Op op, size_t pos, std::unique_ptr<Node> a, std::unique_ptr<Node> b)
    {
        auto n = make(op, pos);
        n->kids.push_back(std::move(a));
        n->kids.push_back(std::move(b));
        return n;
    }
    void deeper(int depth) const
    {
        if (depth > kMaxDepth)
            throw ExprError(peek().pos, "expression nested too deeply");
    }

    std::unique_ptr<Node> parseOr(int depth)
    {
        deeper(depth);
        auto a = parseAnd(depth + 1);
        while (word("OR")) {
            const size_t pos = next().pos;
            a = binary(Op::Or, pos, std::move(a), parseAnd(depth + 1));
        }
        return a;
    }
    std::unique_ptr<Node> parseAnd(int depth)
    {
        auto a = parseNot(depth + 1);
        while (word("AND")) {
            const size_t pos = next().pos;
            a = binary(Op::And, pos, std::move(a), parseNot(depth + 1));
        }
        return a;
    }
    std::unique_ptr<Node> parseNot(int depth)
    {
        deeper(depth);
        if (word("NOT")) {
            const size_t pos = next().pos;
            auto n = make(Op::Not, pos);
            n->kids.push_back(parseNot(depth + 1));
            return n;
        }
        return parseCompare(depth + 1);
    }
    std::unique_ptr<Node> parseCompare(int depth)
    {
        auto a = parseAdd(depth + 1);
        const Token& t = peek();
        Op op = Op::Literal;
        switch (t.kind) {
        case Tok::Eq: op = Op::Eq; break;
        case Tok::Ne: op = Op::Ne; break;
        case Tok::Lt: op = Op::Lt; break;
        case Tok::Le: op = Op::Le; break;
        case Tok::Gt: op = Op::Gt; break;
        case Tok::Ge: op = Op::Ge; break;
        default: break;
        }
        if (op != Op::Literal) {
            const size_t pos = next().pos;
            a = binary(op, pos, std::move(a), parseAdd(depth + 1));
        } else if (word("IS")) {
            const size_t pos = next().pos;
            auto n = make(Op::IsNull, pos);
            if (word("NOT")) {
                next();
                n->negated = true;
            }
            if (!word("NULL"))
                throw ExprError(peek().pos, "expected NULL after IS" + std::string(n->negated ? " NOT" : "") + ", found " +
                                                describe(peek()));
            next();
            n->kids.push_back(std::move(a));
            a = std::move(n);
        } else if (word("IN") || word("LIKE") || word("ILIKE") ||
                   (word("NOT") && (word("IN", 1) || word("LIKE", 1) || word("ILIKE", 1)))) {
            bool negated = false;
            if (word("NOT")) {
                next();
                negated = true;
            }
            const Token kw = next();
            const std::string k = upperAscii(kw.text);
            if (k == "IN") {
                auto n = make(Op::In, kw.pos);
                n->negated = negated;
                n->kids.push_back(std::move(a));
                if (peek().kind != Tok::LParen)
                    throw ExprError(peek().pos, "expected '(' after IN, found " + describe(peek()));
                next();
                while (true) {
                    n->kids.push_back(parseOr(depth + 1));
                    if (peek().kind == Tok::Comma) {
                        next();
                        continue;
                    }
                    if (peek().kind == Tok::RParen) {
                        next();
                        break;
                    }
                    throw ExprError(peek().pos, "expected ',' or ')' in the IN list, found " + describe(peek()));
                }
                a = std::move(n);
            } else {
                auto n = binary(k == "LIKE" ? Op::Like : Op::ILike, kw.pos, std::move(a), parseAdd(depth + 1));
                n->negated = negated;
                a = std::move(n);
            }
        }
        return a;
    }
    std::unique_ptr<Node> parseAdd(int depth)
    {
        deeper(depth);
        auto a = parseMul(depth + 1);
        while (peek().kind == Tok::Plus || peek().kind == Tok::Minus || peek().kind == Tok::Concat) {
            const Token& t = next();
            const Op op = t.kind == Tok::Plus ? Op::Add : t.kind == Tok::Minus ? Op::Sub : Op::Concat;
            a = binary(op, t.pos, std::move(a), parseMul(depth + 1));
        }
        return a;
    }
    std::unique_ptr<Node> parseMul(int depth)
    {
        auto a = parseUnary(depth + 1);
        while (peek().kind == Tok::Star || peek().kind == Tok::Slash) {
            const Token& t = next();
            a = binary(t.kind == Tok::Star ? Op::Mul : Op::Div, t.pos, std::move(a), parseUnary(depth + 1));
        }
        return a;
    }
    std::unique_ptr<Node> parseUnary(int depth)
    {
        deeper(depth);
        if (peek().kind == Tok::Minus || peek().kind == Tok::Plus) {
            const Token& t = next();
            auto inner = parseUnary(depth + 1);
            if (t.kind == Tok::Plus)
                return inner;
            auto n = make(Op::Neg, t.pos);
            n->kids.push_back(std::move(inner));
            return n;
        }
        return parsePrimary(depth + 1);
    }
    std::unique_ptr<Node> parsePrimary(int depth)
    {
        const Token t = next();
        switch (t.kind) {
        case Tok::Number: {
            auto n = make(Op::Literal, t.pos);
            const bool integral = t.text.find_first_of(".eE") == std::string::npos;
            errno = 0;
            if (integral) {
                char* end = nullptr;
                const long long v = std::strtoll(t.text.c_str(), &end, 10);
                if (errno == 0) {
                    n->literal = static_cast<int64_t>(v);
                    return n;
                }
            }
            const double d = std::strtod(t.text.c_str(), nullptr);
            if (!std::isfinite(d))
                throw ExprError(t.pos, "number " + t.text + " is too large");
            n->literal = d;
            return n;
        }
        case Tok::String: {
            auto n = make(Op::Literal, t.pos);
            n->literal = t.text;
            return n;
        }
        case Tok::Field: return field(t.text, t.pos);
        case Tok::Word: {
            const std::string up = upperAscii(t.text);
            if (up == "NULL")
                return make(Op::Literal, t.pos);
            if (up == "TRUE" || up == "FALSE") {
                auto n = make(Op::Literal, t.pos);
                n->literal = int64_t(up == "TRUE" ? 1 : 0);
                return n;
            }
            if (isKeyword(up))
                throw ExprError(t.pos, "unexpected " + up + " (expected a value, a field or '(')");
            if (peek().kind == Tok::LParen)
                throw ExprError(t.pos, "functions are not supported ('" + t.text + "(')");
            return field(t.text, t.pos);
        }
        case Tok::LParen: {
            auto n = parseOr(depth + 1);
            if (peek().kind != Tok::RParen)
                throw ExprError(peek().pos, "expected ')' to close the '(' at position " + std::to_string(t.pos) +
                                                ", found " + describe(peek()));
            next();
            return n;
        }
        default:
            throw ExprError(t.pos, "expected a value, a field or '(', found " + describe(t));
        }
    }
    std::unique_ptr<Node> field(const std::string& name, size_t pos)
    {
        auto n = make(Op::Field, pos);
        size_t slot = 0;
        while (slot < m_fields.size() && m_fields[slot] != name)
            ++slot;
        if (slot == m_fields.size()) {
            m_fields.push_back(name);
            m_fieldPos.push_back(pos);
        }
        n->slot = slot;
        return n;
    }

    std::vector<Token> m_t;
    size_t m_i = 0;
    std::vector<std::string>& m_fields;
    std::vector<size_t>& m_fieldPos;
};

// ---- evaluation ----

std::optional<double> numberOf(const Value& v)
{
    if (const auto* i = std::get_if<int64_t>(&v))
        return static_cast<double>(*i);
    if (const auto* d = std::get_if<double>(&v))
        return *d;
    if (const auto* s = std::get_if<std::string>(&v)) {
        if (s->empty())
            return std::nullopt;
        const char* b = s->c_str();
        char* end = nullptr;
        const double d = std::strtod(b, &end);
        while (end && (*end == ' ' || *end == '\t'))
            ++end;
        if (end && *end == 0 && end != b && std::isfinite(d))
            return d;
    }
    return std::nullopt;
}

bool isNumber(const Value& v) { return std::holds_alternative<int64_t>(v) || std::holds_alternative<double>(v); }

std::string textOf(const Value& v)
{
    if (const auto* d = std::get_if<double>(&v)) {
        if (std::isfinite(*d) && *d == std::floor(*d) && std::fabs(*d) < 1e15)
            return std::to_string(static_cast<int64_t>(*d));
        std::string s = std::to_string(*d);
        while (!s.empty() && s.back() == '0')
            s.pop_back();
        if (!s.empty() && s.back() == '.')
            s.pop_back();
        return s;
    }
    return toString(v);
}

// -1, 0, 1; numbers compare as numbers (text that reads as a number too, when the other side is a
// number), otherwise as text.
int compare(const Value& a, const Value& b)
{
    if (isNumber(a) || isNumber(b)) {
        const auto x = numberOf(a), y = numberOf(b);
        if (x && y)
            return *x < *y ? -1 : *x > *y ? 1 : 0;
    }
    const std::string x = textOf(a), y = textOf(b);
    return x < y ? -1 : x > y ? 1 : 0;
}

Value boolean(bool b) { return int64_t(b ? 1 : 0); }

std::u32string codePoints(std::string_view s)
{
    std::u32string out;
    for (size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
        if (i + static_cast<size_t>(len) > s.size())
            len = 1;
        char32_t cp = len == 1 ? c : c & (0x7F >> len);
        for (int k = 1; k < len; ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<size_t>(k)]) & 0x3F);
        out.push_back(cp);
        i += static_cast<size_t>(len);
    }
    return out;
}

// SQL LIKE: % any run, _ one character, \ escapes the next character. Iterative with
// backtracking to the last %, O(n·m) at worst.
bool like(const std::u32string& s, const std::u32string& p)
{
    // pre-split the pattern into (char, kind): 0 literal, 1 '_', 2 '%'
    std::vector<std::pair<char32_t, int>> pat;
    for (size_t i = 0; i < p.size(); ++i) {
        if (p[i] == U'\\' && i + 1 < p.size())
            pat.push_back({p[++i], 0});
        else if (p[i] == U'%')
            pat.push_back({0, 2});
        else if (p[i] == U'_')
            pat.push_back({0, 1});
        else
            pat.push_back({p[i], 0});
    }
    size_t si = 0, pi = 0, starP = std::string::npos, starS = 0;
    while (si < s.size()) {
        if (pi < pat.size() && pat[pi].second == 2) {
            starP = pi++;
            starS = si;
        } else if (pi < pat.size() && (pat[pi].second == 1 || pat[pi].first == s[si])) {
            ++pi;
            ++si;
        } else if (starP != std::string::npos) {
            pi = starP + 1;
            si = ++starS;
        } else {
            return false;
        }
    }
    while (pi < pat.size() && pat[pi].second == 2)
        ++pi;
    return pi == pat.size();
}

struct Evaluator {
    const Feature& f;
    const std::vector<int>& index;

    Value eval(const Node& n) const
    {
        switch (n.op) {
        case Op::Literal: return n.literal;
        case Op::Field: {
            const int i = index[n.slot];
            return i >= 0 && static_cast<size_t>(i) < f.values.size() ? f.values[static_cast<size_t>(i)] : Value{};
        }
        case Op::Neg: {
            const Value v = eval(*n.kids[0]);
            if (const auto* i = std::get_if<int64_t>(&v))
                return *i == std::numeric_limits<int64_t>::min() ? Value(-static_cast<double>(*i)) : Value(-*i);
            if (auto d = numberOf(v))
                return -*d;
            return {};
        }
        case Op::Not: {
            const Value v = eval(*n.kids[0]);
            if (isNull(v))
                return {};
            return boolean(!isTrue(v));
        }
        case Op::And: {
            const Value a = eval(*n.kids[0]);
            if (!isNull(a) && !isTrue(a))
                return boolean(false);
            const Value b = eval(*n.kids[1]);
            if (!isNull(b) && !isTrue(b))
                return boolean(false);
            if (isNull(a) || isNull(b))
                return {};
            return boolean(true);
        }
        case Op::Or: {
            const Value a = eval(*n.kids[0]);
            if (!isNull(a) && isTrue(a))
                return boolean(true);
            const Value b = eval(*n.kids[1]);
            if (!isNull(b) && isTrue(b))
                return boolean(true);
            if (isNull(a) || isNull(b))
                return {};
            return boolean(false);
        }
        case Op::Eq: case Op::Ne: case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge: {
            const Value a = eval(*n.kids[0]), b = eval(*n.kids[1]);
            if (isNull(a) || isNull(b))
                return {};
            const int c = compare(a, b);
            switch (n.op) {
            case Op::Eq: return boolean(c == 0);
            case Op::Ne: return boolean(c != 0);
            case Op::Lt: return boolean(c < 0);
            case Op::Le: return boolean(c <= 0);
            case Op::Gt: return boolean(c > 0);
            default: return boolean(c >= 0);
            }
        }
        case Op::Add: case Op::Sub: case Op::Mul: case Op::Div: {
            const Value a = eval(*n.kids[0]), b = eval(*n.kids[1]);
            if (isNull(a) || isNull(b))
                return {};
            const auto* ia = std::get_if<int64_t>(&a);
            const auto* ib = std::get_if<int64_t>(&b);
            if (ia && ib && n.op != Op::Div) {
                int64_t r = 0;
                const bool overflow = n.op == Op::Add   ? __builtin_add_overflow(*ia, *ib, &r)
                                      : n.op == Op::Sub ? __builtin_sub_overflow(*ia, *ib, &r)
                                                        : __builtin_mul_overflow(*ia, *ib, &r);
                if (!overflow)
                    return r;
            }
            const auto x = numberOf(a), y = numberOf(b);
            if (!x || !y)
                return {};
            double r = 0;
            switch (n.op) {
            case Op::Add: r = *x + *y; break;
            case Op::Sub: r = *x - *y; break;
            case Op::Mul: r = *x * *y; break;
            default:
                if (*y == 0)
                    return {};  // division by zero is NULL, as in QGIS
                r = *x / *y;
            }
            if (!std::isfinite(r))
                return {};
            return r;
        }
        case Op::Concat: {
            const Value a = eval(*n.kids[0]), b = eval(*n.kids[1]);
            if (isNull(a) || isNull(b))
                return {};
            return textOf(a) + textOf(b);
        }
        case Op::In: {
            const Value a = eval(*n.kids[0]);
            if (isNull(a))
                return {};
            bool sawNull = false;
            for (size_t k = 1; k < n.kids.size(); ++k) {
                const Value b = eval(*n.kids[k]);
                if (isNull(b)) {
                    sawNull = true;
                    continue;
                }
                if (compare(a, b) == 0)
                    return boolean(!n.negated);
            }
            if (sawNull)
                return {};
            return boolean(n.negated);
        }
        case Op::Like: case Op::ILike: {
            const Value a = eval(*n.kids[0]), b = eval(*n.kids[1]);
            if (isNull(a) || isNull(b))
                return {};
            std::string s = textOf(a), p = textOf(b);
            if (n.op == Op::ILike) {
                s = text::toLower(s);
                p = text::toLower(p);
            }
            return boolean(like(codePoints(s), codePoints(p)) != n.negated);
        }
        case Op::IsNull: return boolean(isNull(eval(*n.kids[0])) != n.negated);
        }
        return {};
    }
};

std::string quoteText(const std::string& s, char q)
{
    std::string out(1, q);
    for (char c : s) {
        if (c == q)
            out += q;
        out += c;
    }
    return out + q;
}

std::string dumpNode(const Node& n, const std::vector<std::string>& fields)
{
    auto k = [&](size_t i) { return dumpNode(*n.kids[i], fields); };
    auto bin = [&](const char* op) { return "(" + k(0) + " " + op + " " + k(1) + ")"; };
    switch (n.op) {
    case Op::Literal:
        if (isNull(n.literal))
            return "NULL";
        if (const auto* s = std::get_if<std::string>(&n.literal))
            return quoteText(*s, '\'');
        return textOf(n.literal);
    case Op::Field: return quoteText(fields[n.slot], '"');
    case Op::Neg: return "(-" + k(0) + ")";
    case Op::Not: return "(NOT " + k(0) + ")";
    case Op::And: return bin("AND");
    case Op::Or: return bin("OR");
    case Op::Eq: return bin("=");
    case Op::Ne: return bin("<>");
    case Op::Lt: return bin("<");
    case Op::Le: return bin("<=");
    case Op::Gt: return bin(">");
    case Op::Ge: return bin(">=");
    case Op::Add: return bin("+");
    case Op::Sub: return bin("-");
    case Op::Mul: return bin("*");
    case Op::Div: return bin("/");
    case Op::Concat: return bin("||");
    case Op::Like: return bin(n.negated ? "NOT LIKE" : "LIKE");
    case Op::ILike: return bin(n.negated ? "NOT ILIKE" : "ILIKE");
    case Op::IsNull: return "(" + k(0) + (n.negated ? " IS NOT NULL)" : " IS NULL)");
    case Op::In: {
        std::string s = "(" + k(0) + (n.negated ? " NOT IN (" : " IN (");
        for (size_t i = 1; i < n.kids.size(); ++i)
            s += (i > 1 ? ", " : "") + k(i);
        return s + "))";
    }
    }
    return "?";
}

} // namespace

bool isTrue(const Value& v)
{
    if (const auto* i = std::get_if<int64_t>(&v))
        return *i != 0;
    if (const auto* d = std::get_if<double>(&v))
        return *d != 0;
    if (const auto* s = std::get_if<std::string>(&v))
        return !s->empty();
    return false;
}

Expression Expression::parse(std::string_view text)
{
    Expression e;
    e.m_text = std::string(text);
    Parser p(lex(text), e.m_fields, e.m_fieldPos);
    e.m_root = p.parseAll();
    return e;
}

void Expression::bind(const std::vector<FieldDef>& fields)
{
    m_fieldIndex.assign(m_fields.size(), -1);
    for (size_t slot = 0; slot < m_fields.size(); ++slot) {
        for (size_t i = 0; i < fields.size() && m_fieldIndex[slot] < 0; ++i)
            if (fields[i].name == m_fields[slot])
                m_fieldIndex[slot] = static_cast<int>(i);
        const std::string want = text::toLower(m_fields[slot]);
        for (size_t i = 0; i < fields.size() && m_fieldIndex[slot] < 0; ++i)
            if (text::toLower(fields[i].name) == want)
                m_fieldIndex[slot] = static_cast<int>(i);
        if (m_fieldIndex[slot] < 0) {
            std::string known;
            for (size_t i = 0; i < fields.size() && i < 12; ++i)
                known += (i ? ", " : "") + fields[i].name;
            if (fields.size() > 12)
                known += ", …";
            throw ExprError(m_fieldPos[slot], "unknown field \"" + m_fields[slot] + "\" (fields: " + known + ")");
        }
    }
    m_bound = true;
}

Value Expression::evaluate(const Feature& f) const
{
    if (!m_bound && !m_fields.empty())
        throw Error(ErrorKind::Internal, "expression", "evaluate() before bind()");
    return Evaluator{f, m_fieldIndex}.eval(*m_root);
}

bool Expression::matches(const Feature& f) const { return isTrue(evaluate(f)); }

std::string Expression::dump() const { return m_root ? dumpNode(*m_root, m_fields) : ""; }

std::vector<size_t> filter(const Layer& layer, std::string_view text)
{
    Expression e = Expression::parse(text);
    e.bind(layer.fields);
    std::vector<size_t> out;
    for (size_t i = 0; i < layer.features.size(); ++i)
        if (e.matches(layer.features[i]))
            out.push_back(i);
    return out;
}

} // namespace bando::expr
