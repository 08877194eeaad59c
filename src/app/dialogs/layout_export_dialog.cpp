#include "app/dialogs/layout_export_dialog.hpp"

#include "app/bridge/bridge.hpp"
#include "core/base/error.hpp"
#include "core/base/feedback.hpp"
#include "core/capi/cairo.hpp"
#include "core/render/map_style.hpp"

#include <wx/button.h>
#include <wx/choice.h>
#include <wx/dialog.h>
#include <wx/filepicker.h>
#include <wx/sizer.h>
#include <wx/statbmp.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>
#include <wx/timer.h>

#include <cairo.h>

#include <atomic>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace bando::app {
namespace {

constexpr int kPreviewWidth = 480;

// The first page of the request's document as an image `width` pixels wide (any thread).
render::Image previewImage(const tasks::LayoutRequest& request, Feedback& fb, int width)
{
    const layout::Document doc = tasks::buildLayoutDocument(request, fb);
    const double scale = width / doc.widthPt;
    const int height = static_cast<int>(doc.heightPt * scale + 0.5);
    cairo::SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height));
    {
        const cairo::ContextPtr cr = cairo::makeContext(surface.get());
        cairo_scale(cr.get(), scale, scale);
        layout::drawPage(cr.get(), doc, doc.pages.front(), &fb);
    }
    cairo_surface_flush(surface.get());
    render::Image img;
    img.width = width;
    img.height = height;
    img.stride = cairo_image_surface_get_stride(surface.get());
    img.pixels.resize(static_cast<size_t>(img.stride) * static_cast<size_t>(height));
    std::memcpy(img.pixels.data(), cairo_image_surface_get_data(surface.get()), img.pixels.size());
    return img;
}

// The live page preview: every change of a page option redraws page 1 on a worker thread
// 300 ms after the last change; a newer change cancels the drawing in progress, and only the
// newest drawing is shown. The destructor cancels and joins every drawing.
class LivePreview {
public:
    LivePreview(wxStaticBitmap* view, wxStaticText* status, std::function<tasks::LayoutRequest()> fill)
        : m_view(view), m_status(status), m_fill(std::move(fill)), m_shown(std::make_shared<std::atomic<uint64_t>>(0))
    {
        m_timer.Bind(wxEVT_TIMER, [this](wxTimerEvent&) { start(); });
    }
    ~LivePreview()
    {
        m_timer.Stop();
        for (auto& w : m_workers) {
            w.fb->cancel();
            w.thread.join();
        }
    }
    LivePreview(const LivePreview&) = delete;
    LivePreview& operator=(const LivePreview&) = delete;

    void schedule() { m_timer.StartOnce(300); }
    void now() { start(); }

private:
    struct Worker {
        std::shared_ptr<Feedback> fb;
        std::shared_ptr<std::atomic<bool>> done;
        std::thread thread;
    };
    void start()
    {
        // Drawings that have ended are joined; the others are cancelled (joined later, or by the
        // destructor: a cancelled drawing stops at its next check).
        for (auto it = m_workers.begin(); it != m_workers.end();) {
            if (it->done->load()) {
                it->thread.join();
                it = m_workers.erase(it);
            } else {
                it->fb->cancel();
                ++it;
            }
        }
        tasks::LayoutRequest r;
        std::string error;
        try {
            r = m_fill();
            if (r.out.empty())
                r.out = "preview.pdf";  // the preview writes nothing; the format only has to be valid
        } catch (const std::exception& e) {
            error = e.what();
        }
        const uint64_t generation = ++m_generation;
        m_status->SetLabel(wtr("Drawing the page…"));
        auto fb = std::make_shared<Feedback>();
        auto shown = m_shown;
        WindowHandle<wxStaticBitmap> view(m_view);
        WindowHandle<wxStaticText> status(m_status);
        Worker w;
        w.fb = fb;
        w.done = std::make_shared<std::atomic<bool>>(false);
        w.thread = std::thread([r, error, fb, generation, shown, view, status, done = w.done] {
            struct Done {  // however the drawing ends
                std::atomic<bool>& flag;
                ~Done() { flag = true; }
            } ended{*done};
            auto img = std::make_shared<render::Image>();
            std::string message = error;
            if (message.empty()) {
                try {
                    *img = previewImage(r, *fb, kPreviewWidth);
                } catch (const CancelledError&) {
                    return;
                } catch (const std::exception& e) {
                    message = e.what();
                }
            }
            if (fb->isCancelled())
                return;
            view.post([img, message, generation, shown](wxStaticBitmap& v) {
                if (generation < shown->load())
                    return;  // a newer drawing is already shown
                shown->store(generation);
                if (message.empty()) {
                    v.SetBitmap(wxBitmap(toWxImage(*img)));
                    if (wxWindow* dialog = v.GetParent()) {
                        dialog->Layout();
                        dialog->Fit();
                    }
                }
            });
            status.post([message](wxStaticText& t) {
                t.SetLabel(message.empty() ? wxString() : wtr("Preview: ") + wx(message));
            });
        });
        m_workers.push_back(std::move(w));
    }

    wxStaticBitmap* m_view;
    wxStaticText* m_status;
    std::function<tasks::LayoutRequest()> m_fill;
    std::shared_ptr<std::atomic<uint64_t>> m_shown;
    uint64_t m_generation = 0;
    wxTimer m_timer;
    std::vector<Worker> m_workers;
};

} // namespace

bool runLayoutExportDialog(wxWindow* parent, const std::string& projectPath, tasks::LayoutRequest& request)
{
    wxDialog dlg(parent, wxID_ANY, wtr("Export layout"), wxDefaultPosition, wxDefaultSize,
                 wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER);
    auto* top = new wxBoxSizer(wxHORIZONTAL);
    auto* grid = new wxFlexGridSizer(2, 6, 8);
    grid->AddGrowableCol(1);
    auto row = [&](const char* label, wxWindow* ctrl) {
        grid->Add(new wxStaticText(&dlg, wxID_ANY, wtr(label)), 0, wxALIGN_CENTER_VERTICAL);
        grid->Add(ctrl, 1, wxEXPAND);
    };
    auto* kind = new wxChoice(&dlg, wxID_ANY);
    kind->Append(wtr("Map page"));
    kind->Append(wtr("Atlas of the districts"));
    kind->Append(wtr("Atlas of the communes"));
    kind->SetSelection(request.atlas == "districts" ? 1 : request.atlas == "communes" ? 2 : 0);
    row(N_("Document"), kind);
    auto* where = new wxTextCtrl(&dlg, wxID_ANY, wx(request.where));
    where->SetHint("district_code = '178'");
    row(N_("Atlas filter (SQL)"), where);
    auto* theme = new wxChoice(&dlg, wxID_ANY);
    for (const auto& t : render::themeTable()) {
        theme->Append(wtr(t.label));
        if (request.theme == t.id)
            theme->SetSelection(static_cast<int>(theme->GetCount()) - 1);
    }
    row(N_("Theme"), theme);
    static const char* kPapers[] = {"", "A4", "A3", "A2", "A1", "A0"};
    auto* paper = new wxChoice(&dlg, wxID_ANY);
    paper->Append(wtr("As the template"));
    for (size_t i = 1; i < sizeof kPapers / sizeof *kPapers; ++i)
        paper->Append(kPapers[i]);
    paper->SetSelection(0);
    for (size_t i = 1; i < sizeof kPapers / sizeof *kPapers; ++i)
        if (request.paper == kPapers[i])
            paper->SetSelection(static_cast<int>(i));
    row(N_("Paper"), paper);
    auto* orientation = new wxChoice(&dlg, wxID_ANY);
    orientation->Append(wtr("As the template"));
    orientation->Append(wtr("Landscape"));
    orientation->Append(wtr("Portrait"));
    orientation->SetSelection(request.landscape < 0 ? 0 : request.landscape == 1 ? 1 : 2);
    orientation->SetName("orientation");
    row(N_("Orientation"), orientation);
    auto* templ = new wxFilePickerCtrl(&dlg, wxID_ANY, wx(request.layout), wtr("Layout template"),
                                       "JSON (*.json)|*.json", wxDefaultPosition, wxDefaultSize,
                                       wxFLP_OPEN | wxFLP_FILE_MUST_EXIST | wxFLP_USE_TEXTCTRL);
    row(N_("Template (empty = default)"), templ);
    auto* title = new wxTextCtrl(&dlg, wxID_ANY, wx(request.title));
    row(N_("Title (empty = default)"), title);
    auto* out = new wxFilePickerCtrl(&dlg, wxID_ANY, wx(request.out), wtr("Export layout"),
                                     wtr("PDF documents (*.pdf)") + "|*.pdf|PNG (*.png)|*.png|SVG (*.svg)|*.svg",
                                     wxDefaultPosition, wxDefaultSize, wxFLP_SAVE | wxFLP_OVERWRITE_PROMPT | wxFLP_USE_TEXTCTRL);
    row(N_("Output file"), out);

    auto* left = new wxBoxSizer(wxVERTICAL);
    left->Add(grid, 0, wxALL | wxEXPAND, 10);
    auto* previewStatus = new wxStaticText(&dlg, wxID_ANY, wxString(), wxDefaultPosition, wxSize(kPreviewWidth / 2, -1),
                                           wxST_NO_AUTORESIZE);
    previewStatus->SetName("preview-status");
    left->Add(previewStatus, 0, wxLEFT | wxRIGHT | wxEXPAND, 10);
    left->AddStretchSpacer();
    left->Add(dlg.CreateStdDialogButtonSizer(wxOK | wxCANCEL), 0, wxALL | wxEXPAND, 10);
    top->Add(left, 1, wxEXPAND);
    wxImage blank(kPreviewWidth, kPreviewWidth * 297 / 420);
    blank.Clear(0xee);
    auto* preview = new wxStaticBitmap(&dlg, wxID_ANY, wxBitmap(blank));
    preview->SetName("preview");
    top->Add(preview, 0, wxALL, 10);
    dlg.SetSizerAndFit(top);

    auto fill = [&]() {
        tasks::LayoutRequest r = request;
        r.project = projectPath;
        const int k = kind->GetSelection();
        r.atlas = k == 1 ? "districts" : k == 2 ? "communes" : "";
        r.where = r.atlas.empty() ? "" : utf8(where->GetValue().Trim().Trim(false));
        const int t = theme->GetSelection();
        if (t >= 0 && static_cast<size_t>(t) < render::themeTable().size())
            r.theme = render::themeTable()[static_cast<size_t>(t)].id;
        r.paper = kPapers[paper->GetSelection() < 0 ? 0 : paper->GetSelection()];
        r.landscape = orientation->GetSelection() == 1 ? 1 : orientation->GetSelection() == 2 ? 0 : -1;
        r.layout = utf8(templ->GetPath());
        r.title = utf8(title->GetValue().Trim().Trim(false));
        r.out = utf8(out->GetPath());
        return r;
    };
    LivePreview live(preview, previewStatus, fill);
    for (wxChoice* c : {kind, theme, paper, orientation})
        c->Bind(wxEVT_CHOICE, [&](wxCommandEvent& e) {
            live.schedule();
            e.Skip();
        });
    for (wxTextCtrl* c : {where, title})
        c->Bind(wxEVT_TEXT, [&](wxCommandEvent& e) {
            live.schedule();
            e.Skip();
        });
    templ->Bind(wxEVT_FILEPICKER_CHANGED, [&](wxFileDirPickerEvent& e) {
        live.schedule();
        e.Skip();
    });
    live.now();  // the page as the dialog opens
    for (;;) {
        if (dlg.ShowModal() != wxID_OK)
            return false;
        tasks::LayoutRequest r = fill();
        // The core validates (output format, paper, atlas layer, theme); a bad value keeps the dialog open.
        if (guarded(&dlg, wtr("Export layout"), [&] { r.validate(); })) {
            request = r;
            return true;
        }
    }
}

} // namespace bando::app
