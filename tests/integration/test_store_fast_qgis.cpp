// QGIS opens the tables the fast writes stored (issue #9): the analysed sample's coverage_gaps,
// village_coverage and village_indicators, with their feature counts and the gaps' extent.
#include <catch2/catch.hpp>

#include "core/store/project_store.hpp"
#include "support/test_support.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

using namespace bando;

TEST_CASE("QGIS opens the tables the fast path wrote, with their feature counts and extent", "[store][fast][qgis]")
{
    if (test::run("QT_QPA_PLATFORM=offscreen /usr/bin/python3 -c 'import qgis.core' 2>/dev/null").exitCode != 0)
        BANDO_SKIP("python3-qgis is not installed: QGIS does not read the project back");
    const std::string path = test::analysedPath();
    test::TempDir dir("store-qgis");
    {
        std::ofstream py(dir.file("read.py"));
        py << R"(import sys
from qgis.core import QgsApplication, QgsVectorLayer
app = QgsApplication([], False)
app.initQgis()
for name in sys.argv[2:]:
    l = QgsVectorLayer(sys.argv[1] + '|layername=' + name, name, 'ogr')
    e = l.extent()
    print(name, int(l.isValid()), l.featureCount(), sum(1 for _ in l.getFeatures()),
          '%.6f %.6f %.6f %.6f' % (e.xMinimum(), e.yMinimum(), e.xMaximum(), e.yMaximum()) if l.isSpatial() else '-')
sys.stdout.flush()
import os
os._exit(0)  # (QGIS 3.22's exitQgis crashes in a script without a GUI)
)";
    }
    const auto r = test::run("QT_QPA_PLATFORM=offscreen /usr/bin/python3 " + test::shellQuote(dir.file("read.py")) + " " +
                             test::shellQuote(path) + " coverage_gaps village_coverage village_indicators");
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    auto store = ProjectStore::open(path);
    std::istringstream lines(r.out);
    int seen = 0;
    std::string name;
    int valid = 0;
    long long count = 0, iterated = 0;
    while (lines >> name >> valid >> count >> iterated) {
        INFO(name);
        std::string rest;
        std::getline(lines, rest);
        const LayerInfo info = store->layerInfo(name);
        CHECK(valid == 1);
        CHECK(count == info.featureCount);
        CHECK(iterated == info.featureCount);
        CHECK(info.featureCount > 1000);
        if (name == "coverage_gaps") {
            char expected[128];
            std::snprintf(expected, sizeof expected, " %.6f %.6f %.6f %.6f", info.extent.minX, info.extent.minY,
                          info.extent.maxX, info.extent.maxY);
            CHECK(rest == expected);
        }
        ++seen;
    }
    CHECK(seen == 3);
}
