#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "core/capi/gdal.hpp"
#include "support/test_support.hpp"

#include <clocale>
#include <cstdio>

int main(int argc, char* argv[])
{
    std::setlocale(LC_ALL, "C");
    bando::gdal::init();
    const int failed = Catch::Session().run(argc, argv);
    // A run whose only "failure" is a missing prerequisite is reported to CTest as skipped.
    if (failed == 0 && !bando::test::skipReasons().empty()) {
        for (const auto& reason : bando::test::skipReasons())
            std::printf("SKIPPED: %s\n", reason.c_str());
        return bando::test::kSkipReturnCode;
    }
    return failed;
}
