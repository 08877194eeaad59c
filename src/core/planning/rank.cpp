#include "core/planning/rank.hpp"

#include "core/base/error.hpp"
#include "core/i18n/i18n.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace bando::planning {

const char* normalisationName(Normalisation n) { return n == Normalisation::Rank ? "rank" : "minmax"; }
const char* directionName(Direction d) { return d == Direction::Lower ? "lower" : "higher"; }

Normalisation parseNormalisation(const std::string& s)
{
    if (s == "minmax")
        return Normalisation::MinMax;
    if (s == "rank")
        return Normalisation::Rank;
    throw Error(ErrorKind::Usage, "--criterion", "normalisation must be minmax or rank, not '" + s + "'");
}

Direction parseDirection(const std::string& s)
{
    if (s == "higher")
        return Direction::Higher;
    if (s == "lower")
        return Direction::Lower;
    throw Error(ErrorKind::Usage, "--criterion", "direction must be higher or lower, not '" + s + "'");
}

const std::vector<Preset>& builtinPresets()
{
    using N = Normalisation;
    using D = Direction;
    static const std::vector<Preset> presets{
        {"team",
         "Team deployment: where the district support teams go next",
         {{"missing_households", "missing_households", N::MinMax, D::Higher, 0.35,
           "households still missing to reach the village's shop target: the work left to do"},
          {"usable_coverage", "hh_good_share", N::MinMax, D::Higher, 0.25,
           "share of households with a good 3G/4G signal: a digital shop needs a signal"},
          {"travel_commune_seat", "minutes_commune_seat", N::Rank, D::Lower, 0.15,
           "road travel time from the commune seat (rank, so one remote outlier does not flatten the rest)"},
          {"team_gap", "team_gap", N::MinMax, D::Higher, 0.15,
           "community technology team missing (1) or not meeting 3-5 members with >= 2 trained (0.5)"},
          {"phase", "phase", N::MinMax, D::Lower, 0.10, "districts of the earlier roll-out phase first"}}},
        {"telecom",
         "Telecom investment: where new mobile coverage is needed most",
         {{"no_signal_households", "gap_households", N::MinMax, D::Higher, 0.30,
           "households outside any 3G/4G coverage: the first need"},
          {"unstable_households", "weak_only_households", N::MinMax, D::Higher, 0.15,
           "households with a weak signal only: the second need"},
          {"signal_class", "class_need", N::MinMax, D::Higher, 0.10,
           "the classification rule: no_signal 1, unstable 0.5, covered 0"},
          {"distance_to_site", "dist_site_m", N::Rank, D::Higher, 0.15,
           "far from every existing site: tuning an existing site will not cover it"},
          {"distance_to_main_road", "road_main_road_m", N::Rank, D::Lower, 0.10,
           "near a main road: a site is cheaper to build, power and maintain"},
          {"border_or_difficult", "border_difficult", N::MinMax, D::Higher, 0.15,
           "border or particularly difficult commune (commune_flags): a public-interest program priority"},
          {"operator_responsible", "operator_assigned", N::MinMax, D::Higher, 0.05,
           "an operator is responsible for the village (bando split): the investment has an owner and can start"}}}};
    return presets;
}

std::string criterionLabel(const std::string& name)
{
    static const std::pair<const char*, const char*> labels[] = {
        {"missing_households", N_("Households still missing")},
        {"usable_coverage", N_("Usable 3G/4G coverage")},
        {"travel_commune_seat", N_("Travel from the commune seat")},
        {"team_gap", N_("Team missing or under-trained")},
        {"phase", N_("Roll-out phase")},
        {"no_signal_households", N_("Households with no signal")},
        {"unstable_households", N_("Households with a weak signal only")},
        {"signal_class", N_("Signal class")},
        {"distance_to_site", N_("Distance to the nearest site")},
        {"distance_to_main_road", N_("Distance to a main road")},
        {"border_or_difficult", N_("Border or particularly difficult commune")},
        {"operator_responsible", N_("Operator responsible")}};
    for (const auto& [id, label] : labels)
        if (name == id)
            return tr(label);
    return name;
}

const Preset* findBuiltinPreset(const std::string& name)
{
    for (const auto& p : builtinPresets())
        if (p.name == name)
            return &p;
    return nullptr;
}

std::vector<double> normalise(const std::vector<double>& raw, Normalisation n, Direction d)
{
    const size_t count = raw.size();
    std::vector<double> out(count, 0.0);
    if (n == Normalisation::MinMax) {
        double lo = std::numeric_limits<double>::infinity(), hi = -lo;
        for (double x : raw)
            if (!std::isnan(x)) {
                lo = std::min(lo, x);
                hi = std::max(hi, x);
            }
        if (!(hi > lo))
            return out;  // all equal or all missing: 0
        const double span = hi - lo;
        for (size_t i = 0; i < count; ++i)
            if (!std::isnan(raw[i]))
                out[i] = d == Direction::Higher ? (raw[i] - lo) / span : (hi - raw[i]) / span;
        return out;
    }
    // Rank: ascending average ranks (ties share their mean rank), (r - 1) / (m - 1) over the m present.
    std::vector<uint32_t> idx;
    idx.reserve(count);
    for (size_t i = 0; i < count; ++i)
        if (!std::isnan(raw[i]))
            idx.push_back(static_cast<uint32_t>(i));
    const size_t m = idx.size();
    if (m < 2)
        return out;
    std::sort(idx.begin(), idx.end(), [&](uint32_t a, uint32_t b) { return raw[a] < raw[b]; });
    for (size_t i = 0; i < m;) {
        size_t j = i;
        while (j + 1 < m && raw[idx[j + 1]] == raw[idx[i]])
            ++j;
        const double meanRank = (static_cast<double>(i) + static_cast<double>(j)) / 2.0;  // 0-based
        const double v = meanRank / static_cast<double>(m - 1);
        for (size_t k = i; k <= j; ++k)
            out[idx[k]] = d == Direction::Higher ? v : 1.0 - v;
        i = j + 1;
    }
    return out;
}

Ranker::Ranker(std::vector<Criterion> criteria, const std::vector<std::vector<double>>& raw)
    : m_criteria(std::move(criteria))
{
    if (raw.size() != m_criteria.size())
        throw Error(ErrorKind::Usage, "rank", "one column of values per criterion is required");
    m_n = raw.empty() ? 0 : raw[0].size();
    m_norm.resize(m_criteria.size() * m_n);
    for (size_t k = 0; k < m_criteria.size(); ++k) {
        if (raw[k].size() != m_n)
            throw Error(ErrorKind::Usage, "rank", "criterion '" + m_criteria[k].name + "' has a different row count");
        const auto n = normalise(raw[k], m_criteria[k].normalisation, m_criteria[k].direction);
        std::copy(n.begin(), n.end(), m_norm.begin() + static_cast<std::ptrdiff_t>(k * m_n));
    }
    std::vector<double> w;
    for (const auto& c : m_criteria)
        w.push_back(c.weight);
    setWeights(w);
}

void Ranker::setWeights(const std::vector<double>& weights)
{
    if (weights.size() != m_criteria.size())
        throw Error(ErrorKind::Usage, "--weight", "one weight per criterion is required");
    double sum = 0;
    for (size_t k = 0; k < weights.size(); ++k) {
        if (!(weights[k] >= 0) || !std::isfinite(weights[k]))
            throw Error(ErrorKind::Usage, "--weight", "weight of '" + m_criteria[k].name + "' must be 0 or more");
        sum += weights[k];
    }
    if (!(sum > 0))
        throw Error(ErrorKind::Usage, "--weight", "at least one weight must be above 0");
    m_factor.resize(weights.size());
    for (size_t k = 0; k < weights.size(); ++k) {
        m_criteria[k].weight = weights[k];
        m_factor[k] = 100.0 * weights[k] / sum;
    }
    rescore();
}

void Ranker::rescore()
{
    m_scores.assign(m_n, 0.0);
    double* s = m_scores.data();
    for (size_t k = 0; k < m_criteria.size(); ++k) {
        const double f = m_factor[k];
        const double* col = m_norm.data() + k * m_n;
        for (size_t v = 0; v < m_n; ++v)
            s[v] += f * col[v];  // same products, same order as contribution(): the sum is exact
    }
}

std::vector<uint32_t> Ranker::order() const
{
    std::vector<uint32_t> idx(m_n);
    std::iota(idx.begin(), idx.end(), 0u);
    const double* s = m_scores.data();
    std::sort(idx.begin(), idx.end(), [s](uint32_t a, uint32_t b) { return s[a] > s[b] || (s[a] == s[b] && a < b); });
    return idx;
}

uint64_t SplitMix64::next()
{
    uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

double SplitMix64::uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }

std::vector<Stability> sensitivity(const Ranker& ranker, const std::vector<double>& baseWeights, int runs,
                                   uint64_t seed, double spread, int topN)
{
    Ranker r = ranker;
    const size_t n = r.villages();
    std::vector<Stability> out(n);
    std::vector<int> inTop(n, 0);
    for (auto& s : out) {
        s.rankMin = std::numeric_limits<int>::max();
        s.rankMax = 0;
    }
    SplitMix64 rng{seed};
    std::vector<double> w(baseWeights.size());
    for (int run = 0; run < runs; ++run) {
        for (size_t k = 0; k < w.size(); ++k)
            w[k] = baseWeights[k] * (1.0 + spread * (2.0 * rng.uniform() - 1.0));
        r.setWeights(w);
        const auto ord = r.order();
        for (size_t pos = 0; pos < ord.size(); ++pos) {
            auto& s = out[ord[pos]];
            const int rank = static_cast<int>(pos) + 1;
            s.rankMin = std::min(s.rankMin, rank);
            s.rankMax = std::max(s.rankMax, rank);
            if (rank <= topN)
                ++inTop[ord[pos]];
        }
    }
    for (size_t v = 0; v < n; ++v) {
        if (runs <= 0)
            out[v].rankMin = out[v].rankMax = 0;
        out[v].topShare = runs > 0 ? static_cast<double>(inTop[v]) / runs : 0;
    }
    return out;
}

} // namespace bando::planning
