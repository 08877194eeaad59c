#pragma once
// Report: the documents that go to meetings and to operators (`bando report`, the app's Export
// dialog). One request per report; the format follows the extension of `out`:
//   * .pdf (or .png / .svg, one file per page): the laid-out document (a template of
//     resources/layouts/ or a user template);
//   * .csv: the report's rows (one per village);
//   * .xlsx: a summary sheet and one sheet per district (gaps) or the ranking and its criteria
//     (plan), text cells for codes, frozen header, filters, fitted widths.
// Kinds: gaps (coverage-gap report for one operator or all), plan (the village ranking with its
// reasons), progress (issue #10's progress against the targets at a date: province, districts,
// communes, the forecast at the recent pace). See docs/REPORTS.md.
#include "core/base/feedback.hpp"

#include <string>
#include <vector>

namespace bando::tasks {

struct ReportRequest {
    std::string project;
    std::string kind = "gaps";     // --kind gaps | plan | progress
    std::string operatorName;      // --operator NAME (gaps): "" = all operators
    bool byOperator = true;        // --no-operator-groups (gaps, all operators): without the per-operator sections
    std::string district;          // --district CODE: "" = every district
    std::string date;              // --date D / --to D: the indicators' date; "" = the latest analysed
    std::string from;              // --from D (progress): also the progress at D and the change since ("" = one date)
    bool checks = true;            // --no-checks (progress): without the data-check findings
    std::string out;               // --out FILE.pdf|.png|.svg|.csv|.xlsx
    std::string layout;            // --layout TEMPLATE: "" = the kind's default (resources/layouts/<kind>.json)
    std::string paper;             // --paper A4..A0: "" = the template's
    int landscape = -1;            // --landscape / --portrait: -1 = the template's
    double dpi = 150;              // --dpi (PNG)
    std::string preset = "team";   // --preset (plan): the ranking preset
    int top = 100;                 // --top N (plan): villages listed (0 = all)
    std::string units;             // --units v2025-07 (gaps): grouped and paged by the units of that version (bando units)
    void validate() const;
};

struct ReportResult {
    std::string kind, out, format;   // format: pdf, png, svg, csv, xlsx
    std::vector<std::string> files;  // written (PNG/SVG: one per page)
    int pages = 0;                   // PDF/PNG/SVG
    int rows = 0;                    // villages in the report
    int sheets = 0;                  // XLSX
    std::string date, from;
    int checkErrors = 0, checkWarnings = 0;  // progress: the data-check findings
    int bases = 0, scheduledVisits = 0;      // plan: the team bases and scheduled visits reported
    std::vector<std::string> operators;      // gaps, all operators: the operators grouped (PDF / XLSX)
    // gaps: totals of the villages reported
    int noSignal = 0, unstable = 0, noBroadband = 0;
    long long households = 0;
    double seconds = 0;
};

ReportResult run(const ReportRequest& request, Feedback& fb);

} // namespace bando::tasks
