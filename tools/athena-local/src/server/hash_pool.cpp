#include "server/hash_pool.hpp"

namespace athena_local {

hash_pool::hash_pool(unsigned threads) {
    for (unsigned i = 0; i < threads; ++i) {
        auto l = std::make_unique<lane>();
        l->thread = std::thread([raw = l.get()] {
            for (;;) {
                std::function<void()> job;
                {
                    std::unique_lock lock(raw->mutex);
                    raw->cv.wait(lock, [raw] { return raw->stopping || !raw->jobs.empty(); });
                    if (raw->jobs.empty())
                        return; // stopping, and nothing left to run
                    job = std::move(raw->jobs.front());
                    raw->jobs.pop_front();
                }
                job();
            }
        });
        lanes_.push_back(std::move(l));
    }
}

hash_pool::~hash_pool() { stop(); }

void hash_pool::submit(unsigned lane_index, std::function<void()> job) {
    auto& l = *lanes_.at(lane_index);
    {
        std::lock_guard lock(l.mutex);
        if (!l.stopping) {
            l.jobs.push_back(std::move(job));
            l.cv.notify_one();
            return;
        }
    }
    job();
}

void hash_pool::stop() {
    for (auto& l : lanes_) {
        {
            std::lock_guard lock(l->mutex);
            l->stopping = true;
        }
        l->cv.notify_all();
    }
    for (auto& l : lanes_)
        if (l->thread.joinable())
            l->thread.join();
}

} // namespace athena_local
