// dbgen-identical row generation (GENERATION.md §1-§8).
#include <tpch/dbgen.hpp>
#include <tpch/dists.hpp>
#include <tpch/rng.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>
#include <span>
#include <string>
#include <vector>

namespace tpch {

// ---- out_buffer -------------------------------------------------------------------------------------

char* out_buffer::reserve(std::size_t n) {
    if (cap_ - size_ < n) {
        std::size_t nc = std::max<std::size_t>(cap_ * 2, 64 * 1024);
        while (nc - size_ < n) {
            nc *= 2;
        }
        void* p = std::realloc(data_, nc);
        if (p == nullptr) {
            throw std::bad_alloc();
        }
        data_ = static_cast<char*>(p);
        cap_ = nc;
    }
    return data_ + size_;
}

void out_buffer::append(std::string_view s) {
    char* p = reserve(s.size());
    std::memcpy(p, s.data(), s.size());
    size_ += s.size();
}

// ---- scale ----------------------------------------------------------------------------------------

std::optional<scale_info> scale_info::from_factor(double f) noexcept {
    if (!std::isfinite(f) || f <= 0 || f > max_scale_factor) {
        return std::nullopt;
    }
    scale_info sc;
    sc.factor = f;
    constexpr std::int64_t base_part = 200000, base_supplier = 10000, base_customer = 150000,
                           base_orders = 1500000;
    if (f < 1) {
        const auto k = static_cast<std::int64_t>(1000.0 * f);
        auto adj = [k](std::int64_t base) { return std::max<std::int64_t>(1, k * base / 1000); };
        sc.scale = 1;
        sc.part = adj(base_part);
        sc.supplier = adj(base_supplier);
        sc.customer = adj(base_customer);
        sc.orders = adj(base_orders);
    } else {
        sc.scale = static_cast<std::int64_t>(f);
        sc.part = base_part * sc.scale;
        sc.supplier = base_supplier * sc.scale;
        sc.customer = base_customer * sc.scale;
        sc.orders = base_orders * sc.scale;
    }
    return sc;
}

table_group group_of(table t) noexcept {
    switch (t) {
    case table::orders:
    case table::lineitem:
        return table_group::orders_lineitem;
    case table::part:
    case table::partsupp:
        return table_group::part_partsupp;
    case table::customer:
        return table_group::customer;
    case table::supplier:
        return table_group::supplier;
    case table::nation:
        return table_group::nation;
    case table::region:
        return table_group::region;
    }
    return table_group::region;
}

table group_parent(table_group g) noexcept {
    switch (g) {
    case table_group::orders_lineitem:
        return table::orders;
    case table_group::part_partsupp:
        return table::part;
    case table_group::customer:
        return table::customer;
    case table_group::supplier:
        return table::supplier;
    case table_group::nation:
        return table::nation;
    case table_group::region:
        return table::region;
    }
    return table::region;
}

std::optional<table> group_child(table_group g) noexcept {
    if (g == table_group::orders_lineitem) {
        return table::lineitem;
    }
    if (g == table_group::part_partsupp) {
        return table::partsupp;
    }
    return std::nullopt;
}

std::int64_t group_rows(table_group g, const scale_info& sc) noexcept {
    switch (g) {
    case table_group::orders_lineitem:
        return sc.orders;
    case table_group::part_partsupp:
        return sc.part;
    case table_group::customer:
        return sc.customer;
    case table_group::supplier:
        return sc.supplier;
    case table_group::nation:
        return 25;
    case table_group::region:
        return 5;
    }
    return 0;
}

row_range chunk_range(std::int64_t rows, std::int64_t n, std::int64_t k) noexcept {
    const std::int64_t per = rows / n;
    return {per * (k - 1) + 1, k < n ? per : per + rows % n};
}

namespace {

// ---- random helpers ---------------------------------------------------------------------------------

constexpr std::uint64_t mulmod(std::uint64_t x, std::uint64_t a) noexcept {
    std::uint64_t p = x * a; // both < 2^31
    p = (p & 0x7fffffffu) + (p >> 31);
    p = (p & 0x7fffffffu) + (p >> 31);
    return p >= 0x7fffffffu ? p - 0x7fffffffu : p;
}

// 16807^k mod M for the small jumps of the row protocol.
struct pow_table {
    std::uint64_t v[100];
    constexpr pow_table()
        : v{} {
        v[0] = 1;
        for (int k = 1; k < 100; ++k) {
            v[k] = mulmod(v[k - 1], 16807);
        }
    }
};
constexpr pow_table powers;

// Advances an ordinary state (0 < x < M) by k <= 99 steps.
inline void skip(std::int64_t& x, std::int64_t k) noexcept {
    x = static_cast<std::int64_t>(mulmod(static_cast<std::uint64_t>(x), powers.v[k]));
}

inline std::int64_t draw(std::int64_t& x, std::int64_t lo, std::int64_t hi) noexcept {
    x = pm_next(x);
    const double q = static_cast<double>(x) / 2147483647.0;
    return lo + static_cast<std::int64_t>(q * static_cast<double>(hi - lo + 1));
}

// ---- distributions used by dbgen ------------------------------------------------------------------

struct pick_list {
    std::vector<std::uint8_t> lut; // j in [1, total] -> index
    std::vector<std::string_view> values;
    double range = 0;

    void load(const distribution& d) {
        values = d.values;
        lut.assign(static_cast<std::size_t>(d.total()) + 1, 0);
        for (std::int64_t j = 1; j <= d.total(); ++j) {
            lut[static_cast<std::size_t>(j)] = static_cast<std::uint8_t>(d.index_for(j));
        }
        range = static_cast<double>(d.total());
        make_slots();
    }
    std::string_view pick(std::int64_t& x) const noexcept { return values[pick_index(x)]; }
    std::uint8_t pick_index(std::int64_t& x) const noexcept {
        x = pm_next(x);
        const double q = static_cast<double>(x) / 2147483647.0;
        return lut[static_cast<std::size_t>(1 + static_cast<std::int64_t>(q * range))];
    }
    // Values in 32-byte slots for fixed-size copies.
    std::vector<char> slots;
    std::vector<std::uint8_t> lens;
    void make_slots() {
        slots.assign(values.size() * 32, 0);
        lens.resize(values.size());
        for (std::size_t i = 0; i < values.size(); ++i) {
            std::memcpy(&slots[i * 32], values[i].data(), std::min<std::size_t>(values[i].size(), 32));
            lens[i] = static_cast<std::uint8_t>(values[i].size());
        }
    }
};

struct dbgen_tables {
    pick_list p_types, p_cntr, msegmnt, o_oprio, instruct, smode, rflag;
    std::vector<std::string_view> colors, nations, regions;
    std::vector<std::int64_t> nation_region;
    char dates[2557][10];

    dbgen_tables() {
        p_types.load(dist("p_types"));
        p_cntr.load(dist("p_cntr"));
        msegmnt.load(dist("msegmnt"));
        o_oprio.load(dist("o_oprio"));
        instruct.load(dist("instruct"));
        smode.load(dist("smode"));
        rflag.load(dist("rflag"));
        colors = dist("colors").values;
        nations = dist("nations").values;
        nation_region = dist("nations").cumweights;
        regions = dist("regions").values;
        int y = 1992, m = 1, d = 1;
        for (auto& date : dates) {
            date[0] = static_cast<char>('0' + y / 1000);
            date[1] = static_cast<char>('0' + y / 100 % 10);
            date[2] = static_cast<char>('0' + y / 10 % 10);
            date[3] = static_cast<char>('0' + y % 10);
            date[4] = '-';
            date[5] = static_cast<char>('0' + m / 10);
            date[6] = static_cast<char>('0' + m % 10);
            date[7] = '-';
            date[8] = static_cast<char>('0' + d / 10);
            date[9] = static_cast<char>('0' + d % 10);
            static constexpr int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
            const bool leap = y % 4 == 0;
            const int len = m == 2 && leap ? 29 : mdays[m - 1];
            if (++d > len) {
                d = 1;
                if (++m > 12) {
                    m = 1;
                    ++y;
                }
            }
        }
    }
};

const dbgen_tables& tables() {
    static const dbgen_tables t;
    return t;
}

// ---- formatting -------------------------------------------------------------------------------------

constexpr char digit_pairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

inline int count_digits(std::uint64_t v) noexcept {
    int n = 1;
    for (;;) {
        if (v < 10)
            return n;
        if (v < 100)
            return n + 1;
        if (v < 1000)
            return n + 2;
        if (v < 10000)
            return n + 3;
        v /= 10000;
        n += 4;
    }
}

// Writes exactly `n` digits of v (v < 10^n) ending at p + n.
inline void put_digits(char* p, std::uint64_t v, int n) noexcept {
    char* e = p + n;
    while (v >= 100) {
        const auto r = static_cast<std::size_t>(v % 100) * 2;
        v /= 100;
        e -= 2;
        e[0] = digit_pairs[r];
        e[1] = digit_pairs[r + 1];
    }
    if (v >= 10) {
        e -= 2;
        e[0] = digit_pairs[v * 2];
        e[1] = digit_pairs[v * 2 + 1];
    } else if (e > p) {
        *--e = static_cast<char>('0' + v);
    }
    while (e > p) {
        *--e = '0';
    }
}

inline char* put_uint(char* p, std::uint64_t v) noexcept {
    const int n = count_digits(v);
    put_digits(p, v, n);
    return p + n;
}

inline char* put_int(char* p, std::int64_t v) noexcept {
    if (v < 0) {
        *p++ = '-';
        return put_uint(p, 0u - static_cast<std::uint64_t>(v));
    }
    return put_uint(p, static_cast<std::uint64_t>(v));
}

// At least 9 digits, zero-padded ("%09ld").
inline char* put_pad9(char* p, std::int64_t v) noexcept {
    const auto u = static_cast<std::uint64_t>(v);
    if (u < 1000000000u) {
        put_digits(p, u, 9);
        return p + 9;
    }
    return put_uint(p, u);
}

// Money: cents through a 32-bit int, sign separately, "d.dd".
inline char* put_money(char* p, std::int64_t cents) noexcept {
    auto c = static_cast<std::int32_t>(cents);
    std::uint32_t u = static_cast<std::uint32_t>(c);
    if (c < 0) {
        *p++ = '-';
        u = 0u - u;
    }
    p = put_uint(p, u / 100);
    const std::uint32_t r = u % 100;
    p[0] = '.';
    p[1] = digit_pairs[r * 2];
    p[2] = digit_pairs[r * 2 + 1];
    return p + 3;
}

template <text_format F>
constexpr char sep = F == text_format::tbl ? '|' : ',';

// A string value that never needs quoting (names, types, fixed words).
template <text_format F>
inline char* put_word(char* p, std::string_view s) noexcept {
    std::memcpy(p, s.data(), s.size());
    p += s.size();
    *p++ = sep<F>;
    return p;
}

// A distribution value (never needs quoting; at most 32 bytes).
template <text_format F>
inline char* put_slot(char* p, const pick_list& l, std::size_t i) noexcept {
    std::memcpy(p, &l.slots[i * 32], 32);
    p += l.lens[i];
    *p++ = sep<F>;
    return p;
}

// A string value that may contain ',' (comments, addresses): CSV quotes it.
template <text_format F>
inline char* put_text(char* p, const char* s, std::size_t n) noexcept {
    if constexpr (F == text_format::csv) {
        if (std::memchr(s, ',', n) != nullptr || std::memchr(s, '"', n) != nullptr) {
            *p++ = '"';
            for (std::size_t i = 0; i < n; ++i) {
                if (s[i] == '"') {
                    *p++ = '"';
                }
                *p++ = s[i];
            }
            *p++ = '"';
            *p++ = ',';
            return p;
        }
    }
    // Fixed 32-byte steps: the pool and the output have slack for the overrun.
    for (std::size_t i = 0; i < n; i += 32) {
        std::memcpy(p + i, s + i, 32);
    }
    p += n;
    *p++ = sep<F>;
    return p;
}

template <text_format F>
inline char* end_row(char* p) noexcept {
    if constexpr (F == text_format::tbl) {
        *p++ = '\n';
    } else {
        p[-1] = '\n';
    }
    return p;
}

// Comment: offset draw, then length draw (§4.2).
struct comment_spec {
    std::int64_t lo, hi;
};
constexpr comment_spec p_cmnt{5, 22}, ps_cmnt{49, 198}, s_cmnt{25, 100}, c_cmnt{29, 116}, o_cmnt{19, 78},
    l_cmnt{10, 43}, nr_cmnt{28, 115};

inline std::pair<std::int64_t, std::int64_t> draw_comment(std::int64_t& x, comment_spec c) noexcept {
    const std::int64_t off = draw(x, 0, static_cast<std::int64_t>(text_pool::size) - c.hi);
    const std::int64_t len = draw(x, c.lo, c.hi);
    return {off, len};
}

// Random alphanumeric string (§4.3), padded to 9 draws. Returns the length written to `out`.
inline std::size_t vstring(std::int64_t& x, char* out) noexcept {
    static constexpr char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ,";
    const std::int64_t len = draw(x, 10, 40);
    std::int64_t w = 0;
    int used = 1;
    for (std::int64_t i = 0; i < len; ++i) {
        if (i % 5 == 0) {
            x = pm_next(x);
            const double q = static_cast<double>(x) / 2147483647.0;
            w = static_cast<std::int64_t>(q * -2147483648.0);
            ++used;
        }
        out[i] = alphabet[w & 63];
        w >>= 6;
    }
    skip(x, 9 - used);
    return static_cast<std::size_t>(len);
}

inline std::int64_t retail_price(std::int64_t p) noexcept {
    return 90000 + ((p / 10) % 20001) + 100 * (p % 1000);
}

inline std::int64_t supp_key(std::int64_t p, std::int64_t n, std::int64_t sup) noexcept {
    return (p + n * (sup / 4 + (p - 1) / sup)) % sup + 1;
}

inline char* put_phone(char* p, std::int64_t nation, std::int64_t a, std::int64_t e,
                       std::int64_t n) noexcept {
    put_digits(p, static_cast<std::uint64_t>(10 + nation % 90), 2);
    p[2] = '-';
    put_digits(p + 3, static_cast<std::uint64_t>(a), 3);
    p[6] = '-';
    put_digits(p + 7, static_cast<std::uint64_t>(e), 3);
    p[10] = '-';
    put_digits(p + 11, static_cast<std::uint64_t>(n), 4);
    return p + 15;
}

// Per-row stream counts of the chunk jump (§8): {stream, count} per group.
struct jump_entry {
    int stream;
    std::int64_t count;
};
constexpr jump_entry jumps_orders[] = {{10, 1}, {11, 1}, {12, 2}, {13, 1}, {38, 1}, {40, 1}, {43, 1},
                                       {14, 7}, {15, 7}, {16, 7}, {17, 7}, {18, 7}, {19, 7}, {20, 7},
                                       {21, 7}, {22, 7}, {23, 7}, {24, 7}, {25, 14}};
constexpr jump_entry jumps_part[] = {{0, 1}, {1, 1},   {2, 1}, {3, 1}, {4, 1},
                                     {6, 2}, {37, 92}, {7, 4}, {8, 4}, {9, 8}};
constexpr jump_entry jumps_supplier[] = {{32, 9}, {33, 1}, {34, 3}, {35, 1}, {36, 2},
                                         {44, 1}, {45, 1}, {46, 1}, {47, 1}};
constexpr jump_entry jumps_customer[] = {{26, 9}, {27, 1}, {28, 3}, {29, 1}, {30, 1}, {31, 2}};
constexpr jump_entry jumps_nation[] = {{41, 2}};
constexpr jump_entry jumps_region[] = {{42, 2}};

std::span<const jump_entry> jumps_of(table_group g) noexcept {
    switch (g) {
    case table_group::orders_lineitem:
        return jumps_orders;
    case table_group::part_partsupp:
        return jumps_part;
    case table_group::customer:
        return jumps_customer;
    case table_group::supplier:
        return jumps_supplier;
    case table_group::nation:
        return jumps_nation;
    case table_group::region:
        return jumps_region;
    }
    return {};
}

constexpr std::int64_t current_date = 1263; // day index of 1995-06-17

} // namespace

// ---- row_generator ----------------------------------------------------------------------------------

row_generator::row_generator(table_group g, const scale_info& sc, text_format fmt, const text_pool& pool)
    : group_(g)
    , sc_(sc)
    , fmt_(fmt)
    , pool_(pool.data()) {
    (void)tables();
    seek(1);
}

void row_generator::seek(std::int64_t row) noexcept {
    row_ = row;
    for (int i = 0; i < stream_count; ++i) {
        s_[static_cast<std::size_t>(i)] = stream_seeds[static_cast<std::size_t>(i)];
    }
    for (auto [stream, count] : jumps_of(group_)) {
        auto& x = s_[static_cast<std::size_t>(stream)];
        x = nth_element(x, (row - 1) * count);
    }
}

void row_generator::advance(std::int64_t rows) noexcept {
    if (rows <= 0) {
        return;
    }
    if (group_ != table_group::orders_lineitem || !sc_.big()) {
        for (auto [stream, count] : jumps_of(group_)) {
            auto& x = s_[static_cast<std::size_t>(stream)];
            x = nth_element(x, rows * count);
        }
        row_ += rows;
        return;
    }
    // S >= 30000: streams 19 and 40 follow the 64-bit LCG, padded (19) with the Park–Miller jump
    // applied to the 64-bit state; simulate them order by order. The others jump.
    std::int64_t& s19 = s_[19];
    std::int64_t& s40 = s_[40];
    std::int64_t& s43 = s_[43];
    for (std::int64_t r = 0; r < rows; ++r) {
        s40 = static_cast<std::int64_t>(static_cast<std::uint64_t>(s40) * 6364136223846793005ull + 1u);
        const std::int64_t n = draw(s43, 1, 7);
        for (std::int64_t l = 0; l < n; ++l) {
            s19 = static_cast<std::int64_t>(static_cast<std::uint64_t>(s19) * 6364136223846793005ull + 1u);
        }
        if (n < 7) {
            s19 = nth_element(s19, 7 - n);
        }
    }
    for (auto [stream, count] : jumps_orders) {
        if (stream != 19 && stream != 40 && stream != 43) {
            auto& x = s_[static_cast<std::size_t>(stream)];
            x = nth_element(x, rows * count);
        }
    }
    row_ += rows;
}

std::int64_t row_generator::generate(std::int64_t count, out_buffer* parent, out_buffer* child) {
    return fmt_ == text_format::tbl ? generate_as<text_format::tbl>(count, parent, child)
                                    : generate_as<text_format::csv>(count, parent, child);
}

template <text_format F>
std::int64_t row_generator::generate_as(std::int64_t count, out_buffer* parent, out_buffer* child) {
    const dbgen_tables& t = tables();
    const char* pool = pool_;
    // Worst-case bytes per row, CSV quoting included.
    constexpr std::size_t row_room = 1024;
    out_buffer scratch_parent, scratch_child;
    out_buffer* po = parent != nullptr ? parent : &scratch_parent;
    out_buffer* co = child != nullptr ? child : &scratch_child;
    std::int64_t children = 0;
    auto& s = s_;

    switch (group_) {
    case table_group::orders_lineitem: {
        // Two stages per batch of orders: draw every random value (and prefetch the comment text,
        // which sits at random places in the 300 MiB pool), then format. The streams are
        // independent, so drawing them column-wise gives the same values as dbgen's row order.
        const bool big = sc_.big();
        const std::int64_t clerks = std::max<std::int64_t>(1000 * sc_.scale, 1000);
        constexpr std::int64_t batch = 32;
        struct line_rec {
            std::int64_t pk, supp, ep, loff;
            std::int32_t q, disc, tax, llen;
            std::uint16_t sd, cd, rd;
            std::uint8_t instr, mode;
            char rf, ls;
        };
        struct order_rec {
            std::int64_t key, cust, total, ooff, olen, clerk;
            std::int32_t d, n;
            std::uint8_t prio;
            char status;
        };
        order_rec orders[batch];
        line_rec lines[batch * 7];
        for (std::int64_t done = 0; done < count;) {
            const std::int64_t nb = std::min(batch, count - done);
            int nl = 0;
            for (std::int64_t b = 0; b < nb; ++b) {
                order_rec& o = orders[b];
                const std::int64_t i = row_ + b;
                o.key = (i / 8) * 32 + (i % 8);
                std::int64_t c = big ? unif_int64(s[40], 1, sc_.customer) : draw(s[40], 1, sc_.customer);
                std::int64_t delta = 1;
                while (c % 3 == 0) {
                    c += delta;
                    c = std::min(c, sc_.customer);
                    delta = -delta;
                }
                o.cust = c;
                o.d = static_cast<std::int32_t>(draw(s[13], 92001, 94406) - 92001);
                o.prio = t.o_oprio.pick_index(s[38]);
                o.clerk = draw(s[11], 1, clerks);
                const auto [ooff, olen] = draw_comment(s[12], o_cmnt);
                o.ooff = ooff;
                o.olen = olen;
                __builtin_prefetch(pool + ooff);
                __builtin_prefetch(pool + ooff + 63);
                o.n = static_cast<std::int32_t>(draw(s[43], 1, 7));
                skip(s[10], 1); // O_SUPP_SD: budget 1, never drawn
                std::int64_t total = 0;
                int fcount = 0;
                int flags = 0;
                for (std::int32_t ln = 0; ln < o.n; ++ln) {
                    line_rec& l = lines[nl++];
                    l.pk = big ? unif_int64(s[19], 1, sc_.part) : draw(s[19], 1, sc_.part);
                    l.supp = supp_key(l.pk, draw(s[20], 0, 3), sc_.supplier);
                    l.q = static_cast<std::int32_t>(draw(s[14], 1, 50));
                    l.disc = static_cast<std::int32_t>(draw(s[15], 0, 10));
                    l.tax = static_cast<std::int32_t>(draw(s[16], 0, 8));
                    l.instr = t.instruct.pick_index(s[17]);
                    l.mode = t.smode.pick_index(s[18]);
                    const auto [loff, llen] = draw_comment(s[25], l_cmnt);
                    l.loff = loff;
                    l.llen = static_cast<std::int32_t>(llen);
                    __builtin_prefetch(pool + loff);
                    __builtin_prefetch(pool + loff + 42);
                    const std::int64_t sd = o.d + draw(s[21], 1, 121);
                    const std::int64_t cd = o.d + draw(s[22], 30, 90);
                    const std::int64_t rd = sd + draw(s[23], 1, 30);
                    l.sd = static_cast<std::uint16_t>(sd);
                    l.cd = static_cast<std::uint16_t>(cd);
                    l.rd = static_cast<std::uint16_t>(rd);
                    l.rf = 'N';
                    if (rd <= current_date) {
                        l.rf = t.rflag.pick(s[24])[0];
                        ++flags;
                    }
                    l.ls = sd <= current_date ? 'F' : 'O';
                    fcount += l.ls == 'F';
                    l.ep = l.q * retail_price(l.pk);
                    total += ((l.ep * (100 - l.disc)) / 100) * (100 + l.tax) / 100;
                }
                o.total = total;
                o.status = fcount == o.n ? 'F' : (fcount == 0 ? 'O' : 'P');
                // Row protocol padding of the LINEITEM streams (§6.5).
                const std::int64_t n = o.n;
                if (n < 7) {
                    for (int k = 14; k <= 23; ++k) {
                        if (k == 19 && big) {
                            s[19] = nth_element(s[19], 7 - n);
                        } else {
                            skip(s[static_cast<std::size_t>(k)], 7 - n);
                        }
                    }
                    skip(s[25], 14 - 2 * n);
                }
                skip(s[24], 7 - flags);
            }

            if (child != nullptr) {
                char* p = co->reserve(row_room * static_cast<std::size_t>(nl));
                int li = 0;
                for (std::int64_t b = 0; b < nb; ++b) {
                    const order_rec& o = orders[b];
                    for (std::int32_t ln = 1; ln <= o.n; ++ln) {
                        const line_rec& l = lines[li++];
                        p = put_uint(p, static_cast<std::uint64_t>(o.key));
                        *p++ = sep<F>;
                        p = put_uint(p, static_cast<std::uint64_t>(l.pk));
                        *p++ = sep<F>;
                        p = put_uint(p, static_cast<std::uint64_t>(l.supp));
                        *p++ = sep<F>;
                        p[0] = static_cast<char>('0' + ln);
                        p[1] = sep<F>;
                        p += 2;
                        p = put_uint(p, static_cast<std::uint64_t>(l.q)); // printed as an integer by dbgen
                        *p++ = sep<F>;
                        p = put_money(p, l.ep);
                        *p++ = sep<F>;
                        p[0] = '0';
                        p[1] = '.';
                        p[2] = static_cast<char>('0' + l.disc / 10);
                        p[3] = static_cast<char>('0' + l.disc % 10);
                        p[4] = sep<F>;
                        p[5] = '0';
                        p[6] = '.';
                        p[7] = '0';
                        p[8] = static_cast<char>('0' + l.tax);
                        p[9] = sep<F>;
                        p[10] = l.rf;
                        p[11] = sep<F>;
                        p[12] = l.ls;
                        p[13] = sep<F>;
                        p += 14;
                        std::memcpy(p, t.dates[l.sd], 10);
                        p[10] = sep<F>;
                        std::memcpy(p + 11, t.dates[l.cd], 10);
                        p[21] = sep<F>;
                        std::memcpy(p + 22, t.dates[l.rd], 10);
                        p[32] = sep<F>;
                        p += 33;
                        p = put_slot<F>(p, t.instruct, l.instr);
                        p = put_slot<F>(p, t.smode, l.mode);
                        p = put_text<F>(p, pool + l.loff, static_cast<std::size_t>(l.llen));
                        p = end_row<F>(p);
                    }
                }
                co->commit(p);
            }
            if (parent != nullptr) {
                char* p = po->reserve(row_room * static_cast<std::size_t>(nb));
                for (std::int64_t b = 0; b < nb; ++b) {
                    const order_rec& o = orders[b];
                    p = put_uint(p, static_cast<std::uint64_t>(o.key));
                    *p++ = sep<F>;
                    p = put_uint(p, static_cast<std::uint64_t>(o.cust));
                    *p++ = sep<F>;
                    *p++ = o.status;
                    *p++ = sep<F>;
                    p = put_money(p, o.total);
                    *p++ = sep<F>;
                    std::memcpy(p, t.dates[o.d], 10);
                    p[10] = sep<F>;
                    p += 11;
                    p = put_slot<F>(p, t.o_oprio, o.prio);
                    std::memcpy(p, "Clerk#", 6);
                    p = put_pad9(p + 6, o.clerk);
                    *p++ = sep<F>;
                    *p++ = '0';
                    *p++ = sep<F>;
                    p = put_text<F>(p, pool + o.ooff, static_cast<std::size_t>(o.olen));
                    p = end_row<F>(p);
                }
                po->commit(p);
            }
            children += nl;
            row_ += nb;
            done += nb;
        }
        break;
    }
    case table_group::part_partsupp: {
        // Batches: draw (prefetching comment text), then format; see orders above.
        const std::int64_t sup = sc_.supplier;
        constexpr std::int64_t batch = 16;
        struct ps_rec {
            std::int64_t off, len, qty, cost;
        };
        struct part_rec {
            std::uint8_t perm[5];
            std::uint8_t m, b, type, size, cntr;
            std::int64_t off, len;
            ps_rec ps[4];
        };
        part_rec parts[batch];
        for (std::int64_t done = 0; done < count;) {
            const std::int64_t nb = std::min(batch, count - done);
            for (std::int64_t k = 0; k < nb; ++k) {
                part_rec& pr = parts[k];
                // p_name: only the first 5 positions of the 92-step permutation are printed, and
                // step k never touches positions below k, so draw 5 and jump the other 87.
                std::uint8_t perm[92];
                for (int j = 0; j < 92; ++j) {
                    perm[j] = static_cast<std::uint8_t>(j);
                }
                for (int j = 0; j < 5; ++j) {
                    const auto x = static_cast<std::size_t>(draw(s[37], j, 91));
                    std::swap(perm[j], perm[x]);
                    pr.perm[j] = perm[j];
                }
                skip(s[37], 87);
                pr.m = static_cast<std::uint8_t>(draw(s[0], 1, 5));
                pr.b = static_cast<std::uint8_t>(draw(s[1], 1, 5));
                pr.type = t.p_types.pick_index(s[2]);
                pr.size = static_cast<std::uint8_t>(draw(s[3], 1, 50));
                pr.cntr = t.p_cntr.pick_index(s[4]);
                const auto [off, len] = draw_comment(s[6], p_cmnt);
                pr.off = off;
                pr.len = len;
                __builtin_prefetch(pool + off);
                __builtin_prefetch(pool + off + 21);
                for (auto& ps : pr.ps) {
                    ps.qty = draw(s[7], 1, 9999);
                    ps.cost = draw(s[8], 100, 100000);
                    const auto [coff, clen] = draw_comment(s[9], ps_cmnt);
                    ps.off = coff;
                    ps.len = clen;
                    for (int c = 0; c < 198; c += 64) {
                        __builtin_prefetch(pool + coff + c);
                    }
                    __builtin_prefetch(pool + coff + 197);
                }
            }
            if (parent != nullptr) {
                char* p = po->reserve(row_room * static_cast<std::size_t>(nb));
                for (std::int64_t k = 0; k < nb; ++k) {
                    const part_rec& pr = parts[k];
                    p = put_uint(p, static_cast<std::uint64_t>(row_ + k));
                    *p++ = sep<F>;
                    for (int j = 0; j < 5; ++j) {
                        const std::string_view c = t.colors[pr.perm[j]];
                        std::memcpy(p, c.data(), c.size());
                        p += c.size();
                        *p++ = ' ';
                    }
                    p[-1] = sep<F>;
                    std::memcpy(p, "Manufacturer#", 13);
                    p[13] = static_cast<char>('0' + pr.m);
                    p[14] = sep<F>;
                    std::memcpy(p + 15, "Brand#", 6);
                    p[21] = static_cast<char>('0' + pr.m);
                    p[22] = static_cast<char>('0' + pr.b);
                    p[23] = sep<F>;
                    p += 24;
                    p = put_slot<F>(p, t.p_types, pr.type);
                    p = put_uint(p, pr.size);
                    *p++ = sep<F>;
                    p = put_slot<F>(p, t.p_cntr, pr.cntr);
                    p = put_money(p, retail_price(row_ + k));
                    *p++ = sep<F>;
                    p = put_text<F>(p, pool + pr.off, static_cast<std::size_t>(pr.len));
                    p = end_row<F>(p);
                }
                po->commit(p);
            }
            if (child != nullptr) {
                char* p = co->reserve(row_room * 4 * static_cast<std::size_t>(nb));
                for (std::int64_t k = 0; k < nb; ++k) {
                    const std::int64_t i = row_ + k;
                    for (std::int64_t n = 0; n < 4; ++n) {
                        const ps_rec& ps = parts[k].ps[n];
                        p = put_uint(p, static_cast<std::uint64_t>(i));
                        *p++ = sep<F>;
                        p = put_uint(p, static_cast<std::uint64_t>(supp_key(i, n, sup)));
                        *p++ = sep<F>;
                        p = put_uint(p, static_cast<std::uint64_t>(ps.qty));
                        *p++ = sep<F>;
                        p = put_money(p, ps.cost);
                        *p++ = sep<F>;
                        p = put_text<F>(p, pool + ps.off, static_cast<std::size_t>(ps.len));
                        p = end_row<F>(p);
                    }
                }
                co->commit(p);
            }
            children += 4 * nb;
            row_ += nb;
            done += nb;
        }
        break;
    }
    case table_group::supplier: {
        for (std::int64_t r = 0; r < count; ++r, ++row_) {
            const std::int64_t i = row_;
            char addr[64]; // 40 bytes used; put_text() copies in 32-byte steps
            const std::size_t alen = vstring(s[32], addr);
            const std::int64_t nation = draw(s[33], 0, 24);
            char* p = po->reserve(row_room);
            p = put_uint(p, static_cast<std::uint64_t>(i));
            *p++ = sep<F>;
            std::memcpy(p, "Supplier#", 9);
            p = put_pad9(p + 9, i);
            *p++ = sep<F>;
            p = put_text<F>(p, addr, alen);
            p = put_uint(p, static_cast<std::uint64_t>(nation));
            *p++ = sep<F>;
            const std::int64_t pa = draw(s[34], 100, 999);
            const std::int64_t pe = draw(s[34], 100, 999);
            const std::int64_t pn = draw(s[34], 1000, 9999);
            p = put_phone(p, nation, pa, pe, pn);
            *p++ = sep<F>;
            p = put_money(p, draw(s[35], -99999, 999999));
            *p++ = sep<F>;
            const auto [off, len] = draw_comment(s[36], s_cmnt);
            char cmnt[128];
            std::memcpy(cmnt, pool + off, static_cast<std::size_t>(len));
            const std::int64_t bad = draw(s[46], 1, 10000);
            const std::int64_t kind = draw(s[45], 0, 100);
            const std::int64_t gap = draw(s[44], 0, len - 19);
            const std::int64_t pos = draw(s[47], 0, len - 19 - gap);
            if (bad <= 10) {
                std::memcpy(cmnt + pos, "Customer ", 9);
                std::memcpy(cmnt + pos + 9 + gap, kind < 50 ? "Complaints" : "Recommends", 10);
            }
            p = put_text<F>(p, cmnt, static_cast<std::size_t>(len));
            p = end_row<F>(p);
            po->commit(p);
        }
        break;
    }
    case table_group::customer: {
        constexpr std::int64_t batch = 32;
        struct cust_rec {
            char addr[64]; // 40 bytes used; put_text() copies in 32-byte steps
            std::size_t alen;
            std::int64_t nation, a, e, n, bal, off, len;
            std::uint8_t seg;
        };
        cust_rec custs[batch];
        for (std::int64_t done = 0; done < count;) {
            const std::int64_t nb = std::min(batch, count - done);
            for (std::int64_t k = 0; k < nb; ++k) {
                cust_rec& c = custs[k];
                c.alen = vstring(s[26], c.addr);
                c.nation = draw(s[27], 0, 24);
                c.a = draw(s[28], 100, 999);
                c.e = draw(s[28], 100, 999);
                c.n = draw(s[28], 1000, 9999);
                c.bal = draw(s[29], -99999, 999999);
                c.seg = t.msegmnt.pick_index(s[30]);
                const auto [off, len] = draw_comment(s[31], c_cmnt);
                c.off = off;
                c.len = len;
                __builtin_prefetch(pool + off);
                __builtin_prefetch(pool + off + 64);
                __builtin_prefetch(pool + off + 115);
            }
            char* p = po->reserve(row_room * static_cast<std::size_t>(nb));
            for (std::int64_t k = 0; k < nb; ++k) {
                const cust_rec& c = custs[k];
                const std::int64_t i = row_ + k;
                p = put_uint(p, static_cast<std::uint64_t>(i));
                *p++ = sep<F>;
                std::memcpy(p, "Customer#", 9);
                p = put_pad9(p + 9, i);
                *p++ = sep<F>;
                p = put_text<F>(p, c.addr, c.alen);
                p = put_uint(p, static_cast<std::uint64_t>(c.nation));
                *p++ = sep<F>;
                p = put_phone(p, c.nation, c.a, c.e, c.n);
                *p++ = sep<F>;
                p = put_money(p, c.bal);
                *p++ = sep<F>;
                p = put_slot<F>(p, t.msegmnt, c.seg);
                p = put_text<F>(p, pool + c.off, static_cast<std::size_t>(c.len));
                p = end_row<F>(p);
            }
            po->commit(p);
            row_ += nb;
            done += nb;
        }
        break;
    }
    case table_group::nation:
    case table_group::region: {
        const bool nation = group_ == table_group::nation;
        for (std::int64_t r = 0; r < count; ++r, ++row_) {
            const auto k = static_cast<std::size_t>(row_ - 1);
            const auto [off, len] = draw_comment(s[nation ? 41 : 42], nr_cmnt);
            char* p = po->reserve(row_room);
            p = put_uint(p, k);
            *p++ = sep<F>;
            p = put_word<F>(p, nation ? t.nations[k] : t.regions[k]);
            if (nation) {
                p = put_int(p, t.nation_region[k]);
                *p++ = sep<F>;
            }
            p = put_text<F>(p, pool + off, static_cast<std::size_t>(len));
            p = end_row<F>(p);
            po->commit(p);
        }
        break;
    }
    }
    return children;
}

// ---- CSV headers ------------------------------------------------------------------------------------

std::string_view csv_header(table t) noexcept {
    static const auto headers = [] {
        std::array<std::string, all_tables.size()> h;
        for (table tt : all_tables) {
            std::string line;
            for (const auto& c : table_schema(tt)) {
                line += c.name;
                line += ',';
            }
            line.back() = '\n';
            h[static_cast<std::size_t>(tt)] = line;
        }
        return h;
    }();
    return headers[static_cast<std::size_t>(t)];
}

} // namespace tpch
