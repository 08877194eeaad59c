#include <catch2/catch.hpp>

#include "support/test_support.hpp"

// Hidden (run only by the `skip_return_code` CTest test): checks that BANDO_SKIP reaches CTest.
TEST_CASE("a test with a missing prerequisite is skipped, not passed", "[.skip-self-test]")
{
    BANDO_SKIP("self-test of the skip mechanism");
}
