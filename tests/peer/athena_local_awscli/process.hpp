#pragma once
// Child processes for peer tests: athena-local started on a free port (and killed with SIGKILL when asked), and
// commands run through /bin/sh with their output captured.
#include <filesystem>
#include <string>
#include <vector>

#include <sys/types.h>

namespace peer {

struct command_result {
    int status = -1;   ///< exit status, or -1 when the command could not run
    std::string out, err;
};

/// Runs `command` with /bin/sh -c; stdout and stderr captured.
command_result run(const std::string& command);

/// Single-quotes `s` for /bin/sh.
std::string quote(const std::string& s);

class athena_local_process {
public:
    /// Starts athena-local on 127.0.0.1 with a free port and `data_dir`; waits until it listens.
    athena_local_process(std::filesystem::path data_dir, std::vector<std::string> extra_args = {});
    ~athena_local_process();
    const std::string& url() const { return url_; }
    const std::filesystem::path& data_dir() const { return dir_; }
    /// kill -9, then wait for it.
    void kill9();
    /// SIGTERM, wait, and return what it printed.
    std::string stop();

private:
    pid_t pid_ = -1;
    std::filesystem::path dir_, log_;
    std::string url_;
};

} // namespace peer
