// SHA-256 through OpenSSL's SHA256_* functions: deprecated in OpenSSL 3 in favour of EVP, but
// several times cheaper per call for short messages (no context allocation, no provider lookup),
// and it still uses the CPU's SHA extensions. Signing is dominated by short hashes.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <aws_sigv4/hash.hpp>

#include <openssl/sha.h>

#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

namespace aws_sigv4 {
namespace {

static_assert(sizeof(SHA256_CTX) <= 112, "sha256 state storage too small for SHA256_CTX");

SHA256_CTX* ctx(std::array<std::uint8_t, 112>& s) noexcept {
    return reinterpret_cast<SHA256_CTX*>(s.data());
}

constexpr char hex_chars[] = "0123456789abcdef";

// "000102...ff": two hex digits per byte value.
struct hex_pairs {
    char v[512] = {};
    constexpr hex_pairs() {
        for (int i = 0; i < 256; ++i) {
            v[2 * i] = hex_chars[i >> 4];
            v[2 * i + 1] = hex_chars[i & 0xf];
        }
    }
};
[[maybe_unused]] constexpr hex_pairs pairs; // the fallback of to_hex without SSE2

// 64-byte equality inline (a libc memcmp call costs more than the compare itself here).
bool same_block(const char* a, const char* b) noexcept {
#if defined(__SSE2__)
    __m128i acc = _mm_setzero_si128();
    for (int i = 0; i < 64; i += 16)
        acc = _mm_or_si128(acc, _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i)),
                                              _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i))));
    return _mm_movemask_epi8(_mm_cmpeq_epi8(acc, _mm_setzero_si128())) == 0xffff;
#else
    return std::memcmp(a, b, 64) == 0;
#endif
}

} // namespace

sha256::sha256() noexcept {
    SHA256_Init(ctx(state_));
}

sha256& sha256::update(const void* data, std::size_t size) noexcept {
    SHA256_Update(ctx(state_), data, size);
    return *this;
}

bool sha256::same_state(const sha256& o) const noexcept {
#if defined(__SSE2__)
    // 112 bytes, inline (see same_block).
    static_assert(sizeof(state_) % 16 == 0);
    __m128i acc = _mm_setzero_si128();
    for (std::size_t i = 0; i < sizeof(state_); i += 16)
        acc = _mm_or_si128(
            acc, _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(state_.data() + i)),
                               _mm_loadu_si128(reinterpret_cast<const __m128i*>(o.state_.data() + i))));
    return _mm_movemask_epi8(_mm_cmpeq_epi8(acc, _mm_setzero_si128())) == 0xffff;
#else
    return state_ == o.state_;
#endif
}

digest sha256::finish() noexcept {
    // SHA256_Final's padding, without its OPENSSL_cleanse of the buffer (a byte loop: a good part
    // of the cost of finishing a short message). Only message bytes are in that buffer, never a
    // key: an HMAC key enters as a whole block, compressed straight into the state.
    SHA256_CTX* c = ctx(state_);
    const std::uint64_t bits = (static_cast<std::uint64_t>(c->Nh) << 32) | c->Nl;
    auto* block = reinterpret_cast<unsigned char*>(c->data);
    std::size_t n = c->num; // bytes waiting in the partial block, 0..63
    block[n++] = 0x80;
    if (n > 56) {
        std::memset(block + n, 0, 64 - n);
        SHA256_Transform(c, block);
        n = 0;
    }
    std::memset(block + n, 0, 56 - n);
    const std::uint64_t be_bits = __builtin_bswap64(bits);
    std::memcpy(block + 56, &be_bits, 8);
    SHA256_Transform(c, block);
    c->num = 0;
    digest d;
    for (int i = 0; i < 8; ++i) {
        const std::uint32_t be = __builtin_bswap32(c->h[i]);
        std::memcpy(d.data() + 4 * i, &be, 4);
    }
    return d;
}

void sha256::reset() noexcept {
    SHA256_Init(ctx(state_));
}

digest sha256_of(std::string_view data) noexcept {
    // Not SHA256(): in OpenSSL 3 that one goes through EVP (a provider fetch and a lock per call).
    sha256 h;
    h.update(data);
    return h.finish();
}

void to_hex(const digest& d, char* out) noexcept {
#if defined(__SSE2__)
    // Nibbles to ASCII 16 at a time: '0' + v, plus 'a' - '0' - 10 where v > 9.
    const __m128i mask = _mm_set1_epi8(0x0f), nine = _mm_set1_epi8(9);
    const __m128i zero_char = _mm_set1_epi8('0'), letter_gap = _mm_set1_epi8('a' - '0' - 10);
    auto ascii = [&](__m128i v) {
        return _mm_add_epi8(_mm_add_epi8(v, zero_char), _mm_and_si128(_mm_cmpgt_epi8(v, nine), letter_gap));
    };
    for (int k = 0; k < 2; ++k) {
        const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d.data() + 16 * k));
        const __m128i lo = _mm_and_si128(x, mask);
        const __m128i hi = _mm_and_si128(_mm_srli_epi16(x, 4), mask);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 32 * k), ascii(_mm_unpacklo_epi8(hi, lo)));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 32 * k + 16), ascii(_mm_unpackhi_epi8(hi, lo)));
    }
#else
    for (std::size_t i = 0; i < d.size(); ++i)
        std::memcpy(out + 2 * i, pairs.v + 2 * d[i], 2);
#endif
}

hex_digest to_hex(const digest& d) noexcept {
    hex_digest h;
    to_hex(d, h.data());
    return h;
}

std::string to_hex_string(const digest& d) {
    std::string s(64, '\0');
    to_hex(d, s.data());
    return s;
}

std::string sha256_hex(std::string_view data) {
    return to_hex_string(sha256_of(data));
}

hmac_key::hmac_key() noexcept {
    init("", 0);
}
hmac_key::hmac_key(std::string_view key) noexcept {
    init(key.data(), key.size());
}
hmac_key::hmac_key(const digest& key) noexcept {
    init(key.data(), key.size());
}

void hmac_key::init(const void* key, std::size_t size) noexcept {
    std::uint8_t block[64] = {};
    if (size > 64) {
        digest k = sha256_of({static_cast<const char*>(key), size});
        std::memcpy(block, k.data(), k.size());
    } else if (size > 0) {
        std::memcpy(block, key, size);
    }
    std::uint8_t ipad[64], opad[64];
    for (int i = 0; i < 64; ++i) {
        ipad[i] = block[i] ^ 0x36;
        opad[i] = block[i] ^ 0x5c;
    }
    inner_.reset();
    inner_.update(ipad, 64);
    outer_.reset();
    outer_.update(opad, 64);
}

digest hmac_key::finish_mac(sha256& inner) const noexcept {
    digest ih = inner.finish();
    sha256 outer = outer_;
    outer.update(ih.data(), ih.size());
    return outer.finish();
}

digest hmac_key::mac(std::string_view message) const noexcept {
    sha256 inner = inner_;
    inner.update(message);
    return finish_mac(inner);
}

digest hmac_sha256(std::string_view key, std::string_view message) noexcept {
    return hmac_key(key).mac(message);
}

digest hmac_key::outer(const digest& ih) const noexcept {
    sha256 o = outer_;
    o.update(ih.data(), ih.size());
    return o.finish();
}

digest prefix_hasher::hash(const sha256& seed, std::string_view m) {
    if (!seed_.same_state(seed)) {
        seed_ = seed;
        blocks_ = 0;
    }
    return run(m);
}

digest prefix_hasher::hash(std::string_view m) {
    static const sha256 initial; // SHA-256's initial state (constant)
    return hash(initial, m);
}

digest prefix_hasher::run(std::string_view m) {
    // Blocks wholly before the message's last 64 bytes: the tail (the payload hash of a canonical
    // request) differs from call to call, so caching it would only cost copies.
    const std::size_t full = std::min(m.size() > 64 ? (m.size() - 64) / 64 : 0, max_blocks);
    std::size_t match = 0;
    while (match < blocks_ && match < full && same_block(m.data() + match * 64, bytes_.data() + match * 64))
        ++match;
    reused_ += match;
    sha256 h = match > 0 ? states_[match - 1] : seed_;
    for (std::size_t b = match; b < full; ++b) {
        std::memcpy(bytes_.data() + b * 64, m.data() + b * 64, 64);
        h.update(m.data() + b * 64, 64);
        states_[b] = h;
    }
    if (full > match)
        blocks_ = full; // blocks cached beyond `full` followed the old prefix: drop them
    h.update(m.data() + full * 64, m.size() - full * 64);
    return h.finish();
}

} // namespace aws_sigv4
