#pragma once
// AWS credentials as a value. Printing one never shows the secret key or the session token.
#include <iosfwd>
#include <string>

namespace aws_sigv4 {

struct credentials {
    std::string access_key_id;
    std::string secret_access_key;
    std::string session_token; ///< empty when the credentials are long-term

    bool has_session_token() const noexcept { return !session_token.empty(); }
};

/// "credentials{access_key_id=AKID..., secret_access_key=** redacted **[, session_token=** redacted **]}"
std::string to_string(const credentials& c);
std::ostream& operator<<(std::ostream& os, const credentials& c);

/// Replaces every occurrence of the secret key and session token in `text` by "** redacted **".
/// For messages that may quote user input (a command line, a file) before they are shown.
std::string redact(std::string text, const credentials& c);

} // namespace aws_sigv4
