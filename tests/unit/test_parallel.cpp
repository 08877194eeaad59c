// runWorkers (core/base/parallel.hpp): every index once, on the threads asked for, and the first
// error rethrown after all workers ended.
#include "core/base/parallel.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

using namespace bando;

TEST_CASE("runWorkers: every index once, over the threads", "[parallel]")
{
    for (const unsigned threads : {1u, 2u, 4u}) {
        std::vector<std::atomic<int>> seen(1000);
        std::mutex m;
        std::set<std::thread::id> ids;
        runWorkers(seen.size(), threads, [&](WorkCounter& work) {
            {
                std::lock_guard<std::mutex> lock(m);
                ids.insert(std::this_thread::get_id());
            }
            for (size_t i; (i = work.next()) < work.size();)
                ++seen[i];
        });
        for (const auto& s : seen)
            CHECK(s.load() == 1);
        CHECK(ids.size() == threads);
        CHECK(ids.count(std::this_thread::get_id()) == 1);  // the caller works too
    }
    // never more workers than indices, and none for nothing
    int workers = 0;
    std::mutex m;
    runWorkers(2, 8, [&](WorkCounter&) {
        std::lock_guard<std::mutex> lock(m);
        ++workers;
    });
    CHECK(workers == 2);
    workers = 0;
    runWorkers(0, 4, [&](WorkCounter& work) {
        std::lock_guard<std::mutex> lock(m);
        ++workers;
        CHECK(work.next() == 0);
    });
    CHECK(workers == 1);
}

TEST_CASE("runWorkers: the first error stops the work and is rethrown", "[parallel]")
{
    std::atomic<int> done{0};
    CHECK_THROWS_WITH(runWorkers(100000, 2,
                                 [&](WorkCounter& work) {
                                     for (size_t i; (i = work.next()) < work.size();) {
                                         if (i == 10)
                                             throw std::runtime_error("village 10: bad");
                                         ++done;
                                     }
                                 }),
                      "village 10: bad");
    CHECK(done.load() < 100000);  // the others stopped claiming
}
