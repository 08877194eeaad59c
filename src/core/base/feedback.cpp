#include "core/base/feedback.hpp"

#include "core/base/error.hpp"

namespace bando {

void Feedback::throwIfCancelled() const
{
    if (isCancelled())
        throw CancelledError();
}

void Feedback::setProgress(double percent)
{
    m_progress.store(percent, std::memory_order_relaxed);
    Observer obs;
    std::string step;
    {
        std::lock_guard lock(m_mutex);
        obs = m_observer;
        step = m_step;
    }
    if (obs)
        obs(percent, step);
}

void Feedback::setStep(const std::string& step)
{
    std::lock_guard lock(m_mutex);
    m_step = step;
}

std::string Feedback::step() const
{
    std::lock_guard lock(m_mutex);
    return m_step;
}

void Feedback::setObserver(Observer observer)
{
    std::lock_guard lock(m_mutex);
    m_observer = std::move(observer);
}

void Feedback::notify(const Diagnostic& notice)
{
    NoticeObserver obs;
    {
        std::lock_guard lock(m_mutex);
        m_notices.push_back(notice);
        obs = m_noticeObserver;
    }
    if (obs)
        obs(notice);
}

std::vector<Diagnostic> Feedback::notices() const
{
    std::lock_guard lock(m_mutex);
    return m_notices;
}

void Feedback::setNoticeObserver(NoticeObserver observer)
{
    std::lock_guard lock(m_mutex);
    m_noticeObserver = std::move(observer);
}

void throwIfCancelled(const Feedback* fb)
{
    if (fb)
        fb->throwIfCancelled();
}

} // namespace bando
