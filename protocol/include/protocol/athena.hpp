#pragma once
// Amazon Athena (AWS JSON 1.1, target prefix AmazonAthena): Spark sessions, calculations, work groups.
//
// Builders: build_<operation>(endpoint, input, out) fill `out` and return an error_code for input the
// service would reject (error::missing_parameter for an empty required field, error::invalid_parameter
// for values out of range, error::invalid_client_token for a ClientRequestToken not 32..128 chars).
// On error `out` is left unspecified.
//
// Decoders: decode_<operation>(response, out) read a 2xx body into `out`. Errors: error::not_success
// when the status is not 2xx (use decode_json_error() then), error::malformed_json, error::wrong_type,
// error::bad_value, error::missing_field. Unknown fields are ignored; unknown enum values decode as
// `unknown`. Timestamps are JSON 1.1 epoch seconds and decode to protocol::timestamp (ms precision).
//
// All functions are pure and thread-safe (no shared state).
#include <protocol/endpoint.hpp>
#include <protocol/http.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace protocol::athena {

using string_map = std::map<std::string, std::string, std::less<>>;

enum class session_state {
    unknown,
    creating,
    created,
    idle,
    busy,
    terminating,
    terminated,
    degraded,
    failed
};
enum class calculation_state {
    unknown,
    creating,
    created,
    queued,
    running,
    canceling,
    canceled,
    completed,
    failed
};

/// Wire names ("IDLE", "COMPLETED"); unknown -> "".
std::string_view to_string(session_state s) noexcept;
std::string_view to_string(calculation_state s) noexcept;
/// Wire name -> value; anything else -> unknown.
session_state parse_session_state(std::string_view s) noexcept;
calculation_state parse_calculation_state(std::string_view s) noexcept;
/// True for states a session never leaves (TERMINATED, FAILED) / a calculation never leaves
/// (COMPLETED, FAILED, CANCELED).
bool is_final(session_state s) noexcept;
bool is_final(calculation_state s) noexcept;

// ---- shared shapes -----------------------------------------------------------------------------

struct engine_configuration {
    std::optional<int> coordinator_dpu_size;      ///< 1..5000
    int max_concurrent_dpus = 0;                  ///< required, 2..5000
    std::optional<int> default_executor_dpu_size; ///< 1..5000
    string_map additional_configs;
    string_map spark_properties;
};

struct engine_version {
    std::string selected; ///< "PySpark engine version 3", "AUTO", ...
    std::string effective;
};

struct session_status {
    std::optional<timestamp> start_time;
    std::optional<timestamp> last_modified_time;
    std::optional<timestamp> end_time;
    std::optional<timestamp> idle_since_time;
    session_state state = session_state::unknown;
    std::string state_change_reason;
};

struct calculation_status {
    std::optional<timestamp> submission_time;
    std::optional<timestamp> completion_time;
    calculation_state state = calculation_state::unknown;
    std::string state_change_reason;
};

struct calculation_statistics {
    std::optional<std::int64_t> dpu_execution_millis;
    std::string progress;
};

// ---- sessions ----------------------------------------------------------------------------------

struct start_session_input {
    std::string work_group;                          ///< required
    engine_configuration engine;                     ///< max_concurrent_dpus required
    std::string description;                         ///< optional, <= 1024
    std::string notebook_version;                    ///< optional
    std::optional<int> session_idle_timeout_minutes; ///< 1..480
    std::string client_request_token;                ///< required here: 32..128 chars (idempotency)
};
struct start_session_output {
    std::string session_id;
    session_state state = session_state::unknown;
};
std::error_code build_start_session(const endpoint& ep, const start_session_input& in, http_request& out);
std::error_code decode_start_session(const http_response_view& r, start_session_output& out);

struct get_session_output {
    std::string session_id;
    std::string description;
    std::string work_group;
    std::string engine_version;
    std::optional<engine_configuration> engine;
    std::string notebook_version;
    std::string execution_role;    ///< SessionConfiguration.ExecutionRole
    std::string working_directory; ///< SessionConfiguration.WorkingDirectory
    std::optional<std::int64_t> idle_timeout_seconds;
    session_status status;
    std::optional<std::int64_t> dpu_execution_millis; ///< Statistics.DpuExecutionInMillis
};
/// GetSession. Errors: missing_parameter (empty session id), invalid_parameter (> 256 chars).
std::error_code build_get_session(const endpoint& ep, std::string_view session_id, http_request& out);
std::error_code decode_get_session(const http_response_view& r, get_session_output& out);

struct get_session_status_output {
    std::string session_id;
    session_status status;
};
std::error_code build_get_session_status(const endpoint& ep, std::string_view session_id, http_request& out);
std::error_code decode_get_session_status(const http_response_view& r, get_session_status_output& out);

struct list_sessions_input {
    std::string work_group; ///< required
    std::optional<session_state> state_filter;
    std::optional<int> max_results; ///< 1..100
    std::string next_token;         ///< from the previous page, empty for the first
};
struct session_summary {
    std::string session_id;
    std::string description;
    engine_version engine;
    std::string notebook_version;
    session_status status;
};
struct list_sessions_output {
    std::vector<session_summary> sessions;
    std::string next_token; ///< empty on the last page
};
std::error_code build_list_sessions(const endpoint& ep, const list_sessions_input& in, http_request& out);
std::error_code decode_list_sessions(const http_response_view& r, list_sessions_output& out);

struct terminate_session_output {
    session_state state = session_state::unknown;
};
std::error_code build_terminate_session(const endpoint& ep, std::string_view session_id, http_request& out);
std::error_code decode_terminate_session(const http_response_view& r, terminate_session_output& out);

// ---- calculations ------------------------------------------------------------------------------

struct start_calculation_input {
    std::string session_id;           ///< required
    std::string code_block;           ///< required, <= 68000 characters (sent as CodeBlock)
    std::string description;          ///< optional
    std::string client_request_token; ///< required here: 32..128 chars
};
struct start_calculation_output {
    std::string calculation_execution_id;
    calculation_state state = calculation_state::unknown;
};
std::error_code build_start_calculation_execution(const endpoint& ep, const start_calculation_input& in,
                                                  http_request& out);
std::error_code decode_start_calculation_execution(const http_response_view& r,
                                                   start_calculation_output& out);

struct calculation_result {
    std::string stdout_s3_uri;
    std::string stderr_s3_uri;
    std::string result_s3_uri;
    std::string result_type;
};
struct get_calculation_output {
    std::string calculation_execution_id;
    std::string session_id;
    std::string description;
    std::string working_directory;
    calculation_status status;
    calculation_statistics statistics;
    calculation_result result;
};
/// Calculation ids are 1..36 characters (invalid_parameter beyond).
std::error_code build_get_calculation_execution(const endpoint& ep, std::string_view calculation_id,
                                                http_request& out);
std::error_code decode_get_calculation_execution(const http_response_view& r, get_calculation_output& out);

struct get_calculation_status_output {
    calculation_status status;
    calculation_statistics statistics;
};
std::error_code build_get_calculation_execution_status(const endpoint& ep, std::string_view calculation_id,
                                                       http_request& out);
std::error_code decode_get_calculation_execution_status(const http_response_view& r,
                                                        get_calculation_status_output& out);

std::error_code build_get_calculation_execution_code(const endpoint& ep, std::string_view calculation_id,
                                                     http_request& out);
/// `code_block` receives CodeBlock (empty if absent).
std::error_code decode_get_calculation_execution_code(const http_response_view& r, std::string& code_block);

struct stop_calculation_output {
    calculation_state state = calculation_state::unknown;
};
std::error_code build_stop_calculation_execution(const endpoint& ep, std::string_view calculation_id,
                                                 http_request& out);
std::error_code decode_stop_calculation_execution(const http_response_view& r, stop_calculation_output& out);

struct list_calculations_input {
    std::string session_id; ///< required
    std::optional<calculation_state> state_filter;
    std::optional<int> max_results; ///< 1..100
    std::string next_token;
};
struct calculation_summary {
    std::string calculation_execution_id;
    std::string description;
    calculation_status status;
};
struct list_calculations_output {
    std::vector<calculation_summary> calculations;
    std::string next_token;
};
std::error_code build_list_calculation_executions(const endpoint& ep, const list_calculations_input& in,
                                                  http_request& out);
std::error_code decode_list_calculation_executions(const http_response_view& r,
                                                   list_calculations_output& out);

// ---- work groups -------------------------------------------------------------------------------

struct work_group_configuration {
    std::string output_location;   ///< ResultConfiguration.OutputLocation ("s3://bucket/prefix/")
    std::string encryption_option; ///< ResultConfiguration.EncryptionConfiguration.EncryptionOption
    std::string kms_key;           ///< ResultConfiguration.EncryptionConfiguration.KmsKey
    std::optional<bool> enforce_work_group_configuration;
    std::optional<bool> publish_cloudwatch_metrics_enabled;
    std::optional<std::int64_t> bytes_scanned_cutoff_per_query;
    std::optional<bool> requester_pays_enabled;
    engine_version engine; ///< EngineVersion (only `selected` is sent)
    std::string additional_configuration;
    std::string execution_role; ///< IAM role ARN; Spark work groups need one
};
struct work_group {
    std::string name;
    std::string state; ///< "ENABLED" / "DISABLED"
    std::string description;
    std::optional<timestamp> creation_time;
    work_group_configuration configuration;
};
std::error_code build_get_work_group(const endpoint& ep, std::string_view name, http_request& out);
/// Errors also: missing_field when WorkGroup or WorkGroup.Name is absent.
std::error_code decode_get_work_group(const http_response_view& r, work_group& out);

struct list_work_groups_input {
    std::optional<int> max_results; ///< 1..50
    std::string next_token;
};
struct work_group_summary {
    std::string name;
    std::string state;
    std::string description;
    std::optional<timestamp> creation_time;
    engine_version engine;
};
struct list_work_groups_output {
    std::vector<work_group_summary> work_groups;
    std::string next_token;
};
std::error_code build_list_work_groups(const endpoint& ep, const list_work_groups_input& in,
                                       http_request& out);
std::error_code decode_list_work_groups(const http_response_view& r, list_work_groups_output& out);

struct create_work_group_input {
    std::string name; ///< required, 1..128 of [a-zA-Z0-9._-]
    std::string description;
    work_group_configuration configuration;
    std::vector<name_value> tags;
};
std::error_code build_create_work_group(const endpoint& ep, const create_work_group_input& in,
                                        http_request& out);
/// CreateWorkGroup returns "{}": checks the status only.
std::error_code decode_create_work_group(const http_response_view& r);

} // namespace protocol::athena
