#include <engine/credentials/error.hpp>

#include <string>

namespace engine::credentials {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "engine.credentials"; }
    std::string message(int ev) const override {
        switch (static_cast<error>(ev)) {
        case error::ok:
            return "success";
        case error::not_configured:
            return "credentials source not configured";
        case error::no_credentials:
            return "no AWS credentials found";
        case error::timeout:
            return "credentials source timed out";
        case error::profile_not_found:
            return "profile not found";
        case error::invalid_configuration:
            return "invalid credentials configuration";
        case error::config_parse:
            return "malformed shared config or credentials file";
        case error::file_read:
            return "cannot read file";
        case error::process_spawn:
            return "cannot start credential_process";
        case error::process_exit:
            return "credential_process failed";
        case error::process_output_too_large:
            return "credential_process output too large";
        case error::invalid_document:
            return "invalid credentials document";
        case error::http_status:
            return "credentials endpoint returned an HTTP error";
        case error::sts_error:
            return "STS refused the request";
        case error::unsupported:
            return "unsupported credentials configuration";
        case error::unsupported_scheme:
            return "URL scheme not supported by this HTTP fetcher";
        }
        return "unknown engine.credentials error " + std::to_string(ev);
    }
};

} // namespace

const std::error_category& credentials_category() noexcept {
    static const category c;
    return c;
}

} // namespace engine::credentials
