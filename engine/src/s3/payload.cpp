#include <engine/s3/payload.hpp>

#include <aws_sigv4/crc32c.hpp>
#include <aws_sigv4/hash.hpp>
#include <aws_sigv4/sign.hpp>

#include <openssl/evp.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace engine::s3 {
namespace {

constexpr std::string_view crc_trailer_name = "x-amz-checksum-crc32c";

class aws_chunked_provider final : public http::body_provider {
public:
    aws_chunked_provider(std::shared_ptr<http::body_provider> inner, const aws_sigv4::chunk_signer& signer,
                         std::size_t chunk_size, bool trailer, std::optional<std::uint32_t> trailer_value)
        : inner_(std::move(inner))
        , seed_(signer)
        , signer_(signer)
        , chunk_size_(chunk_size)
        , trailer_(trailer)
        , trailer_value_(trailer_value) {
        const aws_sigv4::header_view placeholder[] = {{crc_trailer_name, "AAAAAA=="}};
        size_ = aws_sigv4::aws_chunked_length(inner_->size(), chunk_size_, aws_sigv4::chunk_mode::signed_chunks,
                                              trailer_ ? std::span<const aws_sigv4::header_view>(placeholder)
                                                       : std::span<const aws_sigv4::header_view>());
        data_.resize(chunk_size_);
    }

    std::uint64_t size() const noexcept override { return size_; }

    std::size_t read(std::span<char> buf, std::error_code& ec) override {
        ec.clear();
        std::size_t written = 0;
        while (written < buf.size()) {
            if (pos_ == out_.size()) {
                if (done_)
                    break;
                if ((ec = refill()))
                    return 0;
                continue;
            }
            const std::size_t n = std::min(buf.size() - written, out_.size() - pos_);
            std::memcpy(buf.data() + written, out_.data() + pos_, n);
            pos_ += n;
            written += n;
        }
        return written;
    }

    std::error_code rewind() override {
        if (auto ec = inner_->rewind())
            return ec;
        signer_ = seed_;
        out_.clear();
        pos_ = 0;
        consumed_ = 0;
        crc_ = 0;
        done_ = false;
        return {};
    }

private:
    // Frames the next chunk (or the final chunk and trailer) into out_.
    std::error_code refill() {
        out_.clear();
        pos_ = 0;
        const std::uint64_t total = inner_->size();
        if (consumed_ < total) {
            const std::size_t want =
                static_cast<std::size_t>(std::min<std::uint64_t>(chunk_size_, total - consumed_));
            std::size_t got = 0;
            while (got < want) {
                std::error_code ec;
                const std::size_t n = inner_->read({data_.data() + got, want - got}, ec);
                if (ec)
                    return ec;
                if (n == 0)
                    return std::make_error_code(std::errc::io_error); // the source shrank
                got += n;
            }
            consumed_ += got;
            const std::string_view chunk(data_.data(), got);
            if (trailer_ && !trailer_value_)
                crc_ = aws_sigv4::crc32c(crc_, chunk.data(), chunk.size());
            return signer_.add_chunk(chunk, out_);
        }
        done_ = true;
        if (trailer_) {
            const std::string value = aws_sigv4::crc32c_base64(trailer_value_.value_or(crc_));
            const aws_sigv4::header_view t[] = {{crc_trailer_name, value}};
            return signer_.finish(t, out_);
        }
        return signer_.finish({}, out_);
    }

    std::shared_ptr<http::body_provider> inner_;
    aws_sigv4::chunk_signer seed_;
    aws_sigv4::chunk_signer signer_;
    std::size_t chunk_size_;
    bool trailer_;
    std::optional<std::uint32_t> trailer_value_;
    std::uint64_t size_ = 0;
    std::vector<char> data_;
    std::string out_;
    std::size_t pos_ = 0;
    std::uint64_t consumed_ = 0;
    std::uint32_t crc_ = 0;
    bool done_ = false;
};

} // namespace

std::string_view to_string(payload_mode m) noexcept {
    switch (m) {
        case payload_mode::signed_sha256:
            return "signed";
        case payload_mode::unsigned_payload:
            return "unsigned";
        case payload_mode::aws_chunked:
            return "aws-chunked";
    }
    return "?";
}

std::optional<payload_mode> parse_payload_mode(std::string_view s) noexcept {
    if (s == "signed")
        return payload_mode::signed_sha256;
    if (s == "unsigned")
        return payload_mode::unsigned_payload;
    if (s == "aws-chunked" || s == "chunked")
        return payload_mode::aws_chunked;
    return std::nullopt;
}

std::string range_digests::md5_base64() const {
    return md5 ? aws_sigv4::base64_encode(md5->data(), md5->size()) : std::string{};
}

std::string range_digests::md5_hex() const {
    if (!md5)
        return {};
    static constexpr char hex[] = "0123456789abcdef";
    std::string s;
    for (auto b : *md5) {
        s.push_back(hex[b >> 4]);
        s.push_back(hex[b & 15]);
    }
    return s;
}

std::string content_md5(std::string_view body) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(body.data(), body.size(), md, &len, EVP_md5(), nullptr);
    return aws_sigv4::base64_encode(md, len);
}

struct range_digester::impl {
    std::shared_ptr<http::body_provider> file;
    bool sha256 = false, md5 = false, crc32c = false;
    aws_sigv4::sha256 sha;
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> mctx{nullptr, &EVP_MD_CTX_free};
    std::uint32_t crc = 0;
    std::uint64_t left = 0;
    std::vector<char> buf;
};

range_digester::range_digester() = default;
range_digester::~range_digester() = default;

std::error_code range_digester::open(const std::string& path, std::uint64_t offset, std::uint64_t length,
                                     bool sha256, bool md5, bool crc32c) {
    p_ = std::make_unique<impl>();
    auto fr = http::make_file_range_provider(path, offset, length);
    if (fr.ec)
        return fr.ec;
    p_->file = std::move(fr.provider);
    p_->sha256 = sha256;
    p_->md5 = md5;
    p_->crc32c = crc32c;
    if (md5) {
        p_->mctx.reset(EVP_MD_CTX_new());
        if (!p_->mctx || EVP_DigestInit_ex(p_->mctx.get(), EVP_md5(), nullptr) != 1)
            return std::make_error_code(std::errc::not_enough_memory);
    }
    p_->left = length;
    p_->buf.resize(256 * 1024);
    return {};
}

bool range_digester::done() const noexcept {
    return !p_ || p_->left == 0;
}

std::error_code range_digester::step(std::size_t max_bytes) {
    if (!p_ || !p_->file)
        return std::make_error_code(std::errc::invalid_argument);
    auto& d = *p_;
    for (std::size_t budget = max_bytes; d.left > 0 && budget > 0;) {
        const std::size_t want = static_cast<std::size_t>(
            std::min<std::uint64_t>({d.left, d.buf.size(), static_cast<std::uint64_t>(budget)}));
        std::error_code ec;
        const std::size_t n = d.file->read({d.buf.data(), want}, ec);
        if (ec)
            return ec;
        if (n == 0)
            return std::make_error_code(std::errc::io_error); // the file shrank
        if (d.sha256)
            d.sha.update(d.buf.data(), n);
        if (d.md5)
            EVP_DigestUpdate(d.mctx.get(), d.buf.data(), n);
        if (d.crc32c)
            d.crc = aws_sigv4::crc32c(d.crc, d.buf.data(), n);
        d.left -= n;
        budget -= std::min(budget, n);
    }
    return {};
}

range_digests range_digester::finish() {
    range_digests out;
    if (!p_)
        return out;
    auto& d = *p_;
    if (d.sha256)
        out.sha256_hex = aws_sigv4::to_hex_string(d.sha.finish());
    if (d.md5) {
        std::array<std::uint8_t, 16> m{};
        unsigned int len = 0;
        EVP_DigestFinal_ex(d.mctx.get(), m.data(), &len);
        out.md5 = m;
    }
    if (d.crc32c)
        out.crc32c = d.crc;
    p_.reset();
    return out;
}

std::error_code digest_file_range(const std::string& path, std::uint64_t offset, std::uint64_t length,
                                  bool sha256, bool md5, bool crc32c, range_digests& out) {
    out = {};
    range_digester d;
    if (auto ec = d.open(path, offset, length, sha256, md5, crc32c))
        return ec;
    while (!d.done())
        if (auto ec = d.step(std::size_t(1) << 30))
            return ec;
    out = d.finish();
    return {};
}

checksum_mode effective_checksum(const payload_settings& settings) noexcept {
    if (settings.checksum != checksum_mode::automatic)
        return settings.checksum;
    return settings.mode == payload_mode::unsigned_payload ? checksum_mode::content_md5 : checksum_mode::none;
}

needed_digests digests_needed(const payload_settings& settings) noexcept {
    const auto checksum = effective_checksum(settings);
    const bool chunked = settings.mode == payload_mode::aws_chunked;
    const bool trailer = chunked && checksum == checksum_mode::crc32c;
    needed_digests n;
    n.sha256 = settings.mode == payload_mode::signed_sha256;
    n.md5 = checksum == checksum_mode::content_md5;
    n.crc32c = checksum == checksum_mode::crc32c && !trailer && !settings.known_crc32c;
    return n;
}

std::error_code attach_file_body(http::request& req, const std::string& path, std::uint64_t offset,
                                 std::uint64_t length, const payload_settings& settings, prepared_body& out,
                                 const range_digests* precomputed) {
    out = {};
    if (!req.body.empty() || req.provider)
        return std::make_error_code(std::errc::invalid_argument);
    if (settings.mode == payload_mode::aws_chunked && settings.chunk_size < 8 * 1024)
        return std::make_error_code(std::errc::invalid_argument);
    auto fr = http::make_file_range_provider(path, offset, length);
    if (fr.ec)
        return fr.ec;

    const auto checksum = effective_checksum(settings);
    const bool chunked = settings.mode == payload_mode::aws_chunked;
    const bool trailer = chunked && checksum == checksum_mode::crc32c;
    const bool want_sha = settings.mode == payload_mode::signed_sha256;
    const bool want_md5 = checksum == checksum_mode::content_md5;
    const bool crc = checksum == checksum_mode::crc32c;
    const bool want_crc = crc && !trailer && !settings.known_crc32c;
    if (precomputed) {
        out.digests = *precomputed;
        if ((want_sha && !out.digests.sha256_hex) || (want_md5 && !out.digests.md5) ||
            (want_crc && !out.digests.crc32c))
            return std::make_error_code(std::errc::invalid_argument);
    } else if (want_sha || want_md5 || want_crc) {
        if (auto ec = digest_file_range(path, offset, length, want_sha, want_md5, want_crc, out.digests))
            return ec;
    }
    if (want_md5)
        req.headers.emplace_back("Content-MD5", out.digests.md5_base64());
    if (crc && settings.known_crc32c)
        out.digests.crc32c = settings.known_crc32c;
    if (crc && !trailer)
        req.headers.emplace_back("x-amz-checksum-crc32c", aws_sigv4::crc32c_base64(*out.digests.crc32c));
    req.provider = fr.provider;

    switch (settings.mode) {
        case payload_mode::signed_sha256:
            out.payload.payload_hash = *out.digests.sha256_hex;
            break;
        case payload_mode::unsigned_payload:
            out.payload.payload_hash = std::string(aws_sigv4::payload::unsigned_payload);
            break;
        case payload_mode::aws_chunked: {
            out.payload.payload_hash = std::string(trailer ? aws_sigv4::payload::streaming_signed_trailer
                                                           : aws_sigv4::payload::streaming_signed);
            req.headers.emplace_back("Content-Encoding", "aws-chunked");
            req.headers.emplace_back("x-amz-decoded-content-length", std::to_string(length));
            if (trailer)
                req.headers.emplace_back("x-amz-trailer", std::string(crc_trailer_name));
            out.payload.on_signed = [inner = fr.provider, chunk = settings.chunk_size, trailer,
                                     known = settings.known_crc32c](const clients::signed_attempt& a,
                                                                     http::request& r) -> std::error_code {
                const auto key =
                    aws_sigv4::derive_signing_key(a.creds.secret_access_key, a.time.date(), a.region, a.service);
                const aws_sigv4::chunk_signer cs(key, a.time, a.region, a.service, a.seed_signature,
                                                 aws_sigv4::chunk_mode::signed_chunks);
                if (auto ec = inner->rewind())
                    return ec;
                r.provider = make_aws_chunked_provider(inner, cs, chunk, trailer, known);
                return {};
            };
            break;
        }
    }
    return {};
}

std::shared_ptr<http::body_provider> make_aws_chunked_provider(std::shared_ptr<http::body_provider> inner,
                                                               const aws_sigv4::chunk_signer& signer,
                                                               std::size_t chunk_size, bool crc32c_trailer,
                                                               std::optional<std::uint32_t> trailer_value) {
    return std::make_shared<aws_chunked_provider>(std::move(inner), signer, chunk_size, crc32c_trailer,
                                                  trailer_value);
}

} // namespace engine::s3
