#include <athena_local/calc.hpp>

namespace athena_local::calc {

void cancel_token::cancel() {
    std::function<void()> hook;
    {
        std::lock_guard lock(mutex_);
        if (cancelled_.exchange(true, std::memory_order_acq_rel))
            return;
        hook = hook_;
    }
    if (hook)
        hook();
}

void cancel_token::on_cancel(std::function<void()> hook) {
    std::unique_lock lock(mutex_);
    hook_ = std::move(hook);
    if (hook_ && cancelled_.load(std::memory_order_acquire)) {
        auto h = hook_;
        lock.unlock();
        h();
    }
}

} // namespace athena_local::calc
