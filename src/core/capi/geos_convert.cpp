#include "core/capi/geos_convert.hpp"

#include "core/base/error.hpp"

namespace bando::geos {

GeomPtr toGeos(const Geometry& g)
{
    std::vector<uint8_t> wkb = toWkb(g);
    WkbReaderPtr rd(GEOSWKBReader_create_r(ctx()));
    return make("read WKB", [&] { return GEOSWKBReader_read_r(ctx(), rd.get(), wkb.data(), wkb.size()); });
}

Geometry fromGeos(const GEOSGeometry* g)
{
    WkbWriterPtr w(GEOSWKBWriter_create_r(ctx()));
    GEOSWKBWriter_setByteOrder_r(ctx(), w.get(), GEOS_WKB_NDR);
    size_t size = 0;
    clearError();
    BufferPtr buf(GEOSWKBWriter_write_r(ctx(), w.get(), g, &size));
    if (!buf)
        throwFailure("write WKB");
    return fromWkb(buf.get(), size);
}

Geometry polygonalPart(const GEOSGeometry* g)
{
    Geometry out;
    out.type = GeomType::MultiPolygon;
    const int type = GEOSGeomTypeId_r(ctx(), g);
    if (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON) {
        if (!predicate("isEmpty", [&] { return GEOSisEmpty_r(ctx(), g); }))
            out.parts = fromGeos(g).parts;
    } else if (type == GEOS_GEOMETRYCOLLECTION) {
        for (int i = 0, n = GEOSGetNumGeometries_r(ctx(), g); i < n; ++i) {
            Geometry sub = polygonalPart(GEOSGetGeometryN_r(ctx(), g, i));
            for (auto& p : sub.parts)
                out.parts.push_back(std::move(p));
        }
    }
    return out;
}

} // namespace bando::geos
