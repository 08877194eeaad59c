#!/usr/bin/env python3
"""Writes the bad-input corpus of tests/data/bad/ (issue #15): one small file per defect.
Run from anywhere: python3 tests/data/bad/make_bad.py. Standard library only (the shapefiles
are written by hand). tests/integration/test_bad_inputs.cpp runs `bando import` on each."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def path(name):
    return os.path.join(HERE, name)


def write(name, data, mode="w"):
    with open(path(name), mode + ("b" if isinstance(data, bytes) else ""), **({} if isinstance(data, bytes) else {"encoding": "utf-8", "newline": "\n"})) as f:
        f.write(data)


def square(cx, cy, h=0.002):
    return [[cx - h, cy - h], [cx + h, cy - h], [cx + h, cy + h], [cx - h, cy + h], [cx - h, cy - h]]


def feature(props, geom):
    import json
    return json.dumps({"type": "Feature", "properties": props, "geometry": geom}, ensure_ascii=False)


def collection(features):
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(features) + "\n]}\n"


# ---- shapefiles by hand (polygons, no .prj unless asked) ----
def write_shapefile(stem, fields, records, rings, with_shx=True):
    """fields: [(name, width)], records: [[str]], rings: [[(x, y)...]] one polygon ring per record."""
    shp_records, offsets = [], []
    for i, ring in enumerate(rings):
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        content = struct.pack("<i4d2i", 5, min(xs), min(ys), max(xs), max(ys), 1, len(ring)) + struct.pack("<i", 0)
        content += b"".join(struct.pack("<2d", x, y) for x, y in ring)
        shp_records.append(struct.pack(">2i", i + 1, len(content) // 2) + content)
    allx = [p[0] for r in rings for p in r]
    ally = [p[1] for r in rings for p in r]
    bbox = struct.pack("<4d", min(allx), min(ally), max(allx), max(ally)) + struct.pack("<4d", 0, 0, 0, 0)

    def header(length_bytes):
        return struct.pack(">7i", 9994, 0, 0, 0, 0, 0, length_bytes // 2) + struct.pack("<2i", 1000, 5) + bbox

    body = b"".join(shp_records)
    write(stem + ".shp", header(100 + len(body)) + body)
    if with_shx:
        shx, off = b"", 50
        for r in shp_records:
            shx += struct.pack(">2i", off, (len(r) - 8) // 2)
            off += len(r) // 2
        write(stem + ".shx", header(100 + len(shx)) + shx)
    rec_len = 1 + sum(w for _, w in fields)
    dbf = struct.pack("<4BIHH20x", 3, 124, 1, 1, len(records), 32 + 32 * len(fields) + 1, rec_len)
    for name, width in fields:
        dbf += name.encode("ascii").ljust(11, b"\0") + b"C" + b"\0" * 4 + bytes([width, 0]) + b"\0" * 14
    dbf += b"\r"
    for rec in records:
        dbf += b" " + b"".join(v.encode("utf-8").ljust(w)[:w] for v, (_, w) in zip(rec, fields))
    dbf += b"\x1a"
    write(stem + ".dbf", dbf)


def main():
    # 1. Lines where the villages layer expects polygons: nothing usable.
    write("villages_lines.geojson", collection(
        [feature({"code": "L%02d" % i, "name": "Đường %d" % i},
                 {"type": "LineString", "coordinates": [[106.70 + i * 0.01, 21.80], [106.71 + i * 0.01, 21.81]]})
         for i in range(1, 4)]))
    # 2. An empty layer.
    write("empty.geojson", collection([]))
    # 3. 25 new villages: fine, but the sample's villages layer has rows (needs --append/--replace).
    write("villages_25.geojson", collection(
        [feature({"code": "T%03d" % i, "name": "Thôn Thử %d" % i},
                 {"type": "Polygon", "coordinates": [square(106.70 + (i % 5) * 0.01, 21.80 + (i // 5) * 0.01)]})
         for i in range(1, 26)]))
    # 4. A projected file without .prj in no zone Bando guesses (northings of 3,000 km).
    write_shapefile("noprj_far", [("MA", 10), ("TEN", 30)], [["X1", "Xa"], ["X2", "Xb"]],
                    [square(483531, 3018526, 200), square(484531, 3019526, 200)])
    # 5. Metres with the CRS given as WGS 84 (--crs 4326).
    write("metres_as_4326.csv", "code,name,lon,lat\nP1,Điểm một,483531,2418526\n")
    # 6. Places in Hà Nội (outside the province).
    write("outside.geojson", collection(
        [feature({"code": "H1", "name": "Hồ Gươm"}, {"type": "Point", "coordinates": [105.852, 21.029]}),
         feature({"code": "L1", "name": "Chợ Kỳ Lừa"}, {"type": "Point", "coordinates": [106.762, 21.853]})]))
    # 7. A bad coordinate in feature 13 (line 14).
    write("bad_coord.geojson", collection(
        [feature({"code": "B%02d" % i, "name": "Điểm %d" % i},
                 {"type": "Point", "coordinates": [106.7 + i * 0.001, 21.8 if i != 13 else "21,8x"]})
         for i in range(1, 14)]))
    # 8. A NUL byte in the name of row 2.
    write("nul.csv", b"code,name,lon,lat\nP1,Alpha,106.7,21.8\nP2,Be\x00ta,106.71,21.81\n")
    # 9. A truncated .dbf (the .shp is whole).
    write_shapefile("truncated_dbf", [("MA", 10), ("TEN", 30)], [["V%d" % i, "Thon %d" % i] for i in range(10)],
                    [square(449262.3 + i * 600, 2417428.1, 200) for i in range(10)])
    with open(path("truncated_dbf.dbf"), "r+b") as f:
        f.truncate(os.path.getsize(path("truncated_dbf.dbf")) - 3 * 41 - 1)
    # 10. A missing .shx.
    write_shapefile("missing_shx", [("MA", 10), ("TEN", 30)], [["V1", "Thon 1"]], [square(449262.3, 2417428.1, 200)],
                    with_shx=False)
    # 11. Village fields named so that nothing maps to code and name.
    write("unmapped.geojson", collection(
        [feature({"so_hieu": "U1", "dia_danh": "Bản Một"},
                 {"type": "Polygon", "coordinates": [square(106.70, 21.80)]})]))
    # 12. A code already in the sample (05971001) appended.
    write("dup_codes.geojson", collection(
        [feature({"code": "N001", "name": "Thôn Mới"}, {"type": "Polygon", "coordinates": [square(106.74, 21.84)]}),
         feature({"code": "05971001", "name": "Khối Phiêng Riềng (bản sao)"},
                 {"type": "Polygon", "coordinates": [square(106.75, 21.85)]})]))
    # 13. Shops with dd/mm/yyyy dates (accepted: stored as ISO 8601, the format reported).
    write("shops_dates.csv", "village_code,opened,lon,lat\n05971001,20/07/2021,106.761,21.853\n"
                             "05971002,03/04/2022,106.762,21.854\n05971002,2022-05-01,106.763,21.855\n")
    # 14. A KML with two folders (both imported).
    write("two_folders.kml", """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Folder><name>Trạm A</name><Placemark><name>Trạm Chi Lăng</name><Point><coordinates>106.62,21.66</coordinates></Point></Placemark></Folder>
<Folder><name>Trạm B</name><Placemark><name>Trạm Đồng Đăng</name><Point><coordinates>106.70,21.95</coordinates></Point></Placemark>
<Placemark><name>Trạm Hữu Lũng</name><Point><coordinates>106.35,21.50</coordinates></Point></Placemark></Folder>
</Document></kml>
""")
    # 15. A village shapefile with usual (dBase-truncated) Vietnamese headers, in VN-2000 TM-3 107-15.
    write_shapefile("thon_vn", [("MA_THON", 10), ("TEN_THON_B", 30)], [["T901", "Thon Na Pai"], ["T902", "Khoi 1"]],
                    [square(449262.3, 2417428.1, 200), square(450262.3, 2418428.1, 200)])


if __name__ == "__main__":
    main()
