// Static and environment-variable providers.
#include <engine/credentials/documents.hpp>

#include "detail.hpp"

namespace engine::credentials {
namespace {

class static_provider final : public detail::provider_base {
public:
    explicit static_provider(identity id)
        : id_(std::move(id)) {}
    std::string_view name() const noexcept override { return "static"; }

protected:
    detail::asio::awaitable<credentials_result> run() override { co_return credentials_result::success(id_); }

private:
    identity id_;
};

class environment_provider final : public detail::provider_base {
public:
    explicit environment_provider(environment env)
        : env_(std::move(env)) {}
    std::string_view name() const noexcept override { return "environment"; }

protected:
    detail::asio::awaitable<credentials_result> run() override { co_return resolve(); }

private:
    credentials_result resolve() const {
        auto akid = env_.get("AWS_ACCESS_KEY_ID");
        auto secret = env_.get("AWS_SECRET_ACCESS_KEY");
        if (!akid && !secret)
            return credentials_result::failure(error::not_configured,
                                               "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set");
        if (!akid || !secret)
            return credentials_result::failure(
                error::invalid_configuration,
                std::string(akid ? "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"
                                 : "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"));
        identity id;
        id.keys.access_key_id = *akid;
        id.keys.secret_access_key = *secret;
        id.keys.session_token = env_.get("AWS_SESSION_TOKEN").value_or(std::string());
        if (auto exp = env_.get("AWS_CREDENTIAL_EXPIRATION")) {
            auto t = parse_iso8601(*exp);
            if (!t)
                return credentials_result::failure(error::invalid_configuration,
                                                   "AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 date-time");
            id.expiration = *t;
        }
        id.source = "environment";
        return credentials_result::success(std::move(id));
    }

    environment env_;
};

} // namespace

provider_ptr make_static_provider(aws_sigv4::credentials keys, std::optional<time_point> expiration,
                                  std::string source) {
    identity id;
    id.keys = std::move(keys);
    id.expiration = expiration;
    id.source = std::move(source);
    return std::make_shared<static_provider>(std::move(id));
}

provider_ptr make_environment_provider(environment env) {
    return std::make_shared<environment_provider>(std::move(env));
}

} // namespace engine::credentials
