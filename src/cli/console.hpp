#pragma once
#include "core/base/feedback.hpp"

namespace bando::cli {

// A Feedback wired to Ctrl-C (SIGINT cancels) and, when stderr is a terminal, a progress line.
Feedback& consoleFeedback();

} // namespace bando::cli
