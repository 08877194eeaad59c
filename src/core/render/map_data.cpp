// MapData: the immutable render snapshot and its precomputed, device-independent caches.
#include "core/render/map_renderer.hpp"

#include "core/base/error.hpp"
#include "core/crs/reproject.hpp"
#include "core/i18n/i18n.hpp"
#include "core/model/schema.hpp"
#include "core/render/hillshade.hpp"
#include "core/render/map_style.hpp"
#include "core/render/themes.hpp"
#include "core/store/project_store.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>

namespace bando::render {

const Layer* MapData::layer(const std::string& name) const
{
    int i = layerIndex(name);
    return i < 0 ? nullptr : &layers[static_cast<size_t>(i)];
}

int MapData::layerIndex(const std::string& name) const
{
    for (size_t i = 0; i < layers.size(); ++i)
        if (layers[i].name == name)
            return static_cast<int>(i);
    return -1;
}

const MapData::Theme* MapData::theme(const std::string& name) const
{
    for (const auto& t : themes)
        if (t.name == name)
            return &t;
    return nullptr;
}

void MapData::prepare(const Feedback* fb)
{
    featureExtents.assign(layers.size(), {});
    extent = Extent{};
    for (size_t i = 0; i < layers.size(); ++i) {
        throwIfCancelled(fb);
        auto& ex = featureExtents[i];
        ex.reserve(layers[i].features.size());
        for (const auto& f : layers[i].features) {
            ex.push_back(f.geom.extent());
            extent.expand(ex.back());
        }
    }
    districtLabelPoints.clear();
    if (const Layer* d = layer(schema::kDistricts))
        for (const auto& f : d->features)
            districtLabelPoints.push_back(f.geom.isEmpty() ? XY{} : interiorPoint(f.geom));
    communeLabelPoints.clear();
    if (const Layer* c = layer(schema::kCommunes))
        for (const auto& f : c->features)
            communeLabelPoints.push_back(f.geom.isEmpty() ? XY{} : interiorPoint(f.geom));
    hillshadeImage.clear();
    if (!dem.empty()) {
        throwIfCancelled(fb);
        const std::vector<float> shade = hillshade(dem, hillshadeLight);
        const double flat = std::sin(hillshadeLight.altitudeDeg * M_PI / 180);
        hillshadeImage.resize(shade.size());
        for (size_t i = 0; i < shade.size(); ++i)
            hillshadeImage[i] = hillshadeOverlay(shade[i], flat);
        if (extent.isEmpty())
            extent = Extent{dem.originX, dem.originY - dem.rows * dem.cell, dem.originX + dem.cols * dem.cell,
                            dem.originY};
    }
    villageDensity.clear();
    themes.clear();
    meanVillageSize = 0;
    if (const Layer* v = layer(schema::kVillages)) {
        const int hh = v->fieldIndex("households");
        villageDensity.reserve(v->features.size());
        for (const auto& f : v->features) {
            const double a = area(f.geom) / 1e6;  // km² in the map CRS
            double h = std::numeric_limits<double>::quiet_NaN();
            if (hh >= 0 && static_cast<size_t>(hh) < f.values.size())
                if (auto d = toReal(f.values[static_cast<size_t>(hh)]))
                    h = *d;
            villageDensity.push_back(a > 0 && std::isfinite(h) ? h / a : std::numeric_limits<double>::quiet_NaN());
        }
        double total = 0;
        for (const auto& f : v->features)
            total += area(f.geom);
        meanVillageSize = v->features.empty() ? 0 : std::sqrt(total / static_cast<double>(v->features.size()));
        themes.push_back(makeDensityTheme(villageDensity));
        throwIfCancelled(fb);
        if (auto t = makeShopsTheme(*this))
            themes.push_back(std::move(*t));
        throwIfCancelled(fb);
        if (auto t = makeCoverageTheme(*this, fb))
            themes.push_back(std::move(*t));
        throwIfCancelled(fb);
        for (auto& t : makeAnalysisThemes(*this))
            themes.push_back(std::move(t));
    }
    static std::atomic<uint64_t> nextGeneration{1};
    generation = nextGeneration.fetch_add(1);
    prepared = true;
}

std::vector<std::string> availableThemes(const MapData& data)
{
    std::vector<std::string> names;
    for (const auto& t : data.themes)
        names.push_back(t.name);
    return names;
}

std::vector<std::string> layersForTheme(const std::string& theme)
{
    std::vector<std::string> l = {schema::kDistricts, schema::kCommunes, schema::kVillages, schema::kRoads,
                                  schema::kPlaces};
    l.push_back(kHillshadeLayer);
    if (theme == "shops")
        l.push_back("shops");
    if (theme == "coverage")
        for (const char* n : {"settlements", "coverage", "broadband_nodes", "fibre"})
            l.push_back(n);
    if (isAnalysisTheme(theme))
        l.push_back(kIndicatorsTable);
    return l;
}

namespace {
// The rows of village_indicators at its latest date.
Layer latestIndicators(Layer table)
{
    const int d = table.fieldIndex("date");
    if (d < 0)
        return table;
    std::string latest;
    for (const auto& f : table.features)
        latest = std::max(latest, toString(f.values[static_cast<size_t>(d)]));
    std::erase_if(table.features,
                  [&](const Feature& f) { return toString(f.values[static_cast<size_t>(d)]) != latest; });
    return table;
}
} // namespace

std::shared_ptr<const MapData> loadMapData(const ProjectStore& store, int epsg, const Feedback* fb,
                                           const std::vector<std::string>& onlyLayers)
{
    auto data = std::make_shared<MapData>();
    data->epsg = epsg;
    for (const auto& name : store.layerNames()) {
        throwIfCancelled(fb);
        if (!onlyLayers.empty() && std::find(onlyLayers.begin(), onlyLayers.end(), name) == onlyLayers.end())
            continue;
        if (name == kIndicatorsTable) {
            data->indicators = latestIndicators(store.readLayer(name, fb));
            continue;
        }
        Layer l = store.readLayer(name, fb);
        if (l.geomType == GeomType::None)
            continue;  // tables (targets, teams, phases) are not drawn
        crs::reproject(l, epsg);
        data->layers.push_back(std::move(l));
    }
    data->projectTitle = "Lạng Sơn";
    if (auto t = store.meta("title"); t && !t->empty())
        data->projectTitle = *t;
    data->thresholds = analysis::loadThresholds(store);
    if (onlyLayers.empty() || std::find(onlyLayers.begin(), onlyLayers.end(), kHillshadeLayer) != onlyLayers.end())
        try {
            data->dem = loadDem(store, epsg, fb);
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::Usage)
                throw;
            // A DEM in another CRS than the map's: drawn without hillshade (it is not warped).
        }
    data->prepare(fb);
    return data;
}

} // namespace bando::render
