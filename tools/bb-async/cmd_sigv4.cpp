// Placeholder: replaced by the sigv4 command implementation.
#include "commands.hpp"

namespace bb::cli {
void add_sigv4_commands(CLI::App&) {}
} // namespace bb::cli
