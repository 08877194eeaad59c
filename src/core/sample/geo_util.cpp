#include "core/sample/geo_util.hpp"

#include "core/base/error.hpp"
#include "core/capi/proj.hpp"
#include "core/io/csv_util.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>
#include <sstream>

namespace bando::sample::geo {

// ---- CSV ----

CsvTable CsvTable::read(const std::string& path)
{
    io::CsvTable parsed = io::readCsvFile(path);
    CsvTable t;
    t.m_path = path;
    for (size_t c = 0; c < parsed.header.size(); ++c)
        t.m_columns[parsed.header[c]] = c;
    for (size_t r = 0; r < parsed.rows.size(); ++r) {
        if (parsed.rows[r].size() != parsed.header.size())
            throw Error(ErrorKind::Format, path + ": row " + std::to_string(r + 2),
                        "expected " + std::to_string(parsed.header.size()) + " fields, found " +
                            std::to_string(parsed.rows[r].size()));
        t.m_rows.push_back(std::move(parsed.rows[r]));
    }
    return t;
}

std::string CsvTable::where(size_t row, const std::string& field) const
{
    return m_path + ": row " + std::to_string(row + 2) + ", field '" + field + "'";
}

const std::string& CsvTable::at(size_t row, const std::string& field) const
{
    auto it = m_columns.find(field);
    if (it == m_columns.end())
        throw Error(ErrorKind::Format, m_path, "missing column '" + field + "'");
    return m_rows.at(row)[it->second];
}

double CsvTable::number(size_t row, const std::string& field) const
{
    const std::string& v = at(row, field);
    try {
        size_t used = 0;
        double d = std::stod(v, &used);
        if (used != v.size())
            throw std::invalid_argument(v);
        return d;
    } catch (const std::exception&) {
        throw Error(ErrorKind::Format, where(row, field), "not a number: '" + v + "'");
    }
}

// ---- apportionment ----

std::vector<int64_t> apportion(int64_t total, const std::vector<double>& weights, int64_t minEach)
{
    const size_t n = weights.size();
    std::vector<int64_t> out(n, 0);
    if (n == 0)
        return out;
    int64_t base = std::min<int64_t>(minEach, total / static_cast<int64_t>(n));
    for (auto& o : out)
        o = base;
    int64_t rest = total - base * static_cast<int64_t>(n);
    double sw = std::accumulate(weights.begin(), weights.end(), 0.0);
    if (sw <= 0)
        sw = 1;
    std::vector<std::pair<double, size_t>> rem;
    int64_t given = 0;
    for (size_t i = 0; i < n; ++i) {
        double share = rest * std::max(0.0, weights[i]) / sw;
        auto whole = static_cast<int64_t>(std::floor(share));
        out[i] += whole;
        given += whole;
        rem.push_back({share - whole, i});
    }
    std::stable_sort(rem.begin(), rem.end(), [](auto& a, auto& b) { return a.first > b.first; });
    for (size_t k = 0; given < rest; ++k, ++given)
        out[rem[k % n].second] += 1;
    return out;
}

// ---- noise ----

namespace {
inline uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
inline double lattice(int64_t ix, int64_t iy, uint64_t seed)
{
    uint64_t h = mix(static_cast<uint64_t>(ix) * 0x9e3779b97f4a7c15ull ^ mix(static_cast<uint64_t>(iy) + seed));
    return static_cast<double>(h >> 11) * 0x1.0p-53;
}
inline double smooth(double t) { return t * t * t * (t * (t * 6 - 15) + 10); }
} // namespace

double valueNoise(double x, double y, uint64_t seed)
{
    const double fx = std::floor(x), fy = std::floor(y);
    const auto ix = static_cast<int64_t>(fx), iy = static_cast<int64_t>(fy);
    const double tx = smooth(x - fx), ty = smooth(y - fy);
    const double a = lattice(ix, iy, seed), b = lattice(ix + 1, iy, seed);
    const double c = lattice(ix, iy + 1, seed), d = lattice(ix + 1, iy + 1, seed);
    return (a + (b - a) * tx) * (1 - ty) + (c + (d - c) * tx) * ty;
}

double fbm(double x, double y, uint64_t seed, int octaves)
{
    double sum = 0, amp = 1, norm = 0, f = 1;
    for (int o = 0; o < octaves; ++o) {
        sum += amp * valueNoise(x * f + o * 17.31, y * f - o * 9.77, seed + static_cast<uint64_t>(o) * 1013);
        norm += amp;
        amp *= 0.5;
        f *= 2.03;
    }
    return sum / norm;
}

// ---- terrain ----

Terrain::Terrain(uint64_t seed) : m_seed(seed)
{
    auto p = crs::transform(crs::kWgs84, crs::kVn2000LangSon, 107.0, 21.85);  // Mẫu Sơn
    m_peakX = p.x;
    m_peakY = p.y;
}

double Terrain::height(double x, double y) const
{
    // Ridged fractal noise: sharp karst ridges between flat-bottomed valleys.
    const double n = fbm(x / 9000.0, y / 9000.0, m_seed, 5);
    const double ridge = 1.0 - std::fabs(2.0 * n - 1.0);
    // Broad valley corridors where the ridges are damped.
    const double v = fbm(x / 26000.0, y / 26000.0, m_seed + 77, 3);
    double t = std::clamp((v - 0.40) / 0.30, 0.0, 1.0);
    t = t * t * (3 - 2 * t);
    double h = 200.0 + 1150.0 * std::pow(ridge, 1.7) * (0.18 + 0.82 * t);
    // Mẫu Sơn massif.
    const double dx = x - m_peakX, dy = y - m_peakY;
    const double peak = kPeakHeight * std::exp(-(dx * dx + dy * dy) / (2.0 * 5200.0 * 5200.0));
    return std::min(kPeakHeight, std::max(h, peak));
}

} // namespace bando::sample::geo
