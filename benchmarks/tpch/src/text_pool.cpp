// The text pool (GENERATION.md §4.1), built in parallel segments joined at common sentence starts.
#include <tpch/dists.hpp>
#include <tpch/rng.hpp>
#include <tpch/text_pool.hpp>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <thread>
#include <vector>

#include <sys/mman.h>

namespace tpch {
namespace {

// ---- memory -------------------------------------------------------------------------------------

// Anonymous mapping, transparent huge pages requested (fewer page faults on 300 MiB).
char* map_bytes(std::size_t n) {
    void* p = ::mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        throw std::bad_alloc();
    }
    if (std::getenv("TPCH_NO_THP") == nullptr) ::madvise(p, n, MADV_HUGEPAGE);
    return static_cast<char*>(p);
}

void unmap_bytes(char* p, std::size_t n) noexcept {
    if (p != nullptr) {
        ::munmap(p, n);
    }
}

// ---- grammar tables ---------------------------------------------------------------------------

// Every word is stored in a 32-byte slot together with what follows it in the sentence (a space,
// ", " or " the "), so appending is one fixed-size copy.
constexpr std::size_t slot_size = 32;
// Longest possible sentence (generously): 2 noun phrases, 2 prepositions, verb phrase, terminator.
constexpr std::size_t max_sentence = 512;

struct word_list {
    std::vector<char> slots;     // size() * slot_size bytes
    std::vector<std::uint8_t> len;
    std::vector<std::uint8_t> lut; // j in [1, total] -> entry index
    double range = 0;              // total as double, UnifInt(1, total)

    void load(const distribution& d, std::string_view suffix) {
        slots.assign(d.size() * slot_size, 0);
        len.resize(d.size());
        for (std::size_t i = 0; i < d.size(); ++i) {
            std::string s(d.values[i]);
            s += suffix;
            std::memcpy(&slots[i * slot_size], s.data(), std::min(s.size(), slot_size));
            len[i] = static_cast<std::uint8_t>(s.size());
        }
        lut.assign(static_cast<std::size_t>(d.total()) + 1, 0);
        for (std::int64_t j = 1; j <= d.total(); ++j) {
            lut[static_cast<std::size_t>(j)] = static_cast<std::uint8_t>(d.index_for(j));
        }
        range = static_cast<double>(d.total());
    }
};

// Token codes of the phrase forms.
enum token : std::uint8_t { t_noun, t_adj, t_adj_comma, t_adverb, t_verb, t_aux, t_end };
enum code : std::uint8_t { c_np, c_vp, c_prep, c_term, c_end };

struct grammar_tables {
    word_list nouns, adjs, adjs_comma, adverbs, verbs, auxs, preps, terms, grammar, np, vp;
    // Parsed forms, each terminated by t_end / c_end.
    std::vector<std::array<std::uint8_t, 8>> grammar_forms, np_forms, vp_forms;

    grammar_tables() {
        nouns.load(dist("nouns"), " ");
        adjs.load(dist("adjectives"), " ");
        adjs_comma.load(dist("adjectives"), ", ");
        adverbs.load(dist("adverbs"), " ");
        verbs.load(dist("verbs"), " ");
        auxs.load(dist("auxillaries"), " ");
        preps.load(dist("prepositions"), " the ");
        terms.load(dist("terminators"), "");
        grammar.load(dist("grammar"), "");
        np.load(dist("np"), "");
        vp.load(dist("vp"), "");
        for (auto f : dist("grammar").values) {
            std::array<std::uint8_t, 8> a{};
            std::size_t n = 0;
            for (char c : f) {
                switch (c) {
                case 'N': a[n++] = c_np; break;
                case 'V': a[n++] = c_vp; break;
                case 'P': a[n++] = c_prep; break;
                case 'T': a[n++] = c_term; break;
                default: break;
                }
            }
            a[n] = c_end;
            grammar_forms.push_back(a);
        }
        auto parse_phrase = [](std::string_view f, bool verb) {
            std::array<std::uint8_t, 8> a{};
            std::size_t n = 0;
            for (std::size_t i = 0; i < f.size(); ++i) {
                const char c = f[i];
                const bool comma = i + 1 < f.size() && f[i + 1] == ',';
                switch (c) {
                case 'N': a[n++] = t_noun; break;
                case 'J': a[n++] = comma ? t_adj_comma : t_adj; break;
                case 'D': a[n++] = t_adverb; break;
                case 'V': a[n++] = t_verb; break;
                case 'X': a[n++] = t_aux; break;
                default: break;
                }
            }
            (void)verb;
            a[n] = t_end;
            return a;
        };
        for (auto f : dist("np").values) {
            np_forms.push_back(parse_phrase(f, false));
        }
        for (auto f : dist("vp").values) {
            vp_forms.push_back(parse_phrase(f, true));
        }
    }
};

const grammar_tables& tables() {
    static const grammar_tables t;
    return t;
}

// ---- sentence generator -------------------------------------------------------------------------

// Stream-5 values are produced in batches: 8 interleaved Park–Miller chains (x[k+8] = x[k] * 16807^8
// mod M) so the multiplications and the divisions of UnifInt are independent of each other and the
// sentence code only multiplies by the range and truncates.
class draw_batch {
public:
    static constexpr std::size_t size = 1024;
    static constexpr std::uint64_t a8 = [] {
        std::uint64_t a = 1;
        for (int i = 0; i < 8; ++i) {
            a = a * 16807 % 2147483647;
        }
        return a;
    }();

    explicit draw_batch(std::int64_t state, std::int64_t draws) : last_(static_cast<std::uint32_t>(state)), base_(draws) {
        refill();
    }

    /// The next UnifInt(1, range) quotient q = x / M.
    double next() noexcept {
        if (i_ == size) {
            refill();
        }
        return q_[i_++];
    }
    std::int64_t draws() const noexcept { return base_ + static_cast<std::int64_t>(i_); }
    std::int64_t state() const noexcept { return i_ == 0 ? last_ : x_[i_ - 1]; }

private:
    static std::uint32_t mulmod(std::uint32_t x, std::uint64_t a) noexcept {
        std::uint64_t p = x * a; // < 2^62
        p = (p & 0x7fffffffu) + (p >> 31);
        p = (p & 0x7fffffffu) + (p >> 31);
        return static_cast<std::uint32_t>(p >= 0x7fffffffu ? p - 0x7fffffffu : p);
    }

    void refill() noexcept {
        if (i_ != 0) {
            last_ = x_[i_ - 1];
            base_ += static_cast<std::int64_t>(i_);
        }
        std::uint32_t v = last_;
        for (std::size_t k = 0; k < 8; ++k) {
            v = mulmod(v, 16807);
            x_[k] = v;
        }
        for (std::size_t k = 8; k < size; ++k) {
            x_[k] = mulmod(x_[k - 8], a8);
        }
        for (std::size_t k = 0; k < size; ++k) {
            q_[k] = static_cast<double>(static_cast<std::int32_t>(x_[k])) / 2147483647.0;
        }
        i_ = 0;
    }

    std::uint32_t last_;
    std::int64_t base_;
    std::size_t i_ = 0;
    alignas(64) std::uint32_t x_[size];
    alignas(64) double q_[size];
};

// Generates the stream of "sentence + space" from a stream-5 state, counting draws.
class sentence_writer {
public:
    sentence_writer(const grammar_tables& g, std::int64_t state, std::int64_t draws) : g_(g), rng_(state, draws) {}

    std::int64_t draws() const noexcept { return rng_.draws(); }
    std::int64_t state() const noexcept { return rng_.state(); }

    // Appends one sentence and its trailing space at p; returns the new end.
    char* sentence(char* p) {
        const auto& form = g_.grammar_forms[pick(g_.grammar)];
        for (std::uint8_t c : form) {
            switch (c) {
            case c_np: p = phrase(p, g_.np_forms[pick(g_.np)]); break;
            case c_vp: p = phrase(p, g_.vp_forms[pick(g_.vp)]); break;
            case c_prep:
                p = word(p, g_.preps);
                p = phrase(p, g_.np_forms[pick(g_.np)]);
                break;
            case c_term: {
                const std::size_t i = pick(g_.terms);
                std::memcpy(p - 1, &g_.terms.slots[i * slot_size], 2);
                p += g_.terms.len[i] - 1;
                *p++ = ' ';
                return p;
            }
            default: return p;
            }
        }
        return p;
    }

private:
    std::size_t pick(const word_list& w) noexcept {
        const double q = rng_.next();
        return w.lut[static_cast<std::size_t>(1 + static_cast<std::int64_t>(q * w.range))];
    }

    char* word(char* p, const word_list& w) noexcept {
        const std::size_t i = pick(w);
        std::memcpy(p, &w.slots[i * slot_size], slot_size);
        return p + w.len[i];
    }

    char* phrase(char* p, const std::array<std::uint8_t, 8>& form) noexcept {
        for (std::uint8_t t : form) {
            switch (t) {
            case t_noun: p = word(p, g_.nouns); break;
            case t_adj: p = word(p, g_.adjs); break;
            case t_adj_comma: p = word(p, g_.adjs_comma); break;
            case t_adverb: p = word(p, g_.adverbs); break;
            case t_verb: p = word(p, g_.verbs); break;
            case t_aux: p = word(p, g_.auxs); break;
            default: return p;
            }
        }
        return p;
    }

    const grammar_tables& g_;
    draw_batch rng_;
};

// ---- segments -------------------------------------------------------------------------------------

// Stream-5 draws needed for the whole pool (measured; only balances the segments, any value works).
constexpr std::int64_t expected_draws = 56'000'000;
// Sentence starts a segment records for its predecessor to join on.
constexpr std::size_t recorded_starts = 16384;

struct segment {
    std::int64_t first_draw = 0; // draw index where this segment starts (unaligned unless first)
    std::int64_t state = 0;      // stream state at first_draw
    char* buf = nullptr;
    std::size_t cap = 0;         // usable bytes (mapping minus max_sentence)
    std::size_t mapped = 0;
    bool owns_buf = true;
    std::size_t len = 0;          // bytes generated
    std::int64_t end_state = 0;   // state after the last generated sentence
    std::int64_t end_draw = 0;
    // Recorded sentence starts: relative draw index and byte offset.
    std::vector<std::pair<std::int64_t, std::size_t>> starts;
    std::atomic<bool> starts_ready{false};
    // Join results.
    std::size_t valid_begin = 0; // byte offset in buf where valid text begins (set by predecessor)
    std::size_t valid_end = 0;   // byte offset where it ends (set by this segment)
    bool joined_next = false;    // this segment ended at a join with the next one
    bool failed = false;         // predecessor could not join: discard this segment

    void grow() {
        const std::size_t nm = mapped * 2;
        void* p = ::mremap(buf, mapped, nm, MREMAP_MAYMOVE);
        if (p == MAP_FAILED) {
            throw std::bad_alloc();
        }
        buf = static_cast<char*>(p);
        mapped = nm;
        cap = nm - max_sentence;
    }
};

} // namespace

text_pool::~text_pool() { unmap_bytes(data_, mapped_); }

std::unique_ptr<text_pool> text_pool::build(unsigned threads) {
    const grammar_tables& g = tables();
    const unsigned n = std::max(1u, std::min(threads, 64u));
    std::unique_ptr<text_pool> pool(new text_pool());
    pool->mapped_ = size + max_sentence + 4096;
    pool->data_ = map_bytes(pool->mapped_);

    std::vector<segment> segs(n);
    const double bytes_per_draw = static_cast<double>(size) / static_cast<double>(expected_draws);
    for (unsigned i = 0; i < n; ++i) {
        auto& s = segs[i];
        s.first_draw = expected_draws / n * i;
        s.state = nth_element(stream_seeds[5], s.first_draw);
        if (i == 0) {
            s.buf = pool->data_;
            s.mapped = pool->mapped_;
            s.cap = size;
            s.owns_buf = false;
            s.starts_ready = true;
        } else {
            const double expect = static_cast<double>(expected_draws / n) * bytes_per_draw;
            s.mapped = (static_cast<std::size_t>(expect * 1.02) + (8u << 20)) & ~std::size_t{4095};
            s.buf = map_bytes(s.mapped);
            s.cap = s.mapped - max_sentence;
        }
    }

    // Segment i: generates from its start; records its first sentence starts (i > 0); stops when it
    // joins segment i+1 or, for the last one, when it has enough bytes for the rest of the pool.
    // If it cannot join segment i+1 it marks it failed and continues alone to the end of the pool.
    auto run = [&](unsigned i) {
        auto& s = segs[i];
        sentence_writer w(g, s.state, s.first_draw);
        char* p = s.buf;
        if (i > 0) {
            s.starts.reserve(recorded_starts);
            while (s.starts.size() < recorded_starts) {
                s.starts.emplace_back(w.draws() - s.first_draw, static_cast<std::size_t>(p - s.buf));
                p = w.sentence(p);
            }
            s.starts_ready.store(true, std::memory_order_release);
            s.starts_ready.notify_all();
        }
        unsigned next = i + 1;
        bool alone = false; // joins failed: generate to the end of the pool
        // Bytes wanted by the last segment: the rest of the pool after its expected start, plus margin.
        auto last_target = [&]() -> std::size_t {
            if (i == 0 || alone) {
                return size;
            }
            const double start = static_cast<double>(s.first_draw) * bytes_per_draw;
            return static_cast<std::size_t>(static_cast<double>(size) - start) + (4u << 20);
        };
        std::size_t j = 0; // cursor in segs[next].starts
        for (;;) {
            auto len = static_cast<std::size_t>(p - s.buf);
            if (next >= n || alone) {
                if (len >= last_target()) {
                    break;
                }
            } else if (w.draws() >= segs[next].first_draw) {
                auto& t = segs[next];
                t.starts_ready.wait(false, std::memory_order_acquire);
                const std::int64_t rel = w.draws() - t.first_draw;
                while (j < t.starts.size() && t.starts[j].first < rel) {
                    ++j;
                }
                if (j < t.starts.size() && t.starts[j].first == rel) {
                    t.valid_begin = t.starts[j].second;
                    s.joined_next = true;
                    break;
                }
                if (j == t.starts.size()) { // never joined within the recorded window
                    for (unsigned k = next; k < n; ++k) {
                        segs[k].failed = true;
                    }
                    alone = true;
                }
            }
            if (len >= s.cap) {
                if (!s.owns_buf) { // segment 0 writes into the pool: it is full
                    break;
                }
                s.grow();
                p = s.buf + len;
            }
            p = w.sentence(p);
        }
        s.valid_end = static_cast<std::size_t>(p - s.buf);
        s.end_state = w.state();
        s.end_draw = w.draws();
    };

    if (n == 1) {
        run(0);
    } else {
        std::vector<std::thread> workers;
        for (unsigned i = 1; i < n; ++i) {
            workers.emplace_back(run, i);
        }
        run(0);
        for (auto& t : workers) {
            t.join();
        }
    }

    // Join: segment 0 is in place; copy the valid part of every following segment after it.
    std::size_t len = std::min(segs[0].valid_end, size);
    unsigned last = 0;
    for (unsigned i = 1; i < n && segs[i - 1].joined_next && !segs[i].failed && len < size; ++i) {
        const auto& s = segs[i];
        const std::size_t take = std::min(s.valid_end - s.valid_begin, size - len);
        std::memcpy(pool->data_ + len, s.buf + s.valid_begin, take);
        len += take;
        last = i;
    }
    if (len < size) { // the last segment fell short of its estimate: continue from its end
        sentence_writer w(g, segs[last].end_state, segs[last].end_draw);
        char* p = pool->data_ + len;
        while (static_cast<std::size_t>(p - pool->data_) < size) {
            p = w.sentence(p);
        }
    }
    for (auto& s : segs) {
        if (s.owns_buf) {
            unmap_bytes(s.buf, s.mapped);
        }
    }
    std::memset(pool->data_ + size, 0, pool->mapped_ - size);
    return pool;
}

const text_pool& text_pool::instance(unsigned threads) {
    static std::once_flag once;
    static std::unique_ptr<text_pool> pool;
    std::call_once(once, [&] {
        unsigned n = threads != 0 ? threads : std::thread::hardware_concurrency();
        pool = build(n == 0 ? 1 : n);
    });
    return *pool;
}

} // namespace tpch
