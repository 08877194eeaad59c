#pragma once
#include "core/base/feedback.hpp"

namespace bando::cli {

// A Feedback wired to Ctrl-C (SIGINT cancels) and, when stderr is a terminal, a progress line.
Feedback& consoleFeedback();

} // namespace bando::cli

#include <string>

namespace bando::cli {

// `s` left-aligned in `width` terminal columns (UTF-8 code points, not bytes).
std::string padRight(const std::string& s, size_t width);

} // namespace bando::cli
