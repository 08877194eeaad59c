#pragma once
// The per-row choice for features beyond the province: the import lists them (a dry run) and the
// user ticks the rows to import anyway; the others are left out (ImportRequest::skipRows).
#include "core/io/importer.hpp"

#include <optional>
#include <set>
#include <vector>

class wxWindow;

namespace bando::app {

// Window name of the dialog (tests find it among the top-level windows).
inline constexpr const char* kOutsideRowsDialogName = "bando_outside_rows";

struct OutsideRowsChoice {
    std::set<int64_t> keep;  // rows to import although they lie outside
    std::set<int64_t> skip;  // rows to leave out
};

// Modal. nullopt when the user cancels (nothing is imported).
std::optional<OutsideRowsChoice> chooseOutsideRows(wxWindow* parent, const std::string& file,
                                                   const std::vector<io::OutsideRow>& rows);

} // namespace bando::app
