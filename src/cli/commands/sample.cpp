// bando sample --out FILE [--force] [--seed N] [--with-errors]: writes the bundled Lạng Sơn
// sample project (synthetic geometry, real names and codes).
#include "cli/command.hpp"
#include "cli/console.hpp"
#include "core/base/error.hpp"
#include "core/i18n/i18n.hpp"
#include "core/sample/sample.hpp"
#include "core/store/project_store.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <unistd.h>
#include <vector>

namespace bando::cli {
namespace {

uint64_t parseSeed(const std::string& s)
{
    if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 19)
        throw Error(ErrorKind::Usage, "--seed", tr("the seed must be a non-negative integer"));
    return std::stoull(s);
}

int runSample(const Args& a)
{
    a.allowOnly({"out", "force", "seed", "with-errors"});
    if (!a.positional.empty())
        throw Error(ErrorKind::Usage, "", "unexpected argument '" + a.positional[0] + "'");
    const std::string out = a.require("out");
    if (out.empty())
        throw Error(ErrorKind::Usage, "--out", tr("an output file name is required"));
    if (std::filesystem::exists(out) && !a.has("force"))
        throw Error(ErrorKind::Io, out, tr("the file already exists (use --force to overwrite it)"));
    sample::Options opt;
    if (a.has("seed"))
        opt.seed = parseSeed(a.get("seed"));
    opt.withErrors = a.has("with-errors");

    Feedback& fb = consoleFeedback();
    using Clock = std::chrono::steady_clock;
    const auto t0 = Clock::now();
    // Time per pipeline step (geography, telecom, ...), and a progress line on a terminal.
    std::vector<std::pair<std::string, double>> steps;
    auto stepStart = t0;
    const bool tty = ::isatty(2);
    int last = -1;  // the observer is copied on each call: keep its state out here
    fb.setObserver([&](double pct, const std::string& step) {
        if (steps.empty() || steps.back().first != step) {
            auto now = Clock::now();
            if (!steps.empty())
                steps.back().second = std::chrono::duration<double>(now - stepStart).count();
            steps.push_back({step, 0.0});
            stepStart = now;
            last = -1;
        }
        int p = static_cast<int>(pct);
        if (tty && p != last) {
            last = p;
            std::fprintf(stderr, "\r%-40.40s %3d%%", step.c_str(), p);
            std::fflush(stderr);
        }
    });
    sample::generateSample(out, opt, &fb);
    fb.setObserver(nullptr);
    const auto t1 = Clock::now();
    if (!steps.empty())
        steps.back().second = std::chrono::duration<double>(t1 - stepStart).count();
    if (tty)
        std::fprintf(stderr, "\n");
    const double secs = std::chrono::duration<double>(t1 - t0).count();

    auto store = ProjectStore::open(out, ProjectStore::Mode::ReadOnly);
    std::printf("%s: %s\n", tr("Sample project written"), out.c_str());
    for (const auto& name : store->layerNames()) {
        auto info = store->layerInfo(name);
        if (info.featureCount > 0)
            std::printf("  %-16s %8lld\n", name.c_str(), static_cast<long long>(info.featureCount));
    }
    std::printf("%s: %llu%s\n", tr("Seed"), static_cast<unsigned long long>(opt.seed),
                opt.withErrors ? (std::string(" (") + tr("with seeded data errors") + ")").c_str() : "");
    std::printf("%s: %.2f s", tr("Elapsed time"), secs);
    for (size_t i = 0; i < steps.size(); ++i)
        std::printf("%s%s %.2f s%s", i == 0 ? " (" : ", ", steps[i].first.c_str(), steps[i].second,
                    i + 1 == steps.size() ? ")" : "");
    std::printf("\n");
    return 0;
}

CommandRegistration reg({"sample", "sample --out FILE [--force] [--seed N] [--with-errors]",
                         "Writes the Lạng Sơn sample project: 11 districts and 200 communes with their real names "
                         "and GSO codes, ~1,705 villages and ~200,000 households, roads and terrain. Boundaries "
                         "are synthetic. The same seed always gives the same file. --with-errors seeds the data "
                         "errors the planning checks must catch.",
                         {"force", "with-errors"}, runSample});

} // namespace
} // namespace bando::cli
