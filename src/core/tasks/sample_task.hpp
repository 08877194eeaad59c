#pragma once
// Sample: writes the bundled Lạng Sơn sample project (`bando sample`, the app's first start and
// File → New sample project). Synthetic geometry, real names and codes; the same seed always
// gives the same file.
#include "core/base/feedback.hpp"
#include "core/sample/sample.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace bando::tasks {

struct SampleRequest {
    std::string out;                       // --out: the project file to write
    bool force = false;                    // --force: replace an existing file
    uint64_t seed = sample::kDefaultSeed;  // --seed
    bool withErrors = false;               // --with-errors: seed the data errors the checks must catch
    // An empty --out is a usage error; an existing file without --force an I/O error.
    void validate() const;
};

struct SampleResult {
    struct LayerCount {
        std::string name;
        int64_t features = 0;
    };
    std::string path;
    uint64_t seed = 0;
    bool withErrors = false;
    std::vector<LayerCount> layers;         // the layers that hold features, in the project's order
    std::vector<sample::StepTime> steps;    // geography, telecom, digital economy, writing
    sample::TelecomSummary telecom;
    double seconds = 0;                     // the whole generation, writing included
};

SampleResult run(const SampleRequest& request, Feedback& fb);

} // namespace bando::tasks
