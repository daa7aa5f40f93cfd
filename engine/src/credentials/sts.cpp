// STS providers: AssumeRole (signed with source credentials) and AssumeRoleWithWebIdentity.
// Requests and decoding come from protocol::sts; signing from aws_sigv4.
#include <aws_sigv4/hash.hpp>
#include <aws_sigv4/sign.hpp>
#include <engine/credentials/config_file.hpp>
#include <protocol/endpoint.hpp>
#include <protocol/service_error.hpp>
#include <protocol/sts.hpp>

#include "detail.hpp"

namespace engine::credentials {
namespace {

namespace asio = boost::asio;

std::error_code sts_endpoint(const environment& env, const sts_options& sts, protocol::endpoint& ep,
                             std::string& message) {
    std::string url = sts.endpoint_url;
    if (url.empty())
        url = env.get("AWS_ENDPOINT_URL_STS").value_or(env.get("AWS_ENDPOINT_URL").value_or(""));
    if (!url.empty()) {
        if (auto ec = protocol::parse_endpoint_url(url, ep)) {
            message = "STS endpoint URL " + url + " is not valid";
            return error::invalid_configuration;
        }
        return {};
    }
    if (auto ec = protocol::resolve_endpoint(protocol::service::sts, sts.region, ep)) {
        message = "region \"" + sts.region + "\" is not valid for STS";
        return error::invalid_configuration;
    }
    return {};
}

std::string session_name(const role_config& role, const environment& env) {
    if (!role.session_name.empty())
        return role.session_name;
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(env.now().time_since_epoch()).count();
    return "bb-async-" + std::to_string(secs);
}

identity to_identity(const protocol::sts::credentials& c, std::string source) {
    identity id;
    id.keys.access_key_id = c.access_key_id;
    id.keys.secret_access_key = c.secret_access_key;
    id.keys.session_token = c.session_token;
    id.expiration = std::chrono::time_point_cast<clock_type::duration>(c.expiration);
    id.source = std::move(source);
    return id;
}

// Sends a built STS request (signing it with `signer` when given) and checks the status.
asio::awaitable<credentials_result> call_sts(http_fetcher& http, protocol::http_request& req,
                                             const aws_sigv4::credentials* signer, const environment& env,
                                             const sts_options& sts, const std::string& what,
                                             fetch_response& response) {
    if (signer != nullptr) {
        std::vector<aws_sigv4::header_view> headers;
        const std::string host = req.authority();
        headers.push_back({"Host", host});
        for (const auto& [n, v] : req.headers)
            headers.push_back({n, v});
        const std::string target = req.target();
        const std::string payload_hash = aws_sigv4::sha256_hex(req.body);
        std::error_code tec;
        const auto secs =
            std::chrono::duration_cast<std::chrono::seconds>(env.now().time_since_epoch()).count();
        const auto when = aws_sigv4::signing_time::from_unix(secs, tec);
        const auto settings = aws_sigv4::settings::json_service();
        aws_sigv4::signing_params params{*signer, sts.region, "sts", when, payload_hash, settings};
        aws_sigv4::signing_result signed_out;
        std::error_code sec = tec;
        if (!sec)
            sec = aws_sigv4::sign({req.method, target, headers}, params, signed_out);
        if (sec)
            co_return credentials_result::failure(error::invalid_configuration,
                                                  what + ": cannot sign the STS request: " + sec.message());
        for (auto& [n, v] : signed_out.headers_to_add)
            req.headers.emplace_back(std::move(n), std::move(v));
    }
    auto res = co_await http.fetch(req, sts.timeout);
    const std::string where = req.scheme + "://" + req.authority();
    if (res.ec) {
        if (res.ec == detail::aborted())
            co_return credentials_result::failure(res.ec, what + ": cancelled");
        co_return credentials_result::failure(
            res.ec == error::timeout ? std::error_code(error::timeout) : res.ec,
            what + ": STS at " + where + ": " + detail::describe(res.ec, sts.timeout));
    }
    response = std::move(res.response);
    if (response.status < 200 || response.status > 299) {
        std::vector<protocol::header_view> hv;
        for (const auto& [n, v] : response.headers)
            hv.push_back({n, v});
        protocol::http_response_view view{response.status, hv, response.body, false};
        const auto err = protocol::decode_query_error(view);
        std::string msg = what + ": STS at " + where + " refused it: HTTP " + std::to_string(err.status);
        if (!err.code.empty())
            msg += " " + err.code;
        if (!err.message.empty())
            msg += ": " + err.message;
        if (!err.request_id.empty())
            msg += " (request id " + err.request_id + ")";
        co_return credentials_result::failure(error::sts_error, msg);
    }
    co_return credentials_result::success({});
}

protocol::http_response_view view_of(const fetch_response& r, std::vector<protocol::header_view>& hv) {
    for (const auto& [n, v] : r.headers)
        hv.push_back({n, v});
    return {r.status, hv, r.body, false};
}

class assume_role_provider final : public detail::provider_base {
public:
    assume_role_provider(provider_ptr source, role_config role, environment env,
                         std::shared_ptr<http_fetcher> http, sts_options sts)
        : source_(std::move(source))
        , role_(std::move(role))
        , env_(std::move(env))
        , http_(std::move(http))
        , sts_(std::move(sts)) {}

    std::string_view name() const noexcept override { return "assume-role"; }

protected:
    asio::awaitable<credentials_result> run() override {
        const std::string what = "AssumeRole " + role_.role_arn;
        auto src = co_await source_->get_credentials();
        if (!src) {
            src.message =
                what + ": source credentials (" + std::string(source_->name()) + "): " + src.message;
            if (src.not_configured())
                src.ec = error::invalid_configuration; // a named source that has nothing is a broken setup
            co_return src;
        }
        protocol::endpoint ep;
        std::string message;
        if (auto ec = sts_endpoint(env_, sts_, ep, message))
            co_return credentials_result::failure(ec, what + ": " + message);
        protocol::sts::assume_role_input in;
        in.role_arn = role_.role_arn;
        in.role_session_name = session_name(role_, env_);
        in.external_id = role_.external_id;
        in.duration_seconds = role_.duration_seconds;
        protocol::http_request req;
        if (auto ec = protocol::sts::build_assume_role(ep, in, req))
            co_return credentials_result::failure(error::invalid_configuration, what + ": " + ec.message());
        fetch_response response;
        auto r = co_await call_sts(*http_, req, &src.value.keys, env_, sts_, what, response);
        if (!r)
            co_return r;
        std::vector<protocol::header_view> hv;
        protocol::sts::assume_role_output out;
        if (auto ec = protocol::sts::decode_assume_role(view_of(response, hv), out))
            co_return credentials_result::failure(error::invalid_document,
                                                  what + ": unreadable STS response: " + ec.message());
        co_return credentials_result::success(
            to_identity(out.creds, "assume-role " + role_.role_arn + " (from " + src.value.source + ")"));
    }

private:
    provider_ptr source_;
    role_config role_;
    environment env_;
    std::shared_ptr<http_fetcher> http_;
    sts_options sts_;
};

class web_identity_provider final : public detail::provider_base {
public:
    web_identity_provider(std::string token_file, role_config role, environment env,
                          std::shared_ptr<http_fetcher> http, sts_options sts)
        : token_file_(std::move(token_file))
        , role_(std::move(role))
        , env_(std::move(env))
        , http_(std::move(http))
        , sts_(std::move(sts)) {}

    std::string_view name() const noexcept override { return "web-identity"; }

protected:
    asio::awaitable<credentials_result> run() override { co_return co_await assume(token_file_, role_); }

public:
    asio::awaitable<credentials_result> assume(std::string token_file, role_config role) {
        const std::string what = "AssumeRoleWithWebIdentity " + role.role_arn;
        std::string token, message;
        if (auto ec = read_text_file(env_.expand_user(token_file), token, message, 65536))
            co_return credentials_result::failure(ec, what + ": web identity token file: " + message);
        while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' '))
            token.pop_back();
        if (token.empty())
            co_return credentials_result::failure(
                error::invalid_configuration, what + ": web identity token file " + token_file + " is empty");
        protocol::endpoint ep;
        if (auto ec = sts_endpoint(env_, sts_, ep, message))
            co_return credentials_result::failure(ec, what + ": " + message);
        protocol::sts::assume_role_with_web_identity_input in;
        in.role_arn = role.role_arn;
        in.role_session_name = session_name(role, env_);
        in.web_identity_token = std::move(token);
        in.duration_seconds = role.duration_seconds;
        protocol::http_request req;
        if (auto ec = protocol::sts::build_assume_role_with_web_identity(ep, in, req))
            co_return credentials_result::failure(error::invalid_configuration, what + ": " + ec.message());
        fetch_response response;
        auto r = co_await call_sts(*http_, req, nullptr, env_, sts_, what, response);
        if (!r)
            co_return r;
        std::vector<protocol::header_view> hv;
        protocol::sts::assume_role_with_web_identity_output out;
        if (auto ec = protocol::sts::decode_assume_role_with_web_identity(view_of(response, hv), out))
            co_return credentials_result::failure(error::invalid_document,
                                                  what + ": unreadable STS response: " + ec.message());
        co_return credentials_result::success(to_identity(out.creds, "web-identity " + role.role_arn));
    }

private:
    std::string token_file_;
    role_config role_;
    environment env_;
    std::shared_ptr<http_fetcher> http_;
    sts_options sts_;
};

class web_identity_env_provider final : public detail::provider_base {
public:
    web_identity_env_provider(environment env, std::shared_ptr<http_fetcher> http, sts_options sts)
        : env_(std::move(env))
        , http_(std::move(http))
        , sts_(std::move(sts)) {}

    std::string_view name() const noexcept override { return "web-identity"; }

protected:
    asio::awaitable<credentials_result> run() override {
        auto file = env_.get("AWS_WEB_IDENTITY_TOKEN_FILE");
        if (!file)
            co_return credentials_result::failure(error::not_configured,
                                                  "AWS_WEB_IDENTITY_TOKEN_FILE is not set");
        auto arn = env_.get("AWS_ROLE_ARN");
        if (!arn)
            co_return credentials_result::failure(
                error::invalid_configuration, "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not");
        role_config role;
        role.role_arn = *arn;
        role.session_name = env_.get("AWS_ROLE_SESSION_NAME").value_or("");
        auto p = std::make_shared<web_identity_provider>(*file, role, env_, http_, sts_);
        co_return co_await p->assume(*file, role);
    }

private:
    environment env_;
    std::shared_ptr<http_fetcher> http_;
    sts_options sts_;
};

} // namespace

provider_ptr make_assume_role_provider(provider_ptr source, role_config role, environment env,
                                       std::shared_ptr<http_fetcher> http, sts_options sts) {
    return std::make_shared<assume_role_provider>(std::move(source), std::move(role), std::move(env),
                                                  std::move(http), std::move(sts));
}

provider_ptr make_web_identity_provider(std::string token_file, role_config role, environment env,
                                        std::shared_ptr<http_fetcher> http, sts_options sts) {
    return std::make_shared<web_identity_provider>(std::move(token_file), std::move(role), std::move(env),
                                                   std::move(http), std::move(sts));
}

provider_ptr make_web_identity_env_provider(environment env, std::shared_ptr<http_fetcher> http,
                                            sts_options sts) {
    return std::make_shared<web_identity_env_provider>(std::move(env), std::move(http), std::move(sts));
}

} // namespace engine::credentials
