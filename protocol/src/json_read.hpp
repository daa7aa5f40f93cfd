#pragma once
// simdjson (DOM, error-code API) helpers for the JSON 1.1 decoders. Private to protocol/: only .cpp
// files include this (simdjson.h is large). Every helper returns std::error_code and never throws.
#include <protocol/error.hpp>
#include <protocol/http.hpp>

#include <simdjson.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "try.hpp"

namespace protocol::detail {

static_assert(simdjson::SIMDJSON_PADDING == json_padding, "protocol::json_padding must match simdjson");

using jobject = simdjson::dom::object;
using jelement = simdjson::dom::element;

/// Parses a 2xx JSON 1.1 body into its top-level object. An empty body counts as "{}".
/// Errors: not_success (status not 2xx), malformed_json.
inline std::error_code parse_json_object(simdjson::dom::parser& parser, const http_response_view& r,
                                         jobject& out) {
    if (!r.success())
        return error::not_success;
    std::string_view body = r.body;
    if (body.find_first_not_of(" \t\r\n") == std::string_view::npos)
        body = "{}";
    jelement root;
    if (parser.parse(body.data(), body.size(), !(r.body_padded && body.data() == r.body.data())).get(root))
        return error::malformed_json;
    if (root.get_object().get(out))
        return error::malformed_json;
    return {};
}

/// Looks up a member; present=false when absent or null.
inline bool find(const jobject& o, std::string_view k, jelement& out) {
    if (o.at_key(k).get(out))
        return false;
    return !out.is_null();
}

inline std::error_code get(const jobject& o, std::string_view k, std::string& out, bool required = false) {
    jelement e;
    if (!find(o, k, e))
        return required ? error::missing_field : std::error_code{};
    std::string_view v;
    if (e.get_string().get(v))
        return error::wrong_type;
    out.assign(v);
    return {};
}

inline std::error_code get(const jobject& o, std::string_view k, std::optional<std::int64_t>& out) {
    jelement e;
    if (!find(o, k, e))
        return {};
    std::int64_t v;
    if (e.get_int64().get(v)) {
        double d;
        if (e.get_double().get(d))
            return error::wrong_type;
        if (!(d >= -9.2e18 && d <= 9.2e18))
            return error::bad_value;
        v = static_cast<std::int64_t>(d);
    }
    out = v;
    return {};
}

inline std::error_code get(const jobject& o, std::string_view k, std::optional<bool>& out) {
    jelement e;
    if (!find(o, k, e))
        return {};
    bool v;
    if (e.get_bool().get(v))
        return error::wrong_type;
    out = v;
    return {};
}

/// JSON 1.1 timestamps: epoch seconds as a number.
inline std::error_code get(const jobject& o, std::string_view k, std::optional<timestamp>& out) {
    jelement e;
    if (!find(o, k, e))
        return {};
    double d;
    if (e.get_double().get(d))
        return error::wrong_type;
    out = from_epoch_seconds(d);
    return out ? std::error_code{} : error::bad_value;
}

inline std::error_code get(const jobject& o, std::string_view k,
                           std::map<std::string, std::string, std::less<>>& out) {
    jelement e;
    if (!find(o, k, e))
        return {};
    jobject m;
    if (e.get_object().get(m))
        return error::wrong_type;
    for (auto field : m) {
        std::string_view v;
        if (field.value.get_string().get(v))
            return error::wrong_type;
        out.insert_or_assign(std::string(field.key), std::string(v));
    }
    return {};
}

inline std::error_code get(const jobject& o, std::string_view k, std::vector<std::string>& out) {
    jelement e;
    if (!find(o, k, e))
        return {};
    simdjson::dom::array a;
    if (e.get_array().get(a))
        return error::wrong_type;
    for (jelement item : a) {
        std::string_view v;
        if (item.get_string().get(v))
            return error::wrong_type;
        out.emplace_back(v);
    }
    return {};
}

/// A nested object; present=false (and no error) when absent or null.
inline std::error_code get_object(const jobject& o, std::string_view k, jobject& out, bool& present) {
    jelement e;
    present = find(o, k, e);
    if (!present)
        return {};
    return e.get_object().get(out) ? std::error_code{error::wrong_type} : std::error_code{};
}

/// Calls f(jobject) for each object of an array member; absent or null arrays are empty.
template <class F>
std::error_code for_each_object(const jobject& o, std::string_view k, F&& f) {
    jelement e;
    if (!find(o, k, e))
        return {};
    simdjson::dom::array a;
    if (e.get_array().get(a))
        return error::wrong_type;
    for (jelement item : a) {
        jobject obj;
        if (item.get_object().get(obj))
            return error::wrong_type;
        if (auto ec = f(obj))
            return ec;
    }
    return {};
}

} // namespace protocol::detail
