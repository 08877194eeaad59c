#include <catch2/catch.hpp>

#include "core/base/error.hpp"
#include "core/base/feedback.hpp"
#include "core/capi/geos.hpp"
#include "core/capi/geos_convert.hpp"
#include "core/tasks/job.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

using namespace bando;

namespace {

// Many overlapping discs: their union is a long GEOS operation that checks for interrupts.
geos::GeomPtr manyDiscs(int count)
{
    std::vector<geos::GeomPtr> discs;
    uint64_t state = 12345;
    auto next = [&state] {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<double>(state >> 11) / 9007199254740992.0;
    };
    for (int i = 0; i < count; ++i) {
        geos::GeomPtr pt = geos::make("point", [&] { return GEOSGeom_createPointFromXY_r(geos::ctx(), next() * 1000, next() * 1000); });
        discs.push_back(geos::make("buffer", [&] { return GEOSBuffer_r(geos::ctx(), pt.get(), 12.0, 16); }));
    }
    return geos::collection(GEOS_GEOMETRYCOLLECTION, std::move(discs));
}

double unionArea(const GEOSGeometry* g)
{
    geos::GeomPtr u = geos::make("union", [&] { return GEOSUnaryUnion_r(geos::ctx(), g); });
    double area = 0;
    geos::status("area", [&] { return GEOSArea_r(geos::ctx(), u.get(), &area); });
    return area;
}

} // namespace

TEST_CASE("GEOS: a cancelled Feedback stops only its own thread's GEOS call", "[geos][cancel]")
{
    std::atomic<bool> cancelledThrown{false}, otherFailed{false};
    std::atomic<bool> started{false};
    std::atomic<double> otherArea{0};
    Feedback cancelled, running;
    std::chrono::steady_clock::duration cancelledAfter{};

    std::thread a([&] {
        tasks::FeedbackScope scope(cancelled);
        geos::GeomPtr g = manyDiscs(20000);
        started = true;
        const auto t0 = std::chrono::steady_clock::now();
        try {
            unionArea(g.get());
        } catch (const CancelledError&) {
            cancelledThrown = true;
        } catch (...) {
        }
        cancelledAfter = std::chrono::steady_clock::now() - t0;
    });
    std::thread b([&] {
        tasks::FeedbackScope scope(running);
        geos::GeomPtr g = manyDiscs(20000);
        try {
            otherArea = unionArea(g.get());
        } catch (...) {
            otherFailed = true;
        }
    });
    while (!started)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    cancelled.cancel();
    a.join();
    b.join();

    CHECK(cancelledThrown);
    CHECK_FALSE(otherFailed);
    CHECK(otherArea > 0.5e6);  // 20,000 discs of 452 m² on a 1 km square cover most of it
    CHECK(std::chrono::duration<double>(cancelledAfter).count() < 5.0);
    // GEOS keeps working on this thread afterwards.
    geos::GeomPtr g = manyDiscs(10);
    CHECK(unionArea(g.get()) > 0);
}

TEST_CASE("GEOS: the exception return of a predicate throws, it is not false", "[geos]")
{
    geos::GeomPtr pt = geos::make("point", [] { return GEOSGeom_createPointFromXY_r(geos::ctx(), 1, 2); });
    CHECK(geos::predicate("isEmpty", [&] { return GEOSisEmpty_r(geos::ctx(), pt.get()); }) == false);
    CHECK_THROWS_AS(geos::predicate("fake", [] { return char(2); }), Error);
    try {
        geos::predicate("fake", [] { return char(2); });
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Geometry);
    }
    // A failing constructor names the operation and does not leave its message for the next call.
    CHECK_THROWS_AS(geos::collection(12345, {}), Error);
    CHECK(geos::takeError().empty());
}

TEST_CASE("GEOS: a call on a thread whose Feedback is cancelled throws CancelledError", "[geos][cancel]")
{
    Feedback fb;
    fb.cancel();
    tasks::FeedbackScope scope(fb);
    geos::GeomPtr g;
    {
        // Build outside the cancelled scope: the constructor calls check for interrupts too.
        Feedback live;
        tasks::FeedbackScope inner(live);
        g = manyDiscs(2000);
    }
    CHECK_THROWS_AS(unionArea(g.get()), CancelledError);
}
