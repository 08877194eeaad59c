// Telecom layers of the sample (issue #3): sites, coverage, broadband.
// SCAFFOLDING: not implemented yet — the sample has no telecom layers until this is written.
#include "core/sample/sample.hpp"

namespace bando::sample {

void generateTelecom(SampleData&, const Options&, Feedback*) {}

} // namespace bando::sample
