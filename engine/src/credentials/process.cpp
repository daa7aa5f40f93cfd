// credential_process: /bin/sh -c <command>, stdout read through a non-blocking pipe on the
// caller's executor, exit status reaped with waitpid(WNOHANG) polled on a timer (no SIGCHLD
// handler: the engine installs no process-wide state).
#include <engine/credentials/documents.hpp>

#include <boost/asio/posix/stream_descriptor.hpp>

#include <cerrno>
#include <cstring>

#include "detail.hpp"
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace engine::credentials {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// Owns the child until it is reaped: the destructor kills the process group and reaps it, so a
// cancelled or destroyed coroutine never leaves a zombie or a running credential helper behind.
class child_process {
public:
    child_process() = default;
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;
    ~child_process() { kill_and_reap(); }

    std::error_code spawn(const std::string& command, int stdout_fd, std::string& message) {
        posix_spawn_file_actions_t fa;
        posix_spawnattr_t attr;
        posix_spawn_file_actions_init(&fa);
        posix_spawnattr_init(&attr);
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_adddup2(&fa, stdout_fd, 1);
        // Own process group, so a timeout kills the shell and whatever it started.
        posix_spawnattr_setpgroup(&attr, 0);
        short flags = POSIX_SPAWN_SETPGROUP;
        // Default signal dispositions and an empty mask in the child.
        sigset_t none, all;
        sigemptyset(&none);
        sigfillset(&all);
        posix_spawnattr_setsigmask(&attr, &none);
        posix_spawnattr_setsigdefault(&attr, &all);
        flags |= POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
        posix_spawnattr_setflags(&attr, flags);
        std::string sh = "/bin/sh", dash_c = "-c", cmd = command;
        char* argv[] = {sh.data(), dash_c.data(), cmd.data(), nullptr};
        const int rc = posix_spawn(&pid_, "/bin/sh", &fa, &attr, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        posix_spawnattr_destroy(&attr);
        if (rc != 0) {
            pid_ = -1;
            message = std::string("cannot start /bin/sh: ") + std::strerror(rc);
            return error::process_spawn;
        }
        return {};
    }

    /// True once reaped; `status` is waitpid's status.
    bool try_reap(int& status) {
        if (pid_ <= 0)
            return true;
        const pid_t r = ::waitpid(pid_, &status, WNOHANG);
        if (r == pid_ || (r < 0 && errno == ECHILD)) {
            pid_ = -1;
            return true;
        }
        return false;
    }

    void kill_and_reap() {
        if (pid_ <= 0)
            return;
        ::kill(-pid_, SIGKILL);
        ::kill(pid_, SIGKILL);
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
        pid_ = -1;
    }

private:
    pid_t pid_ = -1;
};

std::string exit_text(int status) {
    if (WIFEXITED(status))
        return "exited with status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status))
        return std::string("killed by signal ") + std::to_string(WTERMSIG(status)) + " (" +
               ::strsignal(WTERMSIG(status)) + ")";
    return "ended with wait status " + std::to_string(status);
}

class process_provider final : public detail::provider_base {
public:
    process_provider(std::string command, process_options options, std::string source)
        : command_(std::move(command))
        , options_(options)
        , source_(std::move(source)) {}

    std::string_view name() const noexcept override { return "credential_process"; }

protected:
    asio::awaitable<credentials_result> run() override {
        auto r = co_await detail::with_timeout(execute(), options_.timeout);
        if (!r) {
            if (co_await detail::cancelled())
                co_return credentials_result::failure(detail::aborted(), "credential_process cancelled");
            co_return credentials_result::failure(
                error::timeout, "credential_process (" + source_ + ") did not finish within " +
                                    std::to_string(options_.timeout.count()) + " ms; it was killed");
        }
        co_return std::move(*r);
    }

private:
    asio::awaitable<credentials_result> execute() {
        auto ex = co_await asio::this_coro::executor;
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0)
            co_return credentials_result::failure(
                error::process_spawn, std::string("cannot create a pipe: ") + std::strerror(errno));
        asio::posix::stream_descriptor out(ex, fds[0]);
        child_process child;
        std::string message;
        auto ec = child.spawn(command_, fds[1], message);
        ::close(fds[1]);
        if (ec)
            co_return credentials_result::failure(ec, message);
        out.non_blocking(true);

        std::string output;
        char buf[4096];
        for (;;) {
            auto [rec, n] = co_await out.async_read_some(asio::buffer(buf), detail::nothrow_awaitable);
            output.append(buf, n);
            if (output.size() > options_.max_output)
                co_return credentials_result::failure(
                    error::process_output_too_large, "credential_process (" + source_ + ") wrote more than " +
                                                         std::to_string(options_.max_output) +
                                                         " bytes to stdout; it was killed");
            if (rec == asio::error::eof)
                break;
            if (rec)
                co_return credentials_result::failure(rec,
                                                      "reading credential_process output: " + rec.message());
        }
        // stdout is closed; the process is normally exiting. Poll for its status.
        int status = 0;
        asio::steady_timer timer(ex);
        auto delay = 1ms;
        while (!child.try_reap(status)) {
            timer.expires_after(delay);
            auto [tec] = co_await timer.async_wait(detail::nothrow_awaitable);
            if (tec)
                co_return credentials_result::failure(tec, "credential_process cancelled");
            delay = std::min<std::chrono::milliseconds>(delay * 2, 50ms);
        }
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            co_return credentials_result::failure(
                error::process_exit, "credential_process (" + source_ + ") " + exit_text(status) +
                                         "; see its messages above (stderr)");
        auto r = parse_process_output(output);
        if (!r) {
            r.message = "credential_process (" + source_ + "): " + r.message;
            co_return r;
        }
        r.value.source = source_;
        co_return r;
    }

    std::string command_;
    process_options options_;
    std::string source_;
};

} // namespace

provider_ptr make_process_provider(std::string command, process_options options, std::string source) {
    return std::make_shared<process_provider>(std::move(command), options, std::move(source));
}

} // namespace engine::credentials
