#include "crc32c_combine.hpp"

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
    constexpr x2n_table() : v{} {
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

} // namespace

std::uint32_t crc32c_combine(std::uint32_t crc_a, std::uint32_t crc_b, std::uint64_t len_b) noexcept {
    return mult_mod_p(x2n_mod_p(len_b, 3), crc_a) ^ crc_b;
}

} // namespace tpch::detail
