#include "cli/console.hpp"

#include <csignal>
#include <cstdio>
#include <mutex>
#include <unistd.h>

namespace bando::cli {
namespace {
Feedback* g_feedback = nullptr;
extern "C" void onSigint(int)
{
    if (g_feedback)
        g_feedback->cancel();  // lock-free atomic store: async-signal-safe
}
} // namespace

Feedback& consoleFeedback()
{
    static Feedback fb;
    static std::once_flag once;
    std::call_once(once, [] {
        g_feedback = &fb;
        std::signal(SIGINT, onSigint);
        fb.setNoticeObserver([](const Diagnostic& d) {
            std::fprintf(stderr, "bando: %s%s%s\n", d.where.c_str(), d.where.empty() ? "" : ": ", d.message.c_str());
            std::fflush(stderr);
        });
        if (::isatty(2)) {
            fb.setObserver([last = -1](double pct, const std::string& step) mutable {
                int p = static_cast<int>(pct);
                if (p == last)
                    return;
                last = p;
                std::fprintf(stderr, "\r%-40.40s %3d%%%s", step.c_str(), p, p >= 100 ? "\n" : "");
                std::fflush(stderr);
            });
        }
    });
    return fb;
}

} // namespace bando::cli

namespace bando::cli {

std::string padRight(const std::string& s, size_t width)
{
    size_t n = 0;
    for (unsigned char ch : s)
        if ((ch & 0xC0) != 0x80)
            ++n;
    return n >= width ? s : s + std::string(width - n, ' ');
}

} // namespace bando::cli
