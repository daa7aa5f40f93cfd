// The cached decorator: one refresh at a time, shared by every waiter.
#include <boost/asio/detached.hpp>

#include "detail.hpp"

namespace engine::credentials {
namespace {

namespace asio = boost::asio;

class cached_provider final : public detail::provider_base {
public:
    cached_provider(provider_ptr inner, environment env, cache_options options)
        : inner_(std::move(inner))
        , env_(std::move(env))
        , options_(options) {}

    std::string_view name() const noexcept override { return inner_->name(); }

protected:
    asio::awaitable<credentials_result> run() override {
        if (cached_ && fresh(*cached_))
            co_return credentials_result::success(*cached_);
        auto ex = co_await asio::this_coro::executor;
        auto p = pending_;
        if (!p) {
            // co_spawn may run the refresh inline up to its first suspension (and even to the end).
            p = pending_ = std::make_shared<refresh_state>(ex);
            asio::co_spawn(ex, refresh(std::static_pointer_cast<cached_provider>(shared_from_this()), p),
                           asio::detached);
        }
        while (!p->done) {
            auto [ec] = co_await p->wakeup.async_wait(detail::nothrow_awaitable);
            (void)ec;
            if (p->done)
                break;
            // (g++ 12 miscompiles co_await inside && or ||: keep it a statement of its own.)
            const bool stop = co_await detail::cancelled();
            if (stop)
                co_return credentials_result::failure(
                    detail::aborted(), std::string(name()) + ": cancelled while waiting for a refresh");
        }
        co_return p->result;
    }

private:
    struct refresh_state {
        explicit refresh_state(const asio::any_io_executor& ex)
            : wakeup(ex, asio::steady_timer::time_point::max()) {}
        asio::steady_timer wakeup; // never expires: cancel() wakes every waiter
        bool done = false;
        credentials_result result;
    };

    bool fresh(const identity& id) const {
        return !id.expiration || env_.now() + options_.refresh_before < *id.expiration;
    }

    static asio::awaitable<void> refresh(std::shared_ptr<cached_provider> self,
                                         std::shared_ptr<refresh_state> p) {
        credentials_result r;
        try {
            r = co_await self->inner_->get_credentials();
        } catch (const std::exception& e) {
            r = credentials_result::failure(error::invalid_configuration,
                                            std::string(self->name()) +
                                                ": unexpected exception: " + e.what());
        }
        if (r) {
            self->cached_ = r.value;
        } else if (self->cached_ && self->cached_->expiration &&
                   self->env_.now() < *self->cached_->expiration) {
            // The old credentials still work: keep using them, the next call retries the refresh.
            r = credentials_result::success(*self->cached_);
        }
        p->result = std::move(r);
        p->done = true;
        if (self->pending_ == p)
            self->pending_.reset();
        p->wakeup.cancel();
    }

    provider_ptr inner_;
    environment env_;
    cache_options options_;
    std::optional<identity> cached_;
    std::shared_ptr<refresh_state> pending_;
};

class chain_provider final : public detail::provider_base {
public:
    chain_provider(std::vector<provider_ptr> providers, chain_options options)
        : providers_(std::move(providers))
        , options_(std::move(options)) {}

    std::string_view name() const noexcept override { return "chain"; }

protected:
    asio::awaitable<credentials_result> run() override {
        std::string tried;
        std::size_t n = 0;
        for (const auto& p : providers_) {
            ++n;
            auto r = co_await detail::with_timeout(p->get_credentials(), options_.per_provider_timeout);
            const bool stop = co_await detail::cancelled();
            if (stop)
                co_return credentials_result::failure(detail::aborted(), "credentials chain cancelled");
            if (!r) {
                note(tried, n, p->name(),
                     "no answer after " + std::to_string(options_.per_provider_timeout.count()) +
                         " ms (skipped)");
                continue;
            }
            if (*r)
                co_return std::move(*r);
            if (r->not_configured()) {
                note(tried, n, p->name(), r->message);
                continue;
            }
            r->message = std::string(p->name()) + ": " + r->message;
            co_return std::move(*r);
        }
        std::string msg = "no AWS credentials found. Sources tried, in order:\n" + tried;
        if (!options_.help.empty())
            msg += options_.help;
        while (!msg.empty() && msg.back() == '\n')
            msg.pop_back();
        co_return credentials_result::failure(error::no_credentials, std::move(msg));
    }

private:
    static void note(std::string& out, std::size_t n, std::string_view name, std::string_view what) {
        out += "  " + std::to_string(n) + ". " + std::string(name) + ": ";
        // Indent continuation lines under the entry.
        for (char c : what) {
            out += c;
            if (c == '\n')
                out += "     ";
        }
        out += '\n';
    }

    std::vector<provider_ptr> providers_;
    chain_options options_;
};

} // namespace

provider_ptr make_cached_provider(provider_ptr inner, environment env, cache_options options) {
    return std::make_shared<cached_provider>(std::move(inner), std::move(env), options);
}

provider_ptr make_chain_provider(std::vector<provider_ptr> providers, chain_options options) {
    return std::make_shared<chain_provider>(std::move(providers), std::move(options));
}

} // namespace engine::credentials
