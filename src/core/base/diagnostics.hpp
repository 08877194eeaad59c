#pragma once
// Expected or partial outcomes of a task: a list of {severity, where, message}.
#include <string>
#include <vector>

namespace bando {

enum class Severity { Info, Warning, Error };

struct Diagnostic {
    Severity severity = Severity::Info;
    std::string where;   // file, layer, row, field...
    std::string message;
};

class Diagnostics {
public:
    void add(Severity s, std::string where, std::string message)
    {
        m_items.push_back({s, std::move(where), std::move(message)});
    }
    void info(std::string where, std::string message) { add(Severity::Info, std::move(where), std::move(message)); }
    void warning(std::string where, std::string message) { add(Severity::Warning, std::move(where), std::move(message)); }
    void error(std::string where, std::string message) { add(Severity::Error, std::move(where), std::move(message)); }
    const std::vector<Diagnostic>& items() const { return m_items; }
    bool hasErrors() const
    {
        for (const auto& d : m_items)
            if (d.severity == Severity::Error)
                return true;
        return false;
    }
    size_t count(Severity s) const
    {
        size_t n = 0;
        for (const auto& d : m_items)
            n += d.severity == s;
        return n;
    }

private:
    std::vector<Diagnostic> m_items;
};

} // namespace bando
