#pragma once
// CRC-32C combination: crc(A || B) from crc(A), crc(B) and |B| (zlib's x^(2^k) method for the
// Castagnoli polynomial). Lets threads checksum blocks independently.
#include <cstdint>

namespace tpch::detail {

/// crc32c(A || B) given crc32c(A), crc32c(B) and the length of B in bytes.
std::uint32_t crc32c_combine(std::uint32_t crc_a, std::uint32_t crc_b, std::uint64_t len_b) noexcept;

} // namespace tpch::detail
