// bb-async: runs database benchmarks on Amazon Athena for Apache Spark.
#include "commands.hpp"

#include <fmt/core.h>

#include <cstdio>
#include <exception>

int main(int argc, char** argv) {
    CLI::App app{"bb-async: TPC-H and other benchmarks on Amazon Athena for Apache Spark", "bb-async"};
    app.set_version_flag("--version", std::string("bb-async ") + BB_VERSION);
    app.require_subcommand(1);
    bb::cli::add_sigv4_commands(app);
    bb::cli::add_tpch_commands(app);
    bb::cli::add_s3_commands(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        fmt::print(stderr, "bb-async: error: {}\nRun with --help for usage.\n", e.what());
        return 2;
    } catch (const bb::cli::usage_error& e) {
        fmt::print(stderr, "bb-async: error: {}\n", e.what());
        return 2;
    } catch (const bb::cli::run_error& e) {
        fmt::print(stderr, "bb-async: error: {}\n", e.what());
        return 1;
    } catch (const std::exception& e) {
        fmt::print(stderr, "bb-async: internal error: {}\n", e.what());
        return 1;
    }
    return 0;
}
