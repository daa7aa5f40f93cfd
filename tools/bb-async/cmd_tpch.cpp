// `bb-async datagen tpch`: dbgen-identical TPC-H data, generated in parallel (benchmarks/tpch).
// `bb-async qgen tpch` is registered from cmd_qgen.cpp.
#include <tpch/datagen.hpp>
#include <tpch/dbgen.hpp>

#include <fmt/core.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "cmd_qgen.hpp"
#include "commands.hpp"
#include <unistd.h>

namespace bb::cli {
namespace {

struct datagen_args {
    std::string scale;
    std::string output;
    std::string format = "tbl";
    std::string tables = "all";
    long long threads = 0;
    long long chunks = 0;
    bool force = false;
    bool quiet = false;
};

double parse_scale(const std::string& s) {
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v) || v <= 0 ||
        v > tpch::max_scale_factor) {
        throw usage_error("--scale must be a number greater than 0 and at most 100000 (got '" + s + "')");
    }
    return v;
}

// A one-line progress bar on stderr, redrawn at most 10 times a second.
class progress_bar {
public:
    void update(const tpch::datagen_progress& p) {
        const auto now = std::chrono::steady_clock::now();
        const bool final = p.work_done >= p.work_total && p.files_done >= p.files_total;
        if (done_ || (!final && now - last_ < std::chrono::milliseconds(100))) {
            return;
        }
        last_ = now;
        const double frac =
            p.work_total == 0 ? 1.0 : static_cast<double>(p.work_done) / static_cast<double>(p.work_total);
        constexpr int width = 30;
        const int fill = static_cast<int>(frac * width);
        fmt::print(stderr, "\r[{}{}] {:3.0f}%  {:.0f} MB  {}/{} files",
                   std::string(static_cast<std::size_t>(fill), '#'),
                   std::string(static_cast<std::size_t>(width - fill), '.'), frac * 100,
                   static_cast<double>(p.bytes_written) / 1e6, p.files_done, p.files_total);
        if (final) {
            fmt::print(stderr, "\n");
            done_ = true;
        }
        std::fflush(stderr);
    }

private:
    std::chrono::steady_clock::time_point last_{};
    bool done_ = false;
};

void run_datagen_tpch(const datagen_args& a) {
    tpch::datagen_options o;
    o.scale_factor = parse_scale(a.scale);
    if (a.output.empty()) {
        throw usage_error("--output DIR is required");
    }
    o.output_dir = a.output;
    if (!tpch::parse_format(a.format, o.format)) {
        throw usage_error("--format must be tbl, csv or parquet (got '" + a.format + "')");
    }
    if (o.format == tpch::output_format::parquet && !tpch::parquet_supported()) {
        throw usage_error("--format parquet is not available: this build has no DuckDB");
    }
    if (a.threads < 0 || a.threads > 1024) {
        throw usage_error("--threads must be between 0 (all cores) and 1024");
    }
    o.threads = static_cast<unsigned>(a.threads);
    if (a.chunks < 0 || a.chunks > 1000000) {
        throw usage_error("--chunks must be between 1 and 1000000 (0: the default for the format)");
    }
    o.chunks = a.chunks;
    std::string bad;
    if (auto ec = tpch::parse_table_list(a.tables, o.tables, bad)) {
        if (ec == tpch::datagen_error::unknown_table) {
            throw usage_error("unknown table '" + bad +
                              "' in --tables (use lineitem, orders, partsupp, part, customer, supplier, "
                              "nation, region or all)");
        }
        throw usage_error("--tables selects no table");
    }
    o.force = a.force;
    auto bar = std::make_shared<progress_bar>();
    if (!a.quiet && ::isatty(STDERR_FILENO)) {
        o.on_progress = [bar](const tpch::datagen_progress& p) { bar->update(p); };
    }

    tpch::datagen_result r;
    std::string message;
    if (auto ec = run_datagen(o, r, message)) {
        if (ec.category() == tpch::datagen_category() && ec != tpch::datagen_error::parquet_failed) {
            throw usage_error(message);
        }
        throw run_error(message.empty() ? ec.message() : message);
    }
    if (!a.quiet) {
        std::uint64_t kept = 0;
        for (const auto& f : r.files) {
            fmt::print("{:<22} {:>12} rows {:>14} bytes  crc32c {}{}\n", f.name, f.rows, f.bytes, f.crc32c,
                       f.generated ? "" : "  (complete, kept)");
            kept += f.generated ? 0 : 1;
        }
        fmt::print("{} files ({} kept) in {}, {:.0f} MB written in {:.2f} s ({:.0f} MB/s)\n", r.files.size(),
                   kept, o.output_dir.string(), static_cast<double>(r.bytes_written) / 1e6, r.seconds,
                   r.seconds > 0 ? static_cast<double>(r.bytes_written) / 1e6 / r.seconds : 0.0);
    }
}

} // namespace

void add_tpch_commands(CLI::App& app) {
    auto* datagen = app.add_subcommand("datagen", "Generate benchmark data");
    datagen->require_subcommand(1);
    auto args = std::make_shared<datagen_args>();
    auto* tpch_cmd = datagen->add_subcommand(
        "tpch", "TPC-H data, byte-identical to the TPC's dbgen (.tbl), generated in parallel");
    tpch_cmd
        ->add_option("--scale,-s", args->scale, "Scale factor: (0, 100000], fractions allowed (0.01, 0.123)")
        ->required();
    tpch_cmd->add_option("--output,-o", args->output, "Output directory (created if missing)")->required();
    tpch_cmd->add_option("--format,-f", args->format, "tbl (dbgen), csv (with header) or parquet")
        ->capture_default_str();
    tpch_cmd->add_option("--threads,-j", args->threads, "Generating threads; 0 = all cores")
        ->capture_default_str();
    tpch_cmd
        ->add_option("--chunks,-C", args->chunks,
                     "Files per table, equal to dbgen's -C K -S k parts (lineitem.tbl.1 ...); "
                     "nation and region stay one file. 0 (default): one file per table for tbl and csv; "
                     "for parquet enough parts that each file stays under 200 MiB (SF 1: 1, SF 10: 8)")
        ->capture_default_str();
    tpch_cmd
        ->add_option("--tables,-T", args->tables,
                     "Comma-separated tables (lineitem,orders,partsupp,part,customer,supplier,nation,region) "
                     "or all")
        ->capture_default_str();
    tpch_cmd->add_flag("--force", args->force, "Regenerate files the manifest lists as complete");
    tpch_cmd->add_flag("--quiet,-q", args->quiet, "No progress bar and no summary");
    tpch_cmd->callback([args] { run_datagen_tpch(*args); });

    add_qgen_commands(app);
}

} // namespace bb::cli
