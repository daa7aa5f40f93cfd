#pragma once
// Parallel TPC-H data generation into files: dbgen-identical .tbl (or CSV, or Parquet through
// DuckDB), one file per table or K files per table named like dbgen's `-C K -S k` output, with a
// manifest that lets a rerun skip complete files and regenerate missing or damaged ones.
//
// How it works: every table group (ORDERS+LINEITEM, PART+PARTSUPP, CUSTOMER, SUPPLIER, NATION,
// REGION) is cut into its K dbgen chunks, each chunk into blocks of a few thousand rows. Threads
// generate blocks into buffers concurrently (each block positioned with dbgen's skip-ahead rules);
// the thread that completes the oldest outstanding block writes every finished block in file order.
// At most a fixed number of blocks is in flight, so memory does not depend on the scale factor
// (about 2.5 MB per block slot, 3 slots per thread, plus the 300 MiB text pool).
//
// Thread-safety: run_datagen() may be called from any thread; concurrent runs must use different
// output directories. The progress callback is called from the generating threads, one call at a time.
#include <tpch/schema.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <system_error>
#include <vector>

namespace tpch {

/// Errors of data generation (category "tpch.datagen"). File-system failures while writing are
/// reported with std::system_category codes instead.
enum class datagen_error {
    ok = 0,
    invalid_scale,       ///< scale factor not a number in (0, 100000]
    invalid_chunks,      ///< chunk count < 1 or > 1000000
    invalid_threads,     ///< thread count > 1024
    no_tables,           ///< the table list is empty after parsing
    unknown_table,       ///< a table name that is not one of the eight TPC-H tables
    unsupported_format,  ///< format not tbl/csv/parquet, or parquet without DuckDB in this build
    output_dir_unusable, ///< the output directory cannot be created or written
    parquet_failed,      ///< DuckDB could not convert a generated file to Parquet
};

const std::error_category& datagen_category() noexcept;
inline std::error_code make_error_code(datagen_error e) noexcept {
    return {static_cast<int>(e), datagen_category()};
}

/// Output file format.
enum class output_format { tbl, csv, parquet };

/// "tbl", "csv", "parquet".
std::string_view format_name(output_format f) noexcept;
/// Parses a format name; false when unknown.
bool parse_format(std::string_view name, output_format& out) noexcept;
/// True when this build can write Parquet (bb_duckdb was available).
bool parquet_supported() noexcept;

/// Parses a comma-separated table list ("lineitem,orders"); "all" or empty selects every table.
/// Errors: unknown_table (`bad` receives the offending name), no_tables.
std::error_code parse_table_list(std::string_view list, std::vector<table>& out, std::string& bad);

/// Progress of a run (work is measured in estimated output bytes of the selected groups).
struct datagen_progress {
    std::uint64_t work_done = 0;
    std::uint64_t work_total = 0;
    std::uint64_t bytes_written = 0;
    std::uint64_t files_done = 0;
    std::uint64_t files_total = 0;
};

struct datagen_options {
    double scale_factor = 1;
    std::filesystem::path output_dir;
    output_format format = output_format::tbl;
    unsigned threads = 0; ///< 0: all cores
    /// Files per scaled table (NATION and REGION are always one file); 0 chooses default_chunks().
    std::int64_t chunks = 0;
    std::vector<table> tables; ///< empty: all eight
    bool force = false;        ///< ignore the manifest: regenerate every selected file
    /// Called after every written block (and once at the end); may be empty.
    std::function<void(const datagen_progress&)> on_progress;
};

/// One output file as recorded in the manifest.
struct datagen_file {
    table t = table::region;
    std::int64_t part = 0; ///< 1..K for chunked output, 0 for a single file
    std::string name;      ///< file name inside the output directory
    std::int64_t rows = 0;
    std::uint64_t bytes = 0;
    std::string crc32c;     ///< CRC-32C of the file content, 8 lower-case hex digits
    bool generated = false; ///< false: found complete from an earlier run and kept
};

struct datagen_result {
    std::vector<datagen_file> files; ///< every selected file, in generation order
    std::uint64_t bytes_written = 0;
    double seconds = 0;
};

/// Name of the manifest file written into the output directory.
inline constexpr std::string_view manifest_name = "tpch-manifest.json";

/// Largest Parquet file the default chunk count aims for: 200 MiB, under the ~256 MiB that lets
/// Spark read a table's files in parallel splits.
inline constexpr std::uint64_t parquet_target_file_bytes = 200ull << 20;
/// Parquet (zstd) bytes of LINEITEM per unit of scale factor, measured at SF 1 (149.4 MB).
inline constexpr double parquet_lineitem_bytes_per_sf = 150e6;

/// The chunk count used when datagen_options::chunks is 0: 1 for tbl and csv (dbgen's single
/// files); for parquet the smallest K that keeps LINEITEM's parts, the largest, at most
/// `target_bytes` each (SF 1: 1, SF 10: 8, SF 100: 72).
std::int64_t default_chunks(double scale_factor, output_format f,
                            std::uint64_t target_bytes = parquet_target_file_bytes) noexcept;

/// File name of part `part` (0: unsplit) of table `t` in format `f`: dbgen's names for tbl
/// ("lineitem.tbl", "lineitem.tbl.3"), "lineitem.csv"/"lineitem.3.csv", "lineitem.parquet"/
/// "lineitem.3.parquet" otherwise.
std::string output_file_name(table t, std::int64_t part, output_format f);

/// Generates the selected tables into options.output_dir (created if missing). Files are written
/// under temporary names and renamed when complete; the manifest (manifest_name) is rewritten after
/// every completed file. Files the manifest lists for the same scale factor, format and chunk count
/// that still exist with the recorded size are kept (unless force). On error returns the code and
/// puts a one-line explanation into `message`; files completed before the error stay valid.
std::error_code run_datagen(const datagen_options& options, datagen_result& result, std::string& message);

} // namespace tpch

template <>
struct std::is_error_code_enum<tpch::datagen_error> : std::true_type {};
