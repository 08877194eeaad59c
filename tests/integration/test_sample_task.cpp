// tasks::SampleRequest, the request behind `bando sample`, the app's first start and
// File → New sample project: validation naming the option, and a run that writes the same file as
// the CLI fixture and reports what it built.
#include <catch2/catch.hpp>

#include "core/base/error.hpp"
#include "core/store/project_store.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/sample_task.hpp"
#include "support/test_support.hpp"

#include <cstdio>

using namespace bando;

TEST_CASE("sample request: defaults and validation name the option", "[sample][task]")
{
    tasks::SampleRequest request;
    CHECK(request.seed == 20210720);
    CHECK_FALSE(request.force);
    CHECK_FALSE(request.withErrors);
    try {
        request.validate();
        FAIL("an empty --out is accepted");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Usage);
        CHECK(e.where() == "--out");
    }

    test::TempDir dir("sample-request");
    request.out = dir.file("existing.gpkg");
    CHECK_NOTHROW(request.validate());
    {
        std::FILE* f = std::fopen(request.out.c_str(), "wb");
        REQUIRE(f);
        std::fputs("not a project", f);
        std::fclose(f);
    }
    try {
        request.validate();
        FAIL("an existing file is accepted without --force");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Io);
        CHECK(e.where() == request.out);
        CHECK(std::string(e.what()).find("--force") != std::string::npos);
    }
    request.force = true;
    CHECK_NOTHROW(request.validate());
}

TEST_CASE("sample request: the run writes the fixture's bytes and reports layers, steps and telecom",
          "[sample][task]")
{
    test::TempDir dir("sample-run");
    tasks::SampleRequest request;
    request.out = dir.file("sample.gpkg");
    Feedback fb;
    const tasks::SampleResult r = tasks::runTask(request, fb);

    // The same request as the fixture's `bando sample --out … --force`: the same bytes.
    CHECK(test::readFile(r.path) == test::readFile(test::samplePath()));
    CHECK(r.seed == 20210720);
    CHECK_FALSE(r.withErrors);

    auto store = ProjectStore::open(test::samplePath(), ProjectStore::Mode::ReadOnly);
    std::vector<std::string> withFeatures;
    for (const auto& name : store->layerNames())
        if (store->layerInfo(name).featureCount > 0)
            withFeatures.push_back(name);
    REQUIRE(r.layers.size() == withFeatures.size());
    int64_t sites = 0, nodes = 0, fibre = 0, settlements = 0;
    for (size_t i = 0; i < r.layers.size(); ++i) {
        const auto& l = r.layers[i];
        CHECK(l.name == withFeatures[i]);
        CHECK(l.features == store->layerInfo(l.name).featureCount);
        if (l.name == "sites") sites = l.features;
        if (l.name == "broadband_nodes") nodes = l.features;
        if (l.name == "fibre") fibre = l.features;
        if (l.name == "settlements") settlements = l.features;
    }

    REQUIRE(r.steps.size() == 4);
    CHECK(r.steps[0].name == "geography");
    CHECK(r.steps[1].name == "telecom");
    CHECK(r.steps[2].name == "digital economy");
    CHECK(r.steps[3].name == "writing");
    double sum = 0;
    for (const auto& s : r.steps) {
        CHECK(s.seconds > 0);
        sum += s.seconds;
    }
    CHECK(r.seconds == Approx(sum));
    CHECK(fb.step() == "writing");

    // Telecom: two technologies per tower; every village of the sample has settlements.
    const auto& t = r.telecom;
    CHECK(static_cast<int64_t>(t.towers) * 2 == sites);
    CHECK(t.baseTowers > 0);
    CHECK(t.baseTowers <= t.towers);
    CHECK(t.towersPerOperator[0] + t.towersPerOperator[1] + t.towersPerOperator[2] == static_cast<int>(t.towers));
    CHECK(static_cast<int64_t>(t.householdClusters) == settlements);
    CHECK(static_cast<int64_t>(t.broadbandNodes) == nodes);
    CHECK(static_cast<int64_t>(t.fibreLines) == fibre);
    CHECK(t.calibrationSteps > 0);
    CHECK(t.fillerAttempts >= static_cast<int>(t.towers - t.baseTowers));
    CHECK(t.startNoSignal >= 148);  // the calibration starts from a network that leaves enough villages out
    REQUIRE(t.steps.size() == 5);
    CHECK(t.steps[0].name == "losses");
    CHECK(t.steps[4].name == "verify");
}
