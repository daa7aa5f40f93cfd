#pragma once
#include <CLI/CLI.hpp>

namespace bb::cli {
/// Registers `bb-async qgen tpch` on the top-level app. Called from add_tpch_commands().
void add_qgen_commands(CLI::App& app);
} // namespace bb::cli
