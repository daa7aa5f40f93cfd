// EC2 instance metadata (IMDSv2) and ECS container credentials.
#include <engine/credentials/config_file.hpp>
#include <engine/credentials/documents.hpp>

#include <boost/asio/ip/address.hpp>

#include "detail.hpp"

namespace engine::credentials {
namespace {

namespace asio = boost::asio;

// The request for `base_url` + `path`; false (with a message) when base_url is unusable.
bool make_request(std::string_view base_url, std::string_view path, protocol::http_request& req,
                  std::string& message) {
    std::string base(base_url);
    while (!base.empty() && base.back() == '/')
        base.pop_back();
    return detail::parse_url(base + std::string(path), req, message);
}

class imds_provider final : public detail::provider_base {
public:
    imds_provider(environment env, std::shared_ptr<http_fetcher> http, imds_options options)
        : env_(std::move(env))
        , http_(std::move(http))
        , options_(std::move(options)) {}

    std::string_view name() const noexcept override { return "imds"; }

protected:
    asio::awaitable<credentials_result> run() override {
        if (env_.get_bool("AWS_EC2_METADATA_DISABLED"))
            co_return credentials_result::failure(error::not_configured,
                                                  "disabled by AWS_EC2_METADATA_DISABLED=true");
        const std::string base = endpoint();

        // 1. IMDSv2 session token.
        protocol::http_request req;
        std::string message;
        if (!make_request(base, "/latest/api/token", req, message))
            co_return credentials_result::failure(error::invalid_configuration,
                                                  "instance metadata endpoint " + base + ": " + message);
        req.method = "PUT";
        req.headers.emplace_back("X-aws-ec2-metadata-token-ttl-seconds",
                                 std::to_string(options_.token_ttl_seconds));
        auto tok = co_await http_->fetch(req, options_.timeout);
        std::string token;
        if (tok.ec) {
            co_return fail_transport(tok.ec, base);
        } else if (tok.response.status == 200 && !tok.response.body.empty()) {
            token = std::move(tok.response.body);
        } else {
            const int s = tok.response.status;
            const bool refused = s == 403 || s == 404 || s == 405;
            if (!(refused && options_.allow_v1_fallback))
                co_return credentials_result::failure(error::not_configured,
                                                      "IMDSv2 token request to " + base + " failed with " +
                                                          detail::describe_status(tok.response) +
                                                          (refused ? "; IMDSv1 fallback is disabled" : ""));
        }

        // 2. The role attached to the instance.
        const std::string prefix = "/latest/meta-data/iam/security-credentials/";
        auto listing = co_await get(base, prefix, token);
        if (listing.ec)
            co_return fail_transport(listing.ec, base);
        if (listing.response.status == 404)
            co_return credentials_result::failure(error::not_configured,
                                                  "no IAM role is attached to this instance (" + base + ")");
        if (listing.response.status != 200)
            co_return credentials_result::failure(
                error::http_status, "instance metadata role listing at " + base + " failed with " +
                                        detail::describe_status(listing.response));
        std::string_view body = listing.response.body;
        std::string role(body.substr(0, body.find_first_of("\r\n")));
        while (!role.empty() && (role.back() == ' ' || role.back() == '\t'))
            role.pop_back();
        if (role.empty() || role.find_first_of("/?#") != std::string::npos)
            co_return credentials_result::failure(
                error::invalid_document, "instance metadata role listing at " + base + " is not a role name");

        // 3. The credentials of that role.
        auto doc = co_await get(base, prefix + role, token);
        if (doc.ec)
            co_return fail_transport(doc.ec, base);
        if (doc.response.status != 200)
            co_return credentials_result::failure(
                error::http_status, "instance metadata credentials for role " + role + " failed with " +
                                        detail::describe_status(doc.response));
        auto r = parse_imds_document(doc.response.body);
        if (!r) {
            r.message = "role " + role + ": " + r.message;
            co_return r;
        }
        r.value.source = "imds (role " + role + ")";
        co_return r;
    }

private:
    std::string endpoint() const {
        if (!options_.endpoint.empty())
            return options_.endpoint;
        if (auto v = env_.get("AWS_EC2_METADATA_SERVICE_ENDPOINT"))
            return *v;
        if (auto m = env_.get("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"); m && (*m == "IPv6" || *m == "ipv6"))
            return "http://[fd00:ec2::254]";
        return "http://169.254.169.254";
    }

    asio::awaitable<fetch_result> get(const std::string& base, const std::string& path,
                                      const std::string& token) {
        protocol::http_request req;
        std::string message;
        make_request(base, path, req, message);
        if (!token.empty())
            req.headers.emplace_back("X-aws-ec2-metadata-token", token);
        co_return co_await http_->fetch(req, options_.timeout);
    }

    credentials_result fail_transport(const std::error_code& ec, const std::string& base) const {
        if (ec == detail::aborted())
            return credentials_result::failure(ec, "instance metadata request cancelled");
        // No answer: not on EC2, or the hop limit stops the response (containers).
        return credentials_result::failure(error::not_configured,
                                           "no instance metadata service at " + base + " (" +
                                               detail::describe(ec, options_.timeout) + ")");
    }

    environment env_;
    std::shared_ptr<http_fetcher> http_;
    imds_options options_;
};

bool allowed_http_host(std::string host) {
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    for (char& c : host)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (host == "localhost")
        return true;
    boost::system::error_code ec;
    const auto addr = asio::ip::make_address(host, ec);
    if (ec)
        return false;
    if (addr.is_loopback())
        return true;
    return addr == asio::ip::make_address("169.254.170.2") ||
           addr == asio::ip::make_address("169.254.170.23") || addr == asio::ip::make_address("fd00:ec2::23");
}

class container_provider final : public detail::provider_base {
public:
    container_provider(environment env, std::shared_ptr<http_fetcher> http, container_options options)
        : env_(std::move(env))
        , http_(std::move(http))
        , options_(options) {}

    std::string_view name() const noexcept override { return "container"; }

protected:
    asio::awaitable<credentials_result> run() override {
        protocol::http_request req;
        std::string message, url;
        if (auto rel = env_.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
            url = "http://169.254.170.2" + (rel->starts_with('/') ? *rel : "/" + *rel);
            if (!detail::parse_url(url, req, message))
                co_return credentials_result::failure(error::invalid_configuration,
                                                      "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: " + message);
        } else if (auto full = env_.get("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
            url = *full;
            if (!detail::parse_url(url, req, message))
                co_return credentials_result::failure(error::invalid_configuration,
                                                      "AWS_CONTAINER_CREDENTIALS_FULL_URI: " + message);
            if (req.scheme == "http" && !allowed_http_host(req.host))
                co_return credentials_result::failure(error::invalid_configuration,
                                                      "AWS_CONTAINER_CREDENTIALS_FULL_URI host " + req.host +
                                                          " is not allowed over http (only loopback, "
                                                          "localhost, 169.254.170.2, 169.254.170.23 and "
                                                          "fd00:ec2::23; use https for other hosts)");
        } else {
            co_return credentials_result::failure(
                error::not_configured,
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set");
        }

        std::string token;
        if (auto file = env_.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
            if (auto ec = read_text_file(env_.expand_user(*file), token, message, 16384))
                co_return credentials_result::failure(ec,
                                                      "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: " + message);
            while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' '))
                token.pop_back();
        } else if (auto t = env_.get("AWS_CONTAINER_AUTHORIZATION_TOKEN")) {
            token = *t;
        }
        if (token.find_first_of("\r\n") != std::string::npos)
            co_return credentials_result::failure(error::invalid_configuration,
                                                  "the container authorization token contains a line break");
        if (!token.empty())
            req.headers.emplace_back("Authorization", token);
        req.headers.emplace_back("Accept", "application/json");

        auto res = co_await http_->fetch(req, options_.timeout);
        // The URL may carry a secret in its query; name only scheme, host and path.
        const std::string where = req.scheme + "://" + req.authority() + req.path;
        if (res.ec) {
            if (res.ec == detail::aborted())
                co_return credentials_result::failure(res.ec, "container credentials request cancelled");
            co_return credentials_result::failure(res.ec == error::timeout ? std::error_code(error::timeout)
                                                                           : res.ec,
                                                  "container credentials endpoint " + where + ": " +
                                                      detail::describe(res.ec, options_.timeout));
        }
        if (res.response.status != 200)
            co_return credentials_result::failure(error::http_status,
                                                  "container credentials endpoint " + where + " answered " +
                                                      detail::describe_status(res.response));
        auto r = parse_container_document(res.response.body);
        if (!r) {
            r.message = "container credentials endpoint " + where + ": " + r.message;
            co_return r;
        }
        r.value.source = "container (" + where + ")";
        co_return r;
    }

private:
    environment env_;
    std::shared_ptr<http_fetcher> http_;
    container_options options_;
};

} // namespace

provider_ptr make_imds_provider(environment env, std::shared_ptr<http_fetcher> http, imds_options options) {
    return std::make_shared<imds_provider>(std::move(env), std::move(http), std::move(options));
}

provider_ptr make_container_provider(environment env, std::shared_ptr<http_fetcher> http,
                                     container_options options) {
    return std::make_shared<container_provider>(std::move(env), std::move(http), options);
}

} // namespace engine::credentials
