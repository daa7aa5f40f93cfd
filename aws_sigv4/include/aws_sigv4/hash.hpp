#pragma once
// SHA-256 and HMAC-SHA256 on OpenSSL's libcrypto, shaped for signing: no allocation per call,
// and an HMAC key whose inner and outer states are computed once and reused.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace aws_sigv4 {

using digest = std::array<std::uint8_t, 32>;

/// Lowercase hex of a SHA-256 digest (64 characters).
using hex_digest = std::array<char, 64>;

/// Incremental SHA-256. Copyable (a copy continues from the same state).
class sha256 {
public:
    sha256() noexcept;
    sha256& update(const void* data, std::size_t size) noexcept;
    sha256& update(std::string_view s) noexcept { return update(s.data(), s.size()); }
    /// Finishes and returns the digest; the object must be reset() before reuse.
    digest finish() noexcept;
    void reset() noexcept;

    /// Same state (bytewise): two hashes fed the same bytes from the same start compare equal.
    bool same_state(const sha256& o) const noexcept;

private:
    friend class hmac_key;
    // Layout-compatible storage for OpenSSL's SHA256_CTX (112 bytes), kept opaque here so this
    // header does not pull in OpenSSL's deprecated low-level API.
    alignas(8) std::array<std::uint8_t, 112> state_;
};

/// SHA-256 of a buffer.
digest sha256_of(std::string_view data) noexcept;

/// Writes the 64 lowercase hex digits of `d` to `out`.
void to_hex(const digest& d, char* out) noexcept;
hex_digest to_hex(const digest& d) noexcept;
std::string to_hex_string(const digest& d);

/// Lowercase hex of SHA-256(data): the payload hash of a signed body.
std::string sha256_hex(std::string_view data);

/// An HMAC-SHA256 key with its inner and outer pad states precomputed: each MAC then costs the
/// message's compression rounds plus two blocks.
class hmac_key {
public:
    hmac_key() noexcept;
    explicit hmac_key(std::string_view key) noexcept;
    explicit hmac_key(const digest& key) noexcept;
    digest mac(std::string_view message) const noexcept;
    /// The inner hash state after the key block (HMAC = outer(SHA-256(inner_start || message))).
    const sha256& inner_start() const noexcept { return inner_; }
    /// The MAC from the inner hash's digest.
    digest outer(const digest& inner_digest) const noexcept;
    /// Starts a MAC whose message is fed incrementally; finish with finish_mac().
    sha256 begin() const noexcept { return inner_; }
    digest finish_mac(sha256& inner) const noexcept;

private:
    void init(const void* key, std::size_t size) noexcept;
    sha256 inner_;
    sha256 outer_;
};

/// One-shot HMAC-SHA256.
digest hmac_sha256(std::string_view key, std::string_view message) noexcept;

/// SHA-256 that remembers the state after each of the first `max_blocks` 64-byte blocks of the
/// last message it hashed, and resumes from the deepest one the next message shares. Canonical
/// requests of the same operation signed within the same second share everything up to the
/// payload hash (method, path, headers, date, signed header list: three of five blocks for an
/// Athena status poll), so a busy signer hashes only what differs. The result is always the plain
/// SHA-256 of the message. Not thread-safe; one per signer.
class prefix_hasher {
public:
    static constexpr std::size_t max_blocks = 8;
    digest hash(std::string_view message);
    /// The SHA-256 of `message` continued from `seed` (a state after whole blocks, such as an HMAC
    /// key's inner_start()): the cache is reused only while the seed stays the same.
    digest hash(const sha256& seed, std::string_view message);
    /// Blocks resumed from the cache, over all calls (for tests and benchmarks).
    std::uint64_t blocks_reused() const noexcept { return reused_; }

private:
    digest run(std::string_view message);
    std::array<char, max_blocks * 64> bytes_{};
    std::array<sha256, max_blocks> states_{};
    sha256 seed_{};
    std::size_t blocks_ = 0;
    std::uint64_t reused_ = 0;
};

} // namespace aws_sigv4
