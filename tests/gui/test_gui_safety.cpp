// GUI test of the app's safety notices (issue #15): a project left by a killed writer (hot
// journal) opens with a visible, non-modal recovery notice in the user's language; an import
// refused for rows beyond the province offers the per-row choice (the outside-rows dialog), and
// the rows left unticked are left out. Exit code 0 = pass, 1 = fail, 77 = skipped (no display).
#include "gui_fixture.hpp"

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
using bando::guitest::findChild;
using bando::guitest::screenshot;

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

} // namespace

class SafetyTestApp : public bando::guitest::GuiTest {
public:
    SafetyTestApp() : GuiTest("gui-safety") {}
    bool OnInit() override
    {
        m_project = copySample("hot.gpkg");
        if (m_project.empty())
            return false;
        if (!writeThenDie(m_project)) {
            std::fprintf(stderr, "FAIL: could not leave a hot journal beside the copy\n");
            return false;
        }
        m_outside = dir().file("outside.geojson");
        std::ofstream(m_outside)
            << "{\"type\":\"FeatureCollection\",\"features\":[\n"
               "{\"type\":\"Feature\",\"properties\":{\"code\":\"H1\",\"name\":\"Hồ Gươm\"},"
               "\"geometry\":{\"type\":\"Point\",\"coordinates\":[105.852,21.029]}},\n"
               "{\"type\":\"Feature\",\"properties\":{\"code\":\"L1\",\"name\":\"Chợ Kỳ Lừa\"},"
               "\"geometry\":{\"type\":\"Point\",\"coordinates\":[106.762,21.853]}}]}\n";
        if (!start(m_project))
            return false;
        beforeClose = [this] {
            m_poll.Stop();
            if (m_import)
                m_import->Destroy();
        };
        mainFrame()->onProjectLoaded = [this](bool ok) {
            if (m_loaded++)
                return;
            CallAfter([this, ok] { afterLoad(ok); });
        };
        return true;
    }

private:
    void afterLoad(bool ok)
    {
        m_step = 1;
        check(ok, "the project left by a killed writer opens");
        const std::string notice = mainFrame()->notice().ToStdString(wxConvUTF8);
        std::printf("  notice: %s\n", notice.c_str());
        check(notice.find("khôi phục") != std::string::npos, "a recovery notice is shown (Vietnamese)");
        wxYield();
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
                    wxYield();
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

    std::string m_project, m_outside;
    wxDialog* m_import = nullptr;
    wxTimer m_poll;
    int m_loaded = 0;
};

BANDO_GUI_TEST_MAIN(SafetyTestApp)
