#include "process.hpp"

#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace peer {

namespace fs = std::filesystem;

namespace {
std::string slurp(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}
} // namespace

std::string quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

command_result run(const std::string& command) {
    static std::random_device rd;
    auto base = fs::temp_directory_path() / ("peer-cmd-" + std::to_string(rd()));
    auto out = base.string() + ".out", err = base.string() + ".err";
    command_result r;
    int rc = std::system((command + " >" + out + " 2>" + err + " </dev/null").c_str());
    r.status = rc == -1 ? -1 : WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    r.out = slurp(out);
    r.err = slurp(err);
    fs::remove(out);
    fs::remove(err);
    return r;
}

athena_local_process::athena_local_process(fs::path data_dir, std::vector<std::string> extra)
    : dir_(std::move(data_dir)) {
    fs::create_directories(dir_);
    auto ready = dir_ / "ready";
    fs::remove(ready);
    log_ = dir_ / "server.log";
    std::vector<std::string> args = {ATHENA_LOCAL_EXE, "--listen", "127.0.0.1:0", "--data-dir", dir_.string(),
                                     "--ready-file", ready.string(), "--stats"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    if (posix_spawn(&pid_, argv[0], &fa, nullptr, argv.data(), environ) != 0)
        throw std::runtime_error("cannot start athena-local");
    posix_spawn_file_actions_destroy(&fa);
    for (int i = 0; i < 1000 && !fs::exists(ready); ++i) {
        int st = 0;
        if (waitpid(pid_, &st, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("athena-local exited at start: " + slurp(log_));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    url_ = slurp(ready);
    while (!url_.empty() && (url_.back() == '\n' || url_.back() == '\r'))
        url_.pop_back();
    if (url_.empty())
        throw std::runtime_error("athena-local did not start within 10 s: " + slurp(log_));
}

athena_local_process::~athena_local_process() {
    if (pid_ > 0)
        stop();
}

void athena_local_process::kill9() {
    if (pid_ <= 0)
        return;
    ::kill(pid_, SIGKILL);
    int st = 0;
    waitpid(pid_, &st, 0);
    pid_ = -1;
}

std::string athena_local_process::stop() {
    if (pid_ > 0) {
        ::kill(pid_, SIGTERM);
        int st = 0;
        waitpid(pid_, &st, 0);
        pid_ = -1;
    }
    return slurp(log_);
}

} // namespace peer
