#include "core/capi/ogr_types.hpp"

namespace bando::gdal {

OGRwkbGeometryType toOgr(GeomType t)
{
    switch (t) {
    case GeomType::None: return wkbNone;
    case GeomType::Point: return wkbPoint;
    case GeomType::LineString: return wkbLineString;
    case GeomType::Polygon: return wkbPolygon;
    case GeomType::MultiPoint: return wkbMultiPoint;
    case GeomType::MultiLineString: return wkbMultiLineString;
    case GeomType::MultiPolygon: return wkbMultiPolygon;
    }
    return wkbUnknown;
}

GeomType fromOgr(OGRwkbGeometryType t)
{
    switch (wkbFlatten(t)) {
    case wkbPoint: return GeomType::Point;
    case wkbLineString: return GeomType::LineString;
    case wkbPolygon: return GeomType::Polygon;
    case wkbMultiPoint: return GeomType::MultiPoint;
    case wkbMultiLineString: return GeomType::MultiLineString;
    case wkbMultiPolygon: return GeomType::MultiPolygon;
    default: return GeomType::None;
    }
}

OGRFieldType toOgr(FieldType t)
{
    switch (t) {
    case FieldType::Integer: return OFTInteger64;
    case FieldType::Real: return OFTReal;
    case FieldType::Text:
    case FieldType::Date: return OFTString;
    }
    return OFTString;
}

FieldType fromOgr(OGRFieldType t)
{
    switch (t) {
    case OFTInteger:
    case OFTInteger64: return FieldType::Integer;
    case OFTReal: return FieldType::Real;
    default: return FieldType::Text;
    }
}

} // namespace bando::gdal
