// The text pool (GENERATION.md §4.1), built in parallel segments joined at common sentence starts.
#include <tpch/dists.hpp>
#include <tpch/rng.hpp>
#include <tpch/text_pool.hpp>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <new>
#include <thread>
#include <vector>

#include <sys/mman.h>

namespace tpch {
namespace {

// ---- memory -------------------------------------------------------------------------------------

// Anonymous mapping. No MADV_HUGEPAGE: measured on the project's VM, huge-page faults (zeroing and
// compaction of 2 MiB pages) cost more than the TLB misses they save when comments are copied.
char* map_bytes(std::size_t n) {
    void* p = ::mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        throw std::bad_alloc();
    }
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
    std::vector<char> slots; // size() * slot_size bytes
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

// Codes of the grammar forms.
enum code : std::uint8_t { c_np, c_vp, c_prep, c_term, c_end };

struct grammar_tables {
    word_list nouns, adjs, adjs_comma, adverbs, verbs, auxs, preps, terms, grammar, np, vp;
    // Parsed forms: grammar forms as codes terminated by c_end; phrase forms as word lists.
    struct phrase_form {
        std::size_t count = 0;
        std::array<const word_list*, 4> lists{};
    };
    std::vector<std::array<std::uint8_t, 8>> grammar_forms;
    std::vector<phrase_form> np_forms, vp_forms;

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
                case 'N':
                    a[n++] = c_np;
                    break;
                case 'V':
                    a[n++] = c_vp;
                    break;
                case 'P':
                    a[n++] = c_prep;
                    break;
                case 'T':
                    a[n++] = c_term;
                    break;
                default:
                    break;
                }
            }
            a[n] = c_end;
            grammar_forms.push_back(a);
        }
        // N noun, J adjective ("J," with its comma), D adverb, V verb, X auxiliary.
        auto parse_phrase = [this](std::string_view f) {
            phrase_form form;
            for (std::size_t i = 0; i < f.size() && form.count < form.lists.size(); ++i) {
                const bool comma = i + 1 < f.size() && f[i + 1] == ',';
                const word_list* w = nullptr;
                switch (f[i]) {
                case 'N':
                    w = &nouns;
                    break;
                case 'J':
                    w = comma ? &adjs_comma : &adjs;
                    break;
                case 'D':
                    w = &adverbs;
                    break;
                case 'V':
                    w = &verbs;
                    break;
                case 'X':
                    w = &auxs;
                    break;
                default:
                    break;
                }
                if (w != nullptr) {
                    form.lists[form.count++] = w;
                }
            }
            return form;
        };
        for (auto f : dist("np").values) {
            np_forms.push_back(parse_phrase(f));
        }
        for (auto f : dist("vp").values) {
            vp_forms.push_back(parse_phrase(f));
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

    explicit draw_batch(std::int64_t state, std::int64_t draws)
        : last_(static_cast<std::uint32_t>(state))
        , base_(draws) {
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
    sentence_writer(const grammar_tables& g, std::int64_t state, std::int64_t draws)
        : g_(g)
        , rng_(state, draws) {}

    std::int64_t draws() const noexcept { return rng_.draws(); }
    std::int64_t state() const noexcept { return rng_.state(); }

    // Appends one sentence and its trailing space at p; returns the new end.
    char* sentence(char* p) {
        const auto& form = g_.grammar_forms[pick(g_.grammar)];
        for (std::uint8_t c : form) {
            switch (c) {
            case c_np:
                p = phrase(p, g_.np_forms[pick(g_.np)]);
                break;
            case c_vp:
                p = phrase(p, g_.vp_forms[pick(g_.vp)]);
                break;
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
            default:
                return p;
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

    char* phrase(char* p, const grammar_tables::phrase_form& form) noexcept {
        for (std::size_t k = 0; k < form.count; ++k) {
            p = word(p, *form.lists[k]);
        }
        return p;
    }

    const grammar_tables& g_;
    draw_batch rng_;
};

// ---- segments -------------------------------------------------------------------------------------
//
// Segment i starts at stream-5 draw D_i = i * total_draws / n (jumped to with NthElement), not
// knowing where a sentence starts there. It writes its text in place, into its own region of the
// pool buffer (regions are spaced with a gap so a segment never reaches the next one), and records
// the draw index of its first sentence starts. Segment i-1, once past D_i, stops at the first of its
// sentence starts that is also one of segment i's: from there both produce the same text, so
// segment i's text from that sentence on is correct. Finally the segments' valid parts are moved
// down in order to make the pool contiguous. A segment that cannot join (never seen in practice)
// makes the build fall back to one sequential pass.

// Stream-5 draws of the whole pool (exact; only used to balance the segments).
constexpr std::int64_t expected_draws = 63'888'645;
constexpr double bytes_per_draw = static_cast<double>(text_pool::size) / static_cast<double>(expected_draws);
// Sentence starts a segment records for its predecessor to join on.
constexpr std::size_t recorded_starts = 16384;
// Room between segment regions, and after the last one (estimation error of a segment's length).
constexpr std::size_t region_gap = 8u << 20;

struct segment {
    std::int64_t first_draw = 0; // draw index where this segment starts (unaligned unless first)
    std::size_t base = 0;        // where in the buffer it writes
    std::size_t limit = 0;       // it must not write at or beyond this buffer offset
    std::size_t target = 0;      // last segment: stop after this many bytes
    // Recorded sentence starts: draw index relative to first_draw, byte offset relative to base.
    std::vector<std::pair<std::int64_t, std::size_t>> starts;
    std::atomic<bool> starts_ready{false};
    std::size_t valid_begin = 0; // relative offset where valid text begins (set by the predecessor)
    std::size_t valid_end = 0;   // relative offset where it ends
    std::int64_t end_state = 0;  // stream state after the last sentence
    std::int64_t end_draw = 0;
    bool failed = false;
};

void sequential(const grammar_tables& g, char* data) {
    sentence_writer w(g, stream_seeds[5], 0);
    char* p = data;
    while (static_cast<std::size_t>(p - data) < text_pool::size) {
        p = w.sentence(p);
    }
}

} // namespace

text_pool::~text_pool() {
    unmap_bytes(data_, mapped_);
}

std::unique_ptr<text_pool> text_pool::build(unsigned threads) {
    const grammar_tables& g = tables();
    const unsigned n = std::max(1u, std::min(threads, 64u));
    std::unique_ptr<text_pool> pool(new text_pool());
    pool->mapped_ = (size + (n - 1) * region_gap + region_gap + max_sentence + 4095) & ~std::size_t{4095};
    pool->data_ = map_bytes(pool->mapped_);
    char* const data = pool->data_;

    std::vector<segment> segs(n);
    for (unsigned i = 0; i < n; ++i) {
        auto& s = segs[i];
        s.first_draw = expected_draws / n * i;
        s.base = size / n * i + region_gap * i;
        s.limit = i + 1 < n ? size / n * (i + 1) + region_gap * (i + 1) : pool->mapped_;
        s.limit -= max_sentence;
        // The last segment needs the rest of the pool after its expected start, plus margin.
        const auto expected_start =
            static_cast<std::size_t>(static_cast<double>(s.first_draw) * bytes_per_draw);
        s.target = size - std::min(size, expected_start) + (i == 0 ? 0 : (4u << 20));
        if (i == 0) {
            s.starts_ready = true;
        }
    }

    auto run = [&](unsigned i) {
        auto& s = segs[i];
        sentence_writer w(g, nth_element(stream_seeds[5], s.first_draw), s.first_draw);
        char* const base = data + s.base;
        char* const limit = data + s.limit;
        char* p = base;
        if (i > 0) {
            s.starts.reserve(recorded_starts);
            while (s.starts.size() < recorded_starts) {
                s.starts.emplace_back(w.draws() - s.first_draw, static_cast<std::size_t>(p - base));
                p = w.sentence(p);
            }
            s.starts_ready.store(true, std::memory_order_release);
            s.starts_ready.notify_all();
        }
        std::size_t j = 0; // cursor in segs[i + 1].starts
        for (;;) {
            if (i + 1 == n) {
                if (static_cast<std::size_t>(p - base) >= s.target) {
                    break;
                }
            } else if (w.draws() >= segs[i + 1].first_draw) {
                auto& t = segs[i + 1];
                t.starts_ready.wait(false, std::memory_order_acquire);
                const std::int64_t rel = w.draws() - t.first_draw;
                while (j < t.starts.size() && t.starts[j].first < rel) {
                    ++j;
                }
                if (j < t.starts.size() && t.starts[j].first == rel) {
                    t.valid_begin = t.starts[j].second;
                    break;
                }
                if (j == t.starts.size()) { // no common sentence start in the recorded window
                    s.failed = true;
                    break;
                }
            }
            if (p >= limit) { // ran into the next region: the length estimate was far off
                s.failed = true;
                break;
            }
            p = w.sentence(p);
        }
        s.valid_end = static_cast<std::size_t>(p - base);
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

    const bool failed = std::any_of(segs.begin(), segs.end(), [](const segment& s) { return s.failed; });
    if (failed) {
        sequential(g, data);
    } else {
        // Compact: move each segment's valid part down after its predecessor, in order (each
        // destination lies below its source and above every earlier segment's data).
        std::size_t len = std::min(segs[0].valid_end, size);
        unsigned last = 0;
        for (unsigned i = 1; i < n && len < size; ++i) {
            const auto& s = segs[i];
            const std::size_t take = std::min(s.valid_end - s.valid_begin, size - len);
            std::memmove(data + len, data + s.base + s.valid_begin, take);
            len += take;
            last = i;
        }
        if (len < size) { // the last segment fell short of its estimate: continue from its end
            sentence_writer w(g, segs[last].end_state, segs[last].end_draw);
            char* p = data + len;
            while (static_cast<std::size_t>(p - data) < size) {
                p = w.sentence(p);
            }
        }
    }
    // Zero the slack; give back the gap regions beyond it.
    const std::size_t keep = (size + slack + 4095) & ~std::size_t{4095};
    std::memset(data + size, 0, keep - size);
    if (pool->mapped_ > keep) {
        ::munmap(data + keep, pool->mapped_ - keep);
        pool->mapped_ = keep;
    }
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

std::shared_ptr<const text_pool> text_pool::acquire(unsigned threads) {
    static std::mutex m;
    static std::weak_ptr<const text_pool> cached;
    std::lock_guard lock(m);
    if (auto p = cached.lock()) {
        return p;
    }
    unsigned n = threads != 0 ? threads : std::thread::hardware_concurrency();
    std::shared_ptr<const text_pool> p = build(n == 0 ? 1 : n);
    cached = p;
    return p;
}

} // namespace tpch
