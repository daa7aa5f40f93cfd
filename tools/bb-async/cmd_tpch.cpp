// Placeholder: replaced by the TPC-H datagen/qgen command implementation.
#include "commands.hpp"

namespace bb::cli {
void add_tpch_commands(CLI::App&) {}
} // namespace bb::cli
