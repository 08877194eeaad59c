#include "core/base/clock.hpp"

#include <cstdlib>

namespace bando {

std::time_t stampTime()
{
    if (const char* s = std::getenv("SOURCE_DATE_EPOCH"); s && *s) {
        char* end = nullptr;
        const long long v = std::strtoll(s, &end, 10);
        if (end && *end == '\0' && v >= 0)
            return static_cast<std::time_t>(v);
    }
    return std::time(nullptr);
}

std::string stampIsoUtc()
{
    const std::time_t t = stampTime();
    std::tm tm{};
    gmtime_r(&t, &tm);
    char b[32];
    std::strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return b;
}

} // namespace bando
