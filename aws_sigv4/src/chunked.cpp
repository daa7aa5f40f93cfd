#include <aws_sigv4/chunked.hpp>
#include <aws_sigv4/sign.hpp>

#include <cstring>

namespace aws_sigv4 {
namespace {

constexpr std::string_view chunk_sig_tag = ";chunk-signature=";

void append_hex_size(std::uint64_t n, std::string& out) {
    char buf[16];
    int i = 16;
    do {
        buf[--i] = "0123456789abcdef"[n & 0xf];
        n >>= 4;
    } while (n);
    out.append(buf + i, 16 - i);
}

std::uint64_t hex_size_len(std::uint64_t n) noexcept {
    std::uint64_t len = 1;
    while (n >>= 4)
        ++len;
    return len;
}

bool valid_trailer(const header_view& t) noexcept {
    if (t.name.empty())
        return false;
    for (char c : t.name) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f || c == ':')
            return false;
    }
    for (char c : t.value)
        if (c == '\r' || c == '\n' || c == '\0')
            return false;
    return true;
}

} // namespace

chunk_signer::chunk_signer(const digest& signing_key, const signing_time& time, std::string_view region,
                           std::string_view service, std::string_view seed_signature, chunk_mode mode)
    : key_(signing_key)
    , mode_(mode) {
    scope_line_.append(time.amz_date()).push_back('\n');
    scope_line_.append(credential_scope(time.date(), region, service)).push_back('\n');
    prefix_ = "AWS4-HMAC-SHA256-PAYLOAD\n" + scope_line_;
    std::memset(prev_, '0', sizeof prev_);
    std::memcpy(prev_, seed_signature.data(), std::min<std::size_t>(seed_signature.size(), 64));
}

void chunk_signer::sign_chunk(const digest& data_hash) {
    sts_.assign(prefix_);
    sts_.append(prev_, 64).push_back('\n');
    sts_.append(payload::empty_sha256).push_back('\n');
    char hex[64];
    to_hex(data_hash, hex);
    sts_.append(hex, 64);
    to_hex(key_.mac(sts_), prev_);
}

std::error_code chunk_signer::chunk_header(std::string_view data, std::string& out) {
    if (final_sent_ || data.empty())
        return error::invalid_chunk;
    append_hex_size(data.size(), out);
    if (mode_ == chunk_mode::signed_chunks) {
        sign_chunk(sha256_of(data));
        out.append(chunk_sig_tag).append(prev_, 64);
    }
    out.append("\r\n");
    return {};
}

std::error_code chunk_signer::add_chunk(std::string_view data, std::string& out) {
    if (auto ec = chunk_header(data, out))
        return ec;
    out.append(data).append("\r\n");
    return {};
}

std::error_code chunk_signer::finish(std::span<const header_view> trailers, std::string& out) {
    for (const auto& t : trailers)
        if (!valid_trailer(t))
            return error::invalid_trailer;
    if (auto ec = final_chunk(out))
        return ec;
    return end_trailers(trailers, out);
}

std::error_code chunk_signer::final_chunk(std::string& out) {
    if (final_sent_)
        return error::invalid_chunk;
    final_sent_ = true;
    out.push_back('0');
    if (mode_ == chunk_mode::signed_chunks) {
        sign_chunk(sha256_of({}));
        out.append(chunk_sig_tag).append(prev_, 64);
    }
    out.append("\r\n");
    return {};
}

std::error_code chunk_signer::end_trailers(std::span<const header_view> trailers, std::string& out) {
    if (!final_sent_ || finished_)
        return error::invalid_chunk;
    for (const auto& t : trailers)
        if (!valid_trailer(t))
            return error::invalid_trailer;
    finished_ = true;
    if (trailers.empty()) {
        out.append("\r\n");
        return {};
    }
    std::string hashed;
    for (const auto& t : trailers) {
        out.append(t.name).append(":").append(t.value).append("\r\n");
        hashed.append(t.name).append(":").append(t.value).append("\n");
    }
    if (mode_ == chunk_mode::signed_chunks) {
        sts_.assign("AWS4-HMAC-SHA256-TRAILER\n");
        sts_.append(scope_line_);
        sts_.append(prev_, 64).push_back('\n');
        char hex[64];
        to_hex(sha256_of(hashed), hex);
        sts_.append(hex, 64);
        to_hex(key_.mac(sts_), prev_);
        out.append("x-amz-trailer-signature:").append(prev_, 64).append("\r\n");
    }
    out.append("\r\n");
    return {};
}

chunked_encoder::chunked_encoder(chunk_signer& signer, std::size_t chunk_size)
    : signer_(signer)
    , chunk_size_(chunk_size ? chunk_size : 65536) {
    pending_.reserve(chunk_size_);
}

std::error_code chunked_encoder::write(std::string_view data, std::string& out) {
    if (signer_.finished())
        return error::invalid_chunk;
    while (!data.empty()) {
        if (pending_.empty() && data.size() >= chunk_size_) { // whole chunk straight from the input
            if (auto ec = signer_.add_chunk(data.substr(0, chunk_size_), out))
                return ec;
            data.remove_prefix(chunk_size_);
            continue;
        }
        const std::size_t take = std::min(chunk_size_ - pending_.size(), data.size());
        pending_.append(data.substr(0, take));
        data.remove_prefix(take);
        if (pending_.size() == chunk_size_) {
            if (auto ec = signer_.add_chunk(pending_, out))
                return ec;
            pending_.clear();
        }
    }
    return {};
}

std::error_code chunked_encoder::finish(std::span<const header_view> trailers, std::string& out) {
    if (!pending_.empty()) {
        if (auto ec = signer_.add_chunk(pending_, out))
            return ec;
        pending_.clear();
    }
    return signer_.finish(trailers, out);
}

std::uint64_t trailer_wire_length(std::span<const header_view> trailers, chunk_mode mode) noexcept {
    if (trailers.empty())
        return 2;
    std::uint64_t n = 2; // final CRLF
    for (const auto& t : trailers)
        n += t.name.size() + 1 + t.value.size() + 2;
    if (mode == chunk_mode::signed_chunks)
        n += 24 + 64 + 2; // "x-amz-trailer-signature:" <sig> CRLF
    return n;
}

std::uint64_t aws_chunked_length(std::uint64_t payload_size, std::uint64_t chunk_size, chunk_mode mode,
                                 std::span<const header_view> trailers) noexcept {
    if (chunk_size == 0)
        chunk_size = 65536;
    const std::uint64_t sig = mode == chunk_mode::signed_chunks ? chunk_sig_tag.size() + 64 : 0;
    const std::uint64_t full = payload_size / chunk_size, rest = payload_size % chunk_size;
    std::uint64_t n = full * (hex_size_len(chunk_size) + sig + 2 + chunk_size + 2);
    if (rest)
        n += hex_size_len(rest) + sig + 2 + rest + 2;
    n += 1 + sig + 2; // final chunk header
    return n + trailer_wire_length(trailers, mode);
}

} // namespace aws_sigv4
