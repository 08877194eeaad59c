// The sample's data types and the whole pipeline (geography -> telecom -> program -> errors -> write).
#include "core/sample/sample.hpp"
#include "core/units/villages.hpp"

#include <chrono>

namespace bando::sample {
namespace {

double secondsNow()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

} // namespace

double Dem::height(double x, double y) const
{
    if (z.empty())
        return noData;
    double fc = (x - originX) / cell - 0.5;
    double fr = (originY - y) / cell - 0.5;
    if (fc < 0 || fr < 0 || fc > cols - 1 || fr > rows - 1)
        return noData;
    int c = static_cast<int>(fc), r = static_cast<int>(fr);
    int c1 = std::min(c + 1, cols - 1), r1 = std::min(r + 1, rows - 1);
    double tx = fc - c, ty = fr - r;
    double a = at(c, r), b = at(c1, r), d = at(c, r1), e = at(c1, r1);
    return (a * (1 - tx) + b * tx) * (1 - ty) + (d * (1 - tx) + e * tx) * ty;
}

Layer* SampleData::extra(const std::string& name)
{
    for (auto& l : extraLayers)
        if (l.name == name)
            return &l;
    return nullptr;
}

StepTimer::StepTimer() : m_start(secondsNow()) {}

void StepTimer::lap(const std::string& name)
{
    const double now = secondsNow();
    m_steps.push_back({name, now - m_start});
    m_start = now;
}

GenerationReport generateSample(const std::string& path, const Options& opt, Feedback* fb)
{
    SampleData data;
    StepTimer timer;
    auto step = [&](const char* name, const auto& work) {
        if (fb) fb->setStep(name);
        work();
        timer.lap(name);
    };
    step("geography", [&] {
        generateGeography(data, opt, fb);
        data.extraLayers.push_back(units::syntheticVillageMerges(data.villages));  // issue #17, synthetic
    });
    step("telecom", [&] { generateTelecom(data, opt, fb); });
    step("digital economy", [&] {
        generateProgram(data, opt, fb);
        if (opt.withErrors)
            seedErrors(data, opt);
    });
    step("writing", [&] { writeSample(data, path, fb); });
    return {timer.steps(), std::move(data.telecom)};
}

} // namespace bando::sample
