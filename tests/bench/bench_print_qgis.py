#!/usr/bin/env python3
"""Peer benchmark (issue #12): QGIS 3.22's print layout export of the same GeoPackage.

Usage: QT_QPA_PLATFORM=offscreen /usr/bin/python3 bench_print_qgis.py PROJECT.gpkg OUTDIR [N=3] [--no-labels]
       [--province-only]

  province  A3 landscape PDF: map of the villages (mobile coverage classes from the stored
            village_indicators.class when present, else one fill), communes, roads, districts,
            village name labels, title, legend, scale bar, north arrow (label), overview inset
  atlas     the same layout driven by the districts layer: one page per district, one PDF
Prints "qgis_print_province median S min S size BYTES" and "qgis_print_atlas ..." lines.
"""
import os
import statistics
import sys
import time

from qgis.core import (
    QgsApplication, QgsCoordinateReferenceSystem, QgsFillSymbol, QgsLineSymbol, QgsCategorizedSymbolRenderer,
    QgsRendererCategory, QgsPalLayerSettings, QgsVectorLayerSimpleLabeling, QgsVectorLayer, QgsProject,
    QgsPrintLayout, QgsLayoutItemMap, QgsLayoutItemLegend, QgsLayoutItemScaleBar, QgsLayoutItemLabel,
    QgsLayoutPoint, QgsLayoutSize, QgsUnitTypes, QgsLayoutExporter, QgsCoordinateTransform, QgsLayoutItemMapOverview,
    QgsTextFormat,
)
from qgis.PyQt.QtGui import QColor, QFont


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    labels = "--no-labels" not in sys.argv
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    path, outdir = args[0], args[1]
    n = int(args[2]) if len(args) > 2 else 3
    os.makedirs(outdir, exist_ok=True)
    app = QgsApplication([], False)
    app.initQgis()
    project = QgsProject.instance()
    crs = QgsCoordinateReferenceSystem("EPSG:9215")
    project.setCrs(crs)

    def layer(name):
        lyr = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
        if not lyr.isValid():
            raise SystemExit(f"bench_print_qgis.py: cannot open layer {name} of {path}")
        return lyr

    villages, communes, roads, districts = (layer(n_) for n_ in ("villages", "communes", "roads", "districts"))
    # Coverage classes joined from the stored indicators (as Bando's coverage theme).
    ind = QgsVectorLayer(f"{path}|layername=village_indicators", "ind", "ogr")
    cats = [("no_signal", "215,48,31", "Trắng sóng"), ("unstable", "253,174,97", "Lõm sóng"),
            ("covered", "145,207,96", "Có sóng")]
    if ind.isValid():
        from qgis.core import QgsVectorLayerJoinInfo
        project.addMapLayer(ind, False)
        j = QgsVectorLayerJoinInfo()
        j.setJoinLayer(ind)
        j.setJoinFieldName("village_code")
        j.setTargetFieldName("code")
        j.setJoinFieldNamesSubset(["class"])
        j.setPrefix("i_")
        villages.addJoin(j)
        rcats = [QgsRendererCategory(v, QgsFillSymbol.createSimple({"color": c, "outline_color": "255,255,255,120",
                                                                     "outline_width": "0.05"}), l)
                 for v, c, l in cats]
        villages.setRenderer(QgsCategorizedSymbolRenderer("i_class", rcats))
    communes.renderer().setSymbol(QgsFillSymbol.createSimple(
        {"style": "no", "outline_color": "110,110,110", "outline_width": "0.16"}))
    districts.renderer().setSymbol(QgsFillSymbol.createSimple(
        {"style": "no", "outline_color": "37,37,37", "outline_width": "0.53"}))
    roads.renderer().setSymbol(QgsLineSymbol.createSimple({"line_color": "200,40,30", "line_width": "0.35"}))
    if labels:
        pal = QgsPalLayerSettings()
        pal.fieldName = "name"
        fmt = QgsTextFormat()
        fmt.setSize(6)
        pal.setFormat(fmt)
        villages.setLabeling(QgsVectorLayerSimpleLabeling(pal))
        villages.setLabelsEnabled(True)
    layers = [districts, roads, communes, villages]
    for lyr in layers:
        project.addMapLayer(lyr, False)
    ct = QgsCoordinateTransform(villages.crs(), crs, project)
    ext = ct.transformBoundingBox(districts.extent())
    ext.scale(1.05)

    def build(atlas):
        lay = QgsPrintLayout(project)
        lay.initializeDefaults()  # one A4 page
        lay.pageCollection().page(0).setPageSize("A3", 1)  # landscape
        title = QgsLayoutItemLabel(lay)
        title.setText("Vùng phủ sóng di động theo thôn — Lạng Sơn")
        title.setFont(QFont("DejaVu Sans", 20))
        title.attemptMove(QgsLayoutPoint(12, 8, QgsUnitTypes.LayoutMillimeters))
        title.attemptResize(QgsLayoutSize(300, 14, QgsUnitTypes.LayoutMillimeters))
        lay.addLayoutItem(title)
        m = QgsLayoutItemMap(lay)
        m.attemptMove(QgsLayoutPoint(12, 24, QgsUnitTypes.LayoutMillimeters))
        m.attemptResize(QgsLayoutSize(300, 260, QgsUnitTypes.LayoutMillimeters))
        m.setCrs(crs)
        m.setLayers(layers)
        m.setExtent(ext)
        m.setFrameEnabled(True)
        lay.addLayoutItem(m)
        ov = QgsLayoutItemMap(lay)
        ov.attemptMove(QgsLayoutPoint(320, 24, QgsUnitTypes.LayoutMillimeters))
        ov.attemptResize(QgsLayoutSize(88, 70, QgsUnitTypes.LayoutMillimeters))
        ov.setCrs(crs)
        ov.setLayers([districts])
        ov.setExtent(ext)
        ov.setFrameEnabled(True)
        lay.addLayoutItem(ov)
        o = QgsLayoutItemMapOverview("overview", ov)
        o.setLinkedMap(m)
        ov.overviews().addOverview(o)
        legend = QgsLayoutItemLegend(lay)
        legend.setLinkedMap(m)
        legend.attemptMove(QgsLayoutPoint(320, 110, QgsUnitTypes.LayoutMillimeters))
        lay.addLayoutItem(legend)
        sb = QgsLayoutItemScaleBar(lay)
        sb.setStyle("Single Box")
        sb.setLinkedMap(m)
        sb.applyDefaultSize()
        sb.attemptMove(QgsLayoutPoint(320, 95, QgsUnitTypes.LayoutMillimeters))
        lay.addLayoutItem(sb)
        north = QgsLayoutItemLabel(lay)
        north.setText("N ↑")
        north.attemptMove(QgsLayoutPoint(395, 95, QgsUnitTypes.LayoutMillimeters))
        lay.addLayoutItem(north)
        if atlas:
            a = lay.atlas()
            a.setCoverageLayer(districts)
            a.setEnabled(True)
            m.setAtlasDriven(True)
            m.setAtlasMargin(0.05)
        return lay

    def timed(name, atlas):
        times, cpu, size = [], [], 0
        out = os.path.join(outdir, f"qgis-{name}.pdf")
        for i in range(n):
            lay = build(atlas)
            t0 = time.perf_counter()
            c0 = time.process_time()  # every thread of the process
            exp = QgsLayoutExporter(lay)
            settings = QgsLayoutExporter.PdfExportSettings()
            if atlas:
                res, err = QgsLayoutExporter.exportToPdf(lay.atlas(), out, settings)
            else:
                res = exp.exportToPdf(out, settings)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            if res != QgsLayoutExporter.Success:
                raise SystemExit(f"bench_print_qgis.py: export failed ({res})")
            size = os.path.getsize(out)
        times.sort()
        print(f"qgis_print_{name}  median {statistics.median(times):.3f} s  min {times[0]:.3f} s  "
              f"cpu {statistics.median(cpu):.3f} s  size {size} bytes  (n={len(times)}, labels={'yes' if labels else 'no'})")

    timed("province", False)
    if "--province-only" not in sys.argv:
        timed("atlas", True)
    project.removeAllMapLayers()
    app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
