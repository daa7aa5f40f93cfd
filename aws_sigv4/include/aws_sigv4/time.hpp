#pragma once
// The signing time. The signer never reads the clock: the caller passes the time in.
#include <aws_sigv4/error.hpp>

#include <array>
#include <cstdint>
#include <string_view>
#include <system_error>

namespace aws_sigv4 {

class signing_time {
public:
    /// 1970-01-01T00:00:00Z.
    signing_time() noexcept;

    /// From seconds since the Unix epoch (UTC). Years 1970..9999.
    static signing_time from_unix(std::int64_t seconds, std::error_code& ec) noexcept;

    /// From "20150830T123600Z" (the X-Amz-Date form) or "2015-08-30T12:36:00Z" (ISO 8601).
    static signing_time parse(std::string_view text, std::error_code& ec) noexcept;

    /// "20150830T123600Z"
    std::string_view amz_date() const noexcept { return {amz_.data(), amz_.size()}; }
    /// "20150830"
    std::string_view date() const noexcept { return {amz_.data(), 8}; }
    std::int64_t unix_seconds() const noexcept { return unix_; }

    friend bool operator==(const signing_time& a, const signing_time& b) noexcept { return a.unix_ == b.unix_; }

private:
    std::array<char, 16> amz_;
    std::int64_t unix_ = 0;
};

} // namespace aws_sigv4
