#pragma once
// Thematic classifications of the villages layer, computed once per MapData (device-independent).
#include "core/render/map_renderer.hpp"

#include <optional>
#include <string>
#include <vector>

namespace bando::render {

// Households per km²: up to 6 quantile classes (breaks rounded to 2 significant digits).
MapData::Theme makeDensityTheme(const std::vector<double>& density);
// Digital shops per 100 households, fixed classes (<10, 10-30, 30-50, 50-60, >=60) around the
// program's 50% target; needs a non-empty "shops" layer with village_code.
std::optional<MapData::Theme> makeShopsTheme(const MapData& data);
// Mobile coverage classes (no signal / unstable / covered) from analysis::classifyVillages();
// needs non-empty "settlements" and "coverage" layers.
std::optional<MapData::Theme> makeCoverageTheme(const MapData& data, const Feedback* fb);

// Helpers shared with tests.
std::vector<double> quantileBreaks(std::vector<double> values, int classes);  // rounded, strictly increasing
double roundSignificant(double v, int digits);
int classOf(const std::vector<double>& breaks, double v);  // index of the first break > v
std::string formatNumber(double v);

} // namespace bando::render
