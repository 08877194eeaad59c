// GUI test of the app's safety notices (issue #15): a project left by a killed writer (hot
// journal) opens with a visible, non-modal recovery notice in the user's language; an import
// refused for rows beyond the province offers the per-row choice (the outside-rows dialog), and
// the rows left unticked are left out. Exit code 0 = pass, 1 = fail, 77 = skipped (no display).
#include "app/app.hpp"
#include "app/dialogs/import_dialog.hpp"
#include "app/dialogs/outside_rows_dialog.hpp"
#include "app/frames/main_frame.hpp"
#include "core/store/project_store.hpp"
#include "support/test_support.hpp"

#include <sqlite3.h>
#include <wx/button.h>
#include <wx/checklst.h>
#include <wx/combobox.h>
#include <wx/dialog.h>
#include <wx/timer.h>

#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

// A child process starts a write on `path` and SIGKILLs itself: a hot journal stays beside it.
bool writeThenDie(const std::string& path)
{
    const pid_t pid = ::fork();
    if (pid < 0)
        return false;
    if (pid == 0) {
        sqlite3* db = nullptr;
        if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
            ::_exit(2);
        sqlite3_exec(db,
                     "PRAGMA cache_size=5; BEGIN; DELETE FROM teams; CREATE TABLE junk(x);"
                     "INSERT INTO junk SELECT randomblob(1000) FROM (SELECT 1 FROM shops LIMIT 3000);",
                     nullptr, nullptr, nullptr);
        ::raise(SIGKILL);
        ::_exit(4);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFSIGNALED(status) && fs::exists(path + "-journal");
}

template <class T>
T* findChild(wxWindow* w, const wxString& name = wxEmptyString)
{
    for (wxWindow* c : w->GetChildren()) {
        if (auto* t = dynamic_cast<T*>(c); t && (name.empty() || c->GetName() == name))
            return t;
        if (T* t = findChild<T>(c, name))
            return t;
    }
    return nullptr;
}

// With BANDO_SHOT_DIR set, saves a screenshot of the whole screen (ImageMagick `import`) there.
void screenshot(const char* name)
{
    const char* dir = std::getenv("BANDO_SHOT_DIR");
    if (!dir || !*dir)
        return;
    wxYield();
    const std::string cmd = "import -window root '" + std::string(dir) + "/" + name + "' 2>/dev/null";
    if (std::system(cmd.c_str()) != 0)
        std::fprintf(stderr, "screenshot %s failed\n", name);
}

} // namespace

class SafetyTestApp : public bando::app::BandoApp {
public:
    bool OnInit() override
    {
        const std::string sample = bando::test::samplePath();
        if (!fs::exists(sample)) {
            std::fprintf(stderr, "FAIL: sample project %s missing (the `sample` CTest fixture makes it)\n", sample.c_str());
            return false;
        }
        m_dir = std::make_unique<bando::test::TempDir>("gui-safety");
        m_project = m_dir->file("hot.gpkg");
        fs::copy_file(sample, m_project, fs::copy_options::overwrite_existing);
        if (!writeThenDie(m_project)) {
            std::fprintf(stderr, "FAIL: could not leave a hot journal beside the copy\n");
            return false;
        }
        m_outside = m_dir->file("outside.geojson");
        std::ofstream(m_outside)
            << "{\"type\":\"FeatureCollection\",\"features\":[\n"
               "{\"type\":\"Feature\",\"properties\":{\"code\":\"H1\",\"name\":\"Hồ Gươm\"},"
               "\"geometry\":{\"type\":\"Point\",\"coordinates\":[105.852,21.029]}},\n"
               "{\"type\":\"Feature\",\"properties\":{\"code\":\"L1\",\"name\":\"Chợ Kỳ Lừa\"},"
               "\"geometry\":{\"type\":\"Point\",\"coordinates\":[106.762,21.853]}}]}\n";
        m_projectArg = m_project;
        if (!BandoApp::OnInit())
            return false;
        auto* frame = mainFrame();
        frame->SetSize(wxSize(1400, 900));
        frame->onProjectLoaded = [this](bool ok) {
            if (m_loaded++)
                return;
            CallAfter([this, ok] { afterLoad(ok); });
        };
        m_timeout.SetOwner(this);
        Bind(wxEVT_TIMER, [this](wxTimerEvent& e) {
            if (e.GetTimer().GetId() == m_timeout.GetId())
                finish("timed out at step " + std::to_string(m_step));
        });
        m_timeout.StartOnce(150000);
        return true;
    }

    int OnRun() override
    {
        BandoApp::OnRun();
        return m_result;
    }
    int OnExit() override
    {
        BandoApp::OnExit();
        return m_result;
    }

private:
    void check(bool cond, const std::string& what)
    {
        std::printf("  %s %s\n", cond ? "ok  " : "FAIL", what.c_str());
        std::fflush(stdout);
        m_failures += !cond;
    }

    void afterLoad(bool ok)
    {
        m_step = 1;
        check(ok, "the project left by a killed writer opens");
        const std::string notice = mainFrame()->notice().ToStdString(wxConvUTF8);
        std::printf("  notice: %s\n", notice.c_str());
        check(notice.find("khôi phục") != std::string::npos, "a recovery notice is shown (Vietnamese)");
        screenshot("recovery_notice.png");
        check(!fs::exists(m_project + "-journal"), "the hot journal was rolled back");
        {
            auto s = bando::ProjectStore::open(m_project);
            check(s->readLayer("teams").features.size() > 0, "the killed writer's DELETE was undone");
        }
        // Step 2: the import dialog refuses the outside row, then offers the per-row choice.
        m_step = 2;
        m_import = bando::app::createImportDialog(mainFrame(), m_project, m_outside);
        m_import->Show();
        if (auto* layer = findChild<wxComboBox>(m_import))
            layer->SetValue("places_new");
        m_poll.Bind(wxEVT_TIMER, [this](wxTimerEvent&) { poll(); });
        m_poll.Start(200);
        CallAfter([this] {
            wxCommandEvent ev(wxEVT_BUTTON, wxID_OK);
            if (auto* b = dynamic_cast<wxButton*>(m_import->FindWindow(wxID_OK))) {
                ev.SetEventObject(b);
                b->ProcessWindowEvent(ev);
            }
        });
    }

    void poll()
    {
        if (m_step == 2) {
            for (wxWindow* w : wxTopLevelWindows)
                if (w->GetName() == bando::app::kOutsideRowsDialogName && w->IsShown()) {
                    auto* dlg = dynamic_cast<wxDialog*>(w);
                    auto* list = findChild<wxCheckListBox>(w, "outside_rows");
                    check(list && list->GetCount() == 1, "the dialog lists the one outside row");
                    if (list && list->GetCount() == 1) {
                        const std::string item = list->GetString(0).ToStdString(wxConvUTF8);
                        std::printf("  row listed: %s\n", item.c_str());
                        check(item.find("105.852000") != std::string::npos && item.find("21.029000") != std::string::npos,
                              "the row's position is shown");
                        check(!list->IsChecked(0), "outside rows are unticked (left out) by default");
                    }
                    screenshot("outside_rows.png");
                    m_step = 3;
                    if (dlg)
                        dlg->EndModal(wxID_OK);
                    return;
                }
            return;
        }
        if (m_step == 3) {
            try {
                auto s = bando::ProjectStore::open(m_project);
                if (!s->hasLayer("places_new"))
                    return;
                bando::Layer l = s->readLayer("places_new");
                check(l.features.size() == 1, "one row imported, the outside row left out");
                if (l.features.size() == 1)
                    check(l.text(l.features[0], "name") == "Chợ Kỳ Lừa", "the inside row is the one imported");
                finish("");
            } catch (...) {
            }
        }
    }

    void finish(const std::string& why)
    {
        if (m_finished)
            return;
        m_finished = true;
        m_poll.Stop();
        m_timeout.Stop();
        const bool ok = why.empty() && m_failures == 0;
        if (!why.empty())
            std::printf("FAIL: %s\n", why.c_str());
        std::printf("%s\n", ok ? "PASS" : "FAIL");
        std::fflush(stdout);
        m_result = ok ? 0 : 1;
        if (m_import)
            m_import->Destroy();
        if (auto* f = mainFrame())
            f->Destroy();
        ExitMainLoop();
    }

    std::unique_ptr<bando::test::TempDir> m_dir;
    std::string m_project, m_outside;
    wxDialog* m_import = nullptr;
    wxTimer m_timeout, m_poll;
    int m_step = 0, m_failures = 0, m_result = 1, m_loaded = 0;
    bool m_finished = false;
};

wxIMPLEMENT_APP_NO_MAIN(SafetyTestApp);

int main(int argc, char** argv)
{
    if (!bando::app::haveDisplay()) {
        std::fprintf(stderr, "SKIP: no display (run under xvfb-run -a)\n");
        return 77;
    }
    return wxEntry(argc, argv);
}
