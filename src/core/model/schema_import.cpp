// Layers and tables added by the import work (issue #4): surveyed coverage-gap lists, saved
// field mappings. Owned by the import/export module.
#include "core/model/schema.hpp"

namespace bando::schema {

void appendImportSchemas(std::vector<LayerSchema>&) {}

} // namespace bando::schema
