#pragma once
// Running one Athena-for-Spark calculation locally: the calculation's code (the bb-async code-block template,
// %%sql cells, or plain spark.sql(...) statements) is recognised, its SQL runs on embedded DuckDB against the
// Glue catalog's tables (whose files live in the local S3), and the output is what the same PySpark code prints
// on AWS. Synchronous: the Athena service calls run() on a worker thread, never on the network loop. See
// docs/CALCULATIONS.md for the template and for what the local endpoint runs.

#include <athena_local/catalog.hpp>
#include <athena_local/service.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace athena_local::calc {

/// Cancels a running calculation from another thread (StopCalculationExecution, session termination, shutdown).
class cancel_token {
public:
    /// Thread-safe; calls the registered interrupt hook, if any, at most once.
    void cancel();
    bool cancelled() const noexcept { return cancelled_.load(std::memory_order_acquire); }
    /// The runner registers how to interrupt what it is doing now (duckdb interrupt); an empty function clears it.
    /// When the token is already cancelled the hook is called at once.
    void on_cancel(std::function<void()> hook);

private:
    std::atomic<bool> cancelled_{false};
    std::mutex mutex_;
    std::function<void()> hook_;
};

struct run_request {
    std::string code;              ///< CodeBlock of StartCalculationExecution
    std::string current_database = "default";
};

enum class run_state { completed, failed, canceled };

struct run_result {
    run_state state = run_state::completed;
    std::string stdout_text;       ///< what the code printed (written to StdOutS3Uri)
    std::string stderr_text;       ///< errors, as a Spark driver log would show them (written to StdErrorS3Uri)
    std::string reason;            ///< one line for Status.StateChangeReason when failed
    std::string current_database;  ///< after USE statements
};

/// Runs calculations. One runner per server; thread-safe (each run uses its own DuckDB connection).
class runner {
public:
    /// `store` resolves s3:// locations to local files; `catalog` is read for table definitions and updated by
    /// DDL. Both must outlive the runner. `duckdb_threads`/`memory_limit` configure the shared DuckDB database.
    struct options {
        unsigned duckdb_threads = 0;
        std::string memory_limit;
        std::string temp_directory;
    };
    runner(object_store& store, catalog& catalog, options opts);
    ~runner();
    runner(const runner&) = delete;
    runner& operator=(const runner&) = delete;

    run_result run(const run_request& request, cancel_token& cancel);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace athena_local::calc
