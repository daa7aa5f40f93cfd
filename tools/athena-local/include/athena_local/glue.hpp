#pragma once
// athena-local's Glue Data Catalog: a persistent, thread-safe `catalog` (databases and tables) and the
// AWSGlue.* JSON 1.1 service that answers CreateDatabase, GetDatabase, GetDatabases, DeleteDatabase,
// CreateTable, GetTable, GetTables, UpdateTable, DeleteTable and BatchDeleteTable with the request and
// response shapes of botocore's glue 2017-03-31 model and AWS's error codes.
//
// How the server uses it:
//
//     athena_local::glue_catalog catalog{env.data_dir};              // throws glue_catalog_error if corrupt
//     auto glue = athena_local::make_glue_service(catalog);          // or glue_service{catalog, options}
//     // X-Amz-Target "AWSGlue.GetTables" -> glue->handle("GetTables", body, ctx, done)
//
// The calculation runner shares the same `glue_catalog` (as `catalog&`) and sees every table the Glue API
// made; tables it makes by SQL DDL are described to Glue clients from their `table_def`.

#include <athena_local/catalog.hpp>
#include <athena_local/service.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace athena_local {

/// The local account id: CatalogId in responses, and the only CatalogId requests may name.
inline constexpr std::string_view default_account_id = "123456789012";

/// Thrown by glue_catalog's constructor when the catalog file exists but cannot be read or is not a valid
/// catalog. what() names the file, says what is wrong with it and what to do; the file is left untouched.
class glue_catalog_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The Glue Data Catalog, in memory and persisted as one JSON file, `<data_dir>/glue/catalog.json`.
///
/// - Names of databases and tables are case-insensitive and stored lower-case, as Glue stores them: every
///   lookup lower-cases its arguments, and create/update lower-case `database`/`name` of what they store.
/// - Every change is written before it returns: the whole catalog goes to a temporary file in the same
///   folder, which is fsync'ed and renamed over catalog.json (then the folder is fsync'ed). When that fails
///   the change is undone in memory and the call returns catalog_status::io_error, so memory and disk agree.
/// - A data directory without catalog.json starts with one database, `default` ("Default Hive database"),
///   as an account that has used Athena has. An empty `data_dir` makes an in-memory catalog (tests).
/// - Thread-safe: readers share a std::shared_mutex, writers (including the file write) hold it exclusively.
///
/// `table_def::glue_json` (and `database_def::glue_json`), when not empty, holds the TableInput
/// (DatabaseInput) exactly as Glue received it and is what GetTable describes; the other fields are derived
/// from it. A caller that changes such a table through update_table must update or clear glue_json too
/// (cleared, the Glue service describes the table from the other fields).
class glue_catalog final : public catalog {
public:
    /// Loads `<data_dir>/glue/catalog.json` when it exists (throws glue_catalog_error when it is corrupt);
    /// creates the `glue` folder when it does not.
    explicit glue_catalog(std::filesystem::path data_dir);
    /// The catalog file; empty for an in-memory catalog.
    const std::filesystem::path& file() const noexcept { return file_; }

    std::vector<database_def> databases() const override;
    std::optional<database_def> database(std::string_view name) const override;
    /// invalid_input when the name is empty or longer than 255 characters.
    catalog_status create_database(database_def db) override;
    catalog_status delete_database(std::string_view name) override;

    std::vector<table_def> tables(std::string_view database) const override;
    std::optional<table_def> table(std::string_view database, std::string_view name) const override;
    catalog_status create_table(table_def table) override;
    /// Replaces the table; keeps its create_time when the new one has none.
    catalog_status update_table(table_def table) override;
    catalog_status delete_table(std::string_view database, std::string_view name) override;

    ~glue_catalog() override;
    glue_catalog(const glue_catalog&) = delete;
    glue_catalog& operator=(const glue_catalog&) = delete;

    struct state; ///< databases and their tables, by lower-case name (opaque; defined in the source)

private:
    catalog_status persist_locked() const;
    void add_default_database();

    std::filesystem::path file_;
    mutable std::shared_mutex mutex_;
    std::unique_ptr<state> state_;
};

/// Glue's TableInput (a JSON object) mapped onto a table_def of database `database`:
/// - format parquet when StorageDescriptor.InputFormat or SerdeInfo.SerializationLibrary is Parquet's, or
///   Parameters (table or storage descriptor) classification=parquet; delimited_text for TextInputFormat,
///   LazySimpleSerDe, OpenCSVSerde or classification csv/tsv; anything else is recorded as parquet (the
///   runner reads `parameters` and `glue_json` to tell).
/// - delimiter from SerdeInfo.Parameters field.delim, else serialization.format (a number means that byte,
///   as Hive reads it), else separatorChar (OpenCSVSerde), else ',' for OpenCSVSerde and classification csv,
///   '\t' for tsv and Hive's default '\001' for LazySimpleSerDe.
/// - header when skip.header.line.count (table or SerDe parameters) is a positive number.
/// - names lower-cased, columns and partition keys as given, glue_json = the TableInput as given.
/// Returns nullopt when `table_input_json` is not a JSON object with a string Name.
std::optional<table_def> table_def_from_glue(std::string_view database, std::string_view table_input_json);

/// The Glue `Table` object (JSON) that GetTable returns for `t`: from glue_json when the table was made
/// through Glue, else synthesised from the table_def as Athena's DDL writes it (Hive Parquet or
/// LazySimpleSerDe text storage descriptor). `account_id` fills CatalogId.
std::string glue_table_json(const table_def& t, std::string_view account_id = default_account_id);

/// How the Glue service behaves.
struct glue_options {
    std::string account_id{default_account_id}; ///< CatalogId; requests naming another one are refused
    /// The clock for CreateTime/UpdateTime (epoch seconds); the system clock when empty.
    std::function<double()> now;
};

/// The AWSGlue.* JSON 1.1 service over a catalog (usually a glue_catalog).
///
/// `operation` is X-Amz-Target without the "AWSGlue." prefix. Answers 200 with the response JSON, or 400
/// with {"__type","message"}: EntityNotFoundException ("Database x not found.", "Table x not found."),
/// AlreadyExistsException ("Database already exists.", "Table already exists."), InvalidInputException
/// (body not a JSON object, a missing required member, a wrong member type, a name longer than 255
/// characters or with control characters, MaxResults outside 1..100, a bad NextToken or Expression),
/// AccessDeniedException (a CatalogId other than the local account), UnknownOperationException (any other
/// operation); 500 InternalServiceException when the catalog cannot be written.
/// GetDatabases and GetTables page by name (MaxResults default 100); NextToken is opaque and stays valid
/// while other clients change the catalog. GetTables' Expression is Glue's pattern: `*` is any run of
/// characters, `|` separates alternatives, the rest is a Java-like regular expression, matched
/// case-insensitively against the whole name.
///
/// handle() calls `done` before it returns (the catalog is in memory; a change waits for its file write).
/// Thread-safe: it may be called from any thread at once.
class glue_service final : public json_service {
public:
    explicit glue_service(catalog& cat, glue_options opts = {});

    void handle(std::string_view operation, std::string_view body, const request_context& ctx,
                std::function<void(json_reply)> done) override;

    /// The same as handle(), returning the reply.
    json_reply call(std::string_view operation, std::string_view body) const;

private:
    catalog& catalog_;
    glue_options opts_;
};

/// A glue_service over `cat` (which must outlive it).
std::unique_ptr<json_service> make_glue_service(catalog& cat, glue_options opts = {});

} // namespace athena_local
