#pragma once
// The wx <-> core bridge: strings, rendered images, error reporting at event-handler
// boundaries, continuations that respect window lifetime (Poedit then_on_window), and a
// modal progress dialog driven by a core Feedback.
#include "core/base/feedback.hpp"
#include "core/i18n/i18n.hpp"

#include <wx/app.h>
#include <wx/bmpbndl.h>
#include <wx/image.h>
#include <wx/string.h>
#include <wx/weakref.h>
#include <wx/window.h>

#include <exception>
#include <functional>
#include <memory>
#include <string>

namespace bando::render {
struct Image;
}

namespace bando::app {

inline wxString wx(const std::string& s) { return wxString::FromUTF8(s.data(), s.size()); }
inline wxString wx(const char* s) { return wxString::FromUTF8(s); }
inline std::string utf8(const wxString& s) { return std::string(s.utf8_str()); }
// Translated UI string (bando::tr) as a wxString.
inline wxString wtr(const char* msgid) { return wxString::FromUTF8(bando::tr(msgid)); }

// Premultiplied ARGB32 (Cairo) -> wxImage with an alpha channel. Main thread only.
wxImage toWxImage(const render::Image& img);

// Text for the user describing any exception (bando::Error with its kind and file).
std::string describeException(std::exception_ptr e);
// Shows a clear error dialog ("<what>: <reason>"); also logs to stderr.
void showError(wxWindow* parent, const wxString& what, std::exception_ptr e);

// The one guarded-call helper: every event handler that can fail runs through it, so an
// exception becomes an error dialog instead of escaping into the event loop.
template <class F>
bool guarded(wxWindow* parent, const wxString& what, F&& f)
{
    try {
        f();
        return true;
    } catch (...) {
        showError(parent, what, std::current_exception());
        return false;
    }
}

// A weak window reference that worker threads can use to post work to the main thread.
// Create it on the main thread; post() may be called from any thread; the continuation runs
// on the main thread only if the window still exists. The owner must join its workers
// before it is destroyed.
template <class W>
class WindowHandle {
public:
    explicit WindowHandle(W* w) : m_ref(std::make_shared<wxWeakRef<W>>(w)) {}
    void post(std::function<void(W&)> f) const
    {
        auto ref = m_ref;
        if (wxTheApp)
            wxTheApp->CallAfter([ref, f = std::move(f)] {
                if (W* w = ref->get())
                    f(*w);
            });
    }

private:
    std::shared_ptr<wxWeakRef<W>> m_ref;
};

// Runs `work` on a worker thread behind a modal progress dialog with a Cancel button
// (progress and step text come from the Feedback). Returns false if the user cancelled;
// rethrows the worker's exception otherwise.
bool runWithProgress(wxWindow* parent, const wxString& title, const wxString& message,
                     const std::function<void(Feedback&)>& work);

// Toolbar/menu icon from resources/icons/<name>.svg (empty bundle when missing).
wxBitmapBundle icon(const std::string& name, int size = 24);

} // namespace bando::app
