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
// The analysis themes from MapData::indicators (village_indicators at the latest date, joined on
// the village code): "class" (no signal / unstable / covered), "penetration" (shop_vs_target:
// < 0.25, 0.25–0.5, 0.5–0.75, 0.75–1, met), "shop_density" (shops per km², quantiles) and
// "gap_households" (households with no coverage: 0, 1–10, 10–30, 30–100, ≥ 100). Empty when the
// project has not been analysed.
std::vector<MapData::Theme> makeAnalysisThemes(const MapData& data);

// Helpers shared with tests.
std::vector<double> quantileBreaks(std::vector<double> values, int classes);  // rounded, strictly increasing
double roundSignificant(double v, int digits);
int classOf(const std::vector<double>& breaks, double v);  // index of the first break > v
std::string formatNumber(double v);
// "< a", "a – b", …, "≥ z" for the classes around `breaks`.
std::vector<std::string> rangeLabels(const std::vector<double>& breaks);

} // namespace bando::render
