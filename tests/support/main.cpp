#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "core/capi/gdal.hpp"

#include <clocale>

int main(int argc, char* argv[])
{
    std::setlocale(LC_ALL, "C");
    bando::gdal::init();
    return Catch::Session().run(argc, argv);
}
