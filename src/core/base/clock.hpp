#pragma once
// The time Bando stamps on what it stores or prints (scenario dates, provenance, PDF metadata).
// SOURCE_DATE_EPOCH (seconds since 1970, the reproducible-builds convention) fixes it, so two runs
// on the same inputs store the same bytes (the kill harness compares projects that way).
#include <ctime>
#include <string>

namespace bando {

std::time_t stampTime();
// stampTime() as ISO 8601 UTC, "2026-11-30T13:45:00Z".
std::string stampIsoUtc();

} // namespace bando
