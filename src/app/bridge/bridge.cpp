#include "app/bridge/bridge.hpp"

#include "core/base/error.hpp"
#include "core/base/resources.hpp"
#include "core/render/map_renderer.hpp"

#include <wx/bmpbndl.h>
#include <wx/msgdlg.h>
#include <wx/progdlg.h>
#include <wx/utils.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <thread>

namespace bando::app {

wxImage toWxImage(const render::Image& img)
{
    if (img.width <= 0 || img.height <= 0 || img.pixels.empty())
        return {};
    wxImage out(img.width, img.height, false);
    out.InitAlpha();
    unsigned char* rgb = out.GetData();
    unsigned char* alpha = out.GetAlpha();
    for (int y = 0; y < img.height; ++y) {
        const uint8_t* row = img.pixels.data() + static_cast<size_t>(y) * img.stride;
        for (int x = 0; x < img.width; ++x) {
            uint32_t v;
            std::memcpy(&v, row + 4 * x, 4);  // native-endian ARGB32
            unsigned a = v >> 24, r = (v >> 16) & 0xff, g = (v >> 8) & 0xff, b = v & 0xff;
            if (a != 0 && a != 255) {  // un-premultiply
                r = std::min(255u, (r * 255 + a / 2) / a);
                g = std::min(255u, (g * 255 + a / 2) / a);
                b = std::min(255u, (b * 255 + a / 2) / a);
            }
            size_t i = static_cast<size_t>(y) * img.width + x;
            rgb[3 * i] = static_cast<unsigned char>(r);
            rgb[3 * i + 1] = static_cast<unsigned char>(g);
            rgb[3 * i + 2] = static_cast<unsigned char>(b);
            alpha[i] = static_cast<unsigned char>(a);
        }
    }
    return out;
}

std::string describeException(std::exception_ptr e)
{
    if (!e)
        return {};
    try {
        std::rethrow_exception(e);
    } catch (const bando::Error& err) {
        std::string s = err.what();
        if (!err.where().empty() && s.find(err.where()) == std::string::npos)
            s = err.where() + ": " + s;
        return s;
    } catch (const std::exception& err) {
        return err.what();
    } catch (...) {
        return bando::tr("Unknown error");
    }
}

void showError(wxWindow* parent, const wxString& what, std::exception_ptr e)
{
    std::string reason = describeException(e);
    std::fprintf(stderr, "bando-gui: %s: %s\n", utf8(what).c_str(), reason.c_str());
    if (!wxTheApp)
        return;
    // Without a window manager (or on some desktops) the title is not shown: the action
    // that failed goes into the body as well.
    wxMessageDialog dlg(parent, wx(reason), what, wxOK | wxICON_ERROR);
    dlg.SetExtendedMessage(what + wxString::FromUTF8(" — ") + wtr("Details were also written to the terminal (stderr)."));
    dlg.ShowModal();
}

bool runWithProgress(wxWindow* parent, const wxString& title, const wxString& message,
                     const std::function<void(Feedback&)>& work)
{
    Feedback fb;
    std::exception_ptr error;
    std::atomic<bool> done{false};
    std::thread worker([&] {
        try {
            work(fb);
        } catch (...) {
            error = std::current_exception();
        }
        done = true;
    });
    {
        // The value stays below the maximum: reaching it would turn Cancel into Close and wait
        // for the user; the dialog goes away when the worker is done.
        wxProgressDialog dlg(title, message + "\n", 1000, parent,
                             wxPD_APP_MODAL | wxPD_AUTO_HIDE | wxPD_CAN_ABORT | wxPD_ELAPSED_TIME);
        std::string lastStep;
        while (!done) {
            int value = static_cast<int>(std::clamp(fb.progress(), 0.0, 99.9) * 10);
            std::string step = fb.step();
            bool keepGoing = step == lastStep ? dlg.Update(value) : dlg.Update(value, message + "\n" + wx(step));
            lastStep = step;
            if (!keepGoing && !fb.isCancelled()) {
                fb.cancel();
                dlg.Update(value, message + "\n" + wtr("Cancelling…"));
            }
            wxMilliSleep(100);  // 10 updates a second keep Cancel responsive at little CPU cost
        }
    }
    worker.join();
    if (error) {
        try {
            std::rethrow_exception(error);
        } catch (const bando::CancelledError&) {
            return false;
        } catch (const bando::Error& e) {
            if (e.kind() == ErrorKind::Cancelled)
                return false;
            throw;
        }
    }
    return !fb.isCancelled();
}

wxBitmapBundle icon(const std::string& name, int size)
{
    try {
        std::string path = resourcePath("icons/" + name + ".svg");
        return wxBitmapBundle::FromSVGFile(wx(path), wxSize(size, size));
    } catch (...) {
        return {};
    }
}

} // namespace bando::app
