#include <engine/http/message.hpp>

#include <cstring>

namespace engine::http {

std::string origin::key() const {
    std::string k = tls ? "https://" : "http://";
    if (host.find(':') != std::string::npos)
        k += "[" + host + "]";
    else
        k += host;
    k += ':';
    k += std::to_string(port);
    return k;
}

std::uint64_t request::body_size() const noexcept {
    return provider ? provider->size() : body.size();
}

std::optional<request> from_protocol(protocol::http_request&& req) {
    request r;
    if (req.scheme == "https")
        r.to.tls = true;
    else if (req.scheme == "http")
        r.to.tls = false;
    else
        return std::nullopt;
    r.to.host = req.host;
    if (r.to.host.size() >= 2 && r.to.host.front() == '[' && r.to.host.back() == ']')
        r.to.host = r.to.host.substr(1, r.to.host.size() - 2);
    r.to.port = req.port;
    r.method = std::move(req.method);
    r.target = req.target();
    r.headers.reserve(req.headers.size() + 1);
    r.headers.emplace_back("Host", req.authority());
    for (auto& h : req.headers)
        r.headers.push_back(std::move(h));
    r.body = std::move(req.body);
    return r;
}

std::optional<std::string_view> response::header(std::string_view name) const noexcept {
    for (const auto& h : headers_)
        if (protocol::iequals(h.name, name))
            return h.value;
    return std::nullopt;
}

protocol::http_response_view response::view() const noexcept {
    protocol::http_response_view v;
    v.status = status_;
    v.headers = headers_;
    v.body = body_.view();
    v.body_padded = true;
    return v;
}

void response::set_status(int status, std::string_view reason) {
    status_ = status;
    reason_.assign(reason);
}

void response::set_headers(const std::vector<std::pair<std::string_view, std::string_view>>& fields) {
    std::size_t total = 0;
    for (const auto& [n, v] : fields)
        total += n.size() + v.size();
    header_bytes_ = std::make_unique_for_overwrite<char[]>(total + 1);
    headers_.clear();
    headers_.reserve(fields.size());
    char* p = header_bytes_.get();
    for (const auto& [n, v] : fields) {
        std::memcpy(p, n.data(), n.size());
        std::string_view name(p, n.size());
        p += n.size();
        std::memcpy(p, v.data(), v.size());
        std::string_view value(p, v.size());
        p += v.size();
        headers_.push_back({name, value});
    }
}

} // namespace engine::http
