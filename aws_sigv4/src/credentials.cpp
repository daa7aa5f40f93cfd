#include <aws_sigv4/credentials.hpp>

#include <ostream>

namespace aws_sigv4 {

namespace {
constexpr std::string_view redacted = "** redacted **";
}

std::string to_string(const credentials& c) {
    std::string s = "credentials{access_key_id=";
    s += c.access_key_id;
    s += ", secret_access_key=";
    s += redacted;
    if (c.has_session_token()) {
        s += ", session_token=";
        s += redacted;
    }
    s += '}';
    return s;
}

std::ostream& operator<<(std::ostream& os, const credentials& c) {
    return os << to_string(c);
}

std::string redact(std::string text, const credentials& c) {
    for (const std::string* secret : {&c.secret_access_key, &c.session_token}) {
        if (secret->empty())
            continue;
        for (std::size_t pos = text.find(*secret); pos != std::string::npos;
             pos = text.find(*secret, pos + redacted.size()))
            text.replace(pos, secret->size(), redacted);
    }
    return text;
}

} // namespace aws_sigv4
