#pragma once
// CRC32C (Castagnoli), as S3's x-amz-checksum-crc32c: hardware instruction when the CPU has
// SSE4.2, slicing-by-8 tables otherwise.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace aws_sigv4 {

/// Continues a CRC32C over `data` (start with crc = 0).
std::uint32_t crc32c(std::uint32_t crc, const void* data, std::size_t size) noexcept;
inline std::uint32_t crc32c(std::string_view data) noexcept { return crc32c(0, data.data(), data.size()); }

/// The base64 of the big-endian CRC, as S3 sends it ("sOO8/Q==").
std::string crc32c_base64(std::uint32_t crc);

/// Standard base64 (with padding).
std::string base64_encode(const void* data, std::size_t size);

} // namespace aws_sigv4
