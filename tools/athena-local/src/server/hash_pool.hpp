#pragma once
// Threads that hash the bodies of large S3 PUTs off the event loop (see docs/ATHENA_LOCAL.md, "Large PUTs").
// Owned by the server: created at start(), joined by stop(). No global state.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace athena_local {

class hash_pool {
public:
    /// `threads` lanes (0: none; callers then hash on the loop).
    explicit hash_pool(unsigned threads);
    ~hash_pool();
    hash_pool(const hash_pool&) = delete;
    hash_pool& operator=(const hash_pool&) = delete;

    unsigned lanes() const { return static_cast<unsigned>(lanes_.size()); }
    /// The lane for a new body, round robin. All the jobs of one body go to one lane, so they run in order.
    unsigned pick() { return next_++ % lanes(); }
    /// Runs `job` on `lane` after the jobs submitted to it before. Jobs still queued at stop() are run.
    void submit(unsigned lane, std::function<void()> job);
    /// Runs the queued jobs, then joins every thread. Idempotent; submit() after stop() runs the job inline.
    void stop();

private:
    struct lane {
        std::mutex mutex;
        std::condition_variable cv;
        std::deque<std::function<void()>> jobs;
        bool stopping = false;
        std::thread thread;
    };
    std::vector<std::unique_ptr<lane>> lanes_;
    unsigned next_ = 0;
};

} // namespace athena_local
