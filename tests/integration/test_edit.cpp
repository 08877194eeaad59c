// Edits with undo / redo (core/edit, tasks/edit_task, `bando edit`) on a copy of the sample:
// validated with the import's rules, one transaction each, logged in edit_log, the stack kept in
// the project, stale analysis parts named.
#include <catch2/catch.hpp>

#include "core/base/error.hpp"
#include "core/edit/edit.hpp"
#include "core/i18n/i18n.hpp"
#include "core/model/schema.hpp"
#include "core/store/project_store.hpp"
#include "core/tasks/analyze_task.hpp"
#include "core/tasks/edit_task.hpp"
#include "core/tasks/job.hpp"
#include "core/tasks/sql_task.hpp"
#include "support/test_support.hpp"

#include <filesystem>

using namespace bando;
namespace fs = std::filesystem;

namespace {

std::string copyOfSample(const test::TempDir& dir)
{
    const std::string path = dir.file("sample.gpkg");
    fs::copy_file(test::samplePath(), path);
    return path;
}

tasks::EditResult setField(const std::string& project, const std::string& layer, const std::string& id,
                           const std::string& field, const std::string& value)
{
    tasks::EditRequest r;
    r.project = project;
    r.layer = layer;
    r.id = id;
    r.set = {{field, value}};
    r.who = "tester";
    Feedback fb;
    return tasks::runTask(r, fb);
}

tasks::EditResult stackStep(const std::string& project, tasks::EditRequest::Action a)
{
    tasks::EditRequest r;
    r.project = project;
    r.action = a;
    r.who = "tester";
    Feedback fb;
    return tasks::runTask(r, fb);
}

std::vector<std::vector<Value>> sql(const std::string& project, const std::string& q)
{
    tasks::SqlRequest r;
    r.project = project;
    r.query = q;
    Feedback fb;
    return tasks::runTask(r, fb).rows;
}

int64_t households(const std::string& project, const std::string& code)
{
    const auto rows = sql(project, "SELECT households FROM villages WHERE code = '" + code + "'");
    REQUIRE(rows.size() == 1);
    return toInt(rows[0][0]).value_or(-1);
}

struct Village {
    std::string code;
    int64_t households = 0, population = 0;
};

Village firstVillage(const std::string& project)
{
    const auto rows = sql(project, "SELECT code, households, population FROM villages "
                                   "WHERE households > 20 AND population >= households ORDER BY fid LIMIT 1");
    REQUIRE(rows.size() == 1);
    return {toString(rows[0][0]), toInt(rows[0][1]).value_or(-1), toInt(rows[0][2]).value_or(-1)};
}

} // namespace

namespace {
// The messages are translated (Vietnamese by default): the English checks below pin the English text.
struct Language {
    std::string before = i18n::language();
    explicit Language(const char* lang) { i18n::setLanguage(lang); }
    ~Language() { i18n::setLanguage(before); }
};
} // namespace

TEST_CASE("edit: a household count is set, logged, undone and redone in the project", "[edit]")
{
    test::TempDir dir("edit");
    const std::string project = copyOfSample(dir);
    const Village v = firstVillage(project);
    const int64_t changed = v.households + 7;

    auto r = setField(project, "villages", v.code, "households", std::to_string(changed));
    REQUIRE(r.changed);
    CHECK(r.action == "edit");
    CHECK(r.edit.key == v.code);
    REQUIRE(r.edit.changes.size() == 1);
    CHECK(toInt(r.edit.changes[0].oldValue) == v.households);
    CHECK(toInt(r.edit.changes[0].newValue) == changed);
    CHECK(r.undoable == 1);
    CHECK(r.redoable == 0);
    CHECK(households(project, v.code) == changed);
    auto log = sql(project, "SELECT action, who, layer, feature_key, field, old_value, new_value, state FROM edit_log");
    REQUIRE(log.size() == 1);
    CHECK(toString(log[0][0]) == "edit");
    CHECK(toString(log[0][1]) == "tester");
    CHECK(toString(log[0][2]) == "villages");
    CHECK(toString(log[0][3]) == v.code);
    CHECK(toString(log[0][4]) == "households");
    CHECK(toString(log[0][5]) == std::to_string(v.households));
    CHECK(toString(log[0][6]) == std::to_string(changed));
    CHECK(toInt(log[0][7]) == 0);

    // the same value again: nothing to commit, nothing logged
    CHECK_FALSE(setField(project, "villages", v.code, "households", std::to_string(changed)).changed);
    CHECK(sql(project, "SELECT count(*) FROM edit_log")[0][0] == Value(int64_t(1)));

    r = stackStep(project, tasks::EditRequest::Action::Undo);
    REQUIRE(r.changed);
    CHECK(r.action == "undo");
    CHECK(toInt(r.edit.changes[0].newValue) == v.households);
    CHECK(households(project, v.code) == v.households);
    CHECK(r.undoable == 0);
    CHECK(r.redoable == 1);
    log = sql(project, "SELECT action, old_value, new_value, state FROM edit_log ORDER BY fid");
    REQUIRE(log.size() == 2);
    CHECK(toInt(log[0][3]) == 1);  // the edit is undone
    CHECK(toString(log[1][0]) == "undo");
    CHECK(toString(log[1][1]) == std::to_string(changed));
    CHECK(toString(log[1][2]) == std::to_string(v.households));
    CHECK_FALSE(stackStep(project, tasks::EditRequest::Action::Undo).changed);  // nothing more to undo

    r = stackStep(project, tasks::EditRequest::Action::Redo);
    REQUIRE(r.changed);
    CHECK(households(project, v.code) == changed);
    CHECK(r.undoable == 1);
    CHECK(r.redoable == 0);

    // undo, then a new edit: what could be redone is dropped
    REQUIRE(stackStep(project, tasks::EditRequest::Action::Undo).changed);
    REQUIRE(setField(project, "villages", v.code, "population", std::to_string(v.population + 1)).changed);
    r = stackStep(project, tasks::EditRequest::Action::Redo);
    CHECK_FALSE(r.changed);
    CHECK(r.undoable == 1);
    CHECK(sql(project, "SELECT state FROM edit_log WHERE action = 'edit' AND field = 'households'")[0][0] ==
          Value(int64_t(2)));
    CHECK(households(project, v.code) == v.households);
}

TEST_CASE("edit: values that break the import's rules are refused and nothing is written", "[edit]")
{
    const Language english("en");
    test::TempDir dir("edit-bad");
    const std::string project = copyOfSample(dir);
    const Village v = firstVillage(project);
    ProjectStore::open(project, ProjectStore::Mode::ReadWrite).reset();  // the migration adds edit_log once
    // every open for writing touches the file's header, so compare the data, not the bytes
    const std::string state = "SELECT (SELECT group_concat(code || ':' || ifnull(households, '-') || ':' || "
                              "ifnull(population, '-'), ',') FROM villages), (SELECT group_concat(ifnull(members, '-') || "
                              "':' || ifnull(trained, '-'), ',') FROM teams), (SELECT count(*) FROM edit_log)";
    const auto before = sql(project, state);

    auto expectError = [&](const std::string& layer, const std::string& id, const std::string& field,
                           const std::string& value, ErrorKind kind, const std::string& words) {
        try {
            setField(project, layer, id, field, value);
            FAIL("accepted " + field + "=" + value);
        } catch (const Error& e) {
            CHECK(e.kind() == kind);
            INFO(e.what());
            CHECK(std::string(e.what()).find(words) != std::string::npos);
        }
    };
    expectError("villages", v.code, "households", "-3", ErrorKind::Format, "outside 0–5000");
    expectError("villages", v.code, "households", "-3", ErrorKind::Format, "villages " + v.code);
    expectError("villages", v.code, "households", "5001", ErrorKind::Format, "households");
    expectError("villages", v.code, "households", "12a", ErrorKind::Format, "not a whole number");
    expectError("villages", v.code, "households", "", ErrorKind::Format, "must not be empty");
    expectError("villages", v.code, "households", std::to_string(v.population + 1), ErrorKind::Format,
                "smaller than the household count");
    expectError("villages", v.code, "code", "X1", ErrorKind::Usage, "key");
    expectError("villages", v.code, "no_such_field", "1", ErrorKind::Usage, "no field 'no_such_field'");
    expectError("villages", "no-such-code", "households", "1", ErrorKind::Usage, "no feature");
    expectError("edit_log", "x", "who", "me", ErrorKind::Usage, "");
    const auto team = sql(project, "SELECT village_code, team_no, members FROM teams WHERE members >= 2 LIMIT 1");
    REQUIRE(team.size() == 1);
    const std::string teamKey = toString(team[0][0]) + "#" + toString(team[0][1]);
    expectError("teams", teamKey, "trained", std::to_string(*toInt(team[0][2]) + 1), ErrorKind::Format,
                "exceed the team's members");
    CHECK(sql(project, state) == before);  // nothing written, not even the log
    CHECK(sql(project, "SELECT count(*) FROM edit_log")[0][0] == Value(int64_t(0)));
}

TEST_CASE("edit: undo refuses when the value was changed since, stale analysis parts are named", "[edit]")
{
    const Language english("en");
    test::TempDir dir("edit-conflict");
    const std::string project = copyOfSample(dir);
    const Village v = firstVillage(project);

    // the stored analysis state says which layers each part read (as `bando analyze` leaves it)
    {
        auto store = ProjectStore::open(project, ProjectStore::Mode::ReadWrite);
        Layer st = schema::makeLayer("analysis_state");
        for (auto [part, layer] : {std::pair<const char*, const char*>{"economy", "teams"}, {"access", "roads"}}) {
            auto& f = st.addFeature({});
            st.set(f, "part", std::string(part));
            st.set(f, "layer", std::string(layer));
            st.set(f, "fingerprint", tasks::layerFingerprint(project, layer));
            st.set(f, "computed", std::string("2021-12-31"));
        }
        ProjectStore::Transaction tx(*store);
        store->replaceLayer(st);
        tx.commit();
    }
    const auto team = sql(project, "SELECT village_code, team_no, members, trained FROM teams "
                                   "WHERE members >= 3 AND trained IS NOT NULL ORDER BY fid LIMIT 1");
    REQUIRE(team.size() == 1);
    const std::string teamKey = toString(team[0][0]) + "#" + toString(team[0][1]);
    const int64_t members = *toInt(team[0][2]);
    auto r = setField(project, "teams", teamKey, "members", std::to_string(members + 1));
    REQUIRE(r.changed);
    CHECK(r.staleParts == std::vector<std::string>{"economy"});  // access read roads, not teams

    // an import (here: a direct write) changes households after an edit: undo must not overwrite it
    REQUIRE(setField(project, "villages", v.code, "households", std::to_string(v.households + 1)).changed);
    {
        auto store = ProjectStore::open(project, ProjectStore::Mode::ReadWrite);
        const Layer l = store->readLayer("villages");
        const int64_t fid = edit::findFeature(l, v.code);
        ProjectStore::Transaction tx(*store);
        store->updateFields("villages", fid, {{"households", int64_t(v.households + 50)}});
        tx.commit();
    }
    try {
        stackStep(project, tasks::EditRequest::Action::Undo);
        FAIL("undo overwrote a newer value");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Store);
        CHECK(std::string(e.what()).find("changed since the edit (now " + std::to_string(v.households + 50)) !=
              std::string::npos);
    }
    CHECK(households(project, v.code) == v.households + 50);
}

TEST_CASE("edit: bando edit --set, --undo and --log with --json", "[edit][cli]")
{
    test::TempDir dir("edit-cli");
    const std::string project = copyOfSample(dir);
    const Village v = firstVillage(project);
    const std::string cli = "BANDO_LANG=en " + test::shellQuote(test::cliPath()) + " edit " + test::shellQuote(project);

    auto r = test::run(cli + " --layer villages --id " + v.code + " --set households=" +
                       std::to_string(v.households - 1) + " --who planner --json");
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("\"changed\": true") != std::string::npos);
    CHECK(r.out.find("\"old\": " + std::to_string(v.households)) != std::string::npos);
    CHECK(r.out.find("\"new\": " + std::to_string(v.households - 1)) != std::string::npos);
    CHECK(households(project, v.code) == v.households - 1);

    r = test::run(cli + " --undo --json");
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("\"action\": \"undo\"") != std::string::npos);
    CHECK(households(project, v.code) == v.households);

    // the project file shows both: the edit and its undo, who and old -> new
    const auto log = sql(project, "SELECT action, who, old_value, new_value FROM edit_log ORDER BY fid");
    REQUIRE(log.size() == 2);
    CHECK(toString(log[0][0]) == "edit");
    CHECK(toString(log[0][1]) == "planner");
    CHECK(toString(log[0][2]) == std::to_string(v.households));
    CHECK(toString(log[0][3]) == std::to_string(v.households - 1));
    CHECK(toString(log[1][0]) == "undo");
    CHECK(toString(log[1][3]) == std::to_string(v.households));

    r = test::run(cli + " --log");
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("villages " + v.code + ".households: " + std::to_string(v.households)) != std::string::npos);

    r = test::run(cli + " --layer villages --id " + v.code + " --set households=-1");
    CHECK(r.exitCode == 4);  // bad data
    CHECK(r.err.find("households") != std::string::npos);
    r = test::run(cli + " --layer villages --set households=1");
    CHECK(r.exitCode == 2);  // usage: no --id
    CHECK(r.err.find("--id") != std::string::npos);
}

TEST_CASE("edit: a refused value is explained in Vietnamese by default", "[edit][i18n]")
{
    const Language vietnamese("vi");
    test::TempDir dir("edit-vi");
    const std::string project = copyOfSample(dir);
    const Village v = firstVillage(project);
    auto message = [&](const std::string& layer, const std::string& id, const std::string& field, const std::string& value) {
        try {
            setField(project, layer, id, field, value);
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("(accepted)");
    };
    std::string m = message("villages", v.code, "households", "-3");
    INFO(m);
    CHECK(m.find("villages " + v.code) != std::string::npos);
    CHECK(m.find("trường households") != std::string::npos);
    CHECK(m.find("-3 nằm ngoài khoảng 0–5000") != std::string::npos);
    m = message("villages", v.code, "households", "12a");
    CHECK(m.find("'12a' không phải số nguyên") != std::string::npos);
    m = message("villages", v.code, "households", "");
    CHECK(m.find("households không được để trống") != std::string::npos);
    m = message("villages", v.code, "population", std::to_string(v.households - 1));
    CHECK(m.find("dân số " + std::to_string(v.households - 1) + " nhỏ hơn số hộ " + std::to_string(v.households)) !=
          std::string::npos);
    m = message("villages", v.code, "code", "X");
    CHECK(m.find("'code' là khóa nối các lớp") != std::string::npos);
    m = message("villages", "no-such-code", "households", "10");
    CHECK(m.find("không có đối tượng nào của 'villages' có khóa 'no-such-code'") != std::string::npos);
}
