#include <protocol/sts.hpp>

#include "xml_read.hpp"

namespace protocol::sts {
namespace {

using detail::get;

void form_field(std::string& body, std::string_view name, std::string_view value) {
    if (!body.empty())
        body += '&';
    body += uri_encode(name);
    body += '=';
    body += uri_encode(value);
}

void start(const endpoint& ep, std::string_view action, http_request& out) {
    out = http_request{};
    out.method = "POST";
    out.scheme = ep.scheme;
    out.host = ep.host;
    out.port = ep.port;
    out.path = ep.base_path + '/';
    out.signing_name = "sts";
    out.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    form_field(out.body, "Action", action);
    form_field(out.body, "Version", "2011-06-15");
}

std::error_code check_session(std::string_view role_arn, std::string_view name,
                              const std::optional<int>& duration) {
    if (role_arn.empty() || name.empty())
        return error::missing_parameter;
    if (role_arn.size() < 20 || role_arn.size() > 2048 || name.size() < 2 || name.size() > 64)
        return error::invalid_parameter;
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '+' || c == '=' || c == ',' || c == '.' || c == '@' || c == '-'))
            return error::invalid_parameter;
    if (duration && (*duration < 900 || *duration > 43200))
        return error::invalid_parameter;
    return {};
}

// <OpResponse><OpResult>...</OpResult><ResponseMetadata>...</ResponseMetadata></OpResponse>
std::error_code open_result(pugi::xml_document& doc, const http_response_view& r, const char* response,
                            const char* result, pugi::xml_node& out) {
    if (!r.success())
        return error::not_success;
    pugi::xml_node root;
    BB_TRY(detail::parse_xml(doc, r.body, response, root));
    out = root.child(result);
    return out ? std::error_code{} : std::error_code{error::missing_field};
}

std::error_code read_credentials(pugi::xml_node result, credentials& out) {
    pugi::xml_node c = result.child("Credentials");
    if (!c)
        return error::missing_field;
    BB_TRY(get(c, "AccessKeyId", out.access_key_id, true));
    BB_TRY(get(c, "SecretAccessKey", out.secret_access_key, true));
    BB_TRY(get(c, "SessionToken", out.session_token, true));
    std::optional<timestamp> exp;
    BB_TRY(get(c, "Expiration", exp, true));
    out.expiration = *exp;
    if (out.access_key_id.empty() || out.secret_access_key.empty())
        return error::missing_field;
    return {};
}

std::error_code read_user(pugi::xml_node result, assumed_role_user& out) {
    pugi::xml_node u = result.child("AssumedRoleUser");
    if (!u)
        return {};
    BB_TRY(get(u, "Arn", out.arn));
    return get(u, "AssumedRoleId", out.assumed_role_id);
}

} // namespace

std::error_code build_assume_role(const endpoint& ep, const assume_role_input& in, http_request& out) {
    BB_TRY(check_session(in.role_arn, in.role_session_name, in.duration_seconds));
    start(ep, "AssumeRole", out);
    form_field(out.body, "RoleArn", in.role_arn);
    form_field(out.body, "RoleSessionName", in.role_session_name);
    if (in.duration_seconds)
        form_field(out.body, "DurationSeconds", std::to_string(*in.duration_seconds));
    if (!in.external_id.empty())
        form_field(out.body, "ExternalId", in.external_id);
    if (!in.policy.empty())
        form_field(out.body, "Policy", in.policy);
    return {};
}

std::error_code decode_assume_role(const http_response_view& r, assume_role_output& out) {
    pugi::xml_document doc;
    pugi::xml_node res;
    BB_TRY(open_result(doc, r, "AssumeRoleResponse", "AssumeRoleResult", res));
    BB_TRY(read_credentials(res, out.creds));
    BB_TRY(read_user(res, out.user));
    return get(res, "PackedPolicySize", out.packed_policy_size);
}

std::error_code build_assume_role_with_web_identity(const endpoint& ep,
                                                    const assume_role_with_web_identity_input& in,
                                                    http_request& out) {
    BB_TRY(check_session(in.role_arn, in.role_session_name, in.duration_seconds));
    if (in.web_identity_token.empty())
        return error::missing_parameter;
    start(ep, "AssumeRoleWithWebIdentity", out);
    out.sign = false;
    form_field(out.body, "RoleArn", in.role_arn);
    form_field(out.body, "RoleSessionName", in.role_session_name);
    form_field(out.body, "WebIdentityToken", in.web_identity_token);
    if (in.duration_seconds)
        form_field(out.body, "DurationSeconds", std::to_string(*in.duration_seconds));
    if (!in.provider_id.empty())
        form_field(out.body, "ProviderId", in.provider_id);
    return {};
}

std::error_code decode_assume_role_with_web_identity(const http_response_view& r,
                                                     assume_role_with_web_identity_output& out) {
    pugi::xml_document doc;
    pugi::xml_node res;
    BB_TRY(open_result(doc, r, "AssumeRoleWithWebIdentityResponse", "AssumeRoleWithWebIdentityResult", res));
    BB_TRY(read_credentials(res, out.creds));
    BB_TRY(read_user(res, out.user));
    BB_TRY(get(res, "SubjectFromWebIdentityToken", out.subject_from_web_identity_token));
    BB_TRY(get(res, "Provider", out.provider));
    return get(res, "Audience", out.audience);
}

std::error_code build_get_caller_identity(const endpoint& ep, http_request& out) {
    start(ep, "GetCallerIdentity", out);
    return {};
}

std::error_code decode_get_caller_identity(const http_response_view& r, caller_identity& out) {
    pugi::xml_document doc;
    pugi::xml_node res;
    BB_TRY(open_result(doc, r, "GetCallerIdentityResponse", "GetCallerIdentityResult", res));
    BB_TRY(get(res, "UserId", out.user_id));
    BB_TRY(get(res, "Account", out.account));
    return get(res, "Arn", out.arn);
}

} // namespace protocol::sts
