// Parallel, ordered, bounded-memory writer of dbgen-identical files (see datagen.hpp).
#include <aws_sigv4/crc32c.hpp>
#include <tpch/datagen.hpp>
#include <tpch/dbgen.hpp>
#include <tpch/text_pool.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "crc32c_combine.hpp"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(BB_TPCH_HAVE_DUCKDB)
#include <bb/duckdb/database.hpp>
#include <bb/duckdb/parquet.hpp>
#endif

namespace tpch {
namespace {

namespace fs = std::filesystem;

class datagen_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "tpch.datagen"; }
    std::string message(int ev) const override {
        switch (static_cast<datagen_error>(ev)) {
        case datagen_error::ok:
            return "success";
        case datagen_error::invalid_scale:
            return "invalid scale factor";
        case datagen_error::invalid_chunks:
            return "invalid chunk count";
        case datagen_error::invalid_threads:
            return "invalid thread count";
        case datagen_error::no_tables:
            return "no table selected";
        case datagen_error::unknown_table:
            return "unknown table";
        case datagen_error::unsupported_format:
            return "unsupported output format";
        case datagen_error::output_dir_unusable:
            return "output directory unusable";
        case datagen_error::parquet_failed:
            return "parquet conversion failed";
        }
        return "unknown tpch.datagen error";
    }
};

// Parent rows per block: about 1-2.5 MB of text each.
std::int64_t block_rows(table_group g) noexcept {
    switch (g) {
    case table_group::orders_lineitem:
        return 2000;
    case table_group::part_partsupp:
        return 2000;
    case table_group::customer:
        return 8192;
    case table_group::supplier:
        return 8192;
    case table_group::nation:
        return 25;
    case table_group::region:
        return 5;
    }
    return 1000;
}

// Approximate output bytes per parent row (parent + children), for progress only.
std::uint64_t bytes_per_row(table_group g) noexcept {
    switch (g) {
    case table_group::orders_lineitem:
        return 621;
    case table_group::part_partsupp:
        return 716;
    case table_group::customer:
        return 162;
    case table_group::supplier:
        return 141;
    case table_group::nation:
        return 89;
    case table_group::region:
        return 78;
    }
    return 100;
}

std::string hex8(std::uint32_t v) {
    char b[9];
    std::snprintf(b, sizeof b, "%08x", v);
    return b;
}

std::error_code write_all(int fd, const char* p, std::size_t n) noexcept {
    while (n > 0) {
        const ssize_t r = ::write(fd, p, std::min<std::size_t>(n, std::size_t{1} << 30));
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            return {errno, std::system_category()};
        }
        p += r;
        n -= static_cast<std::size_t>(r);
    }
    return {};
}

// ---- manifest ---------------------------------------------------------------------------------------

struct manifest {
    double scale_factor = 0;
    output_format format = output_format::tbl;
    std::int64_t chunks = 1;
    std::map<std::string, datagen_file> files; // by name
};

std::optional<manifest> read_manifest(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    boost::system::error_code ec;
    auto v = boost::json::parse(ss.str(), ec);
    if (ec || !v.is_object()) {
        return std::nullopt;
    }
    try {
        const auto& o = v.as_object();
        manifest m;
        m.scale_factor = boost::json::value_to<double>(o.at("scale_factor"));
        if (!parse_format(std::string_view(o.at("format").as_string()), m.format)) {
            return std::nullopt;
        }
        m.chunks = boost::json::value_to<std::int64_t>(o.at("chunks"));
        for (const auto& fv : o.at("files").as_array()) {
            const auto& f = fv.as_object();
            datagen_file e;
            auto t = parse_table(std::string_view(f.at("table").as_string()));
            if (!t) {
                continue;
            }
            e.t = *t;
            e.part = boost::json::value_to<std::int64_t>(f.at("part"));
            e.name = std::string(f.at("name").as_string());
            e.rows = boost::json::value_to<std::int64_t>(f.at("rows"));
            e.bytes = boost::json::value_to<std::uint64_t>(f.at("bytes"));
            e.crc32c = std::string(f.at("crc32c").as_string());
            m.files[e.name] = e;
        }
        return m;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::error_code write_manifest(const fs::path& dir, const manifest& m) {
    std::string s = "{\n  \"generator\": \"bb-async datagen tpch (dbgen 2.17.3 byte-identical)\",\n";
    char num[64];
    const auto conv = std::to_chars(num, num + sizeof num, m.scale_factor); // shortest round trip
    s += "  \"scale_factor\": ";
    s.append(num, conv.ptr);
    s += ",\n  \"format\": \"";
    s += format_name(m.format);
    s += "\",\n  \"chunks\": " + std::to_string(m.chunks) + ",\n  \"checksum\": \"crc32c\",\n  \"files\": [";
    bool first = true;
    // In table order, then part order.
    std::vector<const datagen_file*> files;
    for (const auto& [name, f] : m.files) {
        files.push_back(&f);
    }
    std::sort(files.begin(), files.end(), [](const datagen_file* a, const datagen_file* b) {
        return std::pair(static_cast<int>(a->t), a->part) < std::pair(static_cast<int>(b->t), b->part);
    });
    for (const auto* f : files) {
        s += first ? "\n" : ",\n";
        first = false;
        s += "    {\"table\": \"" + std::string(table_name(f->t)) +
             "\", \"part\": " + std::to_string(f->part) + ", \"name\": \"" + f->name +
             "\", \"rows\": " + std::to_string(f->rows) + ", \"bytes\": " + std::to_string(f->bytes) +
             ", \"crc32c\": \"" + f->crc32c + "\"}";
    }
    s += "\n  ]\n}\n";
    const fs::path tmp = dir / (std::string(manifest_name) + ".tmp");
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        return {errno, std::system_category()};
    }
    auto ec = write_all(fd, s.data(), s.size());
    if (::close(fd) != 0 && !ec) {
        ec = {errno, std::system_category()};
    }
    if (!ec && ::rename(tmp.c_str(), (dir / manifest_name).c_str()) != 0) {
        ec = {errno, std::system_category()};
    }
    return ec;
}

// ---- the run ----------------------------------------------------------------------------------------

struct file_state {
    datagen_file info;
    fs::path final_path; // where the finished file goes
    fs::path write_path; // what is being written (a temporary name; .tbl text for parquet)
    int fd = -1;
    std::uint32_t crc = 0;
    bool pending_parquet = false;
};

struct part_job {
    table_group g = table_group::region;
    row_range range;
    int parent_file = -1;
    int child_file = -1;
};

struct slot {
    std::size_t part = 0;
    std::int64_t count = 0;
    bool first = false;
    bool last = false;
    bool done = false;
    std::optional<row_generator> gen;
    out_buffer parent;
    out_buffer child;
    std::uint32_t crc_parent = 0;
    std::uint32_t crc_child = 0;
    std::int64_t child_rows = 0;
};

class run_state {
public:
    run_state(const datagen_options& o, const scale_info& sc, manifest& m, std::vector<file_state>& files,
              std::vector<part_job>& parts, unsigned threads)
        : o_(o)
        , sc_(sc)
        , manifest_(m)
        , files_(files)
        , parts_(parts)
        , threads_(threads)
        , window_(std::max<std::size_t>(4, 3 * threads))
        , slots_(window_) {
        for (const auto& p : parts_) {
            progress_.work_total += static_cast<std::uint64_t>(p.range.count) * bytes_per_row(p.g);
        }
        progress_.files_total = files_.size();
    }

    std::error_code run(std::string& message) {
        pool_holder_ = text_pool::acquire(threads_);
        pool_ = pool_holder_.get();
        text_format tf = o_.format == output_format::csv ? text_format::csv : text_format::tbl;
        fmt_ = tf;
        std::vector<std::thread> workers;
        try {
            for (unsigned i = 1; i < threads_; ++i) {
                workers.emplace_back([this] { work(); });
            }
        } catch (const std::system_error&) { // fewer threads than asked: continue with those
        }
        work();
        for (auto& t : workers) {
            t.join();
        }
        if (error_) {
            for (auto& f : files_) {
                if (f.fd >= 0) {
                    ::close(f.fd);
                    f.fd = -1;
                    ::unlink(f.write_path.c_str());
                }
            }
            message = error_message_;
            return error_;
        }
        return {};
    }

    const datagen_progress& progress() const noexcept { return progress_; }

private:
    void fail(std::error_code ec, std::string msg) {
        if (!error_) {
            error_ = ec;
            error_message_ = std::move(msg);
        }
        failed_ = true;
    }

    void work() {
        std::unique_lock lk(mu_);
        for (;;) {
            if (failed_ || claim_part_ == parts_.size()) {
                break;
            }
            if (next_claim_ >= written_ + window_) {
                cv_.wait(lk);
                continue;
            }
            part_job& pj = parts_[claim_part_];
            if (!seq_) {
                seq_.emplace(pj.g, sc_, fmt_, *pool_);
                seq_->seek(pj.range.first);
            }
            const std::int64_t end = pj.range.first + pj.range.count;
            const std::int64_t first = seq_->position();
            const std::int64_t cnt = std::min(block_rows(pj.g), end - first);
            slot& s = slots_[next_claim_ % window_];
            s.part = claim_part_;
            s.count = cnt;
            s.first = first == pj.range.first;
            s.done = false;
            s.gen = *seq_;
            seq_->advance(cnt);
            s.last = seq_->position() == end;
            if (s.last) {
                seq_.reset();
                ++claim_part_;
            }
            ++next_claim_;
            lk.unlock();

            bool ok = true;
            try {
                s.parent.clear();
                s.child.clear();
                s.child_rows = s.gen->generate(cnt, pj.parent_file >= 0 ? &s.parent : nullptr,
                                               pj.child_file >= 0 ? &s.child : nullptr);
                s.crc_parent = detail::crc32c(s.parent.data(), s.parent.size());
                s.crc_child = detail::crc32c(s.child.data(), s.child.size());
            } catch (const std::bad_alloc&) {
                ok = false;
            }
            lk.lock();
            if (!ok) {
                fail(std::make_error_code(std::errc::not_enough_memory),
                     "out of memory while generating rows");
            }
            s.done = true;
            if (!writing_) {
                writing_ = true;
                drain(lk);
                writing_ = false;
            }
        }
        cv_.notify_all();
    }

    // Writes every finished block in order. Called with the lock held, in the (single) writer role.
    void drain(std::unique_lock<std::mutex>& lk) {
        while (!failed_ && written_ < next_claim_ && slots_[written_ % window_].done) {
            slot& s = slots_[written_ % window_];
            lk.unlock();
            std::string msg;
            const auto ec = write_slot(s, msg);
            if (!ec) {
                progress_.work_done += static_cast<std::uint64_t>(s.count) * bytes_per_row(parts_[s.part].g);
                if (o_.on_progress) {
                    o_.on_progress(progress_);
                }
            }
            lk.lock();
            if (ec) {
                fail(ec, std::move(msg));
            }
            s.done = false;
            ++written_;
            cv_.notify_all();
        }
    }

    std::error_code write_part_of(file_state& f, const slot& s, const out_buffer& buf, std::uint32_t crc,
                                  std::int64_t rows, std::string& msg) {
        if (s.first) {
            f.fd = ::open(f.write_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
            if (f.fd < 0) {
                std::error_code ec(errno, std::system_category());
                msg = "cannot create " + f.write_path.string() + ": " + ec.message();
                return ec;
            }
            f.crc = 0;
            f.info.bytes = 0;
            f.info.rows = 0;
            if (o_.format == output_format::csv) {
                const std::string_view h = csv_header(f.info.t);
                if (auto ec = write_all(f.fd, h.data(), h.size())) {
                    msg = "cannot write " + f.write_path.string() + ": " + ec.message();
                    return ec;
                }
                f.crc = aws_sigv4::crc32c(0, h.data(), h.size());
                f.info.bytes = h.size();
            }
        }
        if (auto ec = write_all(f.fd, buf.data(), buf.size())) {
            msg = "cannot write " + f.write_path.string() + ": " + ec.message();
            return ec;
        }
        f.crc = detail::crc32c_combine(f.crc, crc, buf.size());
        f.info.bytes += buf.size();
        f.info.rows += rows;
        progress_.bytes_written += buf.size();
        if (s.last) {
            const int fd = f.fd;
            f.fd = -1;
            if (::close(fd) != 0) {
                std::error_code ec(errno, std::system_category());
                msg = "cannot write " + f.write_path.string() + ": " + ec.message();
                return ec;
            }
            f.info.crc32c = hex8(f.crc);
            f.info.generated = true;
            if (o_.format == output_format::parquet) {
                f.pending_parquet = true; // converted after generation
                return {};
            }
            if (::rename(f.write_path.c_str(), f.final_path.c_str()) != 0) {
                std::error_code ec(errno, std::system_category());
                msg = "cannot rename " + f.write_path.string() + ": " + ec.message();
                return ec;
            }
            ++progress_.files_done;
            manifest_.files[f.info.name] = f.info;
            if (auto ec = write_manifest(o_.output_dir, manifest_)) {
                msg = "cannot write the manifest in " + o_.output_dir.string() + ": " + ec.message();
                return ec;
            }
        }
        return {};
    }

    std::error_code write_slot(slot& s, std::string& msg) {
        const part_job& pj = parts_[s.part];
        if (pj.parent_file >= 0) {
            auto& f = files_[static_cast<std::size_t>(pj.parent_file)];
            if (auto ec = write_part_of(f, s, s.parent, s.crc_parent, s.count, msg)) {
                return ec;
            }
        }
        if (pj.child_file >= 0) {
            auto& f = files_[static_cast<std::size_t>(pj.child_file)];
            if (auto ec = write_part_of(f, s, s.child, s.crc_child, s.child_rows, msg)) {
                return ec;
            }
        }
        return {};
    }

    const datagen_options& o_;
    const scale_info& sc_;
    manifest& manifest_;
    std::vector<file_state>& files_;
    std::vector<part_job>& parts_;
    unsigned threads_;
    std::size_t window_;
    std::vector<slot> slots_;
    std::shared_ptr<const text_pool> pool_holder_; // released with the run_state
    const text_pool* pool_ = nullptr;
    text_format fmt_ = text_format::tbl;

    std::mutex mu_;
    std::condition_variable cv_;
    std::size_t claim_part_ = 0;       // part being claimed
    std::optional<row_generator> seq_; // positioned at the next unclaimed row of claim_part_
    std::uint64_t next_claim_ = 0;     // blocks claimed
    std::uint64_t written_ = 0;        // blocks written
    bool writing_ = false;
    bool failed_ = false;
    std::error_code error_;
    std::string error_message_;
    datagen_progress progress_;
};

std::uint32_t file_crc(const fs::path& p, std::error_code& ec) {
    const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        ec = {errno, std::system_category()};
        return 0;
    }
    std::vector<char> buf(1 << 20);
    std::uint32_t crc = 0;
    for (;;) {
        const ssize_t r = ::read(fd, buf.data(), buf.size());
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            ec = {errno, std::system_category()};
            break;
        }
        if (r == 0) {
            break;
        }
        crc = aws_sigv4::crc32c(crc, buf.data(), static_cast<std::size_t>(r));
    }
    ::close(fd);
    return crc;
}

std::error_code convert_to_parquet(std::vector<file_state>& files, manifest& m, const datagen_options& o,
                                   unsigned threads, std::uint64_t& bytes_written, std::string& msg) {
#if defined(BB_TPCH_HAVE_DUCKDB)
    bool any = std::any_of(files.begin(), files.end(), [](const file_state& f) { return f.pending_parquet; });
    if (!any) {
        return {};
    }
    bb::duckdb::database_options dbo;
    dbo.threads = threads;
    // Bounded memory at any scale factor: DuckDB spills to the output directory beyond this.
    dbo.memory_limit = "512MB";
    dbo.temp_directory = (o.output_dir / ".duckdb-tmp").string();
    auto db = bb::duckdb::database::open("", dbo);
    if (!db) {
        msg = "cannot open DuckDB: " + db.message();
        return datagen_error::parquet_failed;
    }
    auto con = db->connect();
    if (!con) {
        msg = "cannot connect to DuckDB: " + con.message();
        return datagen_error::parquet_failed;
    }
    for (auto& f : files) {
        if (!f.pending_parquet) {
            continue;
        }
        std::vector<bb::duckdb::column_def> cols;
        for (const auto& c : table_schema(f.info.t)) {
            cols.push_back({std::string(c.name), std::string(c.sql_type)});
        }
        bb::duckdb::parquet_options po;
        po.trailing_delimiter = true;
        const fs::path tmp = f.final_path.string() + ".tmp";
        auto rows = bb::duckdb::convert_delimited_to_parquet(*con, f.write_path, '|', false, cols, tmp, po);
        ::unlink(f.write_path.c_str());
        f.pending_parquet = false;
        if (!rows) {
            ::unlink(tmp.c_str());
            msg = "cannot convert " + f.info.name + " to Parquet: " + rows.message();
            return datagen_error::parquet_failed;
        }
        std::error_code ec;
        const auto crc = file_crc(tmp, ec);
        const auto size = fs::file_size(tmp, ec);
        if (ec || ::rename(tmp.c_str(), f.final_path.c_str()) != 0) {
            if (!ec) {
                ec = {errno, std::system_category()};
            }
            msg = "cannot write " + f.final_path.string() + ": " + ec.message();
            return ec;
        }
        f.info.rows = static_cast<std::int64_t>(*rows);
        f.info.bytes = size;
        f.info.crc32c = hex8(crc);
        bytes_written += size;
        m.files[f.info.name] = f.info;
        if (auto mec = write_manifest(o.output_dir, m)) {
            msg = "cannot write the manifest in " + o.output_dir.string() + ": " + mec.message();
            return mec;
        }
    }
    return {};
#else
    (void)files;
    (void)m;
    (void)o;
    (void)threads;
    (void)bytes_written;
    msg = "this build has no Parquet support (DuckDB)";
    return datagen_error::unsupported_format;
#endif
}

} // namespace

const std::error_category& datagen_category() noexcept {
    static const datagen_category_impl cat;
    return cat;
}

std::string_view format_name(output_format f) noexcept {
    switch (f) {
    case output_format::tbl:
        return "tbl";
    case output_format::csv:
        return "csv";
    case output_format::parquet:
        return "parquet";
    }
    return "tbl";
}

bool parse_format(std::string_view name, output_format& out) noexcept {
    for (auto f : {output_format::tbl, output_format::csv, output_format::parquet}) {
        if (format_name(f) == name) {
            out = f;
            return true;
        }
    }
    return false;
}

bool parquet_supported() noexcept {
#if defined(BB_TPCH_HAVE_DUCKDB)
    return true;
#else
    return false;
#endif
}

std::error_code parse_table_list(std::string_view list, std::vector<table>& out, std::string& bad) {
    out.clear();
    if (list.empty() || list == "all") {
        out.assign(all_tables.begin(), all_tables.end());
        return {};
    }
    while (!list.empty()) {
        const auto comma = list.find(',');
        std::string_view name = list.substr(0, comma);
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        while (!name.empty() && name.front() == ' ') {
            name.remove_prefix(1);
        }
        while (!name.empty() && name.back() == ' ') {
            name.remove_suffix(1);
        }
        if (name.empty()) {
            continue;
        }
        if (name == "all") {
            out.assign(all_tables.begin(), all_tables.end());
            continue;
        }
        auto t = parse_table(name);
        if (!t) {
            bad = std::string(name);
            return datagen_error::unknown_table;
        }
        if (std::find(out.begin(), out.end(), *t) == out.end()) {
            out.push_back(*t);
        }
    }
    if (out.empty()) {
        return datagen_error::no_tables;
    }
    return {};
}

std::int64_t default_chunks(double scale_factor, output_format f, std::uint64_t target_bytes) noexcept {
    if (f != output_format::parquet || !(scale_factor > 0) || target_bytes == 0) {
        return 1;
    }
    const double k =
        std::ceil(scale_factor * parquet_lineitem_bytes_per_sf / static_cast<double>(target_bytes));
    return std::clamp<std::int64_t>(static_cast<std::int64_t>(k), 1, 1000000);
}

std::string output_file_name(table t, std::int64_t part, output_format f) {
    std::string n(table_name(t));
    switch (f) {
    case output_format::tbl:
        return part > 0 ? n + ".tbl." + std::to_string(part) : n + ".tbl";
    case output_format::csv:
        return part > 0 ? n + "." + std::to_string(part) + ".csv" : n + ".csv";
    case output_format::parquet:
        return part > 0 ? n + "." + std::to_string(part) + ".parquet" : n + ".parquet";
    }
    return n;
}

std::error_code run_datagen(const datagen_options& o, datagen_result& result, std::string& message) {
    const auto t0 = std::chrono::steady_clock::now();
    result = {};
    const auto sc = scale_info::from_factor(o.scale_factor);
    if (!sc) {
        message = "scale factor must be a number greater than 0 and at most 100000";
        return datagen_error::invalid_scale;
    }
    if (o.chunks < 0 || o.chunks > 1000000) {
        message = "chunk count must be between 1 and 1000000 (0: the default for the format)";
        return datagen_error::invalid_chunks;
    }
    if (o.threads > 1024) {
        message = "thread count must be at most 1024";
        return datagen_error::invalid_threads;
    }
    if (o.format == output_format::parquet && !parquet_supported()) {
        message = "this build cannot write Parquet (built without DuckDB)";
        return datagen_error::unsupported_format;
    }
    std::vector<table> tables = o.tables;
    if (tables.empty()) {
        tables.assign(all_tables.begin(), all_tables.end());
    }
    unsigned threads = o.threads != 0 ? o.threads : std::thread::hardware_concurrency();
    threads = std::max(1u, threads);

    // The output directory must exist (or be creatable) and be writable.
    std::error_code ec;
    fs::create_directories(o.output_dir, ec);
    if (ec || !fs::is_directory(o.output_dir)) {
        message = "cannot create output directory " + o.output_dir.string() + (ec ? ": " + ec.message() : "");
        return datagen_error::output_dir_unusable;
    }
    {
        const fs::path probe = o.output_dir / (".tpch-write-probe-" + std::to_string(::getpid()));
        const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) {
            std::error_code pec(errno, std::system_category());
            message = "output directory " + o.output_dir.string() + " is not writable: " + pec.message();
            return datagen_error::output_dir_unusable;
        }
        ::close(fd);
        ::unlink(probe.c_str());
    }

    // The manifest of an earlier run with the same parameters tells which files are complete.
    manifest m;
    m.scale_factor = o.scale_factor;
    m.format = o.format;
    const std::int64_t chunks = o.chunks != 0 ? o.chunks : default_chunks(o.scale_factor, o.format);
    m.chunks = chunks;
    if (auto old = read_manifest(o.output_dir / manifest_name);
        old && old->scale_factor == o.scale_factor && old->format == o.format && old->chunks == chunks) {
        m.files = std::move(old->files);
    }
    auto complete = [&](const std::string& name) -> const datagen_file* {
        if (o.force) {
            return nullptr;
        }
        auto it = m.files.find(name);
        if (it == m.files.end()) {
            return nullptr;
        }
        std::error_code fec;
        const auto size = fs::file_size(o.output_dir / name, fec);
        return !fec && size == it->second.bytes ? &it->second : nullptr;
    };

    std::vector<file_state> files;
    std::vector<part_job> parts;
    for (auto g : {table_group::orders_lineitem, table_group::part_partsupp, table_group::customer,
                   table_group::supplier, table_group::nation, table_group::region}) {
        const table parent = group_parent(g);
        const auto child = group_child(g);
        const bool want_parent = std::find(tables.begin(), tables.end(), parent) != tables.end();
        const bool want_child = child && std::find(tables.begin(), tables.end(), *child) != tables.end();
        if (!want_parent && !want_child) {
            continue;
        }
        const std::int64_t k_parts = is_fixed_size(parent) ? 1 : chunks;
        for (std::int64_t k = 1; k <= k_parts; ++k) {
            part_job pj;
            pj.g = g;
            pj.range = chunk_range(group_rows(g, *sc), k_parts, k);
            auto add = [&](table t) -> int {
                file_state f;
                f.info.t = t;
                f.info.part = k_parts > 1 ? k : 0;
                f.info.name = output_file_name(t, f.info.part, o.format);
                if (const auto* done = complete(f.info.name)) {
                    result.files.push_back(*done);
                    result.files.back().generated = false;
                    return -1;
                }
                f.final_path = o.output_dir / f.info.name;
                f.write_path =
                    o.format == output_format::parquet
                        ? o.output_dir / ("." + output_file_name(t, f.info.part, output_format::tbl) + ".tmp")
                        : o.output_dir / (f.info.name + ".tmp");
                files.push_back(std::move(f));
                return static_cast<int>(files.size() - 1);
            };
            if (want_parent) {
                pj.parent_file = add(parent);
            }
            if (want_child) {
                pj.child_file = add(*child);
            }
            if (pj.parent_file >= 0 || pj.child_file >= 0) {
                parts.push_back(pj);
            }
        }
    }

    std::uint64_t written = 0;
    if (!parts.empty()) {
        datagen_progress generated;
        {
            // The generator (its 300 MiB text pool and block buffers) is freed before the Parquet
            // conversion starts, so the two never hold memory at the same time.
            run_state rs(o, *sc, m, files, parts, threads);
            if (auto rec = rs.run(message)) {
                return rec;
            }
            generated = rs.progress();
        }
        written = generated.bytes_written;
        auto pec = convert_to_parquet(files, m, o, threads, written, message);
        std::error_code rmec;
        fs::remove_all(o.output_dir / ".duckdb-tmp", rmec); // DuckDB's spill files, if any
        if (pec) {
            return pec;
        }
        if (o.on_progress) {
            datagen_progress p = generated;
            p.work_done = p.work_total;
            p.files_done = p.files_total;
            p.bytes_written = written;
            o.on_progress(p);
        }
    } else if (auto mec = write_manifest(o.output_dir, m)) {
        message = "cannot write the manifest in " + o.output_dir.string() + ": " + mec.message();
        return mec;
    }
    for (const auto& f : files) {
        result.files.push_back(f.info);
    }
    std::stable_sort(
        result.files.begin(), result.files.end(), [](const datagen_file& a, const datagen_file& b) {
            return std::pair(static_cast<int>(a.t), a.part) < std::pair(static_cast<int>(b.t), b.part);
        });
    result.bytes_written = written;
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return {};
}

} // namespace tpch
