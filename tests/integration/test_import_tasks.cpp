// The import/export requests (core/tasks): routing by target layer, validation naming the
// option, the saved mapping replaced through ProjectStore::deleteWhere, and export defaults.
#include <catch2/catch.hpp>

#include "core/base/error.hpp"
#include "core/model/schema.hpp"
#include "core/store/project_store.hpp"
#include "core/tasks/export_task.hpp"
#include "core/tasks/import_task.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/list_import_task.hpp"
#include "core/tasks/survey_diff_task.hpp"
#include "support/test_support.hpp"

#include <fstream>

using namespace bando;
using namespace bando::tasks;

namespace {

std::string emptyProject(const test::TempDir& dir)
{
    const std::string p = dir.file("p.gpkg");
    ProjectStore::create(p)->close();
    return p;
}

template <class F>
std::string usageOption(F&& f)
{
    try {
        f();
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Usage);
        return e.where();
    }
    FAIL("no usage error");
    return {};
}

} // namespace

TEST_CASE("The target layer routes an import: lists by name, the rest as files", "[tasks][import]")
{
    CHECK(importRouteOf("survey_gaps") == ImportRoute::SurveyList);
    CHECK(importRouteOf("households") == ImportRoute::HouseholdList);
    CHECK(importRouteOf("teams") == ImportRoute::TeamList);
    CHECK(importRouteOf("teams", true) == ImportRoute::File);  // a code-keyed roster mapped field by field
    CHECK(importRouteOf("villages") == ImportRoute::File);
    CHECK(importRouteOf("places") == ImportRoute::File);
    CHECK(listKindOf(ImportRoute::SurveyList) == io::ListKind::SurveyGaps);
    CHECK(listKindOf(ImportRoute::TeamList) == io::ListKind::Teams);
    CHECK_FALSE(listKindOf(ImportRoute::File));
    ImportRequest r;
    r.targetLayer = "teams";
    CHECK(r.route() == ImportRoute::TeamList);
    r.mapping["members"] = "Thành viên";
    CHECK(r.route() == ImportRoute::File);
}

TEST_CASE("Requests validate their options and name them", "[tasks][import][export]")
{
    CHECK(usageOption([] { encodingOption("klingon"); }) == "--encoding");
    CHECK(encodingOption("tcvn3") == io::Encoding::Tcvn3);
    CHECK(usageOption([] { mappingOption("=x"); }) == "--map");
    CHECK(mappingOption("code=Mã") == std::pair<std::string, std::string>{"code", "Mã"});
    CHECK(usageOption([] { listKindOption("cats"); }) == "--kind");
    CHECK(listKindOption("so_ho") == io::ListKind::Households);
    ImportRequest imp;
    imp.project = "p.gpkg";
    imp.file = "f.csv";
    CHECK_THROWS_WITH(imp.validate(), Catch::Contains("--layer"));
    ExportRequest exp;
    exp.project = "p.gpkg";
    exp.layer = "villages";
    exp.out = "v.xyz";
    CHECK(usageOption([&] { exp.validate(); }) == "v.xyz");
    exp.out = "v.SHP";
    CHECK(exp.resolvedFormat() == io::ExportFormat::Shapefile);
    exp.format = "kmz";
    CHECK(exp.resolvedFormat() == io::ExportFormat::Kmz);
    CHECK(exp.epsg == 4326);
    SurveyDiffRequest diff;
    CHECK_THROWS_AS(diff.validate(), Error);
}

TEST_CASE("A file import through the request, the saved mapping is replaced, not added to", "[tasks][import][mapping]")
{
    test::TempDir dir("task-imp");
    const std::string project = emptyProject(dir);
    const std::string a = dir.file("a.csv"), b = dir.file("b.csv");
    std::ofstream(a, std::ios::binary) << "ma,ten,lon,lat\n05971,Phường A,106.75,21.85\n05974,Xã B,106.70,21.80\n";
    std::ofstream(b, std::ios::binary) << "ma,ten_xa,lon,lat\n05977,Xã C,106.72,21.82\n";
    Feedback fb;
    ImportRequest r;
    r.project = project;
    r.file = a;
    r.targetLayer = "places";
    r.mapping = {{"code", "ma"}, {"name", "ten"}};
    auto first = runTask(r, fb);
    REQUIRE(first.file);
    CHECK_FALSE(first.list);
    CHECK(first.file->stats.written == 2);
    r.file = b;
    r.mapping = {{"code", "ma"}, {"name", "ten_xa"}};
    r.mode = io::ImportMode::Append;
    CHECK(runTask(r, fb).file->stats.written == 1);
    auto s = ProjectStore::open(project);
    CHECK(s->layerInfo("places").featureCount == 3);
    Layer m = s->readLayer("import_mappings");
    std::map<std::string, std::string> saved;
    for (const auto& f : m.features) {
        CHECK(m.text(f, "source_kind") == "csv");
        CHECK(m.text(f, "target_layer") == "places");
        saved[m.text(f, "target_field")] = m.text(f, "source_field");
    }
    CHECK(m.features.size() == 2);  // the second import's mapping replaced the first one's
    CHECK(saved == std::map<std::string, std::string>{{"code", "ma"}, {"name", "ten_xa"}});
    auto schemaOf = s->layerSchema("places");
    REQUIRE(schemaOf);
    CHECK(schemaOf->geomType == GeomType::Point);
    REQUIRE(schemaOf->fields.size() == 3);
    CHECK(schemaOf->fields[2].name == "code");
    CHECK_FALSE(s->layerSchema("bando_meta"));
    CHECK_FALSE(s->layerSchema("no_such_layer"));
}

TEST_CASE("ProjectStore::deleteWhere deletes exactly the matching rows, quotes included", "[store][tasks]")
{
    test::TempDir dir("task-del");
    const std::string project = emptyProject(dir);
    auto s = ProjectStore::open(project, ProjectStore::Mode::ReadWrite);
    Layer m = schema::makeLayer("import_mappings");
    for (const char* layer : {"villages", "o'brien", "villages"}) {
        Feature& f = m.addFeature({});
        m.set(f, "source_kind", std::string("csv"));
        m.set(f, "target_layer", std::string(layer));
        m.set(f, "target_field", std::string("code"));
        m.set(f, "source_field", std::string("ma"));
    }
    {
        ProjectStore::Transaction tx(*s);
        s->appendFeatures(m);
        tx.commit();
    }
    CHECK_THROWS_AS(s->deleteWhere("import_mappings", {{"target_layer", "o'brien"}}), Error);  // outside a transaction
    {
        ProjectStore::Transaction tx(*s);
        CHECK(s->deleteWhere("import_mappings", {{"source_kind", "csv"}, {"target_layer", "o'brien"}}) == 1);
        CHECK(s->deleteWhere("import_mappings", {{"source_kind", "shapefile"}}) == 0);
        CHECK_THROWS_AS(s->deleteWhere("import_mappings", {{"no_field", "x"}}), Error);
        tx.commit();
    }
    CHECK(s->layerInfo("import_mappings").featureCount == 2);
}

TEST_CASE("An export through the request reports the files it wrote", "[tasks][export]")
{
    test::TempDir dir("task-exp");
    const std::string project = emptyProject(dir);
    const std::string csv = dir.file("a.csv");
    std::ofstream(csv, std::ios::binary) << "code,name,lon,lat\n05971,Phường A,106.75,21.85\n";
    Feedback fb;
    ImportRequest imp;
    imp.project = project;
    imp.file = csv;
    imp.targetLayer = "sites";
    runTask(imp, fb);
    ExportRequest exp;
    exp.project = project;
    exp.layer = "sites";
    exp.out = dir.file("places.shp");
    auto r = runTask(exp, fb);
    CHECK(r.features == 1);
    CHECK(r.epsg == 4326);
    CHECK(r.files.size() == 5);  // .shp .shx .dbf .prj .cpg
}
