#pragma once
// Helpers of the sample geography generator: a small CSV reader for the domain tables,
// integer apportionment, deterministic value noise and the synthetic terrain function.
#include "core/sample/sample.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace bando::sample::geo {

// A CSV table with a header row (RFC 4180 quoting). Errors name the file, row and field.
class CsvTable {
public:
    static CsvTable read(const std::string& path);
    size_t rows() const { return m_rows.size(); }
    // Text of `field` in data row `row` (0-based, header excluded); throws when the column is absent.
    const std::string& at(size_t row, const std::string& field) const;
    double number(size_t row, const std::string& field) const;  // throws bando::Error(Format)
    std::string where(size_t row, const std::string& field) const;

private:
    std::string m_path;
    std::map<std::string, size_t> m_columns;
    std::vector<std::vector<std::string>> m_rows;
};

// Splits `total` into integers proportional to `weights` (largest remainder), each at least
// `minEach` (when total allows). Deterministic.
std::vector<int64_t> apportion(int64_t total, const std::vector<double>& weights, int64_t minEach = 0);

// Deterministic 2D value noise in [0, 1) on an integer lattice, smooth interpolation.
double valueNoise(double x, double y, uint64_t seed);
// Fractal sum of `octaves` value-noise layers, in [0, 1).
double fbm(double x, double y, uint64_t seed, int octaves);

// The synthetic terrain (metres above sea level) at (x, y) in EPSG:9215: karst ridges and
// valleys, 200-1,500 m, with the Mẫu Sơn massif (1,541 m) east of the city.
class Terrain {
public:
    explicit Terrain(uint64_t seed);
    double height(double x, double y) const;
    double peakX() const { return m_peakX; }
    double peakY() const { return m_peakY; }
    static constexpr double kPeakHeight = 1541.0;

private:
    uint64_t m_seed;
    double m_peakX = 0, m_peakY = 0;
};

} // namespace bando::sample::geo
