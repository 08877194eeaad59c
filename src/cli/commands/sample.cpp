// bando sample --out FILE [--force] [--seed N] [--with-errors]: writes the bundled Lạng Sơn
// sample project (synthetic geometry, real names and codes). Parses arguments into
// tasks::SampleRequest and prints its result.
#include "cli/command.hpp"
#include "cli/console.hpp"
#include "core/base/error.hpp"
#include "core/i18n/i18n.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/sample_task.hpp"

#include <cstdio>
#include <string>
#include <unistd.h>

namespace bando::cli {
namespace {

uint64_t parseSeed(const std::string& s)
{
    if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 19)
        throw Error(ErrorKind::Usage, "--seed", tr("the seed must be a non-negative integer"));
    return std::stoull(s);
}

// On a terminal, one progress line per pipeline step, finished by a newline at the end.
void showProgress(Feedback& fb)
{
    if (!::isatty(2))
        return;
    fb.setObserver([step = std::string(), last = -1](double pct, const std::string& current) mutable {
        if (current != step) {
            step = current;
            last = -1;
        }
        const int p = static_cast<int>(pct);
        if (p != last) {
            last = p;
            std::fprintf(stderr, "\r%-40.40s %3d%%", current.c_str(), p);
            std::fflush(stderr);
        }
    });
}

void printResult(const tasks::SampleResult& r)
{
    std::printf("%s: %s\n", tr("Sample project written"), r.path.c_str());
    for (const auto& layer : r.layers)
        std::printf("  %-16s %8lld\n", layer.name.c_str(), static_cast<long long>(layer.features));
    std::printf("%s: %llu%s\n", tr("Seed"), static_cast<unsigned long long>(r.seed),
                r.withErrors ? (std::string(" (") + tr("with seeded data errors") + ")").c_str() : "");
    std::printf("%s: %.2f s", tr("Elapsed time"), r.seconds);
    for (size_t i = 0; i < r.steps.size(); ++i)
        std::printf("%s%s %.2f s%s", i == 0 ? " (" : ", ", r.steps[i].name.c_str(), r.steps[i].seconds,
                    i + 1 == r.steps.size() ? ")" : "");
    std::printf("\n");
}

int runSample(const Args& a)
{
    a.allowOnly({"out", "force", "seed", "with-errors"});
    if (!a.positional.empty())
        throw Error(ErrorKind::Usage, "", "unexpected argument '" + a.positional[0] + "'");
    tasks::SampleRequest request;
    request.out = a.require("out");
    request.force = a.has("force");
    request.withErrors = a.has("with-errors");
    request.validate();  // the output file is checked before the seed is parsed, as it always was
    if (a.has("seed"))
        request.seed = parseSeed(a.get("seed"));

    Feedback& fb = consoleFeedback();
    showProgress(fb);
    const auto result = tasks::runTask(request, fb);
    fb.setObserver(nullptr);
    if (::isatty(2))
        std::fprintf(stderr, "\n");
    printResult(result);
    return ExitOk;
}

CommandRegistration reg({"sample", "sample --out FILE [--force] [--seed N] [--with-errors]",
                         "Writes the Lạng Sơn sample project: 11 districts and 200 communes with their real names "
                         "and GSO codes, ~1,705 villages and ~200,000 households, roads and terrain. Boundaries "
                         "are synthetic. The same seed always gives the same file. --with-errors seeds the data "
                         "errors the planning checks must catch.",
                         {"force", "with-errors"}, runSample});

} // namespace
} // namespace bando::cli
