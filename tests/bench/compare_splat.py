#!/usr/bin/env python3
"""Compare SPLAT!'s ITM path loss (-ano table) with bando_bench_predict's loss GeoTIFF.

    compare_splat.py SPLAT.ano OURS.tif LAT LON [--min-km 1] [--max-km 30]

Every SPLAT! point (lat, lon_west, az, el, loss[*]) is moved to EPSG:9215, our raster is read at
that position (nearest cell), and the statistics of dL = ours - SPLAT! are printed as JSON over
the points between min-km and max-km from the site (both rasters valid).
"""
import argparse
import json

import numpy as np
from osgeo import gdal, osr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ano")
    ap.add_argument("ours")
    ap.add_argument("lat", type=float)
    ap.add_argument("lon", type=float)
    ap.add_argument("--min-km", type=float, default=1.0)
    ap.add_argument("--max-km", type=float, default=30.0)
    a = ap.parse_args()
    lat, lon, val = [], [], []
    with open(a.ano) as f:
        f.readline()
        f.readline()
        for line in f:
            p = line.replace("*", "").split(",")
            if len(p) < 5:
                continue
            lat.append(float(p[0]))
            lon.append(360.0 - float(p[1]))
            val.append(float(p[4]))
    lat, lon, val = np.array(lat), np.array(lon), np.array(val)
    wgs = osr.SpatialReference()
    wgs.ImportFromEPSG(4326)
    wgs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    ds = gdal.Open(a.ours)
    work = osr.SpatialReference(wkt=ds.GetProjection())
    work.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    ct = osr.CoordinateTransformation(wgs, work)
    pts = np.array(ct.TransformPoints(np.column_stack([lon, lat])))
    sx, sy, _ = ct.TransformPoint(a.lon, a.lat)
    gt = ds.GetGeoTransform()
    band = ds.GetRasterBand(1)
    ours = band.ReadAsArray().astype(np.float64)
    nd = band.GetNoDataValue()
    col = np.floor((pts[:, 0] - gt[0]) / gt[1]).astype(int)
    row = np.floor((pts[:, 1] - gt[3]) / gt[5]).astype(int)
    inside = (col >= 0) & (row >= 0) & (col < ours.shape[1]) & (row < ours.shape[0])
    o = np.full(val.shape, np.nan)
    o[inside] = ours[row[inside], col[inside]]
    o[o == nd] = np.nan
    d = np.hypot(pts[:, 0] - sx, pts[:, 1] - sy) / 1000.0
    sel = (d >= a.min_km) & (d <= a.max_km) & ~np.isnan(o) & (val > 0)
    dl = o[sel] - val[sel]
    ad = np.abs(dl)
    out = {
        "splat_points": int(len(val)),
        "compared": int(sel.sum()),
        "median_abs_dl_db": round(float(np.median(ad)), 2),
        "mean_dl_db": round(float(np.mean(dl)), 2),
        "median_dl_db": round(float(np.median(dl)), 2),
        "rms_dl_db": round(float(np.sqrt(np.mean(dl * dl))), 2),
        "p90_abs_dl_db": round(float(np.percentile(ad, 90)), 2),
        "within_3db_pct": round(float(100.0 * np.mean(ad <= 3.0)), 1),
        "within_6db_pct": round(float(100.0 * np.mean(ad <= 6.0)), 1),
        "median_loss_splat_db": round(float(np.median(val[sel])), 1),
        "median_loss_ours_db": round(float(np.median(o[sel])), 1),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
