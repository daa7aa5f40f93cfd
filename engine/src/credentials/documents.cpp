#include <engine/credentials/documents.hpp>
#include <protocol/http.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <chrono>

namespace engine::credentials {
namespace {

credentials_result bad(std::string_view what, std::string_view field) {
    return credentials_result::failure(error::invalid_document,
                                       std::string(what) + ": " + std::string(field));
}

// Reads the string member `key`; nullptr if absent or not a string.
const boost::json::string* member(const boost::json::object& o, std::string_view key) {
    auto it = o.find(key);
    if (it == o.end() || !it->value().is_string())
        return nullptr;
    return &it->value().get_string();
}

// Reads AccessKeyId, SecretAccessKey, the token member and Expiration from a parsed object.
credentials_result read_keys(const boost::json::object& o, std::string_view document,
                             std::string_view token_key) {
    const auto* akid = member(o, "AccessKeyId");
    const auto* secret = member(o, "SecretAccessKey");
    if (akid == nullptr || akid->empty())
        return bad(document, "AccessKeyId missing or empty");
    if (secret == nullptr || secret->empty())
        return bad(document, "SecretAccessKey missing or empty");
    identity id;
    id.keys.access_key_id = std::string(akid->data(), akid->size());
    id.keys.secret_access_key = std::string(secret->data(), secret->size());
    if (const auto* tok = member(o, token_key))
        id.keys.session_token = std::string(tok->data(), tok->size());
    if (auto it = o.find("Expiration"); it != o.end() && !it->value().is_null()) {
        const auto* exp = member(o, "Expiration");
        if (exp == nullptr)
            return bad(document, "Expiration is not a string");
        auto t = parse_iso8601(std::string_view(exp->data(), exp->size()));
        if (!t)
            return bad(document, "Expiration is not an ISO 8601 date-time");
        id.expiration = *t;
    }
    return credentials_result::success(std::move(id));
}

// Parses `json` into `storage`; nullptr when it is not a JSON object.
const boost::json::object* parse_object(std::string_view json, boost::json::value& storage) {
    boost::system::error_code ec;
    storage = boost::json::parse(boost::json::string_view(json.data(), json.size()), ec);
    if (ec || !storage.is_object())
        return nullptr;
    return &storage.get_object();
}

} // namespace

std::optional<time_point> parse_iso8601(std::string_view s) noexcept {
    auto t = protocol::parse_iso8601(s);
    if (!t || *t < protocol::timestamp{})
        return std::nullopt; // before 1970: not a credential expiry
    return std::chrono::time_point_cast<time_point::duration>(*t);
}

credentials_result parse_process_output(std::string_view json) {
    constexpr std::string_view doc = "credential_process output";
    boost::json::value storage;
    const auto* o = parse_object(json, storage);
    if (o == nullptr)
        return bad(doc, "not a JSON object");
    // Version first, so that a document of another version is reported as such.
    auto it = o->find("Version");
    if (it == o->end())
        return bad(doc, "Version missing (expected 1)");
    const auto& ver = it->value();
    if (!((ver.is_int64() && ver.get_int64() == 1) || (ver.is_uint64() && ver.get_uint64() == 1)))
        return bad(doc, "unsupported Version (expected 1)");
    auto r = read_keys(*o, doc, "SessionToken");
    if (r)
        r.value.source = "credential_process";
    return r;
}

credentials_result parse_imds_document(std::string_view json) {
    constexpr std::string_view doc = "instance metadata credentials";
    boost::json::value storage;
    const auto* o = parse_object(json, storage);
    if (o == nullptr)
        return bad(doc, "not a JSON object");
    if (const auto* code = member(*o, "Code"); code != nullptr && *code != "Success")
        return bad(doc, "Code is \"" + std::string(code->data(), code->size()) + "\", not \"Success\"");
    auto r = read_keys(*o, doc, "Token");
    if (r)
        r.value.source = "imds";
    return r;
}

credentials_result parse_container_document(std::string_view json) {
    constexpr std::string_view doc = "container credentials";
    boost::json::value storage;
    const auto* o = parse_object(json, storage);
    if (o == nullptr)
        return bad(doc, "not a JSON object");
    auto r = read_keys(*o, doc, "Token");
    if (r)
        r.value.source = "container";
    return r;
}

} // namespace engine::credentials
