#include "core/capi/geos_convert.hpp"

#include "core/base/error.hpp"

#include <memory>

namespace bando::geos {

GeomPtr toGeos(const Geometry& g)
{
    std::vector<uint8_t> wkb = toWkb(g);
    std::unique_ptr<GEOSWKBReader, WkbReaderDeleter> rd(GEOSWKBReader_create_r(ctx()));
    return check(GEOSWKBReader_read_r(ctx(), rd.get(), wkb.data(), wkb.size()), "read WKB");
}

Geometry fromGeos(const GEOSGeometry* g)
{
    std::unique_ptr<GEOSWKBWriter, WkbWriterDeleter> w(GEOSWKBWriter_create_r(ctx()));
    GEOSWKBWriter_setByteOrder_r(ctx(), w.get(), GEOS_WKB_NDR);
    size_t size = 0;
    unsigned char* buf = GEOSWKBWriter_write_r(ctx(), w.get(), g, &size);
    if (!buf)
        throw Error(ErrorKind::Geometry, "GEOS write WKB", takeError());
    std::unique_ptr<unsigned char, void (*)(unsigned char*)> owned(buf, [](unsigned char* p) { GEOSFree_r(ctx(), p); });
    return fromWkb(buf, size);
}

Geometry polygonalPart(const GEOSGeometry* g)
{
    Geometry out;
    out.type = GeomType::MultiPolygon;
    const int type = GEOSGeomTypeId_r(ctx(), g);
    if (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON) {
        if (!GEOSisEmpty_r(ctx(), g))
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
