// `bb-async qgen tpch`: the 22 TPC-H queries with qgen-identical substitution parameters
// (benchmarks/tpch: tpch/qgen.hpp, tpch/queries.hpp).
#include "cmd_qgen.hpp"

#include <tpch/qgen.hpp>
#include <tpch/queries.hpp>

#include <fmt/core.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"

namespace bb::cli {
namespace {

struct qgen_args {
    std::string scale = "1";
    std::string seed;
    bool defaults = false;
    std::string stream;
    std::vector<std::string> queries;
    std::string param_log;
};

bool parse_int64(const std::string& s, std::int64_t& out) {
    std::string_view v = s;
    if (!v.empty() && v.front() == '+') {
        v.remove_prefix(1);
    }
    if (v.empty()) {
        return false;
    }
    const auto r = std::from_chars(v.data(), v.data() + v.size(), out);
    return r.ec == std::errc() && r.ptr == v.data() + v.size();
}

double parse_scale(const std::string& s) {
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size() || tpch::check_scale(v)) {
        throw usage_error("--scale must be a number greater than 0 and at most 100000 (got '" + s + "')");
    }
    return v;
}

void run_qgen(const qgen_args& a) {
    const double scale = parse_scale(a.scale);

    std::int64_t stream = -1;
    if (!a.stream.empty() && (!parse_int64(a.stream, stream) || stream < 0)) {
        throw usage_error("--stream must be a stream number >= 0 (got '" + a.stream + "')");
    }

    std::vector<int> args;
    for (const auto& q : a.queries) {
        std::int64_t n = 0;
        if (!parse_int64(q, n) || n < 1 || n > tpch::query_count) {
            throw usage_error(
                std::string(stream < 0 ? "--query must be a query number" : "--query must be a position") +
                " from 1 to 22 (got '" + q + "')");
        }
        args.push_back(static_cast<int>(n));
    }
    std::vector<int> selected;
    if (auto ec = tpch::select_queries(stream, args, selected)) {
        throw usage_error("--query: " + ec.message());
    }

    tpch::query_generator gen;
    if (a.defaults) {
        if (auto ec = tpch::query_generator::make_default(scale, gen)) {
            throw usage_error(ec.message());
        }
    } else {
        std::int64_t seed = 0;
        if (a.seed.empty()) {
            seed = static_cast<std::int64_t>(std::time(nullptr)) % 2147483647; // qgen: the current time
        } else if (!parse_int64(a.seed, seed)) {
            throw usage_error("--seed must be an integer (got '" + a.seed + "')");
        }
        if (auto ec = tpch::query_generator::make_seeded(seed, scale, gen)) {
            throw usage_error("--seed: " + ec.message() + " (got '" + a.seed + "')");
        }
    }

    // Open the log first (like qgen, which creates it), so an unusable path fails before any output.
    if (!a.param_log.empty()) {
        std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(a.param_log.c_str(), "ab"),
                                                          &std::fclose);
        if (!f) {
            throw usage_error("--param-log: cannot open '" + a.param_log + "' for appending");
        }
    }

    std::string out = gen.banner() + "\n";
    std::vector<tpch::query_parameters> log;
    const std::int64_t text_stream = stream < 0 ? 0 : stream;
    for (const int q : selected) {
        tpch::query_parameters p;
        if (auto ec = gen.next(q, p)) {
            throw run_error("Q" + std::to_string(q) + ": " + ec.message());
        }
        std::string sql;
        if (auto ec = tpch::query_sql(p, text_stream, sql)) {
            throw run_error("Q" + std::to_string(q) + ": " + ec.message());
        }
        std::string params;
        for (const auto& v : p.values) {
            params += params.empty() ? "" : " | ";
            params += v;
        }
        out += fmt::format("\n-- TPC-H Q{}: {} (stream {})\n-- parameters: {}\n{};\n", q, tpch::query_name(q),
                           text_stream, params, sql);
        log.push_back(std::move(p));
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    if (std::fflush(stdout) != 0) {
        throw run_error("cannot write the queries to standard output");
    }
    if (!a.param_log.empty()) {
        if (auto ec = tpch::append_param_log(a.param_log, log)) {
            throw run_error("--param-log: cannot write '" + a.param_log + "': " + ec.message());
        }
    }
}

} // namespace

void add_qgen_commands(CLI::App& app) {
    auto* qgen = app.add_subcommand("qgen", "Generate benchmark queries");
    qgen->require_subcommand(1);
    auto* tpch_cmd = qgen->add_subcommand(
        "tpch",
        "Print the 22 TPC-H queries with the substitution parameters of the TPC's qgen 2.17.3 (Spark SQL "
        "and DuckDB syntax)");
    auto args = std::make_shared<qgen_args>();
    tpch_cmd->add_option("--scale,-s", args->scale, "Scale factor (only Q11's FRACTION depends on it)")
        ->capture_default_str();
    auto* seed =
        tpch_cmd->add_option("--seed,-r", args->seed,
                             "qgen's -r seed (e.g. 0101000000; TPC: end-of-load time mmddhhmmss, plus s for "
                             "throughput stream s); default: the current time");
    auto* dflt = tpch_cmd->add_flag("--default,-d", args->defaults, "Validation parameters (qgen -d)");
    seed->excludes(dflt);
    tpch_cmd->add_option(
        "--stream,-p", args->stream,
        "Query stream: run the queries in that stream's order (qgen -p; the seed is not changed)");
    tpch_cmd->add_option(
        "--query,-q", args->queries,
        "Query numbers 1-22 in this order (default all); with --stream, positions 1-22 in that "
        "stream's order, as qgen's arguments");
    tpch_cmd->add_option(
        "--param-log,-l", args->param_log,
        "Append one line per query to FILE in qgen's -l format (number, TAB-separated parameters)");
    tpch_cmd->callback([args] { run_qgen(*args); });
}

} // namespace bb::cli
