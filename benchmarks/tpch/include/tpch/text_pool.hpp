#pragma once
// dbgen's text pool (GENERATION.md §4.1): 314,572,800 bytes of pseudo-English built from stream 5;
// every comment column is a slice of it.
//
// The pool is built once per process. Building is parallel: the sentence stream is cut at
// jump-ahead points into segments generated concurrently, and each segment is joined to its
// predecessor at the first sentence boundary both agree on (identical generator state at a sentence
// start means identical text from there on). The result does not depend on the thread count.
//
// Thread-safety: instance() may be called concurrently (built once); the pool is immutable after.
#include <cstddef>
#include <memory>
#include <string_view>

namespace tpch {

class text_pool {
public:
    /// Size of the pool in bytes (300 MiB).
    static constexpr std::size_t size = 314572800;
    /// Bytes readable past the end of text() (zero-filled), so fixed-width copies may overrun.
    static constexpr std::size_t slack = 64;

    /// The process-wide pool, built on first call with up to `threads` threads (0: all cores).
    /// Later calls return the same pool whatever `threads` is. Throws std::bad_alloc when the
    /// memory cannot be mapped.
    static const text_pool& instance(unsigned threads = 0);

    /// A pool shared by every holder alive at the same time and unmapped when the last one lets
    /// go (a data generation run holds it only while it generates, so its 300 MiB are not kept
    /// during Parquet conversion or afterwards). Built with up to `threads` threads (0: all cores).
    static std::shared_ptr<const text_pool> acquire(unsigned threads = 0);

    /// Builds a separate pool with exactly `threads` segments (tests, benchmarks).
    static std::unique_ptr<text_pool> build(unsigned threads);

    /// The pool bytes.
    std::string_view text() const noexcept { return {data_, size}; }
    const char* data() const noexcept { return data_; }

    ~text_pool();
    text_pool(const text_pool&) = delete;
    text_pool& operator=(const text_pool&) = delete;

private:
    text_pool() = default;
    char* data_ = nullptr;
    std::size_t mapped_ = 0;
};

} // namespace tpch
