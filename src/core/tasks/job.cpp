#include "core/tasks/job.hpp"

#include "core/base/error.hpp"

namespace bando::tasks {

namespace {
thread_local Feedback* t_current = nullptr;
}

FeedbackScope::FeedbackScope(Feedback& fb) : m_previous(t_current) { t_current = &fb; }
FeedbackScope::~FeedbackScope() { t_current = m_previous; }
Feedback* FeedbackScope::current() { return t_current; }

Job::Job(std::function<void(Feedback&)> work) : m_work(std::move(work)) {}

Job::~Job()
{
    cancel();
    if (m_thread.joinable())
        m_thread.join();
}

void Job::start(std::function<void()> onDone)
{
    m_thread = std::thread([this, onDone = std::move(onDone)] {
        try {
            FeedbackScope scope(m_feedback);
            m_work(m_feedback);
        } catch (...) {
            m_error = std::current_exception();
        }
        m_finished.store(true);
        if (onDone)
            onDone();
    });
}

void Job::wait()
{
    if (m_thread.joinable())
        m_thread.join();
}

bool Job::wasCancelled() const
{
    if (!m_finished.load() || !m_error)
        return false;
    try {
        std::rethrow_exception(m_error);
    } catch (const Error& e) {
        return e.kind() == ErrorKind::Cancelled;
    } catch (...) {
        return false;
    }
}

} // namespace bando::tasks
