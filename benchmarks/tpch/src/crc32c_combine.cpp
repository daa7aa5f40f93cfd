#include "crc32c_combine.hpp"

#include <aws_sigv4/crc32c.hpp>

#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace tpch::detail {
namespace {

constexpr std::uint32_t poly = 0x82f63b78; // reflected Castagnoli

// a * b modulo the polynomial (reflected bit order).
constexpr std::uint32_t mult_mod_p(std::uint32_t a, std::uint32_t b) noexcept {
    std::uint32_t m = 1u << 31;
    std::uint32_t p = 0;
    for (;;) {
        if (a & m) {
            p ^= b;
            if ((a & (m - 1)) == 0) {
                break;
            }
        }
        m >>= 1;
        b = (b & 1) ? (b >> 1) ^ poly : b >> 1;
    }
    return p;
}

// x^(2^k) modulo the polynomial, k = 0..31.
struct x2n_table {
    std::uint32_t v[32];
    constexpr x2n_table()
        : v{} {
        std::uint32_t p = 1u << 30; // x^1
        v[0] = p;
        for (int k = 1; k < 32; ++k) {
            p = mult_mod_p(p, p);
            v[k] = p;
        }
    }
};
constexpr x2n_table x2n;

// x^(n * 2^k) modulo the polynomial.
std::uint32_t x2n_mod_p(std::uint64_t n, unsigned k) noexcept {
    std::uint32_t p = 1u << 31; // x^0
    while (n != 0) {
        if (n & 1) {
            p = mult_mod_p(x2n.v[k & 31], p);
        }
        n >>= 1;
        ++k;
    }
    return p;
}

#if defined(__x86_64__)
// Three raw (unconditioned-in, unconditioned-out) CRC streams over a, a + n, a + 2n.
__attribute__((target("sse4.2"))) void crc3(const unsigned char* a, std::size_t n,
                                            std::uint32_t out[3]) noexcept {
    std::uint64_t x = 0xffffffffu, y = 0xffffffffu, z = 0xffffffffu;
    const unsigned char* b = a + n;
    const unsigned char* c = b + n;
    for (std::size_t i = 0; i < n; i += 8) {
        std::uint64_t va, vb, vc;
        std::memcpy(&va, a + i, 8);
        std::memcpy(&vb, b + i, 8);
        std::memcpy(&vc, c + i, 8);
        x = _mm_crc32_u64(x, va);
        y = _mm_crc32_u64(y, vb);
        z = _mm_crc32_u64(z, vc);
    }
    out[0] = ~static_cast<std::uint32_t>(x);
    out[1] = ~static_cast<std::uint32_t>(y);
    out[2] = ~static_cast<std::uint32_t>(z);
}
#endif

} // namespace

std::uint32_t crc32c(const void* data, std::size_t size) noexcept {
    const auto* p = static_cast<const unsigned char*>(data);
#if defined(__x86_64__)
    if (size >= 3 * 4096 && __builtin_cpu_supports("sse4.2")) {
        const std::size_t third = (size / 3) & ~std::size_t{7};
        std::uint32_t c[3];
        crc3(p, third, c);
        std::uint32_t crc = crc32c_combine(crc32c_combine(c[0], c[1], third), c[2], third);
        return aws_sigv4::crc32c(crc, p + 3 * third, size - 3 * third);
    }
#endif
    return aws_sigv4::crc32c(0, p, size);
}

std::uint32_t crc32c_combine(std::uint32_t crc_a, std::uint32_t crc_b, std::uint64_t len_b) noexcept {
    return mult_mod_p(x2n_mod_p(len_b, 3), crc_a) ^ crc_b;
}

} // namespace tpch::detail
