// Demo of the import dialog on a TCVN3 shapefile without .prj (VN-2000 TM-3 coordinates).
//   bando_gui_import_demo [--seconds N] [--auto-import] [--dir DIR]
// --auto-import confirms the CRS guess, picks the `villages` layer, imports, and exits 0 only
// if the project then holds the three villages with decoded names.
#include "app/dialogs/import_dialog.hpp"

#include "core/capi/gdal.hpp"
#include "core/store/project_store.hpp"

#include <wx/app.h>
#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/combobox.h>
#include <wx/dialog.h>
#include <wx/timer.h>

#include <cstdio>
#include <filesystem>

namespace fs = std::filesystem;

namespace {

void makeFiles(const fs::path& dir)
{
    fs::create_directories(dir);
    fs::remove(dir / "demo.gpkg");
    { auto s = bando::ProjectStore::create((dir / "demo.gpkg").string()); }
    bando::gdal::init();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("ESRI Shapefile");
    const std::string shp = (dir / "thon_tcvn3.shp").string();
    if (fs::exists(shp))
        drv->Delete(shp.c_str());
    bando::gdal::DatasetPtr ds(drv->Create(shp.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    char** lco = CSLSetNameValue(nullptr, "ENCODING", "");
    OGRLayer* l = ds->CreateLayer("thon_tcvn3", nullptr, wkbPolygon, lco);
    CSLDestroy(lco);
    for (const char* n : {"MA", "T\xAAn", "MA_XA", "S\xE8 h\xE9"}) {
        OGRFieldDefn fd(n, OFTString);
        fd.SetWidth(40);
        l->CreateField(&fd);
    }
    struct Row {
        const char *code, *name, *commune, *hh;
        double x, y;
    } rows[] = {{"V001", "Kh\xE8i L\xB9ng S\xACn", "05977", "312", 449262.3, 2417428.1},
                {"V002", "Th\xABn N\xB5 P\xB5i", "06040", "87", 452000, 2419000},
                {"V003", "B\xB6N \xA7\xE5NG \xA7\xA8NG", "06112", "140", 447000, 2416000}};
    for (const auto& r : rows) {
        OGRFeature f(l->GetLayerDefn());
        f.SetField(0, r.code);
        f.SetField(1, r.name);
        f.SetField(2, r.commune);
        f.SetField(3, r.hh);
        OGRLinearRing ring;
        ring.addPoint(r.x - 250, r.y - 250);
        ring.addPoint(r.x + 250, r.y - 250);
        ring.addPoint(r.x + 250, r.y + 250);
        ring.addPoint(r.x - 250, r.y + 250);
        ring.closeRings();
        OGRPolygon poly;
        poly.addRing(&ring);
        f.SetGeometry(&poly);
        if (l->CreateFeature(&f) != OGRERR_NONE)
            std::fprintf(stderr, "cannot write demo feature\n");
    }
}

class DemoApp : public wxApp {
public:
    bool OnInit() override
    {
        int seconds = 0;
        bool autoImport = false;
        fs::path dir = fs::temp_directory_path() / "bando_gui_import_demo";
        for (int i = 1; i < argc; ++i) {
            wxString a = argv[i];
            if (a == "--seconds" && i + 1 < argc)
                seconds = wxAtoi(argv[++i]);
            else if (a == "--auto-import")
                autoImport = true;
            else if (a == "--dir" && i + 1 < argc)
                dir = fs::path(argv[++i].ToStdString());
        }
        makeFiles(dir);
        m_project = (dir / "demo.gpkg").string();
        m_dialog = bando::app::createImportDialog(nullptr, m_project, (dir / "thon_tcvn3.shp").string());
        m_dialog->Show();
        if (auto* layer = findChild<wxComboBox>(m_dialog)) {
            layer->SetValue("villages");
        }
        m_auto = autoImport;
        if (autoImport) {
            CallAfter([this] { clickImport(); });
            seconds = seconds ? seconds : 20;
        }
        if (seconds > 0) {
            m_timer.Bind(wxEVT_TIMER, [this](wxTimerEvent&) { finish(); });
            m_timer.StartOnce(seconds * 1000);
        }
        return true;
    }

private:
    template <class T>
    T* findChild(wxWindow* w)
    {
        for (wxWindow* c : w->GetChildren()) {
            if (auto* t = dynamic_cast<T*>(c))
                return t;
            if (T* t = findChild<T>(c))
                return t;
        }
        return nullptr;
    }
    void clickImport()
    {
        // Tick the CRS confirmation, then press Import.
        for (wxWindow* c : m_dialog->GetChildren())
            if (auto* cb = dynamic_cast<wxCheckBox*>(c); cb && cb->IsShown())
                cb->SetValue(true);
        wxCommandEvent ev(wxEVT_BUTTON, wxID_OK);
        if (auto* b = dynamic_cast<wxButton*>(m_dialog->FindWindow(wxID_OK))) {
            ev.SetEventObject(b);
            b->ProcessWindowEvent(ev);
        }
        m_checkTimer.Bind(wxEVT_TIMER, [this](wxTimerEvent&) {
            if (checkProject())
                finish();
        });
        m_checkTimer.Start(200);
    }
    bool checkProject()
    {
        try {
            auto s = bando::ProjectStore::open(m_project);
            bando::Layer v = s->readLayer("villages");
            m_ok = v.features.size() == 3 && v.text(v.features[0], "name") == "Khối Lạng Sơn" &&
                   v.text(v.features[2], "name") == "BẢN ĐỒNG ĐĂNG";
            return !v.features.empty();
        } catch (...) {
            return false;
        }
    }
    void finish()
    {
        m_exit = !m_auto || m_ok ? 0 : 1;
        std::printf("import dialog demo: %s\n", m_ok ? "3 villages imported with decoded names" : "no import checked");
        m_dialog->Destroy();
        ExitMainLoop();
    }
    int OnExit() override { return m_exit; }

    std::string m_project;
    wxDialog* m_dialog = nullptr;
    wxTimer m_timer, m_checkTimer;
    bool m_ok = false;
    bool m_auto = false;
    int m_exit = 0;

public:
    int OnRun() override
    {
        wxApp::OnRun();
        return m_exit;
    }
};

} // namespace

wxIMPLEMENT_APP_NO_MAIN(DemoApp);
int main(int argc, char** argv)
{
    (void)&wxGetApp;  // defined by the macro; unused in this demo
    return wxEntry(argc, argv);
}
