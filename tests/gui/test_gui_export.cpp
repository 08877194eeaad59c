// File → Export layout… under Xvfb (issue #12): the dialog draws page 1 of the document as it
// opens, and redraws it by itself when a page option changes (here the orientation, landscape
// to portrait), on a worker thread while the dialog stays responsive.
#include "gui_fixture.hpp"

#include "app/actions/actions.hpp"

#include <wx/choice.h>
#include <wx/dialog.h>
#include <wx/statbmp.h>
#include <wx/stattext.h>
#include <wx/timer.h>

#include <chrono>
#include <cstdio>
#include <string>

using bando::guitest::findChild;
using bando::guitest::histogram;

namespace {

wxDialog* shownDialogWithPreview()
{
    for (wxWindow* w : wxTopLevelWindows)
        if (auto* d = dynamic_cast<wxDialog*>(w); d && d->IsShown() && findChild<wxStaticBitmap>(d, "preview"))
            return d;
    return nullptr;
}

// Share of the image's pixels that are not the blank page's grey (0xeeeeee).
double drawnShare(const wxImage& img)
{
    const auto h = histogram(img);
    const long n = static_cast<long>(img.GetWidth()) * img.GetHeight();
    const auto grey = h.find(0xeeeeee);
    return n ? 1.0 - static_cast<double>(grey == h.end() ? 0 : grey->second) / static_cast<double>(n) : 0;
}

} // namespace

class GuiExportApp : public bando::guitest::GuiTest {
public:
    GuiExportApp() : GuiTest("gui-export") {}
    bool OnInit() override
    {
        m_path = copySample("export.gpkg");
        if (m_path.empty() || !start(m_path, wxSize(1400, 900), 150000))
            return false;
        followRenders([this] {
            if (m_step == 0)
                next(1, [this] {
                    m_tick.Bind(wxEVT_TIMER, [this](wxTimerEvent&) { poll(); });
                    m_tick.Start(100);
                    mainFrame()->runAction(bando::app::actions::exportLayout.wxId);  // modal: returns on Cancel
                    check(m_step == 4, "the dialog closed after the checks");
                    m_tick.Stop();
                    finish("");
                });
        });
        return true;
    }

private:
    void poll()
    {
        wxDialog* dlg = shownDialogWithPreview();
        if (!dlg)
            return;
        auto* preview = findChild<wxStaticBitmap>(dlg, "preview");
        auto* status = findChild<wxStaticText>(dlg, "preview-status");
        if (!status)
            return finish("the preview's status line is missing");
        const bool idle = status->GetLabel().empty();
        const wxImage img = preview->GetBitmap().ConvertToImage();
        if (m_step == 1) {
            // Page 1 of the default layout (A3 landscape) drawn as the dialog opens.
            if (!idle || drawnShare(img) < 0.2)
                return;
            check(img.GetWidth() > img.GetHeight(), "the preview opens on the landscape page (" +
                                                        std::to_string(img.GetWidth()) + "x" +
                                                        std::to_string(img.GetHeight()) + ")");
            m_landscape = img;
            auto* orientation = findChild<wxChoice>(dlg, "orientation");
            if (!check(orientation != nullptr, "the dialog has its orientation choice"))
                return finish("no orientation choice");
            orientation->SetSelection(2);  // portrait
            wxCommandEvent ev(wxEVT_CHOICE, orientation->GetId());
            ev.SetEventObject(orientation);
            ev.SetInt(2);
            orientation->ProcessWindowEvent(ev);
            m_changed = std::chrono::steady_clock::now();
            m_step = 2;
            return;
        }
        if (m_step == 2) {
            // No button: the change alone redraws the page, once the drawing is done.
            if (!idle || img.GetHeight() <= img.GetWidth())
                return;
            const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_changed).count();
            std::printf("  portrait preview shown %.2f s after the change\n", s);
            check(drawnShare(img) > 0.2, "the portrait page is drawn");
            check(img.GetWidth() == m_landscape.GetWidth() && img.GetHeight() > m_landscape.GetWidth(),
                  "the preview turned to portrait by itself (" + std::to_string(img.GetWidth()) + "x" +
                      std::to_string(img.GetHeight()) + ")");
            check(s < 30, "within 30 s of the change");
            bando::guitest::screenshot("export-preview.png", true);
            m_step = 3;
            return;
        }
        if (m_step == 3) {
            m_step = 4;
            dlg->EndModal(wxID_CANCEL);
        }
    }

    std::string m_path;
    wxTimer m_tick;
    wxImage m_landscape;
    std::chrono::steady_clock::time_point m_changed;
};

BANDO_GUI_TEST_MAIN(GuiExportApp)
