#pragma once
// The bundled Lạng Sơn sample project generator. Deterministic: Bando's own RNG and
// distributions (never std:: distributions), so every platform writes the same file.
// Pipeline (generateSample): geography -> telecom -> program -> (errors) -> write.
// The province and district outlines are the real ones (gisdata/lang-son); communes, villages,
// terrain, roads, telecom and shops are synthetic (real commune boundaries are not public); the
// project's metadata says which is which (docs/SAMPLE.md).
#include "core/base/feedback.hpp"
#include "core/model/layer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace bando::sample {

constexpr uint64_t kDefaultSeed = 20210720;  // the program's launch date

struct Options {
    uint64_t seed = kDefaultSeed;
    bool withErrors = false;  // seed the data errors the planning checks must catch
};

// Wall-clock time of one named step of the generator.
struct StepTime {
    std::string name;
    double seconds = 0;
};

// Records consecutive steps: lap(name) closes the step that began at the previous lap (or at
// construction) under `name`.
class StepTimer {
public:
    StepTimer();
    void lap(const std::string& name);
    const std::vector<StepTime>& steps() const { return m_steps; }

private:
    std::vector<StepTime> m_steps;
    double m_start;  // seconds on the steady clock
};

// What the telecom stage built and how its calibration went (reported, never written).
struct TelecomSummary {
    size_t householdClusters = 0;
    size_t towers = 0, baseTowers = 0;  // base towers + gap fillers = towers
    int towersPerOperator[3] = {0, 0, 0};  // Viettel, VNPT, MobiFone
    double startOffsetDb = 0;              // global power offset before the greedy calibration
    int startNoSignal = 0, startUnstable = 0;
    double powerOffsetDb = 0;              // the calibrated global offset
    int calibrationSteps = 0, fillerAttempts = 0;
    size_t broadbandNodes = 0, fibreLines = 0;
    std::vector<StepTime> steps;  // losses, calibration, coverage, broadband, verify
};

// xoshiro256** seeded by splitmix64; portable, stable across compilers and platforms.
class Rng {
public:
    explicit Rng(uint64_t seed);
    uint64_t next();
    double uniform();                         // [0, 1)
    double uniform(double lo, double hi);     // [lo, hi)
    int64_t range(int64_t lo, int64_t hiIncl);
    double normal(double mean = 0, double sd = 1);  // Box-Muller with own uniform
    bool chance(double p) { return uniform() < p; }
    Rng fork(uint64_t stream) const;          // independent child stream (stable per key)

private:
    uint64_t m_s[4];
};

// Digital elevation model on a regular grid in the working CRS (EPSG:9215), north-up.
struct Dem {
    int cols = 0, rows = 0;
    double originX = 0, originY = 0;  // top-left corner
    double cell = 90;                 // metres
    std::vector<float> z;             // row-major, rows from north to south
    float noData = -9999.f;

    bool empty() const { return z.empty(); }
    float at(int c, int r) const { return z[static_cast<size_t>(r) * cols + c]; }
    // Bilinear height at (x, y); noData outside.
    double height(double x, double y) const;
};

struct SampleData {
    int epsg = 9215;  // every layer below is in this metric CRS until written
    Layer districts, communes, villages, roads, places, settlements;
    Dem dem;
    std::vector<Layer> extraLayers;           // telecom and program layers (any schema layer)
    std::map<std::string, std::string> meta;  // written to bando_meta
    TelecomSummary telecom;                   // filled by generateTelecom, not written

    Layer* extra(const std::string& name);
};

void generateGeography(SampleData& data, const Options& opt, Feedback* fb);
void generateTelecom(SampleData& data, const Options& opt, Feedback* fb);
void generateProgram(SampleData& data, const Options& opt, Feedback* fb);
void seedErrors(SampleData& data, const Options& opt);
// Writes all layers (as WGS 84) and the DEM into a new project at `path`, atomically.
void writeSample(const SampleData& data, const std::string& path, Feedback* fb);

// The whole pipeline. The Feedback's step names the stage that runs: "geography", "telecom",
// "digital economy" (with the seeded errors), "writing"; the report times the same stages.
struct GenerationReport {
    std::vector<StepTime> steps;
    TelecomSummary telecom;
};
GenerationReport generateSample(const std::string& path, const Options& opt, Feedback* fb = nullptr);

} // namespace bando::sample
