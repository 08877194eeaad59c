#include "core/edit/edit.hpp"

#include "core/base/error.hpp"
#include "core/base/text.hpp"
#include "core/i18n/i18n.hpp"
#include "core/io/lists.hpp"
#include "core/model/schema.hpp"
#include "core/store/project_store.hpp"
#include "core/tasks/analyze_task.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <set>

namespace bando::edit {
namespace {

constexpr const char* kLog = "edit_log";

std::string trim(const std::string& s)
{
    const size_t b = s.find_first_not_of(" \t");
    if (b == std::string::npos)
        return "";
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

bool isIsoDate(const std::string& s)
{
    if (s.size() != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (s[i] < '0' || s[i] > '9')
            return false;
    const int m = std::stoi(s.substr(5, 2)), d = std::stoi(s.substr(8, 2));
    return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

std::string where(const Layer& l, const Feature& f, const std::string& field)
{
    return trf("{1} {2} (fid {3}), field {4}", {l.name, featureKey(l, f), std::to_string(f.fid), field});
}

bool sameValue(const Value& a, const Value& b) { return encodeValue(a) == encodeValue(b); }

const Feature& featureById(const Layer& l, int64_t fid)
{
    for (const auto& f : l.features)
        if (f.fid == fid)
            return f;
    throw Error(ErrorKind::Usage, "--fid", trf("layer '{1}' has no feature {2}", {l.name, std::to_string(fid)}));
}

struct LogRow {
    int64_t fid;
    std::string action, layer, key, field;
    int64_t group, featureFid, state;
    std::optional<std::string> oldValue, newValue;
};

std::vector<LogRow> readLog(const ProjectStore& store)
{
    std::vector<LogRow> out;
    if (!store.hasLayer(kLog))
        return out;
    const Layer l = store.readLayer(kLog);
    for (const auto& f : l.features) {
        LogRow r;
        r.fid = f.fid;
        r.action = l.text(f, "action");
        r.layer = l.text(f, "layer");
        r.key = l.text(f, "feature_key");
        r.field = l.text(f, "field");
        r.group = l.integer(f, "edit_group");
        r.featureFid = l.integer(f, "feature_fid");
        r.state = l.integer(f, "state");
        if (!isNull(l.value(f, "old_value")))
            r.oldValue = l.text(f, "old_value");
        if (!isNull(l.value(f, "new_value")))
            r.newValue = l.text(f, "new_value");
        out.push_back(std::move(r));
    }
    return out;
}

void appendLog(ProjectStore& store, const AppliedEdit& e)
{
    Layer log = schema::makeLayer(kLog);
    for (const auto& c : e.changes) {
        auto& f = log.addFeature({});
        log.set(f, "at", e.at);
        log.set(f, "who", e.who);
        log.set(f, "action", e.action);
        log.set(f, "edit_group", e.group);
        log.set(f, "layer", e.layer);
        log.set(f, "feature_fid", e.fid);
        log.set(f, "feature_key", e.key);
        log.set(f, "field", c.field);
        if (auto o = encodeValue(c.oldValue))
            log.set(f, "old_value", *o);
        if (auto n = encodeValue(c.newValue))
            log.set(f, "new_value", *n);
        if (e.action == "edit")
            log.set(f, "state", int64_t(0));
    }
    store.appendFeatures(log);
}

} // namespace

std::string utcNow()
{
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

Value parseValue(const FieldDef& field, const std::string& raw, const std::string& at)
{
    const std::string s = trim(raw);
    if (s.empty())
        return Value{};
    switch (field.type) {
    case FieldType::Integer: {
        errno = 0;
        char* end = nullptr;
        const long long v = std::strtoll(s.c_str(), &end, 10);
        if (errno != 0 || !end || *end != 0)
            throw Error(ErrorKind::Format, at, trf("'{1}' is not a whole number", {s}));
        return static_cast<int64_t>(v);
    }
    case FieldType::Real: {
        std::string t = s;
        if (t.find('.') == std::string::npos && std::count(t.begin(), t.end(), ',') == 1)
            std::replace(t.begin(), t.end(), ',', '.');  // "12,5" as written in Vietnamese
        errno = 0;
        char* end = nullptr;
        const double v = std::strtod(t.c_str(), &end);
        if (errno != 0 || !end || *end != 0 || !std::isfinite(v))
            throw Error(ErrorKind::Format, at, trf("'{1}' is not a number", {s}));
        return v;
    }
    case FieldType::Date:
        if (!isIsoDate(s))
            throw Error(ErrorKind::Format, at, trf("'{1}' is not a date YYYY-MM-DD", {s}));
        return s;
    case FieldType::Text:
        break;
    }
    if (!text::isValidUtf8(s))
        throw Error(ErrorKind::Format, at, tr("the text is not valid UTF-8"));
    std::string v = text::toNfc(s);
    if (field.width > 0) {
        size_t chars = 0;
        for (unsigned char c : v)
            chars += (c & 0xC0) != 0x80 ? 1 : 0;
        if (chars > static_cast<size_t>(field.width))
            throw Error(ErrorKind::Format, at,
                        trf("'{1}' is longer than {2} characters", {v, std::to_string(field.width)}));
    }
    return v;
}

std::optional<std::string> encodeValue(const Value& v)
{
    if (isNull(v))
        return std::nullopt;
    if (const auto* d = std::get_if<double>(&v)) {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.17g", *d);
        return std::string(buf);
    }
    return toString(v);
}

bool isKeyField(const std::string& layer, const std::string& field)
{
    if (field == "code" || field == "village_code" || field == "commune_code" || field == "district_code")
        return true;
    return layer == "teams" && field == "team_no";
}

std::string featureKey(const Layer& l, const Feature& f)
{
    if (l.fieldIndex("code") >= 0)
        return l.text(f, "code");
    if (l.fieldIndex("village_code") >= 0) {
        std::string k = l.text(f, "village_code");
        if (l.fieldIndex("team_no") >= 0 && !isNull(l.value(f, "team_no")))
            k += "#" + l.text(f, "team_no");
        return k;
    }
    return "fid " + std::to_string(f.fid);
}

int64_t findFeature(const Layer& l, const std::string& key)
{
    std::vector<int64_t> hits;
    for (const auto& f : l.features)
        if (featureKey(l, f) == key)
            hits.push_back(f.fid);
    if (hits.empty() && l.fieldIndex("village_code") >= 0)  // teams: a village with one team by its code alone
        for (const auto& f : l.features)
            if (l.text(f, "village_code") == key)
                hits.push_back(f.fid);
    if (hits.empty())
        throw Error(ErrorKind::Usage, "--id", trf("no feature of '{1}' has the key '{2}'", {l.name, key}));
    if (hits.size() > 1) {
        std::string list;
        for (size_t i = 0; i < hits.size() && i < 10; ++i)
            list += (i ? ", " : "") + std::to_string(hits[i]);
        throw Error(ErrorKind::Usage, "--id",
                    trf("{1} features of '{2}' have the key '{3}' (fids {4}): choose one with --fid",
                        {std::to_string(hits.size()), l.name, key, list}));
    }
    return hits.front();
}

void checkFeature(const Layer& l, const Feature& f)
{
    auto intOf = [&](const char* field) -> std::optional<int64_t> {
        if (l.fieldIndex(field) < 0 || isNull(l.value(f, field)))
            return std::nullopt;
        return toInt(l.value(f, field));
    };
    auto range = [&](const char* field, int64_t lo, int64_t hi, bool required) {
        const auto v = intOf(field);
        if (!v) {
            if (required && l.fieldIndex(field) >= 0)
                throw Error(ErrorKind::Format, where(l, f, field), trf("{1} must not be empty", {field}));
            return;
        }
        if (*v < lo || *v > hi)
            throw Error(ErrorKind::Format, where(l, f, field),
                        trf("{1} is outside {2}–{3}", {std::to_string(*v), std::to_string(lo), std::to_string(hi)}));
    };
    auto pct = [&](const char* field) {
        if (l.fieldIndex(field) < 0 || isNull(l.value(f, field)))
            return;
        const double v = l.real(f, field);
        if (!(v >= 0 && v <= 100))
            throw Error(ErrorKind::Format, where(l, f, field), trf("{1} is not a percentage 0–100", {encodeValue(v).value_or("")}));
    };
    // field types and widths (what the store would accept)
    for (size_t i = 0; i < l.fields.size() && i < f.values.size(); ++i) {
        const FieldDef& d = l.fields[i];
        const Value& v = f.values[i];
        if (isNull(v)) {
            if (d.notNull)
                throw Error(ErrorKind::Format, where(l, f, d.name), trf("{1} must not be empty", {d.name}));
            continue;
        }
        if (d.type == FieldType::Integer && !std::holds_alternative<int64_t>(v))
            throw Error(ErrorKind::Format, where(l, f, d.name), tr("expected a whole number"));
        if (d.type == FieldType::Real && !std::holds_alternative<double>(v) && !std::holds_alternative<int64_t>(v))
            throw Error(ErrorKind::Format, where(l, f, d.name), tr("expected a number"));
    }
    if (l.name == "villages") {  // the household list import's limits (io/lists.hpp)
        range("households", 0, io::kMaxVillageHouseholds, true);
        range("population", 0, io::kMaxVillagePopulation, false);
        const auto hh = intOf("households"), pop = intOf("population");
        if (hh && pop && *pop < *hh)
            throw Error(ErrorKind::Format, where(l, f, "population"),
                        trf("population {1} is smaller than the household count {2}",
                            {std::to_string(*pop), std::to_string(*hh)}));
    } else if (l.name == "teams") {  // the team list import's limits
        range("team_no", 1, 99, false);
        range("members", 0, 1000, true);
        range("trained", 0, 1000, false);
        const auto m = intOf("members"), t = intOf("trained");
        if (m && t && *t > *m)
            throw Error(ErrorKind::Format, where(l, f, "trained"),
                        trf("trained members {1} exceed the team's members {2}", {std::to_string(*t), std::to_string(*m)}));
    } else if (l.name == "targets") {
        pct("shop_pct");
        pct("epay_pct");
        pct("locomotive_pct");
        range("households_claimed", 0, 10000000, false);
    } else if (l.name == "districts" || l.name == "phases") {
        range("phase", 1, 9, false);
    } else if (l.name == "survey_gaps") {
        if (l.fieldIndex("status") >= 0) {
            const std::string s = l.text(f, "status");
            if (s.empty() || io::normaliseGapStatus(s) != s)
                throw Error(ErrorKind::Format, where(l, f, "status"),
                            trf("'{1}' is not a gap status (no_signal, unstable, no_broadband)", {s}));
        }
        if (l.fieldIndex("surveyed") >= 0 && !l.text(f, "surveyed").empty() && !isIsoDate(l.text(f, "surveyed")))
            throw Error(ErrorKind::Format, where(l, f, "surveyed"), tr("expected a date YYYY-MM-DD"));
    }
    if (l.name == "villages" || l.name == "communes" || l.name == "districts")
        range("population", 0, 100000000, false);
}

// ---- the stack ----

EditStack::EditStack(ProjectStore& store, std::string who) : m_store(store), m_who(std::move(who))
{
    if (m_who.empty())
        m_who = "unknown";
}

AppliedEdit EditStack::apply(const std::string& layer, int64_t fid, const std::vector<std::pair<std::string, std::string>>& set)
{
    auto schema = m_store.layerSchema(layer);
    if (!schema)
        throw Error(ErrorKind::Usage, "--layer", trf("the project has no layer '{1}'", {layer}));
    std::vector<std::pair<std::string, Value>> values;
    for (const auto& [field, text] : set) {
        const FieldDef* d = nullptr;
        for (const auto& fd : schema->fields)
            if (fd.name == field)
                d = &fd;
        if (!d)
            throw Error(ErrorKind::Usage, "--set", trf("layer '{1}' has no field '{2}'", {layer, field}));
        values.emplace_back(field, parseValue(*d, text, layer + " fid " + std::to_string(fid) + ", field " + field));
    }
    return applyValues(layer, fid, values);
}

AppliedEdit EditStack::applyValues(const std::string& layer, int64_t fid, const std::vector<std::pair<std::string, Value>>& set)
{
    if (set.empty())
        throw Error(ErrorKind::Usage, "--set", tr("nothing to set: expected FIELD=VALUE"));
    if (layer == kLog || layer == "bando_meta" || layer == "analysis_state")
        throw Error(ErrorKind::Usage, "--layer", trf("'{1}' is kept by Bando and cannot be edited", {layer}));
    if (!m_store.hasLayer(layer))
        throw Error(ErrorKind::Usage, "--layer", trf("the project has no layer '{1}'", {layer}));
    const Layer l = m_store.readLayer(layer);
    Feature f = featureById(l, fid);
    AppliedEdit e;
    e.action = "edit";
    e.layer = layer;
    e.fid = fid;
    e.key = featureKey(l, f);
    e.who = m_who;
    e.at = utcNow();
    std::set<std::string> seen;
    for (const auto& [field, v] : set) {
        const int i = l.fieldIndex(field);
        if (i < 0)
            throw Error(ErrorKind::Usage, "--set", trf("layer '{1}' has no field '{2}'", {layer, field}));
        if (!seen.insert(field).second)
            throw Error(ErrorKind::Usage, "--set", trf("field '{1}' is set twice", {field}));
        if (isKeyField(layer, field))
            throw Error(ErrorKind::Usage, "--set",
                        trf("'{1}' is a key that joins layers: correct it in the source and import again", {field}));
        Value nv = v;
        if (l.fields[static_cast<size_t>(i)].type == FieldType::Real)
            if (const auto* iv = std::get_if<int64_t>(&nv))
                nv = static_cast<double>(*iv);
        if (!sameValue(f.values[static_cast<size_t>(i)], nv))
            e.changes.push_back({field, f.values[static_cast<size_t>(i)], nv});
        f.values[static_cast<size_t>(i)] = nv;
    }
    checkFeature(l, f);
    if (e.changes.empty())
        return e;  // the values were already so: nothing to commit, nothing to undo
    const auto log = readLog(m_store);
    int64_t group = 0;
    for (const auto& r : log)
        group = std::max(group, r.group);
    e.group = group + 1;
    ProjectStore::Transaction tx(m_store);
    std::vector<std::pair<std::string, Value>> values;
    for (const auto& c : e.changes)
        values.emplace_back(c.field, c.newValue);
    m_store.updateFields(layer, fid, values);
    for (const auto& r : log)  // a new edit ends what could be redone
        if (r.action == "edit" && r.state == 1)
            m_store.updateFields(kLog, r.fid, {{"state", int64_t(2)}});
    appendLog(m_store, e);
    tx.commit();
    return e;
}

std::optional<AppliedEdit> EditStack::undo() { return step(true); }
std::optional<AppliedEdit> EditStack::redo() { return step(false); }

StackCounts stackCounts(const ProjectStore& store)
{
    std::set<int64_t> undo, redo;
    for (const auto& r : readLog(store)) {
        if (r.action != "edit")
            continue;
        if (r.state == 0)
            undo.insert(r.group);
        else if (r.state == 1)
            redo.insert(r.group);
    }
    StackCounts c;
    c.undoable = static_cast<int>(undo.size());
    c.redoable = static_cast<int>(redo.size());
    return c;
}

int EditStack::undoable() const { return stackCounts(m_store).undoable; }

int EditStack::redoable() const { return stackCounts(m_store).redoable; }

std::optional<AppliedEdit> EditStack::step(bool undo)
{
    const auto log = readLog(m_store);
    // undo: the latest applied edit; redo: the earliest undone one (undo went backwards)
    std::optional<int64_t> group;
    for (const auto& r : log)
        if (r.action == "edit" && r.state == (undo ? 0 : 1))
            group = !group ? r.group : undo ? std::max(*group, r.group) : std::min(*group, r.group);
    if (!group)
        return std::nullopt;
    std::vector<const LogRow*> rows;
    for (const auto& r : log)
        if (r.action == "edit" && r.group == *group)
            rows.push_back(&r);
    const std::string layer = rows.front()->layer;
    const int64_t fid = rows.front()->featureFid;
    if (!m_store.hasLayer(layer))
        throw Error(ErrorKind::Store, m_store.path(),
                    trf(undo ? "the edited layer '{1}' is gone: cannot undo" : "the edited layer '{1}' is gone: cannot redo",
                        {layer}));
    const Layer l = m_store.readLayer(layer);
    const Feature* cur = nullptr;
    for (const auto& f : l.features)
        if (f.fid == fid)
            cur = &f;
    if (!cur)
        throw Error(ErrorKind::Store, layer + " " + rows.front()->key,
                    tr(undo ? "the edited feature is gone (replaced by an import?): cannot undo"
                            : "the edited feature is gone (replaced by an import?): cannot redo"));
    Feature f = *cur;
    AppliedEdit e;
    e.action = undo ? "undo" : "redo";
    e.group = *group;
    e.layer = layer;
    e.fid = fid;
    e.key = featureKey(l, f);
    e.who = m_who;
    e.at = utcNow();
    for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
        const LogRow& r = **it;
        const int i = l.fieldIndex(r.field);
        if (i < 0)
            throw Error(ErrorKind::Store, layer,
                        trf(undo ? "field '{1}' is gone: cannot undo" : "field '{1}' is gone: cannot redo", {r.field}));
        const FieldDef& d = l.fields[static_cast<size_t>(i)];
        const std::string at = where(l, f, r.field);
        const std::optional<std::string>& expectNow = undo ? r.newValue : r.oldValue;
        const std::optional<std::string>& target = undo ? r.oldValue : r.newValue;
        const auto now = encodeValue(f.values[static_cast<size_t>(i)]);
        if (now != expectNow)
            throw Error(ErrorKind::Store, at,
                        trf(undo ? "changed since the edit (now {1}, the edit left {2}): not undone, so that the newer "
                                   "value is kept"
                                 : "changed since the edit (now {1}, the edit left {2}): not redone, so that the newer "
                                   "value is kept",
                            {now.value_or("NULL"), expectNow.value_or("NULL")}));
        const Value tv = target ? parseValue(d, *target, at) : Value{};
        e.changes.push_back({r.field, f.values[static_cast<size_t>(i)], tv});
        f.values[static_cast<size_t>(i)] = tv;
    }
    checkFeature(l, f);
    ProjectStore::Transaction tx(m_store);
    std::vector<std::pair<std::string, Value>> values;
    for (const auto& c : e.changes)
        values.emplace_back(c.field, c.newValue);
    m_store.updateFields(layer, fid, values);
    for (const LogRow* r : rows)
        m_store.updateFields(kLog, r->fid, {{"state", int64_t(undo ? 1 : 0)}});
    appendLog(m_store, e);
    tx.commit();
    return e;
}

std::vector<std::string> staleParts(const ProjectStore& store, const std::string& layer)
{
    std::vector<std::string> out;
    if (!store.hasLayer("analysis_state"))
        return out;
    const Layer st = store.readLayer("analysis_state");
    std::string now;
    bool computed = false;
    for (const auto& f : st.features) {
        if (st.text(f, "layer") != layer)
            continue;
        if (!computed) {
            now = tasks::layerFingerprint(store.path(), layer);
            computed = true;
        }
        const std::string part = st.text(f, "part");
        if (st.text(f, "fingerprint") != now && std::find(out.begin(), out.end(), part) == out.end())
            out.push_back(part);
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace bando::edit
