#include <catch2/catch.hpp>

#include "support/test_support.hpp"

using namespace bando;

TEST_CASE("bando reports usage errors with exit code 2", "[cli]")
{
    auto r = test::run(test::shellQuote(test::cliPath()));
    CHECK(r.exitCode == 2);
    CHECK(r.err.find("Usage: bando") != std::string::npos);
    r = test::run(test::shellQuote(test::cliPath()) + " frobnicate");
    CHECK(r.exitCode == 2);
    CHECK(r.err.find("không có lệnh 'frobnicate'") != std::string::npos);  // Vietnamese by default
    r = test::run(test::shellQuote(test::cliPath()) + " --lang en frobnicate");
    CHECK(r.err.find("unknown command 'frobnicate'") != std::string::npos);
    r = test::run(test::shellQuote(test::cliPath()) + " info");
    CHECK(r.exitCode == 2);
}

TEST_CASE("bando info names a missing or broken file and exits 3 / 4", "[cli]")
{
    test::TempDir dir("cli");
    auto r = test::run(test::shellQuote(test::cliPath()) + " info " + test::shellQuote(dir.file("nope.gpkg")));
    CHECK(r.exitCode == 3);
    CHECK(r.err.find("nope.gpkg") != std::string::npos);
    // The error kind and the store's message speak the user's language (issue #15).
    CHECK(r.err.find("lỗi đọc/ghi tệp") != std::string::npos);
    CHECK(r.err.find("không có tệp này") != std::string::npos);
    r = test::run(test::shellQuote(test::cliPath()) + " --lang en info " + test::shellQuote(dir.file("nope.gpkg")));
    CHECK(r.err.find("I/O error") != std::string::npos);
    CHECK(r.err.find("no such file") != std::string::npos);
    test::run("printf 'garbage' > " + test::shellQuote(dir.file("bad.gpkg")));
    r = test::run(test::shellQuote(test::cliPath()) + " info " + test::shellQuote(dir.file("bad.gpkg")));
    CHECK(r.exitCode == 4);
    CHECK(r.err.find("bad.gpkg") != std::string::npos);
}
