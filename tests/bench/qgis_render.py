#!/usr/bin/env python3
"""Peer benchmark: QGIS renders the same GeoPackage at 1920x1080 (QgsMapRendererParallelJob).

Usage: QT_QPA_PLATFORM=offscreen python3 qgis_render.py PROJECT.gpkg [N=11] [OUT.png]

Layers and styles comparable to `bando render` (density theme):
  villages  graduated renderer, 6 quantile classes of households per km² (expression on the
            planar area in EPSG:9215, the map CRS), thin white outlines
  communes  thin grey outlines;  roads  one line style;  districts  strong outlines
  places    district seats: point markers with labels
Map CRS EPSG:9215 (layers are stored in EPSG:4326 and reprojected on the fly, as QGIS does).
Prints "qgis_png median S min S (n=N)" like bando_bench_render.
"""
import os
import statistics
import sys
import time

from qgis.core import (
    QgsApplication, QgsCoordinateReferenceSystem, QgsFillSymbol, QgsGraduatedSymbolRenderer,
    QgsLineSymbol, QgsMapRendererParallelJob, QgsMapSettings, QgsPalLayerSettings, QgsRectangle,
    QgsStyle, QgsVectorLayer, QgsVectorLayerSimpleLabeling, QgsClassificationQuantile,
    QgsCoordinateTransform, QgsProject,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    path = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 11
    out = sys.argv[3] if len(sys.argv) > 3 else "qgis-province.png"

    app = QgsApplication([], False)
    app.initQgis()
    crs = QgsCoordinateReferenceSystem("EPSG:9215")

    def layer(name):
        lyr = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
        if not lyr.isValid():
            raise SystemExit(f"qgis_render.py: cannot open layer {name} of {path}")
        return lyr

    villages = layer("villages")
    communes = layer("communes")
    roads = layer("roads")
    districts = layer("districts")
    places = layer("places")

    density = 'households / (area(transform($geometry, \'EPSG:4326\', \'EPSG:9215\')) / 1e6)'
    ramp = QgsStyle.defaultStyle().colorRamp("YlGnBu")
    renderer = QgsGraduatedSymbolRenderer(density)
    renderer.setClassificationMethod(QgsClassificationQuantile())
    renderer.updateClasses(villages, 6)
    renderer.updateColorRamp(ramp)
    for i, r in enumerate(renderer.ranges()):
        sym = r.symbol().clone()
        sym.symbolLayer(0).setStrokeColor(QColor(255, 255, 255, 140))
        sym.symbolLayer(0).setStrokeWidth(0.1)
        renderer.updateRangeSymbol(i, sym)
    villages.setRenderer(renderer)

    communes.renderer().setSymbol(QgsFillSymbol.createSimple(
        {"style": "no", "outline_color": "110,110,110", "outline_width": "0.16"}))
    districts.renderer().setSymbol(QgsFillSymbol.createSimple(
        {"style": "no", "outline_color": "37,37,37", "outline_width": "0.53"}))
    roads.renderer().setSymbol(QgsLineSymbol.createSimple({"line_color": "200,40,30", "line_width": "0.35"}))
    places.setSubsetString("kind = 'district_seat'")  # Bando labels district seats only
    pal = QgsPalLayerSettings()
    pal.fieldName = "name"
    places.setLabeling(QgsVectorLayerSimpleLabeling(pal))
    places.setLabelsEnabled(True)

    layers = [places, districts, roads, communes, villages]  # top to bottom
    for lyr in layers:
        QgsProject.instance().addMapLayer(lyr, False)

    ext = QgsRectangle()
    ct = QgsCoordinateTransform(villages.crs(), crs, QgsProject.instance())
    ext = ct.transformBoundingBox(districts.extent())
    ext.scale(1.1)

    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(crs)
    settings.setOutputSize(QSize(1920, 1080))
    settings.setOutputDpi(96)
    settings.setExtent(ext)
    settings.setBackgroundColor(QColor(244, 243, 239))

    times = []
    cpu = []
    img = None
    for i in range(n + 1):  # first run warms caches and is not counted
        t0 = time.perf_counter()
        c0 = time.process_time()  # all threads of the process
        job = QgsMapRendererParallelJob(settings)
        job.start()
        job.waitForFinished()
        dt = time.perf_counter() - t0
        dc = time.process_time() - c0
        img = job.renderedImage()
        if i > 0:
            times.append(dt)
            cpu.append(dc)
    img.save(out)
    times.sort()
    print(f"qgis_png  median {statistics.median(times):.4f} s  min {times[0]:.4f} s  "
          f"cpu {statistics.median(cpu):.4f} s  (n={len(times)})")
    QgsProject.instance().removeAllMapLayers()
    app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
