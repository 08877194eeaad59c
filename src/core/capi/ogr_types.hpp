#pragma once
// Conversions between Bando's model enums and OGR's, shared by the store and import/export.
#include "core/model/layer.hpp"

#include <ogr_core.h>

namespace bando::gdal {

OGRwkbGeometryType toOgr(GeomType t);
GeomType fromOgr(OGRwkbGeometryType t);
OGRFieldType toOgr(FieldType t);
FieldType fromOgr(OGRFieldType t);

} // namespace bando::gdal
