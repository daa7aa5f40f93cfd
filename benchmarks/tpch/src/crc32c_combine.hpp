#pragma once
// CRC-32C combination: crc(A || B) from crc(A), crc(B) and |B| (zlib's x^(2^k) method for the
// Castagnoli polynomial). Lets threads checksum blocks independently.
#include <cstddef>
#include <cstdint>

namespace tpch::detail {

/// crc32c(A || B) given crc32c(A), crc32c(B) and the length of B in bytes.
std::uint32_t crc32c_combine(std::uint32_t crc_a, std::uint32_t crc_b, std::uint64_t len_b) noexcept;

/// CRC-32C of a buffer (same value as aws_sigv4::crc32c(0, data, size)); large buffers are done as
/// three interleaved streams, about three times the throughput of one.
std::uint32_t crc32c(const void* data, std::size_t size) noexcept;

} // namespace tpch::detail
