#pragma once
// Row generation identical to the TPC's dbgen (GENERATION.md): scale factors, row counts, and a
// positionable generator that renders any range of rows of a table group as dbgen `.tbl` text or as
// CSV. The parallel file writer (datagen.hpp) is built on this.
//
// Thread-safety: scale_info is a value; a row_generator is a value owned by one thread at a time
// (copying one is cheap and is how work is handed to threads). The text pool is shared, read-only.
#include <tpch/schema.hpp>
#include <tpch/text_pool.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

namespace tpch {

/// Largest scale factor dbgen accepts.
inline constexpr double max_scale_factor = 100000.0;

/// Row counts of a scale factor (GENERATION.md §5), with the kit's rules for fractional factors.
struct scale_info {
    double factor = 1;         ///< as given
    std::int64_t scale = 1;    ///< integer scale S: trunc(factor) for factor >= 1, else 1
    std::int64_t part = 0;     ///< PART rows (PARTSUPP has 4 per part)
    std::int64_t supplier = 0; ///< SUPPLIER rows
    std::int64_t customer = 0; ///< CUSTOMER rows
    std::int64_t orders = 0;   ///< ORDERS rows (LINEITEM has 1..7 per order)

    /// True when o_custkey and l_partkey use the 64-bit generator (S >= 30000).
    bool big() const noexcept { return scale >= 30000; }

    /// Row counts for `factor`; empty when factor is not finite, <= 0 or > max_scale_factor.
    static std::optional<scale_info> from_factor(double factor) noexcept;
};

/// Tables generated together in one pass: ORDERS with its LINEITEMs, PART with its PARTSUPPs.
enum class table_group { orders_lineitem, part_partsupp, customer, supplier, nation, region };

/// The group that produces table `t`.
table_group group_of(table t) noexcept;
/// The parent table of a group (orders, part, customer, ...) and its child (lineitem, partsupp) if any.
table group_parent(table_group g) noexcept;
std::optional<table> group_child(table_group g) noexcept;
/// Rows of the group's parent table: the unit in which groups are chunked and positioned.
std::int64_t group_rows(table_group g, const scale_info& sc) noexcept;

/// First row (1-based) and row count of dbgen's chunk `k` of `n` (`-C n -S k`) of a group with
/// `rows` rows (GENERATION.md §8): N div n rows each, the remainder to the last chunk.
struct row_range {
    std::int64_t first = 1;
    std::int64_t count = 0;
};
row_range chunk_range(std::int64_t rows, std::int64_t n, std::int64_t k) noexcept;

/// Output text format of generated rows.
enum class text_format {
    tbl, ///< dbgen: every value followed by '|', LF
    csv, ///< comma separated, RFC 4180 quoting of values containing ',' or '"', LF, no header here
};

/// A growable byte buffer written in place by the generator (no zero-filling on growth).
class out_buffer {
public:
    out_buffer() = default;
    ~out_buffer() { std::free(data_); }
    out_buffer(out_buffer&& o) noexcept
        : data_(o.data_)
        , size_(o.size_)
        , cap_(o.cap_) {
        o.data_ = nullptr;
        o.size_ = o.cap_ = 0;
    }
    out_buffer& operator=(out_buffer&& o) noexcept {
        std::swap(data_, o.data_);
        std::swap(size_, o.size_);
        std::swap(cap_, o.cap_);
        return *this;
    }
    out_buffer(const out_buffer&) = delete;
    out_buffer& operator=(const out_buffer&) = delete;

    /// Pointer to at least `n` writable bytes after the current end (grows; throws std::bad_alloc).
    char* reserve(std::size_t n);
    /// Marks everything up to `end` (a pointer obtained from reserve()) as written.
    void commit(const char* end) noexcept { size_ = static_cast<std::size_t>(end - data_); }
    void append(std::string_view s);
    void clear() noexcept { size_ = 0; }
    const char* data() const noexcept { return data_; }
    std::size_t size() const noexcept { return size_; }
    std::string_view view() const noexcept { return {data_, size_}; }

private:
    char* data_ = nullptr;
    std::size_t size_ = 0;
    std::size_t cap_ = 0;
};

/// Generates the rows of one table group, positionable anywhere.
///
/// A generator starts before row 1 of its group. seek(r) positions it before row r exactly as dbgen
/// positions chunk processes (`-C/-S`: every stream jumped from its seed); advance(n) moves it n rows
/// forward exactly as if the rows had been generated (the difference matters only at S >= 30000,
/// where the 64-bit streams of o_custkey and l_partkey do not follow the jump; see §8).
class row_generator {
public:
    /// `pool` must outlive the generator.
    row_generator(table_group g, const scale_info& sc, text_format fmt, const text_pool& pool);

    table_group group() const noexcept { return group_; }
    /// The 1-based index of the next row generate() produces.
    std::int64_t position() const noexcept { return row_; }

    /// Positions before row `row` (1 <= row <= group_rows + 1) with dbgen's chunk jump.
    void seek(std::int64_t row) noexcept;
    /// Moves `rows` rows forward as a sequential run would (cheap: no text is produced).
    void advance(std::int64_t rows) noexcept;

    /// Generates the next `count` rows. Parent rows are appended to `parent`, child rows to `child`;
    /// either may be null to skip that table's text (the random streams advance the same way).
    /// Returns the number of child rows (lineitems, partsupps) produced.
    std::int64_t generate(std::int64_t count, out_buffer* parent, out_buffer* child);

    /// Maximum bytes one parent row together with its children can take (for buffer sizing).
    static constexpr std::size_t max_row_bytes = 4096;

private:
    template <text_format F>
    std::int64_t generate_as(std::int64_t count, out_buffer* parent, out_buffer* child);

    table_group group_;
    scale_info sc_;
    text_format fmt_;
    const char* pool_;
    std::int64_t row_ = 1;
    std::array<std::int64_t, 48> s_{}; // stream states
};

/// The CSV header line (column names, comma separated, LF) of table `t`.
std::string_view csv_header(table t) noexcept;

} // namespace tpch
