// Every Athena and Glue JSON 1.1 decoder on arbitrary bodies. The first byte picks the decoder (low 5
// bits) and whether the body is handed over padded in place (bit 7) or copied by simdjson. Decoders must
// never throw, crash, or read outside the body (+ padding when promised).
#include <protocol/athena.hpp>
#include <protocol/glue.hpp>
#include <protocol/service_error.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1)
        return 0;
    const unsigned selector = data[0] & 31u;
    const bool padded = (data[0] & 128u) != 0;
    std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
    std::vector<char> storage;
    if (padded) {
        storage.assign(body.begin(), body.end());
        storage.resize(body.size() + protocol::json_padding, '\0');
        body = std::string_view(storage.data(), body.size());
    }
    protocol::http_response_view r{200, {}, body, padded};

    using namespace protocol;
    switch (selector) {
    case 0: {
        athena::start_session_output o;
        (void)athena::decode_start_session(r, o);
        break;
    }
    case 1: {
        athena::get_session_output o;
        (void)athena::decode_get_session(r, o);
        break;
    }
    case 2: {
        athena::get_session_status_output o;
        (void)athena::decode_get_session_status(r, o);
        break;
    }
    case 3: {
        athena::list_sessions_output o;
        (void)athena::decode_list_sessions(r, o);
        break;
    }
    case 4: {
        athena::terminate_session_output o;
        (void)athena::decode_terminate_session(r, o);
        break;
    }
    case 5: {
        athena::start_calculation_output o;
        (void)athena::decode_start_calculation_execution(r, o);
        break;
    }
    case 6: {
        athena::get_calculation_output o;
        (void)athena::decode_get_calculation_execution(r, o);
        break;
    }
    case 7: {
        athena::get_calculation_status_output o;
        (void)athena::decode_get_calculation_execution_status(r, o);
        break;
    }
    case 8: {
        std::string o;
        (void)athena::decode_get_calculation_execution_code(r, o);
        break;
    }
    case 9: {
        athena::stop_calculation_output o;
        (void)athena::decode_stop_calculation_execution(r, o);
        break;
    }
    case 10: {
        athena::list_calculations_output o;
        (void)athena::decode_list_calculation_executions(r, o);
        break;
    }
    case 11: {
        athena::work_group o;
        (void)athena::decode_get_work_group(r, o);
        break;
    }
    case 12: {
        athena::list_work_groups_output o;
        (void)athena::decode_list_work_groups(r, o);
        break;
    }
    case 13: {
        glue::database o;
        (void)glue::decode_get_database(r, o);
        break;
    }
    case 14: {
        glue::get_databases_output o;
        (void)glue::decode_get_databases(r, o);
        break;
    }
    case 15: {
        glue::table o;
        (void)glue::decode_get_table(r, o);
        break;
    }
    case 16: {
        glue::get_tables_output o;
        (void)glue::decode_get_tables(r, o);
        break;
    }
    case 17: {
        std::vector<glue::table_error> o;
        (void)glue::decode_batch_delete_table(r, o);
        break;
    }
    default: {
        // The error decoder on the same bytes, for any other selector.
        service_error e = decode_json_error(http_response_view{400, {}, body, padded});
        (void)e.kind();
        break;
    }
    }
    return 0;
}
