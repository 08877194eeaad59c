// Digital-economy layers of the sample (issue #3): shops, teams, targets, phases, and the
// seeded data errors of `bando sample --with-errors`.
// SCAFFOLDING: not implemented yet.
#include "core/sample/sample.hpp"

namespace bando::sample {

void generateProgram(SampleData&, const Options&, Feedback*) {}
void seedErrors(SampleData&, const Options&) {}

} // namespace bando::sample
