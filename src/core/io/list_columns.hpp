#pragma once
// Column detection for tabular lists keyed by codes or names (survey lists, household counts,
// team rosters): headers are compared as folded keys ("Số hộ" -> "soho", "so_ho" -> "soho").
#include "core/io/importer.hpp"

#include <initializer_list>
#include <string>

namespace bando::io {

std::string headerKey(const std::string& header);
// Index of the first field whose key equals one of `keys` (tried in order), or -1.
int findColumn(const SourceInfo& info, std::initializer_list<const char*> keys);

// The columns that name an administrative unit; -1 where absent.
struct UnitColumns {
    int code = -1, village = -1, commune = -1, district = -1, address = -1;
};
UnitColumns findUnitColumns(const SourceInfo& info);

} // namespace bando::io
