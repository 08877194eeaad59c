// Digital-economy layers of the sample (issue #3): shops, teams, targets, phases, progress
// reports, and the seeded data errors of `bando sample --with-errors`.
//
// Shops are placed one per household at its settlement (jittered, inside the village) and
// dated on a schedule that reproduces the province's reported snapshots (DOMAIN.md §1,
// domain/program_facts.csv): ~1,000 shops / 301 accounts at the launch (20/7/2021, pilot in
// xã and TT Chi Lăng), 48,706 shops / 24,808 accounts / 2,409 locomotives in the phase-1
// districts by 15/9, 2,173 / 2,173 / 216 in the phase-2 districts by 25/9, 68,311 shops /
// 57,973 accounts by 13/10 and 112,000 shops / 91,200 accounts / 6,718 locomotives by 31/12.
// Within a phase, villages with good coverage, towns and villages near the seats come first;
// villages without signal get few shops.
#include "core/analysis/classify.hpp"
#include "core/analysis/households.hpp"
#include "core/base/error.hpp"
#include "core/model/schema.hpp"
#include "core/sample/geo_util.hpp"
#include "core/sample/sample.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

namespace bando::sample {
namespace {

// ---- dates as day numbers since 2021-01-01 ----
constexpr int dayOf(int m, int d)
{
    constexpr int start[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    return start[m - 1] + d - 1;
}
std::string isoDate(int day)
{
    static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int m = 0;
    while (m < 11 && day >= len[m]) day -= len[m++];
    char b[32];
    std::snprintf(b, sizeof b, "2021-%02d-%02d", m + 1, day + 1);
    return b;
}

constexpr int64_t kPilotShops = 1000, kPilotAccounts = 301;
constexpr int64_t kP1Shops0915 = 48706, kP1Accounts0915 = 24808, kP1Loco0915 = 2409;
constexpr int64_t kP2Shops0925 = 2173, kP2Accounts0925 = 2173, kP2Loco0925 = 216;
constexpr int64_t kShops1013 = 68311, kAccounts1013 = 57973;
constexpr int64_t kShopsFinal = 112000, kAccountsFinal = 91200, kLocoFinal = 6718;
constexpr int64_t kTeams = 2312, kMembers = 6936, kP1Trained = 3119;
// The program's dates.
constexpr int launch = dayOf(7, 20), pilotFrom = dayOf(6, 18), pilotTo = dayOf(7, 2);
constexpr int d0915 = dayOf(9, 15), d0920 = dayOf(9, 20), d0925 = dayOf(9, 25), d1013 = dayOf(10, 13),
              d1231 = dayOf(12, 31);

bool isPhase1(const std::string& district)
{
    return district == "180" || district == "184" || district == "185" || district == "186" || district == "187";
}
bool isPilotCommune(const std::string& commune) { return commune == "06466" || commune == "06523"; }

struct Period {
    int from, to;   // inclusive day numbers
    int64_t count;
};

// Gives the next `count` items of `order` (from position `pos`) a date in [from, to], at least
// `notBefore[item]`.
void assignDates(const std::vector<uint32_t>& order, size_t& pos, const Period& p, std::vector<int>& date,
                 const std::vector<int>* notBefore, Rng& rng)
{
    for (int64_t k = 0; k < p.count; ++k, ++pos) {
        if (pos >= order.size())
            throw Error(ErrorKind::Internal, "sample program", "schedule needs more items than exist");
        const uint32_t i = order[pos];
        int lo = p.from;
        if (notBefore) lo = std::max(lo, (*notBefore)[i]);
        if (lo > p.to)
            throw Error(ErrorKind::Internal, "sample program", "schedule out of order");
        date[i] = static_cast<int>(rng.range(lo, p.to));
    }
}

// What the program stage needs to know about each village.
struct ProgramVillages {
    const Layer& layer;
    std::vector<analysis::VillageStatus> status;                    // classes from the telecom layers
    std::vector<std::vector<analysis::HouseholdCluster>> clusters;  // where the households live
    std::vector<int64_t> households;
    std::vector<std::string> district, commune;
    std::vector<double> seatDistance;  // from the nearest cluster to the nearest district seat (m)
    size_t size() const { return households.size(); }
};

ProgramVillages readVillages(SampleData& data, Feedback* fb)
{
    const Layer& V = data.villages;
    const size_t nv = V.features.size();
    if (nv == 0)
        throw Error(ErrorKind::Internal, "sample program", "no villages");
    const int vCommune = V.requireField("commune_code");
    const int vDistrict = V.requireField("district_code"), vHh = V.requireField("households");
    ProgramVillages villages{V, {}, {}, {}, {}, {}, {}};

    // Mobile class per village from the telecom layers (when present).
    analysis::ClassificationInput in;
    in.villages = &data.villages;
    in.settlements = &data.settlements;
    in.coverage = data.extra("coverage");
    in.broadbandNodes = data.extra("broadband_nodes");
    in.fibre = data.extra("fibre");
    villages.status = analysis::classifyVillages(in, analysis::Thresholds{}, data.epsg, fb);

    // Household clusters per village (settlements or the label point).
    auto& clusters = villages.clusters;
    clusters.resize(nv);
    for (const auto& c : analysis::householdClusters(V, data.settlements))
        clusters[static_cast<size_t>(c.village)].push_back(c);
    std::vector<int64_t>& hh = villages.households;
    std::vector<std::string>& district = villages.district;
    std::vector<std::string>& commune = villages.commune;
    std::vector<double>& dSeat = villages.seatDistance;
    hh.resize(nv);
    district.resize(nv);
    commune.resize(nv);
    dSeat.assign(nv, 0);
    std::vector<XY> seats;
    {
        const Layer& P = data.places;
        const int pk = P.fieldIndex("kind");
        for (const auto& f : P.features)
            if (pk >= 0 && toString(f.values[pk]) == "district_seat") seats.push_back(f.geom.parts[0][0][0]);
    }
    for (size_t i = 0; i < nv; ++i) {
        const auto& f = V.features[i];
        district[i] = toString(f.values[vDistrict]);
        commune[i] = toString(f.values[vCommune]);
        hh[i] = std::max<int64_t>(toInt(f.values[vHh]).value_or(0), 0);
        double best = 1e12;
        for (const auto& s : seats)
            for (const auto& p : clusters[i]) best = std::min(best, std::hypot(p.x - s.x, p.y - s.y));
        dSeat[i] = best;
    }
    return villages;
}

// How many shops each village ends with: the final total shared by households, weighted by the
// mobile class and towns, between the two phases.
std::vector<int64_t> shopsPerVillage(const ProgramVillages& villages)
{
    const size_t nv = villages.size();
    const auto& status = villages.status;
    const auto& hh = villages.households;
    const auto& district = villages.district;
    const auto& commune = villages.commune;
    const auto& dSeat = villages.seatDistance;
    std::vector<double> w1(nv, 0), w2(nv, 0);
    double W1 = 0, W2 = 0;
    for (size_t i = 0; i < nv; ++i) {
        const double f = status[i].mobile == analysis::MobileClass::Covered ? 1.0
                         : status[i].mobile == analysis::MobileClass::Unstable ? 0.55 : 0.04;
        const double town = dSeat[i] < 3000 ? 1.1 : 1.0;
        const double w = static_cast<double>(hh[i]) * f * town;
        (isPhase1(district[i]) ? w1 : w2)[i] = w;
        (isPhase1(district[i]) ? W1 : W2) += w;
    }
    int64_t F1 = static_cast<int64_t>(std::llround(kShopsFinal * W1 / std::max(W1 + W2, 1.0)));
    F1 = std::max<int64_t>(F1, kP1Shops0915 + 4000);
    const int64_t F2 = kShopsFinal - F1;
    auto perVillage1 = geo::apportion(F1, w1);
    auto perVillage2 = geo::apportion(F2, w2);
    std::vector<int64_t> shopsOf(nv);
    for (size_t i = 0; i < nv; ++i) shopsOf[i] = isPhase1(district[i]) ? perVillage1[i] : perVillage2[i];
    // The pilot communes hold the 1,000 launch shops.
    int64_t pilotCap = 0;
    for (size_t i = 0; i < nv; ++i)
        if (isPilotCommune(commune[i])) pilotCap += shopsOf[i];
    if (pilotCap < kPilotShops)
        throw Error(ErrorKind::Internal, "sample program", "pilot communes too small for the launch figure");
    for (size_t i = 0; i < nv; ++i)
        if (shopsOf[i] > hh[i] && hh[i] > 0)
            throw Error(ErrorKind::Internal, "sample program", "more shops than households in a village");
    return shopsOf;
}

struct Shop {
    uint32_t village;
    double x, y;
    double key;  // opening priority: coverage, then the distance to the seat (towns first)
};

// One point per shop at a household cluster (chosen by households), jittered inside the village.
std::vector<Shop> placeShops(const ProgramVillages& villages, const std::vector<int64_t>& shopsOf, Rng pr)
{
    const size_t nv = villages.size();
    const auto& status = villages.status;
    const auto& dSeat = villages.seatDistance;
    const auto& clusters = villages.clusters;
    std::vector<Shop> shops;
    shops.reserve(kShopsFinal);
    for (size_t i = 0; i < nv; ++i) {
        if (shopsOf[i] == 0) continue;
        const Geometry& g = villages.layer.features[i].geom;
        const Extent ge = g.extent();
        int64_t tot = 0;
        for (const auto& p : clusters[i]) tot += p.households;
        // village priority: coverage, then distance to the seat (towns first)
        const double cls = status[i].mobile == analysis::MobileClass::Covered ? 0
                           : status[i].mobile == analysis::MobileClass::Unstable ? 25 : 60;
        const double vkey = cls + dSeat[i] / 1000;
        for (int64_t k = 0; k < shopsOf[i]; ++k) {
            // a cluster weighted by households
            int64_t pick = pr.range(0, std::max<int64_t>(tot, 1) - 1);
            const analysis::HouseholdCluster* p = &clusters[i][0];
            for (const auto& q : clusters[i]) {
                if (pick < q.households) { p = &q; break; }
                pick -= q.households;
            }
            double x = p->x, y = p->y;
            for (int tries = 0; tries < 8; ++tries) {
                const double jx = p->x + pr.normal(0, 60), jy = p->y + pr.normal(0, 60);
                if (ge.contains(jx, jy) && contains(g, jx, jy)) {
                    x = jx;
                    y = jy;
                    break;
                }
            }
            shops.push_back({static_cast<uint32_t>(i), x, y, vkey + pr.normal(0, 6)});
        }
    }
    return shops;
}

// Day numbers per shop (-1: never).
struct ShopDates {
    std::vector<int> opened, epay, loco;
};

// The shops of the pilot and phase 1 (g1) and of phase 2 (p2), in opening priority, with their
// opening dates.
struct OpeningGroups {
    std::vector<uint32_t> g1, p2;
};

OpeningGroups scheduleOpenings(const ProgramVillages& villages, const std::vector<Shop>& shops,
                               std::vector<int>& opened, Rng& dr)
{
    const auto& district = villages.district;
    const auto& commune = villages.commune;
    const size_t ns = shops.size();
    std::vector<uint32_t> pilot, p1, p2;
    for (uint32_t s = 0; s < ns; ++s) {
        const size_t v = shops[s].village;
        if (isPhase1(district[v])) (isPilotCommune(commune[v]) ? pilot : p1).push_back(s);
        else p2.push_back(s);
    }
    auto byKey = [&](std::vector<uint32_t>& v) {
        std::stable_sort(v.begin(), v.end(), [&](uint32_t a, uint32_t b) { return shops[a].key < shops[b].key; });
    };
    byKey(pilot);
    // The pilot households open first; the remaining pilot-commune shops join phase 1.
    std::vector<uint32_t> g1(pilot.begin(), pilot.begin() + kPilotShops);
    {
        std::vector<uint32_t> rest(pilot.begin() + kPilotShops, pilot.end());
        rest.insert(rest.end(), p1.begin(), p1.end());
        byKey(rest);
        g1.insert(g1.end(), rest.begin(), rest.end());
    }
    byKey(p2);
    // 13/10 total: split the 17,432 shops opened 16/9-13/10 (phase 1) and 26/9-13/10 (phase 2)
    // in proportion to what each group still has to open.
    const int64_t left1 = static_cast<int64_t>(g1.size()) - kP1Shops0915;
    const int64_t left2 = static_cast<int64_t>(p2.size()) - kP2Shops0925;
    const int64_t mid = kShops1013 - kP1Shops0915 - kP2Shops0925;
    const int64_t mid1 = std::llround(static_cast<double>(mid) * left1 / std::max<int64_t>(left1 + left2, 1));
    const int64_t mid2 = mid - mid1;
    {
        size_t pos = 0;
        assignDates(g1, pos, {pilotFrom, pilotTo, kPilotShops}, opened, nullptr, dr);
        assignDates(g1, pos, {launch + 1, d0915, kP1Shops0915 - kPilotShops}, opened, nullptr, dr);
        assignDates(g1, pos, {d0915 + 1, d1013, mid1}, opened, nullptr, dr);
        assignDates(g1, pos, {d1013 + 1, d1231, left1 - mid1}, opened, nullptr, dr);
        pos = 0;
        assignDates(p2, pos, {d0920, d0925, kP2Shops0925}, opened, nullptr, dr);
        assignDates(p2, pos, {d0925 + 1, d1013, mid2}, opened, nullptr, dr);
        assignDates(p2, pos, {d1013 + 1, d1231, left2 - mid2}, opened, nullptr, dr);
    }
    return {std::move(g1), std::move(p2)};
}

// E-payment accounts in opening order; returns both groups in opening order.
std::pair<std::vector<uint32_t>, std::vector<uint32_t>> scheduleAccounts(const OpeningGroups& groups,
                                                                         ShopDates& dates, Rng& dr)
{
    const auto& g1 = groups.g1;
    const auto& p2 = groups.p2;
    const auto& opened = dates.opened;
    auto& epay = dates.epay;
    auto byOpened = [&](std::vector<uint32_t> v) {
        std::stable_sort(v.begin(), v.end(), [&](uint32_t a, uint32_t b) { return opened[a] < opened[b]; });
        return v;
    };
    const std::vector<uint32_t> o1 = byOpened(g1), o2 = byOpened(p2);
    {
        const int64_t amid = kAccounts1013 - kP1Accounts0915 - kP2Accounts0925;
        const int64_t aleft = kAccountsFinal - kAccounts1013;
        const int64_t amid1 = amid * 6 / 10, amid2 = amid - amid1;
        const int64_t aleft1 = std::min<int64_t>(aleft / 2, static_cast<int64_t>(o1.size()) - kP1Accounts0915 - amid1);
        const int64_t aleft2 = aleft - aleft1;
        size_t pos = 0;
        assignDates(o1, pos, {pilotFrom, launch, kPilotAccounts}, epay, &opened, dr);
        assignDates(o1, pos, {launch + 1, d0915, kP1Accounts0915 - kPilotAccounts}, epay, &opened, dr);
        assignDates(o1, pos, {d0915 + 1, d1013, amid1}, epay, &opened, dr);
        assignDates(o1, pos, {d1013 + 1, d1231, aleft1}, epay, &opened, dr);
        pos = 0;
        // phase 2: the first shops open with their account on the same day
        for (int64_t k = 0; k < kP2Accounts0925; ++k, ++pos) epay[o2[pos]] = opened[o2[pos]];
        assignDates(o2, pos, {d0925 + 1, d1013, amid2}, epay, &opened, dr);
        assignDates(o2, pos, {d1013 + 1, d1231, aleft2}, epay, &opened, dr);
    }
    return {o1, o2};
}

// Locomotive households: among account holders, earliest first.
void scheduleLocomotives(const std::vector<uint32_t>& o1, const std::vector<uint32_t>& o2, ShopDates& dates,
                         Rng& dr)
{
    const auto& epay = dates.epay;
    auto& loco = dates.loco;
    auto withAccount = [&](const std::vector<uint32_t>& o) {
        std::vector<uint32_t> v;
        for (uint32_t s : o) if (epay[s] >= 0) v.push_back(s);
        std::stable_sort(v.begin(), v.end(), [&](uint32_t a, uint32_t b) { return epay[a] < epay[b]; });
        // pick every third one so that locomotives spread over the villages
        std::vector<uint32_t> picked;
        for (size_t i = 0; i < v.size(); i += 3) picked.push_back(v[i]);
        for (size_t i = 1; i < v.size(); i += 3) picked.push_back(v[i]);
        return picked;
    };
    const auto l1 = withAccount(o1), l2 = withAccount(o2);
    const int64_t rest = kLocoFinal - kP1Loco0915 - kP2Loco0925;
    const int64_t rest1 = rest * 55 / 100, rest2 = rest - rest1;
    size_t pos = 0;
    assignDates(l1, pos, {launch, d0915, kP1Loco0915}, loco, &epay, dr);
    assignDates(l1, pos, {d0915 + 1, d1231, rest1}, loco, &epay, dr);
    pos = 0;
    assignDates(l2, pos, {d0920, d0925, kP2Loco0925}, loco, &epay, dr);
    assignDates(l2, pos, {d0925 + 1, d1231, rest2}, loco, &epay, dr);
}

// The shops layer with the scheduled dates.
Layer makeShopLayer(const SampleData& data, const std::vector<Shop>& shops, const ShopDates& dates, Rng mr)
{
    const Layer& V = data.villages;
    const int vCode = V.requireField("code");
    const size_t ns = shops.size();
    const auto& opened = dates.opened;
    const auto& epay = dates.epay;
    const auto& loco = dates.loco;
    Layer shopLayer = schema::makeLayer("shops");
    shopLayer.epsg = data.epsg;
    shopLayer.features.reserve(ns);
    const int fV = shopLayer.requireField("village_code"), fO = shopLayer.requireField("opened");
    const int fE = shopLayer.requireField("epay_opened"), fM = shopLayer.requireField("marketplace");
    const int fL = shopLayer.requireField("locomotive"), fLs = shopLayer.requireField("locomotive_since");
    // Shops are written by village, then by opening date.
    std::vector<uint32_t> order(ns);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
        return shops[a].village != shops[b].village ? shops[a].village < shops[b].village : opened[a] < opened[b];
    });
    for (uint32_t s : order) {
        Feature& f = shopLayer.addFeature(Geometry::point(shops[s].x, shops[s].y));
        f.values[fV] = toString(V.features[shops[s].village].values[vCode]);
        f.values[fO] = isoDate(opened[s]);
        if (epay[s] >= 0) f.values[fE] = isoDate(epay[s]);
        f.values[fM] = std::string(mr.chance(0.5) ? "postmart" : "voso");
        f.values[fL] = int64_t{loco[s] >= 0 ? 1 : 0};
        if (loco[s] >= 0) f.values[fLs] = isoDate(loco[s]);
    }
    return shopLayer;
}

// Community technology teams: one per village, a second one in the largest villages.
Layer makeTeams(const ProgramVillages& villages, Rng tr)
{
    const Layer& V = villages.layer;
    const int vCode = V.requireField("code");
    const size_t nv = villages.size();
    const auto& hh = villages.households;
    const auto& district = villages.district;
    Layer teams = schema::makeLayer("teams");
    {
        std::vector<size_t> byHh(nv);
        std::iota(byHh.begin(), byHh.end(), 0);
        std::stable_sort(byHh.begin(), byHh.end(), [&](size_t a, size_t b) { return hh[a] > hh[b]; });
        std::vector<int> nTeams(nv, 1);
        int64_t extra = kTeams - static_cast<int64_t>(nv);
        for (size_t k = 0; extra > 0; k = (k + 1) % nv, --extra) nTeams[byHh[k]] += 1;
        struct T { size_t v; int no; int members; int trained; int formed; };
        std::vector<T> ts;
        for (size_t i = 0; i < nv; ++i)
            for (int k = 1; k <= nTeams[i]; ++k) {
                const bool ph1 = isPhase1(district[i]);
                const int formed = static_cast<int>(ph1 ? tr.range(launch, d0915) : tr.range(d0920, d1013));
                ts.push_back({i, k, 3, 2, formed});
            }
        // Members: 3 each on average (6,936 / 2,312); some teams of 4 balanced by teams of 2.
        for (size_t k = 0; k + 1 < ts.size(); k += 9) {
            ts[k].members = 4;
            ts[k + 1].members = 2;
        }
        // Trained: 2 per team, 3 in some phase-1 teams so that phase 1 trained 3,119 by 15/9;
        // a few teams have only one trained member (a check should flag them).
        int64_t p1Trained = 0;
        for (size_t k = 0; k < ts.size(); ++k) {
            if (k % 97 == 5) ts[k].trained = 1;
            ts[k].trained = std::min(ts[k].trained, ts[k].members);
            if (isPhase1(district[ts[k].v])) p1Trained += ts[k].trained;
        }
        for (size_t k = 0; k < ts.size() && p1Trained < kP1Trained; ++k)
            if (isPhase1(district[ts[k].v]) && ts[k].members >= 3 && ts[k].trained == 2) {
                ts[k].trained = 3;
                ++p1Trained;
            }
        for (const auto& t : ts) {
            Feature& f = teams.addFeature(Geometry{});
            teams.set(f, "village_code", toString(V.features[t.v].values[vCode]));
            teams.set(f, "team_no", int64_t{t.no});
            teams.set(f, "members", int64_t{t.members});
            teams.set(f, "trained", int64_t{t.trained});
            teams.set(f, "formed", isoDate(t.formed));
        }
    }
    return teams;
}

Layer makeTargets(const SampleData& data)
{
    Layer targets = schema::makeLayer("targets");
    auto target = [&](const char* scope, const std::string& code, double shop, double epayPct, double locoPct,
                      const char* source) {
        Feature& f = targets.addFeature(Geometry{});
        targets.set(f, "scope", std::string(scope));
        targets.set(f, "code", code);
        targets.set(f, "shop_pct", shop);
        targets.set(f, "epay_pct", epayPct);
        targets.set(f, "locomotive_pct", locoPct);
        targets.set(f, "source", std::string(source));
    };
    target("province", "20", 50, 50, 10, "Kế hoạch triển khai kinh tế số, 20/7/2021");
    for (const char* c : {"06613", "06628", "06616"})
        target("commune", c, 55, 50, 10, "Huyện Đình Lập: chỉ tiêu 55%");
    {
        // Lộc Bình: 80 % in the town, 70 % in the communes whose seat is within 10 km of it.
        const Layer& P = data.places;
        const int pk = P.fieldIndex("kind"), pc = P.fieldIndex("code");
        XY town{0, 0};
        bool haveTown = false;
        for (const auto& f : P.features)
            if (toString(f.values[pc]) == "06529") {
                town = f.geom.parts[0][0][0];
                haveTown = true;
            }
        target("commune", "06529", 80, 50, 10, "Huyện Lộc Bình: 70-80% ở thị trấn và các xã lân cận");
        std::unordered_set<std::string> lbCommunes;
        const Layer& C = data.communes;
        for (const auto& f : C.features)
            if (toString(C.value(f, "district_code")) == "188") lbCommunes.insert(toString(C.value(f, "code")));
        if (haveTown)
            for (const auto& f : P.features) {
                const std::string code = toString(f.values[pc]);
                if (toString(f.values[pk]) != "commune_seat" || code == "06529" || !lbCommunes.count(code)) continue;
                const XY p = f.geom.parts[0][0][0];
                if (std::hypot(p.x - town.x, p.y - town.y) <= 10000)
                    target("commune", code, 70, 50, 10, "Huyện Lộc Bình: 70-80% ở thị trấn và các xã lân cận");
            }
    }
    target("district", "178", 50, 50, 24, "TP Lạng Sơn: 24% hộ đầu tàu");
    return targets;
}

Layer makePhases()
{
    Layer phases = schema::makeLayer("phases");
    auto phase = [&](int n, const char* d, const char* s, const char* e) {
        Feature& f = phases.addFeature(Geometry{});
        phases.set(f, "phase", int64_t{n});
        phases.set(f, "district_code", std::string(d));
        phases.set(f, "start", std::string(s));
        phases.set(f, "end", std::string(e));
    };
    phase(0, "187", "2021-06-18", "2021-07-02");
    for (const char* d : {"180", "184", "185", "186", "187"}) phase(1, d, "2021-07-20", "2021-09-20");
    for (const char* d : {"178", "181", "182", "183", "188", "189"}) phase(2, d, "2021-09-20", "2021-12-20");
    return phases;
}

// The reported snapshots (DOMAIN.md §1).
Layer makeProgressReports()
{
    Layer reports = schema::makeLayer("progress_reports");
    auto report = [&](const char* date, const char* scope, const char* code, int64_t s, int64_t a, int64_t l,
                      int64_t t, int64_t m, const char* src) {
        Feature& f = reports.addFeature(Geometry{});
        reports.set(f, "date", std::string(date));
        reports.set(f, "scope", std::string(scope));
        reports.set(f, "code", std::string(code));
        if (s >= 0) reports.set(f, "shops", s);
        if (a >= 0) reports.set(f, "accounts", a);
        if (l >= 0) reports.set(f, "locomotives", l);
        if (t >= 0) reports.set(f, "teams", t);
        if (m >= 0) reports.set(f, "members", m);
        reports.set(f, "source", std::string(src));
    };
    report("2021-07-20", "province", "20", kPilotShops, kPilotAccounts, -1, -1, -1, "Lễ ra quân 20/7/2021");
    report("2021-09-15", "phase", "1", kP1Shops0915, kP1Accounts0915, kP1Loco0915, -1, -1, "Báo cáo tỉnh 15/9/2021");
    report("2021-09-25", "phase", "2", kP2Shops0925, kP2Accounts0925, kP2Loco0925, -1, -1, "Báo cáo tỉnh 25/9/2021");
    report("2021-10-13", "province", "20", kShops1013, kAccounts1013, -1, kTeams, kMembers, "Báo cáo tỉnh 13/10/2021");
    report("2021-12-31", "province", "20", kShopsFinal, kAccountsFinal, kLocoFinal, -1, -1, "Báo cáo tỉnh 12/2021");
    return reports;
}

} // namespace

void generateProgram(SampleData& data, const Options& opt, Feedback* fb)
{
    const Rng rng = Rng(opt.seed ^ 0x9a0c7a11ull);
    const ProgramVillages villages = readVillages(data, fb);
    const std::vector<int64_t> shopsOf = shopsPerVillage(villages);
    const std::vector<Shop> shops = placeShops(villages, shopsOf, rng.fork(1));
    reportProgress(fb, 40);

    Rng dr = rng.fork(2);
    ShopDates dates;
    dates.opened.assign(shops.size(), -1);
    dates.epay.assign(shops.size(), -1);
    dates.loco.assign(shops.size(), -1);
    const OpeningGroups groups = scheduleOpenings(villages, shops, dates.opened, dr);
    const auto [o1, o2] = scheduleAccounts(groups, dates, dr);
    scheduleLocomotives(o1, o2, dates, dr);
    reportProgress(fb, 70);

    Layer shopLayer = makeShopLayer(data, shops, dates, rng.fork(3));
    Layer teams = makeTeams(villages, rng.fork(4));
    Layer targets = makeTargets(data);
    Layer phases = makePhases();
    Layer reports = makeProgressReports();
    for (auto* l : {&shopLayer, &teams, &targets, &phases, &reports}) {
        if (Layer* old = data.extra(l->name)) *old = std::move(*l);
        else data.extraLayers.push_back(std::move(*l));
    }
    reportProgress(fb, 100);
}

void seedErrors(SampleData& data, const Options& opt)
{
    Rng rng(opt.seed ^ 0xe7705ull);
    // 1. A district target far above the district's households (the "350,000" report).
    if (Layer* t = data.extra("targets")) {
        Feature& f = t->addFeature(Geometry{});
        t->set(f, "scope", std::string("district"));
        t->set(f, "code", std::string("189"));
        t->set(f, "shop_pct", 50.0);
        t->set(f, "epay_pct", 50.0);
        t->set(f, "locomotive_pct", 10.0);
        t->set(f, "households_claimed", int64_t{350000});
        t->set(f, "source", std::string("Báo cáo huyện Đình Lập: hỗ trợ 350.000 hộ"));
    }
    // 2. A commune whose household total does not add up to its villages.
    if (!data.communes.features.empty()) {
        Layer& c = data.communes;
        Feature& f = c.features[static_cast<size_t>(rng.range(0, static_cast<int64_t>(c.features.size()) - 1))];
        c.set(f, "households", c.integer(f, "households") + 517);
    }
    // 3. A snapshot count that goes down.
    if (Layer* r = data.extra("progress_reports")) {
        Feature& f = r->addFeature(Geometry{});
        r->set(f, "date", std::string("2021-10-20"));
        r->set(f, "scope", std::string("province"));
        r->set(f, "code", std::string("20"));
        r->set(f, "shops", int64_t{61311});
        r->set(f, "accounts", int64_t{58102});
        r->set(f, "source", std::string("Báo cáo tuần 20/10/2021 (nhập sai)"));
    }
    // 4. A shop outside every village (beyond the province's edge).
    if (Layer* s = data.extra("shops"); s && !s->features.empty()) {
        const Extent e = data.villages.extent();
        Feature& f = s->features[static_cast<size_t>(rng.range(0, static_cast<int64_t>(s->features.size()) - 1))];
        f.geom = Geometry::point(e.maxX + 4000, e.minY - 4000);
    }
}

} // namespace bando::sample
