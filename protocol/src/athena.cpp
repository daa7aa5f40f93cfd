#include <protocol/athena.hpp>
#include <protocol/json11.hpp>

#include <array>

#include "json_read.hpp"
#include "json_write.hpp"

namespace protocol::athena {
namespace {

using detail::get;
using detail::jobject;
using detail::json_writer;

constexpr std::array<std::string_view, 9> session_names = {
    "", "CREATING", "CREATED", "IDLE", "BUSY", "TERMINATING", "TERMINATED", "DEGRADED", "FAILED"};
constexpr std::array<std::string_view, 9> calculation_names = {
    "", "CREATING", "CREATED", "QUEUED", "RUNNING", "CANCELING", "CANCELED", "COMPLETED", "FAILED"};

std::error_code check_id(std::string_view id, std::size_t max) {
    if (id.empty())
        return error::missing_parameter;
    if (id.size() > max)
        return error::invalid_parameter;
    return {};
}

std::error_code check_token(std::string_view t) {
    return (t.size() < 32 || t.size() > 128) ? std::error_code{error::invalid_client_token}
                                             : std::error_code{};
}

std::error_code check_range(const std::optional<int>& v, int lo, int hi) {
    return (v && (*v < lo || *v > hi)) ? std::error_code{error::invalid_parameter} : std::error_code{};
}

void finish(const endpoint& ep, std::string_view op, json_writer& w, http_request& out) {
    make_json11_request(ep, service::athena, op, w.take(), out);
}

// {"<key>": "<id>"}: the many operations that take a single id.
std::error_code single_id(const endpoint& ep, std::string_view op, std::string_view key, std::string_view id,
                          std::size_t max, http_request& out) {
    BB_TRY(check_id(id, max));
    json_writer w;
    w.begin_object().key(key).string(id).end_object();
    finish(ep, op, w, out);
    return {};
}

std::error_code get_state(const jobject& o, std::string_view k, session_state& out) {
    std::string s;
    BB_TRY(get(o, k, s));
    out = parse_session_state(s);
    return {};
}

std::error_code get_state(const jobject& o, std::string_view k, calculation_state& out) {
    std::string s;
    BB_TRY(get(o, k, s));
    out = parse_calculation_state(s);
    return {};
}

std::error_code get_int(const jobject& o, std::string_view k, std::optional<int>& out) {
    std::optional<std::int64_t> v;
    BB_TRY(get(o, k, v));
    if (v) {
        if (*v < INT32_MIN || *v > INT32_MAX)
            return error::bad_value;
        out = static_cast<int>(*v);
    }
    return {};
}

std::error_code read_session_status(const jobject& parent, session_status& out) {
    jobject o;
    bool present;
    BB_TRY(detail::get_object(parent, "Status", o, present));
    if (!present)
        return {};
    BB_TRY(get(o, "StartDateTime", out.start_time));
    BB_TRY(get(o, "LastModifiedDateTime", out.last_modified_time));
    BB_TRY(get(o, "EndDateTime", out.end_time));
    BB_TRY(get(o, "IdleSinceDateTime", out.idle_since_time));
    BB_TRY(get_state(o, "State", out.state));
    return get(o, "StateChangeReason", out.state_change_reason);
}

std::error_code read_calculation_status(const jobject& parent, calculation_status& out) {
    jobject o;
    bool present;
    BB_TRY(detail::get_object(parent, "Status", o, present));
    if (!present)
        return {};
    BB_TRY(get(o, "SubmissionDateTime", out.submission_time));
    BB_TRY(get(o, "CompletionDateTime", out.completion_time));
    BB_TRY(get_state(o, "State", out.state));
    return get(o, "StateChangeReason", out.state_change_reason);
}

std::error_code read_statistics(const jobject& parent, calculation_statistics& out) {
    jobject o;
    bool present;
    BB_TRY(detail::get_object(parent, "Statistics", o, present));
    if (!present)
        return {};
    BB_TRY(get(o, "DpuExecutionInMillis", out.dpu_execution_millis));
    return get(o, "Progress", out.progress);
}

std::error_code read_engine_version(const jobject& parent, engine_version& out) {
    jobject o;
    bool present;
    BB_TRY(detail::get_object(parent, "EngineVersion", o, present));
    if (!present)
        return {};
    BB_TRY(get(o, "SelectedEngineVersion", out.selected));
    return get(o, "EffectiveEngineVersion", out.effective);
}

std::error_code read_engine_configuration(const jobject& o, engine_configuration& out) {
    BB_TRY(get_int(o, "CoordinatorDpuSize", out.coordinator_dpu_size));
    std::optional<int> max;
    BB_TRY(get_int(o, "MaxConcurrentDpus", max));
    out.max_concurrent_dpus = max.value_or(0);
    BB_TRY(get_int(o, "DefaultExecutorDpuSize", out.default_executor_dpu_size));
    BB_TRY(get(o, "AdditionalConfigs", out.additional_configs));
    return get(o, "SparkProperties", out.spark_properties);
}

std::error_code read_work_group_configuration(const jobject& o, work_group_configuration& out) {
    jobject rc;
    bool present;
    BB_TRY(detail::get_object(o, "ResultConfiguration", rc, present));
    if (present) {
        BB_TRY(get(rc, "OutputLocation", out.output_location));
        jobject enc;
        BB_TRY(detail::get_object(rc, "EncryptionConfiguration", enc, present));
        if (present) {
            BB_TRY(get(enc, "EncryptionOption", out.encryption_option));
            BB_TRY(get(enc, "KmsKey", out.kms_key));
        }
    }
    BB_TRY(get(o, "EnforceWorkGroupConfiguration", out.enforce_work_group_configuration));
    BB_TRY(get(o, "PublishCloudWatchMetricsEnabled", out.publish_cloudwatch_metrics_enabled));
    BB_TRY(get(o, "BytesScannedCutoffPerQuery", out.bytes_scanned_cutoff_per_query));
    BB_TRY(get(o, "RequesterPaysEnabled", out.requester_pays_enabled));
    BB_TRY(read_engine_version(o, out.engine));
    BB_TRY(get(o, "AdditionalConfiguration", out.additional_configuration));
    return get(o, "ExecutionRole", out.execution_role);
}

void write_work_group_configuration(json_writer& w, const work_group_configuration& c) {
    w.key("Configuration").begin_object();
    if (!c.output_location.empty() || !c.encryption_option.empty()) {
        w.key("ResultConfiguration").begin_object();
        w.opt_string("OutputLocation", c.output_location);
        if (!c.encryption_option.empty()) {
            w.key("EncryptionConfiguration").begin_object();
            w.key("EncryptionOption").string(c.encryption_option);
            w.opt_string("KmsKey", c.kms_key);
            w.end_object();
        }
        w.end_object();
    }
    if (c.enforce_work_group_configuration)
        w.key("EnforceWorkGroupConfiguration").boolean(*c.enforce_work_group_configuration);
    if (c.publish_cloudwatch_metrics_enabled)
        w.key("PublishCloudWatchMetricsEnabled").boolean(*c.publish_cloudwatch_metrics_enabled);
    if (c.bytes_scanned_cutoff_per_query)
        w.key("BytesScannedCutoffPerQuery").number(*c.bytes_scanned_cutoff_per_query);
    if (c.requester_pays_enabled)
        w.key("RequesterPaysEnabled").boolean(*c.requester_pays_enabled);
    if (!c.engine.selected.empty())
        w.key("EngineVersion")
            .begin_object()
            .key("SelectedEngineVersion")
            .string(c.engine.selected)
            .end_object();
    w.opt_string("AdditionalConfiguration", c.additional_configuration);
    w.opt_string("ExecutionRole", c.execution_role);
    w.end_object();
}

} // namespace

std::string_view to_string(session_state s) noexcept {
    return session_names[static_cast<std::size_t>(s)];
}
std::string_view to_string(calculation_state s) noexcept {
    return calculation_names[static_cast<std::size_t>(s)];
}

session_state parse_session_state(std::string_view s) noexcept {
    for (std::size_t i = 1; i < session_names.size(); ++i)
        if (session_names[i] == s)
            return static_cast<session_state>(i);
    return session_state::unknown;
}

calculation_state parse_calculation_state(std::string_view s) noexcept {
    for (std::size_t i = 1; i < calculation_names.size(); ++i)
        if (calculation_names[i] == s)
            return static_cast<calculation_state>(i);
    return calculation_state::unknown;
}

bool is_final(session_state s) noexcept {
    return s == session_state::terminated || s == session_state::failed;
}
bool is_final(calculation_state s) noexcept {
    return s == calculation_state::completed || s == calculation_state::failed ||
           s == calculation_state::canceled;
}

// ---- sessions ----------------------------------------------------------------------------------

std::error_code build_start_session(const endpoint& ep, const start_session_input& in, http_request& out) {
    BB_TRY(check_id(in.work_group, 128));
    BB_TRY(check_token(in.client_request_token));
    const auto& e = in.engine;
    if (e.max_concurrent_dpus < 2 || e.max_concurrent_dpus > 5000)
        return error::invalid_parameter;
    BB_TRY(check_range(e.coordinator_dpu_size, 1, 5000));
    BB_TRY(check_range(e.default_executor_dpu_size, 1, 5000));
    BB_TRY(check_range(in.session_idle_timeout_minutes, 1, 480));
    if (in.description.size() > 1024 || in.notebook_version.size() > 128)
        return error::invalid_parameter;

    json_writer w;
    w.begin_object();
    w.opt_string("Description", in.description);
    w.key("WorkGroup").string(in.work_group);
    w.key("EngineConfiguration").begin_object();
    if (e.coordinator_dpu_size)
        w.key("CoordinatorDpuSize").number(*e.coordinator_dpu_size);
    w.key("MaxConcurrentDpus").number(e.max_concurrent_dpus);
    if (e.default_executor_dpu_size)
        w.key("DefaultExecutorDpuSize").number(*e.default_executor_dpu_size);
    w.opt_map("AdditionalConfigs", e.additional_configs);
    w.opt_map("SparkProperties", e.spark_properties);
    w.end_object();
    w.opt_string("NotebookVersion", in.notebook_version);
    if (in.session_idle_timeout_minutes)
        w.key("SessionIdleTimeoutInMinutes").number(*in.session_idle_timeout_minutes);
    w.key("ClientRequestToken").string(in.client_request_token);
    w.end_object();
    finish(ep, "StartSession", w, out);
    return {};
}

std::error_code decode_start_session(const http_response_view& r, start_session_output& out) {
    simdjson::dom::parser p;
    jobject o;
    BB_TRY(detail::parse_json_object(p, r, o));
    BB_TRY(get(o, "SessionId", out.session_id, true));
    return get_state(o, "State", out.state);
}

std::error_code build_get_session(const endpoint& ep, std::string_view session_id, http_request& out) {
    return single_id(ep, "GetSession", "SessionId", session_id, 256, out);
}

std::error_code decode_get_session(const http_response_view& r, get_session_output& out) {
    simdjson::dom::parser p;
    jobject o;
    BB_TRY(detail::parse_json_object(p, r, o));
    BB_TRY(get(o, "SessionId", out.session_id, true));
    BB_TRY(get(o, "Description", out.description));
    BB_TRY(get(o, "WorkGroup", out.work_group));
    BB_TRY(get(o, "EngineVersion", out.engine_version));
    BB_TRY(get(o, "NotebookVersion", out.notebook_version));
    jobject sub;
    bool present;
    BB_TRY(detail::get_object(o, "EngineConfiguration", sub, present));
    if (present) {
        out.engine.emplace();
        BB_TRY(read_engine_configuration(sub, *out.engine));
    }
    BB_TRY(detail::get_object(o, "SessionConfiguration", sub, present));
    if (present) {
        BB_TRY(get(sub, "ExecutionRole", out.execution_role));
        BB_TRY(get(sub, "WorkingDirectory", out.working_directory));
        BB_TRY(get(sub, "IdleTimeoutSeconds", out.idle_timeout_seconds));
    }
    BB_TRY(read_session_status(o, out.status));
    BB_TRY(detail::get_object(o, "Statistics", sub, present));
    if (present)
        BB_TRY(get(sub, "DpuExecutionInMillis", out.dpu_execution_millis));
    return {};
}

std::error_code build_get_session_status(const endpoint& ep, std::string_view session_id, http_request& out) {
    return single_id(ep, "GetSessionStatus", "SessionId", session_id, 256, out);
}

std::error_code decode_get_session_status(const http_response_view& r, get_session_status_output& out) {
    simdjson::dom::parser p;
    jobject o;
    BB_TRY(detail::parse_json_object(p, r, o));
    BB_TRY(get(o, "SessionId", out.session_id));
    return read_session_status(o, out.status);
}

std::error_code build_list_sessions(const endpoint& ep, const list_sessions_input& in, http_request& out) {
    BB_TRY(check_id(in.work_group, 128));
    BB_TRY(check_range(in.max_results, 1, 100));
    if (in.next_token.size() > 2048 || (in.state_filter && *in.state_filter == session_state::unknown))
        return error::invalid_parameter;
    json_writer w;
    w.begin_object().key("WorkGroup").string(in.work_group);
    if (in.state_filter)
        w.key("StateFilter").string(to_string(*in.state_filter));
    if (in.max_results)
        w.key("MaxResults").number(*in.max_results);
    w.opt_string("NextToken", in.next_token);
    w.end_object();
    finish(ep, "ListSessions", w, out);
    return {};
}

std::error_code decode_list_sessions(const http_response_view& r, list_sessions_output& out) {
    simdjson::dom::parser p;
    jobject o;
    BB_TRY(detail::parse_json_object(p, r, o));
    BB_TRY(get(o, "NextToken", out.next_token));
    return detail::for_each_object(o, "Sessions", [&](const jobject& s) -> std::error_code {
        session_summary& x = out.sessions.emplace_back();
        BB_TRY(get(s, "SessionId", x.session_id));
        BB_TRY(get(s, "Description", x.description));
        BB_TRY(read_engine_version(s, x.engine));
        BB_TRY(get(s, "NotebookVersion", x.notebook_version));
        return read_session_status(s, x.status);
    });
}

std::error_code build_terminate_session(const endpoint& ep, std::string_view session_id, http_request& out) {
    return single_id(ep, "TerminateSession", "SessionId", session_id, 256, out);
}

std::error_code decode_terminate_session(const http_response_view& r, terminate_session_output& out) {
    simdjson::dom::parser p;
    jobject o;
    BB_TRY(detail::parse_json_object(p, r, o));
    return get_state(o, "State", out.state);
}

// ---- calculations ------------------------------------------------------------------------------

std::error_code build_start_calculation_execution(const endpoint& ep, const start_calculation_input& in,
                                                  http_request& out) {
    BB_TRY(check_id(in.session_id, 256));
    BB_TRY(check_token(in.client_request_token));
    if (in.code_block.empty())
        return error::missing_parameter;
    if (in.code_block.size() > 68000 || in.description.size() > 1024)
        return error::invalid_parameter;
    json_writer w;
    w.begin_object().key("SessionId").string(in.session_id);
    w.opt_string("Description", in.description);
    w.key("CodeBlock").string(in.code_block);
    w.key("ClientRequestToken").string(in.client_request_token);
    w.end_object();
    finish(ep, "StartCalculationExecution", w, out);
    return {};
}

std::error_code decode_start_calculation_execution(const http_response_view& r,
                                                   start_calculation_output& out) {
    simdjson::dom::parser p;
    jobject o;
    BB_TRY(detail::parse_json_object(p, r, o));
    BB_TRY(get(o, "CalculationExecutionId", out.calculation_execution_id, true));
    return get_state(o, "State", out.state);
}

std::error_code build_get_calculation_execution(const endpoint& ep, std::string_view calculation_id,
                                                http_request& out) {
    return single_id(ep, "GetCalculationExecution", "CalculationExecutionId", calculation_id, 36, out);
}

std::error_code decode_get_calculation_execution(const http_response_view& r, get_calculation_output& out) {
    simdjson::dom::parser p;
    jobject o;
    BB_TRY(detail::parse_json_object(p, r, o));
    BB_TRY(get(o, "CalculationExecutionId", out.calculation_execution_id, true));
    BB_TRY(get(o, "SessionId", out.session_id));
    BB_TRY(get(o, "Description", out.description));
    BB_TRY(get(o, "WorkingDirectory", out.working_directory));
    BB_TRY(read_calculation_status(o, out.status));
    BB_TRY(read_statistics(o, out.statistics));
    jobject res;
    bool present;
    BB_TRY(detail::get_object(o, "Result", res, present));
    if (present) {
        BB_TRY(get(res, "StdOutS3Uri", out.result.stdout_s3_uri));
        BB_TRY(get(res, "StdErrorS3Uri", out.result.stderr_s3_uri));
        BB_TRY(get(res, "ResultS3Uri", out.result.result_s3_uri));
        BB_TRY(get(res, "ResultType", out.result.result_type));
    }
    return {};
}

std::error_code build_get_calculation_execution_status(const endpoint& ep, std::string_view calculation_id,
                                                       http_request& out) {
    return single_id(ep, "GetCalculationExecutionStatus", "CalculationExecutionId", calculation_id, 36, out);
}

std::error_code decode_get_calculation_execution_status(const http_response_view& r,
                                                        get_calculation_status_output& out) {
    simdjson::dom::parser p;
    jobject o;
    BB_TRY(detail::parse_json_object(p, r, o));
    BB_TRY(read_calculation_status(o, out.status));
    return read_statistics(o, out.statistics);
}

std::error_code build_get_calculation_execution_code(const endpoint& ep, std::string_view calculation_id,
                                                     http_request& out) {
    return single_id(ep, "GetCalculationExecutionCode", "CalculationExecutionId", calculation_id, 36, out);
}

std::error_code decode_get_calculation_execution_code(const http_response_view& r, std::string& code_block) {
    simdjson::dom::parser p;
    jobject o;
    BB_TRY(detail::parse_json_object(p, r, o));
    return get(o, "CodeBlock", code_block);
}

std::error_code build_stop_calculation_execution(const endpoint& ep, std::string_view calculation_id,
                                                 http_request& out) {
    return single_id(ep, "StopCalculationExecution", "CalculationExecutionId", calculation_id, 36, out);
}

std::error_code decode_stop_calculation_execution(const http_response_view& r, stop_calculation_output& out) {
    simdjson::dom::parser p;
    jobject o;
    BB_TRY(detail::parse_json_object(p, r, o));
    return get_state(o, "State", out.state);
}

std::error_code build_list_calculation_executions(const endpoint& ep, const list_calculations_input& in,
                                                  http_request& out) {
    BB_TRY(check_id(in.session_id, 256));
    BB_TRY(check_range(in.max_results, 1, 100));
    if (in.next_token.size() > 2048 || (in.state_filter && *in.state_filter == calculation_state::unknown))
        return error::invalid_parameter;
    json_writer w;
    w.begin_object().key("SessionId").string(in.session_id);
    if (in.state_filter)
        w.key("StateFilter").string(to_string(*in.state_filter));
    if (in.max_results)
        w.key("MaxResults").number(*in.max_results);
    w.opt_string("NextToken", in.next_token);
    w.end_object();
    finish(ep, "ListCalculationExecutions", w, out);
    return {};
}

std::error_code decode_list_calculation_executions(const http_response_view& r,
                                                   list_calculations_output& out) {
    simdjson::dom::parser p;
    jobject o;
    BB_TRY(detail::parse_json_object(p, r, o));
    BB_TRY(get(o, "NextToken", out.next_token));
    return detail::for_each_object(o, "Calculations", [&](const jobject& c) -> std::error_code {
        calculation_summary& x = out.calculations.emplace_back();
        BB_TRY(get(c, "CalculationExecutionId", x.calculation_execution_id));
        BB_TRY(get(c, "Description", x.description));
        return read_calculation_status(c, x.status);
    });
}

// ---- work groups -------------------------------------------------------------------------------

std::error_code build_get_work_group(const endpoint& ep, std::string_view name, http_request& out) {
    return single_id(ep, "GetWorkGroup", "WorkGroup", name, 128, out);
}

std::error_code decode_get_work_group(const http_response_view& r, work_group& out) {
    simdjson::dom::parser p;
    jobject o;
    BB_TRY(detail::parse_json_object(p, r, o));
    jobject wg;
    bool present;
    BB_TRY(detail::get_object(o, "WorkGroup", wg, present));
    if (!present)
        return error::missing_field;
    BB_TRY(get(wg, "Name", out.name, true));
    BB_TRY(get(wg, "State", out.state));
    BB_TRY(get(wg, "Description", out.description));
    BB_TRY(get(wg, "CreationTime", out.creation_time));
    jobject conf;
    BB_TRY(detail::get_object(wg, "Configuration", conf, present));
    if (present)
        BB_TRY(read_work_group_configuration(conf, out.configuration));
    return {};
}

std::error_code build_list_work_groups(const endpoint& ep, const list_work_groups_input& in,
                                       http_request& out) {
    BB_TRY(check_range(in.max_results, 1, 50));
    if (in.next_token.size() > 1024)
        return error::invalid_parameter;
    json_writer w;
    w.begin_object();
    w.opt_string("NextToken", in.next_token);
    if (in.max_results)
        w.key("MaxResults").number(*in.max_results);
    w.end_object();
    finish(ep, "ListWorkGroups", w, out);
    return {};
}

std::error_code decode_list_work_groups(const http_response_view& r, list_work_groups_output& out) {
    simdjson::dom::parser p;
    jobject o;
    BB_TRY(detail::parse_json_object(p, r, o));
    BB_TRY(get(o, "NextToken", out.next_token));
    return detail::for_each_object(o, "WorkGroups", [&](const jobject& g) -> std::error_code {
        work_group_summary& x = out.work_groups.emplace_back();
        BB_TRY(get(g, "Name", x.name));
        BB_TRY(get(g, "State", x.state));
        BB_TRY(get(g, "Description", x.description));
        BB_TRY(get(g, "CreationTime", x.creation_time));
        return read_engine_version(g, x.engine);
    });
}

std::error_code build_create_work_group(const endpoint& ep, const create_work_group_input& in,
                                        http_request& out) {
    BB_TRY(check_id(in.name, 128));
    for (char c : in.name)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '-'))
            return error::invalid_parameter;
    if (in.description.size() > 1024)
        return error::invalid_parameter;
    json_writer w;
    w.begin_object().key("Name").string(in.name);
    write_work_group_configuration(w, in.configuration);
    w.opt_string("Description", in.description);
    if (!in.tags.empty()) {
        w.key("Tags").begin_array();
        for (const auto& [k, v] : in.tags)
            w.begin_object().key("Key").string(k).key("Value").string(v).end_object();
        w.end_array();
    }
    w.end_object();
    finish(ep, "CreateWorkGroup", w, out);
    return {};
}

std::error_code decode_create_work_group(const http_response_view& r) {
    return decode_json11_empty(r);
}

} // namespace protocol::athena
