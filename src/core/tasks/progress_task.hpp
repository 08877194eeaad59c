#pragma once
// Progress: the program's progress at every level at a date, and the forecast of the date each
// district (and the province) reaches each target at its recent pace (`bando progress`). Reads
// the project; with `store`, writes the result to progress_levels and progress_forecasts. See core/planning/progress.hpp and docs/PLANNING.md.
#include "core/base/feedback.hpp"
#include "core/planning/progress.hpp"

#include <string>
#include <vector>

namespace bando::tasks {

struct ProgressRequest {
    std::string project;
    std::string date;              // --date YYYY-MM-DD; "" = the last date in the data
    int windowDays = 28;           // --window: the recent pace is measured over these days
    std::string source = "shops";  // --source shops (the shops layer's dates) | reports (progress_reports)
    std::vector<std::string> levels = {"province", "district", "commune", "village"};  // --level (repeatable)
    // --scenario NAME: measure against the target scenario NAME (`bando targets --scenario`)
    // instead of the project's targets; not with --store (the stored progress is the program's).
    std::string scenario;
    bool store = false;  // --store: replace the progress_levels / progress_forecasts rows of this date and source
    void validate() const;
};

struct TargetForecast {
    std::string level, code, name;
    std::string measure;   // shops | accounts | locomotives
    planning::Forecast forecast;
    std::string date;      // the reached / forecast date ("" when not at this pace)
    std::string phaseEnd;  // the end of the district's phase ("" = none)
    bool late = false;     // forecast after the phase end, or not at this pace with a phase end
    std::vector<planning::SeriesPoint> series;  // the dated cumulative series the forecast read (charts)
};

struct ProgressResult {
    std::string project, date, source;
    std::string scenario;  // the target scenario measured against ("" = the project's targets)
    int windowDays = 28;
    std::vector<planning::PlaceProgress> places;  // the levels asked for
    std::vector<TargetForecast> forecasts;        // province, then districts; shops, accounts, locomotives
    std::vector<std::string> notes;
    bool stored = false;
};

ProgressResult run(const ProgressRequest& request, Feedback& fb);

} // namespace bando::tasks
