// Placeholder: replaced by the TPC-H qgen command implementation.
#include "cmd_qgen.hpp"

namespace bb::cli {
void add_qgen_commands(CLI::App&) {}
} // namespace bb::cli
