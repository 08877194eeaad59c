#!/usr/bin/python3
"""Writes the seed corpus of the fuzz targets (tests/fuzz/corpus/<target>/), small files made
from the kinds of input the unit and integration tests use: Vietnamese names in UTF-8, TCVN3,
VNI and CP1258; RFC 4180 CSV; agency-style unit names; GeoJSON, KML, CSV and Shapefile sources.
Run from anywhere: /usr/bin/python3 tests/fuzz/make_seeds.py (needs python3-gdal for the shapefiles).
The output is committed; rerun only to change the seeds."""
import csv
import io
import os
import shutil
import struct
import tempfile
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(HERE, "corpus")
DOMAIN = os.path.join(ROOT, "resources", "domain")

NAMES = ["Thôn Nà Pài", "Bản Bó Kheo", "Khối 1", "Xã Chi Lăng", "Thị trấn Đồng Đăng",
         "Phường Hoàng Văn Thụ", "Huyện Tràng Định", "THÔN KHUỔI ỎN", "Nà Lừa", "Quất Lâm"]


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


def tcvn3_table():
    enc = {}
    with open(os.path.join(DOMAIN, "tcvn3_to_unicode.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            ch = unicodedata.normalize("NFC", r["unicode_char"])
            enc.setdefault(ch, bytes([int(r["byte_hex"], 16)]))
    return enc


def vni_table():
    enc = {}
    with open(os.path.join(DOMAIN, "vni_windows_to_unicode.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            ch = unicodedata.normalize("NFC", r["unicode_char"])
            enc.setdefault(ch, bytes(int(h, 16) for h in r["vni_bytes_hex"].split()))
    return enc


def encode_with(table, text):
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        out += table.get(ch, ch.encode("ascii", "replace") if ord(ch) < 128 else b"?")
    return out


def encoding_seeds():
    tc, vn = tcvn3_table(), vni_table()
    text = "\n".join(NAMES)
    write("fuzz_encoding", "utf8.txt", text)
    write("fuzz_encoding", "tcvn3.txt", b"\n".join(encode_with(tc, n) for n in NAMES))
    write("fuzz_encoding", "tcvn3_caps.txt", b"\n".join(encode_with(tc, n.lower()).upper() for n in NAMES[:4]))
    write("fuzz_encoding", "vni.txt", b"\n".join(encode_with(vn, n) for n in NAMES))
    nfd = unicodedata.normalize("NFD", text)
    write("fuzz_encoding", "cp1258.txt", nfd.encode("cp1258", "replace"))
    write("fuzz_encoding", "latin1.txt", "Café Ñandú São Paulo\nZürich".encode("latin-1"))
    write("fuzz_encoding", "broken_utf8.txt", b"Th\xc3\xb4n N\xc3 P\xe0i\n\xf0\x9f\x98\n\xed\xa0\x80")


def csv_seeds():
    write("fuzz_csv", "plain.csv", "code,name,households\n0604001,Thôn Nà Pài,120\n0604002,Bó Kheo,85\n")
    write("fuzz_csv", "quoted.csv", 'code,name,note\r\n1,"Nà Pài, Chi Lăng","nói ""trắng sóng""\r\nhai dòng"\r\n\r\n2,,\r\n')
    write("fuzz_csv", "bom.csv", b"\xef\xbb\xbfma,ten\n01,Kh\xe1\xbb\x91i 1\n")
    write("fuzz_csv", "unterminated.csv", 'a,b\n1,"open\n')
    write("fuzz_csv", "decimals.csv", "x,y,v\n106,7;21,8;1.234,5\n\"12,5\",1.234.567,-0,0\n1e5,nan,inf\n")
    write("fuzz_csv", "ragged.csv", "a\n1,2,3\n\n,\n")


def unit_match_seeds():
    rows = ["0604001\tThôn Nà Pài\tXã Chi Lăng\tHuyện Chi Lăng",
            "\tKhối 1\tTT. Chi Lăng\tChi Lăng",
            "\tKhối 01\tP. Hoàng Văn Thụ\tTP Lạng Sơn",
            "\tThôn Nà Pài, xã Chi Lăng, huyện Chi Lăng\t\t",
            "\tBó Kheo\tX.Chi Lăng\tH. Chi Lăng",
            "\tNà Pài - TT Chi Lăng\t\t",
            "9999999\tKhông có\t\t",
            "\tBản Bó Kheo\t\tHuyện Chi Lăng",
            "\ttrắng sóng\tlõm sóng\tSố hộ"]
    for i, r in enumerate(rows):
        write("fuzz_unit_match", "row%02d.txt" % i, r)


def geojson(features):
    import json
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def square(x, y, d=0.01):
    return {"type": "Polygon", "coordinates": [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]}


def import_seeds():
    t = "fuzz_import"
    pts = [{"type": "Feature", "properties": {"ma": "0604001", "ten": "Thôn Nà Pài", "so_ho": 120},
            "geometry": {"type": "Point", "coordinates": [106.62, 21.66]}},
           {"type": "Feature", "properties": {"ma": "0604002", "ten": "Bó Kheo", "so_ho": None},
            "geometry": {"type": "Point", "coordinates": [106.65, 21.7, 300]}}]
    polys = [{"type": "Feature", "properties": {"code": "0604001", "name": "Thôn Nà Pài", "households": 120},
              "geometry": square(106.6, 21.6)},
             {"type": "Feature", "properties": {"code": "0604002", "name": "Bó Kheo", "households": "85"},
              "geometry": {"type": "MultiPolygon", "coordinates": [square(106.62, 21.6)["coordinates"]]}},
             {"type": "Feature", "properties": {"code": "bad", "name": "tự cắt"},
              "geometry": {"type": "Polygon", "coordinates": [[[106, 21], [106.1, 21.1], [106.1, 21], [106, 21.1], [106, 21]]]}}]
    write(t, "points.geojson.in", b"\x00" + geojson(pts).encode())
    write(t, "villages.geojson.in", b"\x10" + geojson(polys).encode())
    kml = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Folder><name>Thôn</name>
<Placemark><name>Thôn Nà Pài</name><ExtendedData><Data name="code"><value>0604001</value></Data></ExtendedData>
<Polygon><outerBoundaryIs><LinearRing><coordinates>106.6,21.6 106.61,21.6 106.61,21.61 106.6,21.61 106.6,21.6</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>
</Folder>
<Folder><name>Trạm</name>
<Placemark><name>BTS 1</name><Point><coordinates>106.62,21.66,0</coordinates></Point></Placemark>
</Folder></Document></kml>
"""
    write(t, "folders.kml.in", b"\x01" + kml.encode())
    write(t, "villages.kml.in", b"\x11" + kml.encode())
    write(t, "lonlat.csv.in", b"\x02" + "ma,ten,kinh_do,vi_do\n0604001,Thôn Nà Pài,106.62,21.66\n0604002,Bó Kheo,\"106,65\",\"21,7\"\n".encode())
    write(t, "wkt.csv.in", b"\x12" + 'code,name,wkt\n0604001,Nà Pài,"POLYGON((106.6 21.6,106.61 21.6,106.61 21.61,106.6 21.6))"\n'.encode())
    write(t, "table.csv.in", b"\x02" + "Mã thôn,Số hộ,Ngày\n0604001,120,01/02/2023\n".encode())
    # Shapefiles through GDAL, then packed as [len][shp][len][shx][len][dbf][prj].
    from osgeo import ogr, osr
    tc = tcvn3_table()
    for name, sel, geom, enc in [("points_utf8", 0x03, "point", "UTF-8"), ("villages_tcvn3", 0x13, "polygon", "TCVN3"),
                                 ("lines_utf8", 0x13, "line", "UTF-8")]:
        d = tempfile.mkdtemp()
        try:
            path = os.path.join(d, "s.shp")
            drv = ogr.GetDriverByName("ESRI Shapefile")
            ds = drv.CreateDataSource(path)
            srs = osr.SpatialReference()
            srs.ImportFromEPSG(4326)
            gt = {"point": ogr.wkbPoint, "polygon": ogr.wkbPolygon, "line": ogr.wkbLineString}[geom]
            lyr = ds.CreateLayer("s", srs, gt, options=["ENCODING=" + ("ISO-8859-1" if enc == "TCVN3" else "UTF-8")])
            for fname in ["MA", "TEN", "SO_HO"]:
                lyr.CreateField(ogr.FieldDefn(fname, ogr.OFTInteger if fname == "SO_HO" else ogr.OFTString))
            for i, n in enumerate(NAMES[:3]):
                f = ogr.Feature(lyr.GetLayerDefn())
                f.SetField("MA", "060400%d" % (i + 1))
                if enc == "TCVN3":
                    # Raw TCVN3 bytes: written through a Latin-1 layer, no .cpg kept (detection decides).
                    f.SetField("TEN", encode_with(tc, n).decode("latin-1"))
                else:
                    f.SetField("TEN", n)
                f.SetField("SO_HO", 100 + i)
                x, y = 106.6 + i * 0.02, 21.6
                wkt = {"point": "POINT (%f %f)" % (x, y),
                       "polygon": "POLYGON ((%f %f,%f %f,%f %f,%f %f))" % (x, y, x + .01, y, x + .01, y + .01, x, y),
                       "line": "LINESTRING (%f %f,%f %f)" % (x, y, x + .01, y + .01)}[geom]
                f.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
                lyr.CreateFeature(f)
            ds = None
            parts = []
            for ext in ("shp", "shx", "dbf"):
                with open(os.path.join(d, "s." + ext), "rb") as fh:
                    b = fh.read()
                parts.append(struct.pack("<I", len(b)) + b)
            prj = os.path.join(d, "s.prj")
            tail = open(prj, "rb").read() if os.path.exists(prj) and name != "points_utf8" else b""
            write(t, name + ".shp.in", bytes([sel]) + b"".join(parts) + tail)
        finally:
            shutil.rmtree(d)


if __name__ == "__main__":
    shutil.rmtree(CORPUS, ignore_errors=True)
    encoding_seeds()
    csv_seeds()
    unit_match_seeds()
    import_seeds()
    for t in sorted(os.listdir(CORPUS)):
        files = os.listdir(os.path.join(CORPUS, t))
        print(t, len(files), "files", sum(os.path.getsize(os.path.join(CORPUS, t, f)) for f in files), "bytes")
