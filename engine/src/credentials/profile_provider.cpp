// The shared-files provider: resolves the selected profile (role_arn / source_profile chains,
// web identity, credential_process, static keys) in botocore's order.
#include <engine/credentials/config_file.hpp>

#include <algorithm>

#include "detail.hpp"

namespace engine::credentials {
namespace {

namespace asio = boost::asio;

std::string where(const shared_config& cfg, const profile& p) {
    std::string s;
    if (p.config != nullptr)
        s = cfg.config_path;
    if (p.credentials != nullptr)
        s += (s.empty() ? "" : " and ") + cfg.credentials_path;
    return s;
}

std::optional<int> to_int(const std::string* v) {
    if (v == nullptr)
        return std::nullopt;
    int n = 0;
    if (v->empty() || v->size() > 9 ||
        !std::all_of(v->begin(), v->end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    for (char c : *v)
        n = n * 10 + (c - '0');
    return n;
}

class profile_provider final : public detail::provider_base {
public:
    profile_provider(environment env, std::shared_ptr<http_fetcher> http, profile_options options)
        : env_(std::move(env))
        , http_(std::move(http))
        , options_(std::move(options)) {}

    std::string_view name() const noexcept override { return "profile"; }

protected:
    asio::awaitable<credentials_result> run() override {
        shared_config cfg;
        std::string message;
        if (auto ec = load_shared_config(env_, cfg, message))
            co_return credentials_result::failure(ec, message);
        bool is_explicit = false;
        const std::string name = select_profile(env_, options_.profile, &is_explicit);
        if (!cfg.find(name)) {
            std::string files = cfg.config_path + " or " + cfg.credentials_path;
            if (is_explicit)
                co_return credentials_result::failure(error::profile_not_found,
                                                      "profile \"" + name + "\" not found in " + files);
            co_return credentials_result::failure(error::not_configured,
                                                  "no profile \"default\" in " + files);
        }
        std::vector<std::string> visited;
        co_return co_await resolve(cfg, name, visited);
    }

private:
    static credentials_result static_keys(const shared_config& cfg, const profile& p, file_kind from) {
        const auto* akid = p.get("aws_access_key_id", from);
        const auto* secret = p.get("aws_secret_access_key", from);
        const std::string& path = from == file_kind::config ? cfg.config_path : cfg.credentials_path;
        if (akid == nullptr && secret == nullptr)
            return credentials_result::failure(error::not_configured, "");
        if (akid == nullptr || secret == nullptr)
            return credentials_result::failure(
                error::invalid_configuration, "profile \"" + p.name + "\" in " + path + " sets " +
                                                  (akid ? "aws_access_key_id but not aws_secret_access_key"
                                                        : "aws_secret_access_key but not aws_access_key_id"));
        identity id;
        id.keys.access_key_id = *akid;
        id.keys.secret_access_key = *secret;
        if (const auto* tok = p.get("aws_session_token", from))
            id.keys.session_token = *tok;
        id.source = "profile " + p.name + " (" + path + ")";
        return credentials_result::success(std::move(id));
    }

    asio::awaitable<credentials_result> resolve(const shared_config& cfg, const std::string& name,
                                                std::vector<std::string>& visited) {
        auto found = cfg.find(name);
        if (!found)
            co_return credentials_result::failure(error::profile_not_found,
                                                  "source profile \"" + name + "\" not found in " +
                                                      cfg.config_path + " or " + cfg.credentials_path);
        const profile& p = *found;
        const std::string label = "profile \"" + name + "\"";
        visited.push_back(name);

        const auto* role_arn = p.get("role_arn");
        const auto* token_file = p.get("web_identity_token_file");
        if (role_arn != nullptr && token_file == nullptr) {
            if (p.get("mfa_serial") != nullptr)
                co_return credentials_result::failure(error::unsupported,
                                                      label + ": mfa_serial (MFA prompts) is not supported");
            const auto* source_profile = p.get("source_profile");
            const auto* credential_source = p.get("credential_source");
            if (source_profile != nullptr && credential_source != nullptr)
                co_return credentials_result::failure(
                    error::invalid_configuration, label + " sets both source_profile and credential_source");
            provider_ptr source;
            if (source_profile != nullptr) {
                credentials_result src;
                const bool seen = std::find(visited.begin(), visited.end(), *source_profile) != visited.end();
                if (*source_profile == name) {
                    // A profile may name itself: its own static keys are the source.
                    src = static_keys(cfg, p, file_kind::credentials);
                    if (src.not_configured())
                        src = static_keys(cfg, p, file_kind::config);
                    if (src.not_configured())
                        co_return credentials_result::failure(
                            error::invalid_configuration, label + " is its own source_profile but has no "
                                                                  "aws_access_key_id/aws_secret_access_key");
                } else if (seen) {
                    std::string loop;
                    for (const auto& v : visited)
                        loop += v + " -> ";
                    co_return credentials_result::failure(error::invalid_configuration,
                                                          "source_profile loop: " + loop + *source_profile);
                } else {
                    src = co_await resolve(cfg, *source_profile, visited);
                    if (src.not_configured())
                        co_return credentials_result::failure(error::invalid_configuration,
                                                              label + ": source profile \"" +
                                                                  *source_profile + "\" has no credentials");
                }
                if (!src)
                    co_return src;
                source = make_static_provider(src.value.keys, src.value.expiration, src.value.source);
            } else if (credential_source != nullptr) {
                if (*credential_source == "Environment")
                    source = make_environment_provider(env_);
                else if (*credential_source == "Ec2InstanceMetadata")
                    source = make_imds_provider(env_, http_, options_.imds);
                else if (*credential_source == "EcsContainer")
                    source = make_container_provider(env_, http_, options_.container);
                else
                    co_return credentials_result::failure(
                        error::invalid_configuration,
                        label + ": credential_source \"" + *credential_source +
                            "\" is not one of Environment, Ec2InstanceMetadata, EcsContainer");
            } else {
                co_return credentials_result::failure(error::invalid_configuration,
                                                      label + " sets role_arn but neither source_profile nor "
                                                              "credential_source");
            }
            role_config role;
            role.role_arn = *role_arn;
            if (const auto* v = p.get("role_session_name"))
                role.session_name = *v;
            if (const auto* v = p.get("external_id"))
                role.external_id = *v;
            if (const auto* v = p.get("duration_seconds")) {
                role.duration_seconds = to_int(v);
                if (!role.duration_seconds)
                    co_return credentials_result::failure(error::invalid_configuration,
                                                          label + ": duration_seconds is not a number");
            }
            auto r = co_await make_assume_role_provider(source, role, env_, http_, options_.sts)
                         ->get_credentials();
            if (r)
                r.value.source += " via profile " + name;
            co_return r;
        }
        if (token_file != nullptr) {
            if (role_arn == nullptr)
                co_return credentials_result::failure(
                    error::invalid_configuration, label + " sets web_identity_token_file but not role_arn");
            role_config role;
            role.role_arn = *role_arn;
            if (const auto* v = p.get("role_session_name"))
                role.session_name = *v;
            co_return co_await make_web_identity_provider(*token_file, role, env_, http_, options_.sts)
                ->get_credentials();
        }
        if (p.get("sso_session") != nullptr || p.get("sso_start_url") != nullptr)
            co_return credentials_result::failure(
                error::unsupported,
                label +
                    " uses IAM Identity Center (SSO), which is not supported directly; add\n"
                    "credential_process = aws configure export-credentials --profile " +
                    name + " --format process\nto a profile and use that one");
        if (auto r = static_keys(cfg, p, file_kind::credentials); !r.not_configured())
            co_return r;
        if (const auto* cmd = p.get("credential_process")) {
            auto r =
                co_await make_process_provider(*cmd, options_.process, "profile " + name)->get_credentials();
            co_return r;
        }
        if (auto r = static_keys(cfg, p, file_kind::config); !r.not_configured())
            co_return r;
        co_return credentials_result::failure(error::not_configured,
                                              label + " in " + where(cfg, p) +
                                                  " has no credentials (aws_access_key_id, role_arn, "
                                                  "web_identity_token_file or credential_process)");
    }

    environment env_;
    std::shared_ptr<http_fetcher> http_;
    profile_options options_;
};

} // namespace

provider_ptr make_profile_provider(environment env, std::shared_ptr<http_fetcher> http,
                                   profile_options options) {
    return std::make_shared<profile_provider>(std::move(env), std::move(http), std::move(options));
}

} // namespace engine::credentials
