#pragma once
// Registration of the bb-async subcommand groups. Each group lives in its own cmd_*.cpp.
//
// Conventions every command follows:
//  - bad input (unknown option, invalid value, unreadable file) throws bb::cli::usage_error
//    with a one-line message saying what was wrong and what to do; main() prints
//    "bb-async: error: <message>" to stderr and exits with status 2;
//  - any other failure throws bb::cli::run_error (exit status 1);
//  - no secret (secret key, session token, signature key) is ever printed.
#include <CLI/CLI.hpp>

#include <stdexcept>
#include <string>

namespace bb::cli {

struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct run_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// `bb-async sigv4 sign` and `bb-async sigv4 sign-chunks`.
void add_sigv4_commands(CLI::App& app);

/// `bb-async datagen tpch` and `bb-async qgen tpch`.
void add_tpch_commands(CLI::App& app);

/// `bb-async s3 cp|ls|rm|mb` (engine::s3).
void add_s3_commands(CLI::App& app);

} // namespace bb::cli
