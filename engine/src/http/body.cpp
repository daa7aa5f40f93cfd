#include <engine/http/body.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace engine::http {

const char padded_buffer::empty_[padded_buffer::padding + 1] = {};

padded_buffer::padded_buffer(padded_buffer&& other) noexcept
    : data_(std::move(other.data_))
    , size_(std::exchange(other.size_, 0))
    , capacity_(std::exchange(other.capacity_, 0)) {}

padded_buffer& padded_buffer::operator=(padded_buffer&& other) noexcept {
    data_ = std::move(other.data_);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
    return *this;
}

padded_buffer::padded_buffer(std::string_view s) {
    append(s.data(), s.size());
}

void padded_buffer::reserve(std::size_t n) {
    if (n <= capacity_ && data_)
        return;
    auto p = std::make_unique_for_overwrite<char[]>(n + padding);
    if (size_ > 0)
        std::memcpy(p.get(), data_.get(), size_);
    std::memset(p.get() + size_, 0, n + padding - size_);
    data_ = std::move(p);
    capacity_ = n;
}

void padded_buffer::append(const void* p, std::size_t n) {
    if (n == 0)
        return;
    if (size_ + n > capacity_ || !data_)
        reserve(std::max(size_ + n, capacity_ * 2 < 256 ? 256 : capacity_ * 2));
    std::memcpy(data_.get() + size_, p, n);
    size_ += n;
}

void padded_buffer::clear() noexcept {
    if (data_)
        std::memset(data_.get(), 0, size_);
    size_ = 0;
}

namespace {

class file_range_provider final : public body_provider {
public:
    file_range_provider(int fd, std::uint64_t offset, std::uint64_t length)
        : fd_(fd)
        , offset_(offset)
        , length_(length) {}
    ~file_range_provider() override { ::close(fd_); }
    file_range_provider(const file_range_provider&) = delete;
    file_range_provider& operator=(const file_range_provider&) = delete;

    std::uint64_t size() const noexcept override { return length_; }

    std::size_t read(std::span<char> buf, std::error_code& ec) override {
        ec.clear();
        std::uint64_t left = length_ - pos_;
        std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
        std::size_t got = 0;
        while (got < want) {
            ssize_t n = ::pread(fd_, buf.data() + got, want - got, static_cast<off_t>(offset_ + pos_ + got));
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                ec = std::error_code(errno, std::system_category());
                return 0;
            }
            if (n == 0) { // the file shrank under us
                ec = std::make_error_code(std::errc::io_error);
                return 0;
            }
            got += static_cast<std::size_t>(n);
        }
        pos_ += got;
        return got;
    }

    std::error_code rewind() override {
        pos_ = 0;
        return {};
    }

private:
    int fd_;
    std::uint64_t offset_;
    std::uint64_t length_;
    std::uint64_t pos_ = 0;
};

class string_provider final : public body_provider {
public:
    explicit string_provider(std::string s)
        : s_(std::move(s)) {}
    std::uint64_t size() const noexcept override { return s_.size(); }
    std::size_t read(std::span<char> buf, std::error_code& ec) override {
        ec.clear();
        std::size_t n = std::min(buf.size(), s_.size() - pos_);
        std::memcpy(buf.data(), s_.data() + pos_, n);
        pos_ += n;
        return n;
    }
    std::error_code rewind() override {
        pos_ = 0;
        return {};
    }

private:
    std::string s_;
    std::size_t pos_ = 0;
};

} // namespace

file_range_result make_file_range_provider(const std::string& path, std::uint64_t offset,
                                           std::uint64_t length) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return {std::error_code(errno, std::system_category()), nullptr};
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        auto ec = std::error_code(errno, std::system_category());
        ::close(fd);
        return {ec, nullptr};
    }
    const auto file_size = static_cast<std::uint64_t>(st.st_size);
    if (offset > file_size || length > file_size - offset) {
        ::close(fd);
        return {std::make_error_code(std::errc::invalid_argument), nullptr};
    }
    return {{}, std::make_shared<file_range_provider>(fd, offset, length)};
}

std::shared_ptr<body_provider> make_string_provider(std::string s) {
    return std::make_shared<string_provider>(std::move(s));
}

} // namespace engine::http
