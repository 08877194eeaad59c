#pragma once
// SQL: one read-only query on a project (`bando sql PROJECT "SELECT …"`), with SpatiaLite's
// spatial functions on the project's geometry columns (GeoPackage amphibious mode). Only a single
// statement that reads is run: anything that writes, several statements, ATTACH/DETACH and PRAGMAs
// that set a value are refused with bando::Error(Usage) saying what is allowed.
#include "core/base/feedback.hpp"
#include "core/model/layer.hpp"

#include <string>
#include <vector>

namespace bando::tasks {

struct SqlRequest {
    std::string project;  // the project file (opened read-only, shared lock)
    std::string query;    // one SELECT (or another statement that only reads)
    void validate() const;
};

struct SqlResult {
    std::string project;
    std::vector<std::string> columns;
    std::vector<std::vector<Value>> rows;  // NULL, integer, real or text; a BLOB as "<blob, N bytes>"
};

SqlResult run(const SqlRequest& request, Feedback& fb);

} // namespace bando::tasks
