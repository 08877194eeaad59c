#pragma once
// Cancellation and progress for long work (QGIS QgsFeedback / KiCad PROGRESS_REPORTER idea).
// Any thread may call cancel(), setProgress() and isCancelled(); observers are called on the
// thread that reports progress, so a GUI observer must marshal to its main thread itself.
#include "core/base/diagnostics.hpp"

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace bando {

class Feedback {
public:
    using Observer = std::function<void(double percent, const std::string& step)>;

    void cancel() { m_cancelled.store(true, std::memory_order_relaxed); }
    bool isCancelled() const { return m_cancelled.load(std::memory_order_relaxed); }
    // Throws CancelledError when cancelled: call between units of work.
    void throwIfCancelled() const;

    void setProgress(double percent);
    void setStep(const std::string& step);
    double progress() const { return m_progress.load(std::memory_order_relaxed); }
    std::string step() const;
    void setObserver(Observer observer);

    // Notices: what the user should be told although the work goes on (e.g. a project recovered
    // after an interrupted write). Kept in order; the notice observer (the CLI prints them on
    // stderr) is called on the reporting thread.
    using NoticeObserver = std::function<void(const Diagnostic&)>;
    void notify(const Diagnostic& notice);
    std::vector<Diagnostic> notices() const;
    void setNoticeObserver(NoticeObserver observer);

private:
    std::atomic<bool> m_cancelled{false};
    std::atomic<double> m_progress{0.0};
    mutable std::mutex m_mutex;
    std::string m_step;
    Observer m_observer;
    std::vector<Diagnostic> m_notices;
    NoticeObserver m_noticeObserver;
};

// Null-safe helpers for optional feedback pointers.
inline bool isCancelled(const Feedback* fb) { return fb && fb->isCancelled(); }
void throwIfCancelled(const Feedback* fb);
inline void reportProgress(Feedback* fb, double percent) { if (fb) fb->setProgress(percent); }

} // namespace bando
