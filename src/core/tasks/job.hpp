#pragma once
// The request/job layer shared by `bando` and the app (KiCad jobs, QGIS feedback).
//
// Every operation of Bando is
//   * a Request: a plain struct in src/core/tasks/<name>.hpp holding every option with its
//     default (defaults live there, once), and `void validate() const` that throws
//     bando::Error(Usage, "--option", message) naming the offending option;
//   * a Result struct, what the CLI prints (as text or --json) and the app shows;
//   * one run function `Result run(const Request&, Feedback&)` in the same file: it validates,
//     reports progress on the Feedback, stops with CancelledError when it is cancelled, and
//     writes what it stores into the project in one ProjectStore::Transaction.
// The CLI parses arguments into a Request and calls runTask(); the app fills the same Request from
// a dialog and runs it on a worker thread through Job / startJob(). Neither holds domain policy.
#include "core/base/feedback.hpp"

#include <atomic>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <utility>

namespace bando::tasks {

// Makes `fb` the calling thread's current Feedback for the lifetime of the scope, so that code
// far below (GEOS interrupt callback, GDAL progress) can find the job's cancel flag.
class FeedbackScope {
public:
    explicit FeedbackScope(Feedback& fb);
    ~FeedbackScope();
    FeedbackScope(const FeedbackScope&) = delete;
    FeedbackScope& operator=(const FeedbackScope&) = delete;
    // The Feedback of the task running on this thread, or nullptr.
    static Feedback* current();

private:
    Feedback* m_previous;
};

// Runs a request synchronously on the calling thread (the CLI's way): validate, then run.
template <class Request>
auto runTask(const Request& request, Feedback& fb)
{
    request.validate();
    FeedbackScope scope(fb);
    return run(request, fb);
}

// A worker thread running one piece of work with progress and cancel. start() returns at once,
// cancel() never blocks, wait() blocks; the destructor cancels and joins. `onDone` runs on the
// worker thread when the work has finished (successfully, cancelled or failed).
class Job {
public:
    explicit Job(std::function<void(Feedback&)> work);
    ~Job();
    Job(const Job&) = delete;
    Job& operator=(const Job&) = delete;

    void start(std::function<void()> onDone = {});
    void cancel() { m_feedback.cancel(); }
    void wait();
    bool isFinished() const { return m_finished.load(); }
    bool wasCancelled() const;  // finished by CancelledError
    std::exception_ptr error() const { return m_error; }  // valid once finished
    Feedback& feedback() { return m_feedback; }
    const Feedback& feedback() const { return m_feedback; }

private:
    std::function<void(Feedback&)> m_work;
    Feedback m_feedback;
    std::thread m_thread;
    std::atomic<bool> m_finished{false};
    std::exception_ptr m_error;
};

// A Job that runs `run(request)` and keeps its result (the app's way).
template <class Request>
class TaskJob : public Job {
public:
    using Result = decltype(run(std::declval<const Request&>(), std::declval<Feedback&>()));
    explicit TaskJob(Request request)
        : Job([this](Feedback& fb) { m_result = runTask(m_request, fb); }), m_request(std::move(request))
    {
    }
    const Request& request() const { return m_request; }
    // Set after a successful finish.
    const std::optional<Result>& result() const { return m_result; }

private:
    Request m_request;
    std::optional<Result> m_result;
};

template <class Request>
std::unique_ptr<TaskJob<Request>> makeJob(Request request)
{
    return std::make_unique<TaskJob<Request>>(std::move(request));
}

} // namespace bando::tasks
