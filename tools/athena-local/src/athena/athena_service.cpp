#include "athena/athena_service.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>

namespace asio = boost::asio;
namespace json = boost::json;

namespace athena_local::athena {

namespace {

double now_s() {
    using namespace std::chrono;
    return static_cast<double>(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count()) / 1000.0;
}

constexpr std::string_view spark_engine = "PySpark engine version 3";
constexpr std::string_view sql_engine = "Athena engine version 3";

json_reply invalid(std::string_view message) { return json_error(400, "InvalidRequestException", message); }
json_reply not_found(std::string_view message) { return json_error(400, "ResourceNotFoundException", message); }

json_reply ok(const json::object& o) { return json_reply{200, json::serialize(o)}; }

const json::value* field(const json::object& o, std::string_view k) { return o.if_contains(k); }

bool get_string(const json::object& o, std::string_view k, std::string& out) {
    auto* v = o.if_contains(k);
    if (!v || !v->is_string())
        return false;
    out = std::string(v->as_string());
    return true;
}

bool get_int(const json::object& o, std::string_view k, std::int64_t& out) {
    auto* v = o.if_contains(k);
    if (!v)
        return false;
    if (v->is_int64())
        out = v->as_int64();
    else if (v->is_uint64())
        out = static_cast<std::int64_t>(v->as_uint64());
    else
        return false;
    return true;
}

struct workgroup {
    std::string name, description, state = "ENABLED";
    std::string engine;          ///< SelectedEngineVersion
    std::string output_location; ///< s3://bucket/prefix/
    std::string execution_role;
    double created = 0;
    json::object configuration;  ///< as given (or defaults), returned by GetWorkGroup
    bool spark() const { return engine.starts_with("PySpark"); }
};

struct calculation;

struct session {
    std::string id, workgroup, description, notebook_version;
    json::object engine_configuration;
    std::int64_t idle_timeout_min = 15;
    std::string state = "CREATING", reason;
    double start = 0, last_modified = 0, end = 0, idle_since = 0;
    int coordinator_dpu = 1, max_dpus = 20, executor_dpu = 1;
    double dpu_ms = 0;              ///< accumulated
    double busy_since = 0;          ///< when the running calculation started (executor DPU accounting)
    std::string working_directory;
    std::string current_database = "default";
    std::string running;            ///< calculation id in CREATING/QUEUED/RUNNING, or empty
    std::vector<std::string> calculations;
    std::unique_ptr<asio::steady_timer> timer; ///< state transitions and the idle timeout
    bool degraded_pending = false;
    bool live() const { return state != "TERMINATED" && state != "FAILED" && state != "TERMINATING"; }
};

struct calculation {
    std::string id, session_id, description, code;
    std::string state = "CREATING", reason;
    double submitted = 0, completed = 0, started = 0;
    double dpu_ms = 0;
    std::string stdout_uri, stderr_uri, result_uri, working_directory;
    std::shared_ptr<calc::cancel_token> cancel = std::make_shared<calc::cancel_token>();
    std::unique_ptr<asio::steady_timer> timer; ///< simulation
    bool terminal() const { return state == "COMPLETED" || state == "FAILED" || state == "CANCELED"; }
};

std::pair<std::string, std::string> split_s3(std::string_view uri) {
    if (!uri.starts_with("s3://"))
        return {};
    uri.remove_prefix(5);
    auto slash = uri.find('/');
    if (slash == std::string_view::npos)
        return {std::string(uri), {}};
    return {std::string(uri.substr(0, slash)), std::string(uri.substr(slash + 1))};
}

} // namespace

struct athena_service::state : std::enable_shared_from_this<athena_service::state> {
    service_env env;
    catalog& cat;
    athena_options opts;
    std::mt19937_64 rng;
    std::map<std::string, workgroup> workgroups;
    std::unordered_map<std::string, session> sessions;
    std::vector<std::string> session_order;
    std::unordered_map<std::string, calculation> calculations;
    std::unordered_map<std::string, std::string> session_tokens, calculation_tokens;
    std::unique_ptr<calc::runner> runner;

    // worker pool
    std::mutex mutex;
    std::condition_variable cv;
    std::deque<std::function<void()>> jobs;
    std::vector<std::thread> threads;
    bool stopping = false;

    state(service_env e, catalog& c, athena_options o)
        : env(std::move(e)), cat(c), opts(std::move(o)), rng(opts.seed ^ 0xa7e2a11ull) {}

    std::string uuid() {
        std::uint64_t a = rng(), b = rng();
        char buf[40];
        std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                      static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                      static_cast<unsigned>(0x8000 | (b >> 48 & 0x3fff)),
                      static_cast<unsigned long long>(b & 0xffffffffffffull));
        return buf;
    }
    bool chance(double p) { return p > 0 && std::uniform_real_distribution<double>(0, 1)(rng) < p; }

    void start_workers() {
        if (opts.simulate.kind != distribution::none)
            return;
        calc::runner::options ro;
        ro.duckdb_threads = opts.duckdb_threads;
        ro.memory_limit = opts.memory_limit;
        ro.temp_directory = (env.data_dir / "athena" / "duckdb-tmp").string();
        runner = std::make_unique<calc::runner>(*env.store, cat, ro);
        for (unsigned i = 0; i < std::max(1u, opts.workers); ++i)
            threads.emplace_back([this] {
                for (;;) {
                    std::function<void()> job;
                    {
                        std::unique_lock lock(mutex);
                        cv.wait(lock, [this] { return stopping || !jobs.empty(); });
                        if (stopping && jobs.empty())
                            return;
                        job = std::move(jobs.front());
                        jobs.pop_front();
                    }
                    job();
                }
            });
    }

    void stop_workers() {
        {
            std::lock_guard lock(mutex);
            stopping = true;
        }
        for (auto& [id, c] : calculations)
            c.cancel->cancel();
        cv.notify_all();
        for (auto& t : threads)
            if (t.joinable())
                t.join();
        threads.clear();
    }

    void add_default_workgroups() {
        auto add = [&](std::string name, std::string_view engine, std::string description) {
            workgroup w;
            w.name = name;
            w.engine = engine;
            w.description = std::move(description);
            w.created = now_s();
            w.output_location = "s3://athena-local-results/" + name + "/";
            w.execution_role = "arn:aws:iam::" + opts.account_id + ":role/athena-local-spark";
            workgroups[name] = std::move(w);
        };
        add("primary-spark", spark_engine, "Apache Spark workgroup of athena-local");
        add("primary", sql_engine, "SQL workgroup of athena-local (calculations are refused, as on AWS)");
        env.store->ensure_bucket("athena-local-results");
        load_workgroups();
    }

    // Workgroups made by CreateWorkGroup persist in <data_dir>/athena/workgroups.json (written atomically).
    std::filesystem::path workgroups_file() const { return env.data_dir / "athena" / "workgroups.json"; }

    void load_workgroups() {
        if (env.data_dir.empty())
            return;
        std::ifstream in(workgroups_file());
        if (!in)
            return;
        std::string text((std::istreambuf_iterator<char>(in)), {});
        std::error_code ec;
        auto v = json::parse(text, ec);
        if (ec || !v.is_array())
            return; // unreadable: the defaults stay; CreateWorkGroup rewrites the file
        for (auto& e : v.as_array()) {
            if (!e.is_object())
                continue;
            auto& o = e.as_object();
            workgroup w;
            get_string(o, "name", w.name);
            get_string(o, "description", w.description);
            get_string(o, "engine", w.engine);
            get_string(o, "output_location", w.output_location);
            get_string(o, "execution_role", w.execution_role);
            if (auto* c = o.if_contains("created"); c && c->is_number())
                w.created = c->to_number<double>();
            if (auto* c = o.if_contains("configuration"); c && c->is_object())
                w.configuration = c->as_object();
            if (!w.name.empty())
                workgroups[w.name] = std::move(w);
        }
    }

    void save_workgroups() {
        if (env.data_dir.empty())
            return;
        json::array arr;
        for (auto& [name, w] : workgroups) {
            if (name == "primary" || name == "primary-spark")
                continue;
            arr.push_back(json::object{{"name", w.name},
                                       {"description", w.description},
                                       {"engine", w.engine},
                                       {"output_location", w.output_location},
                                       {"execution_role", w.execution_role},
                                       {"created", w.created},
                                       {"configuration", w.configuration}});
        }
        std::error_code ec;
        std::filesystem::create_directories(workgroups_file().parent_path(), ec);
        auto tmp = workgroups_file();
        tmp += ".tmp";
        {
            std::ofstream out(tmp, std::ios::trunc);
            out << json::serialize(arr);
            if (!out)
                return;
        }
        std::filesystem::rename(tmp, workgroups_file(), ec);
    }

    json::object engine_version(const workgroup& w) const {
        return {{"SelectedEngineVersion", w.engine}, {"EffectiveEngineVersion", w.engine}};
    }

    json::object workgroup_json(const workgroup& w) const {
        json::object cfg = w.configuration;
        json::object rc;
        rc["OutputLocation"] = w.output_location;
        cfg["ResultConfiguration"] = rc;
        if (!cfg.contains("EnforceWorkGroupConfiguration"))
            cfg["EnforceWorkGroupConfiguration"] = true;
        if (!cfg.contains("PublishCloudWatchMetricsEnabled"))
            cfg["PublishCloudWatchMetricsEnabled"] = false;
        if (!cfg.contains("RequesterPaysEnabled"))
            cfg["RequesterPaysEnabled"] = false;
        cfg["EngineVersion"] = engine_version(w);
        if (w.spark())
            cfg["ExecutionRole"] = w.execution_role;
        return {{"Name", w.name}, {"State", w.state}, {"Configuration", cfg}, {"Description", w.description},
                {"CreationTime", w.created}};
    }

    // ---- DPU model -------------------------------------------------------------------------------------------
    /// DPUs in use: every live session's coordinator, plus the executors of running calculations.
    int dpus_in_use() const {
        int n = 0;
        for (auto& [id, s] : sessions)
            if (s.live() && s.state != "CREATING") {
                n += s.coordinator_dpu;
                if (s.state == "BUSY")
                    n += executor_dpus(s);
            }
        return n;
    }
    static int executor_dpus(const session& s) { return std::max(1, s.max_dpus - s.coordinator_dpu); }

    double session_dpu_ms(const session& s, double now) const {
        double end = s.end > 0 ? s.end : now;
        double base = (end - s.start) * 1000.0 * s.coordinator_dpu;
        return std::max(0.0, base) + s.dpu_ms;
    }

    // ---- JSON views ------------------------------------------------------------------------------------------
    json::object session_status(const session& s) const {
        json::object st{{"StartDateTime", s.start}, {"LastModifiedDateTime", s.last_modified}, {"State", s.state}};
        if (s.end > 0)
            st["EndDateTime"] = s.end;
        if (s.idle_since > 0 && s.state == "IDLE")
            st["IdleSinceDateTime"] = s.idle_since;
        if (!s.reason.empty())
            st["StateChangeReason"] = s.reason;
        return st;
    }

    json::object calc_status(const calculation& c) const {
        json::object st{{"SubmissionDateTime", c.submitted}, {"State", c.state}};
        if (c.completed > 0)
            st["CompletionDateTime"] = c.completed;
        if (!c.reason.empty())
            st["StateChangeReason"] = c.reason;
        return st;
    }

    json::object calc_statistics(const calculation& c) const {
        double ms = c.dpu_ms;
        if (c.state == "RUNNING" && c.started > 0) {
            auto it = sessions.find(c.session_id);
            int dpus = it == sessions.end() ? 1 : it->second.coordinator_dpu + executor_dpus(it->second);
            ms = (now_s() - c.started) * 1000.0 * dpus;
        }
        json::object o{{"DpuExecutionInMillis", static_cast<std::int64_t>(ms)}};
        if (c.terminal())
            o["Progress"] = c.state == "COMPLETED" ? "100%" : "";
        return o;
    }

    // ---- session lifecycle ----------------------------------------------------------------------------------
    void set_state(session& s, std::string st, std::string reason = {}) {
        double now = now_s();
        s.state = std::move(st);
        s.last_modified = now;
        if (!reason.empty())
            s.reason = std::move(reason);
        if (s.state == "IDLE")
            s.idle_since = now;
        if (s.state == "TERMINATED" || s.state == "FAILED")
            s.end = now;
    }

    void arm_idle_timer(session& s) {
        if (!s.timer)
            s.timer = std::make_unique<asio::steady_timer>(env.loop);
        s.timer->expires_after(std::chrono::minutes(s.idle_timeout_min));
        std::weak_ptr<state> weak = shared_from_this();
        auto id = s.id;
        s.timer->async_wait([weak, id](boost::system::error_code ec) {
            auto self = weak.lock();
            if (ec || !self)
                return;
            auto it = self->sessions.find(id);
            if (it == self->sessions.end() || it->second.state != "IDLE")
                return;
            self->set_state(it->second, "TERMINATED", "Session was terminated due to the idle timeout");
        });
    }

    void after(session& s, unsigned ms, std::function<void(state&, session&)> fn) {
        if (!s.timer)
            s.timer = std::make_unique<asio::steady_timer>(env.loop);
        s.timer->expires_after(std::chrono::milliseconds(ms));
        std::weak_ptr<state> weak = shared_from_this();
        auto id = s.id;
        s.timer->async_wait([weak, id, fn = std::move(fn)](boost::system::error_code ec) {
            auto self = weak.lock();
            if (ec || !self)
                return;
            auto it = self->sessions.find(id);
            if (it != self->sessions.end())
                fn(*self, it->second);
        });
    }

    void terminate(session& s, std::string reason) {
        if (!s.live())
            return;
        if (!s.running.empty()) {
            auto it = calculations.find(s.running);
            if (it != calculations.end())
                cancel_calc(it->second, "Calculation was canceled because its session was terminated");
        }
        set_state(s, "TERMINATING", reason);
        after(s, 20, [](state& self, session& s2) { self.set_state(s2, "TERMINATED"); });
    }

    // ---- calculations ---------------------------------------------------------------------------------------
    void finish_calc(calculation& c, std::string st, std::string reason) {
        if (c.terminal())
            return;
        double now = now_s();
        auto sit = sessions.find(c.session_id);
        if (c.started > 0 && sit != sessions.end()) {
            int exec = executor_dpus(sit->second);
            c.dpu_ms = (now - c.started) * 1000.0 * (sit->second.coordinator_dpu + exec);
            sit->second.dpu_ms += (now - c.started) * 1000.0 * exec;
        }
        c.state = std::move(st);
        c.reason = std::move(reason);
        c.completed = now;
        if (sit != sessions.end()) {
            auto& s = sit->second;
            if (s.running == c.id)
                s.running.clear();
            if (s.state == "BUSY") {
                set_state(s, "IDLE");
                arm_idle_timer(s);
            }
        }
    }

    void cancel_calc(calculation& c, std::string reason) {
        if (c.terminal())
            return;
        c.cancel->cancel();
        if (c.timer)
            c.timer->cancel();
        finish_calc(c, "CANCELED", std::move(reason));
    }

    void write_outputs(calculation& c, const std::string& out, const std::string& err) {
        auto put = [&](const std::string& uri, std::string_view data, std::string_view type) {
            auto [bucket, key] = split_s3(uri);
            if (!bucket.empty()) {
                env.store->ensure_bucket(bucket);
                env.store->put_object(bucket, key, data, type);
            }
        };
        put(c.stdout_uri, out, "text/plain");
        put(c.stderr_uri, err, "text/plain");
        json::object result{{"text/plain", out}};
        put(c.result_uri, json::serialize(result), "application/json");
    }

    void run_calc(const std::string& id) {
        auto it = calculations.find(id);
        if (it == calculations.end() || it->second.terminal())
            return;
        auto& c = it->second;
        c.state = "QUEUED";
        auto sit = sessions.find(c.session_id);
        std::string db = sit != sessions.end() ? sit->second.current_database : "default";
        std::weak_ptr<state> weak = shared_from_this();
        if (opts.simulate.kind != distribution::none) {
            c.state = "RUNNING";
            c.started = now_s();
            c.timer = std::make_unique<asio::steady_timer>(env.loop);
            c.timer->expires_after(std::chrono::microseconds(static_cast<std::int64_t>(opts.simulate.sample_us(rng))));
            c.timer->async_wait([weak, id](boost::system::error_code ec) {
                auto self = weak.lock();
                if (ec || !self)
                    return;
                auto it2 = self->calculations.find(id);
                if (it2 == self->calculations.end() || it2->second.terminal())
                    return;
                if (self->chance(self->opts.calculation_failed))
                    self->finish_calc(it2->second, "FAILED", "Calculation failed (injected fault)");
                else
                    self->finish_calc(it2->second, "COMPLETED", "");
            });
            return;
        }
        calc::run_request rr{c.code, db};
        auto token = c.cancel;
        auto job = [weak, id, rr = std::move(rr), token, ex = env.loop, r = runner.get()]() mutable {
            {
                auto self = weak.lock();
                if (!self)
                    return;
            }
            asio::post(ex, [weak, id] {
                if (auto self = weak.lock()) {
                    auto it2 = self->calculations.find(id);
                    if (it2 != self->calculations.end() && it2->second.state == "QUEUED") {
                        it2->second.state = "RUNNING";
                        it2->second.started = now_s();
                    }
                }
            });
            auto result = std::make_shared<calc::run_result>(r->run(rr, *token));
            asio::post(ex, [weak, id, result] {
                auto self = weak.lock();
                if (!self)
                    return;
                auto it2 = self->calculations.find(id);
                if (it2 == self->calculations.end())
                    return;
                auto& c2 = it2->second;
                if (c2.started == 0)
                    c2.started = now_s();
                self->write_outputs(c2, result->stdout_text, result->stderr_text);
                auto sit2 = self->sessions.find(c2.session_id);
                if (sit2 != self->sessions.end() && !result->current_database.empty())
                    sit2->second.current_database = result->current_database;
                switch (result->state) {
                case calc::run_state::completed:
                    if (self->chance(self->opts.calculation_failed))
                        self->finish_calc(c2, "FAILED", "Calculation failed (injected fault)");
                    else
                        self->finish_calc(c2, "COMPLETED", "");
                    break;
                case calc::run_state::failed: self->finish_calc(c2, "FAILED", result->reason); break;
                case calc::run_state::canceled: self->finish_calc(c2, "CANCELED", result->reason); break;
                }
            });
        };
        {
            std::lock_guard lock(mutex);
            jobs.push_back(std::move(job));
        }
        cv.notify_one();
    }

    // ---- operations -----------------------------------------------------------------------------------------
    json_reply create_workgroup(const json::object& req) {
        std::string name;
        if (!get_string(req, "Name", name) || name.empty() || name.size() > 128)
            return invalid("WorkGroup name is required and must be 1 to 128 characters");
        for (char ch : name)
            if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '_' && ch != '-')
                return invalid("WorkGroup name may only contain letters, digits, '.', '_' and '-'");
        if (workgroups.count(name))
            return invalid("WorkGroup is already created");
        workgroup w;
        w.name = name;
        get_string(req, "Description", w.description);
        w.created = now_s();
        w.engine = std::string(sql_engine);
        w.output_location = "s3://athena-local-results/" + name + "/";
        w.execution_role.clear();
        if (auto* cfg = field(req, "Configuration"); cfg && cfg->is_object()) {
            w.configuration = cfg->as_object();
            auto& co = cfg->as_object();
            if (auto* ev = co.if_contains("EngineVersion"); ev && ev->is_object())
                get_string(ev->as_object(), "SelectedEngineVersion", w.engine);
            if (auto* rc = co.if_contains("ResultConfiguration"); rc && rc->is_object())
                get_string(rc->as_object(), "OutputLocation", w.output_location);
            get_string(co, "ExecutionRole", w.execution_role);
            w.configuration.erase("ResultConfiguration");
            w.configuration.erase("EngineVersion");
        }
        if (w.engine == "AUTO")
            w.engine = std::string(sql_engine);
        if (w.engine != sql_engine && w.engine != spark_engine && w.engine != "Athena engine version 2")
            return invalid("The engine version '" + w.engine + "' is not valid. Valid versions: '" +
                           std::string(sql_engine) + "', '" + std::string(spark_engine) + "'");
        if (w.spark() && w.execution_role.empty())
            return invalid("ExecutionRole is required for a workgroup with a PySpark engine version");
        if (!w.output_location.ends_with("/"))
            w.output_location += "/";
        auto [bucket, key] = split_s3(w.output_location);
        if (bucket.empty())
            return invalid("OutputLocation must be an s3:// URI");
        env.store->ensure_bucket(bucket);
        workgroups[name] = std::move(w);
        save_workgroups();
        return ok({});
    }

    json_reply get_workgroup(const json::object& req) {
        std::string name;
        if (!get_string(req, "WorkGroup", name))
            return invalid("WorkGroup is required");
        auto it = workgroups.find(name);
        if (it == workgroups.end())
            return invalid("WorkGroup " + name + " is not found.");
        return ok({{"WorkGroup", workgroup_json(it->second)}});
    }

    json_reply list_workgroups(const json::object& req) {
        std::int64_t max = 50;
        get_int(req, "MaxResults", max);
        if (max < 1 || max > 50)
            return invalid("MaxResults must be between 1 and 50");
        std::string token;
        get_string(req, "NextToken", token);
        json::array arr;
        std::string next;
        for (auto it = token.empty() ? workgroups.begin() : workgroups.lower_bound(token); it != workgroups.end(); ++it) {
            if (static_cast<std::int64_t>(arr.size()) == max) {
                next = it->first;
                break;
            }
            auto& w = it->second;
            arr.push_back(json::object{{"Name", w.name}, {"State", w.state}, {"Description", w.description},
                                       {"CreationTime", w.created}, {"EngineVersion", engine_version(w)}});
        }
        json::object o{{"WorkGroups", arr}};
        if (!next.empty())
            o["NextToken"] = next;
        return ok(o);
    }

    json_reply start_session(const json::object& req) {
        std::string wg;
        if (!get_string(req, "WorkGroup", wg))
            return invalid("WorkGroup is required");
        std::string token;
        if (get_string(req, "ClientRequestToken", token)) {
            if (token.size() < 1 || token.size() > 128)
                return invalid("ClientRequestToken must be 1 to 128 characters");
            if (auto t = session_tokens.find(token); t != session_tokens.end()) {
                auto& s = sessions.at(t->second);
                return ok({{"SessionId", s.id}, {"State", s.state}});
            }
        }
        auto wit = workgroups.find(wg);
        if (wit == workgroups.end())
            return invalid("WorkGroup " + wg + " is not found.");
        if (!wit->second.spark())
            return invalid("Sessions can only be started in Apache Spark enabled workgroups. WorkGroup " + wg +
                           " uses " + wit->second.engine + ".");
        if (wit->second.state != "ENABLED")
            return invalid("WorkGroup " + wg + " is disabled.");
        auto* ec = field(req, "EngineConfiguration");
        if (!ec || !ec->is_object())
            return invalid("EngineConfiguration is required");
        auto& eco = ec->as_object();
        session s;
        std::int64_t v = 0;
        if (!get_int(eco, "MaxConcurrentDpus", v))
            return invalid("EngineConfiguration.MaxConcurrentDpus is required");
        if (v < 2 || v > 5000)
            return invalid("MaxConcurrentDpus must be between 2 and 5000");
        s.max_dpus = static_cast<int>(v);
        if (get_int(eco, "CoordinatorDpuSize", v)) {
            if (v != 1)
                return invalid("CoordinatorDpuSize must be 1");
        }
        if (get_int(eco, "DefaultExecutorDpuSize", v)) {
            if (v != 1)
                return invalid("DefaultExecutorDpuSize must be 1");
        }
        if (get_int(req, "SessionIdleTimeoutInMinutes", v)) {
            if (v < 1 || v > 480)
                return invalid("SessionIdleTimeoutInMinutes must be between 1 and 480");
            s.idle_timeout_min = v;
        }
        std::string desc;
        if (get_string(req, "Description", desc) && desc.size() > 1024)
            return invalid("Description must be at most 1024 characters");
        if (dpus_in_use() + s.coordinator_dpu > static_cast<int>(opts.dpu_quota))
            return json_error(400, "TooManyRequestsException",
                              "You have exceeded the DPU quota of " + std::to_string(opts.dpu_quota) +
                                  " for concurrent sessions in this account. Terminate idle sessions or request a "
                                  "quota increase (athena-local: --dpu-quota).");
        s.id = uuid();
        s.workgroup = wg;
        s.description = desc;
        get_string(req, "NotebookVersion", s.notebook_version);
        s.engine_configuration = eco;
        s.engine_configuration["CoordinatorDpuSize"] = s.coordinator_dpu;
        s.engine_configuration["DefaultExecutorDpuSize"] = s.executor_dpu;
        s.start = s.last_modified = now_s();
        s.working_directory = wit->second.output_location + s.id + "/";
        auto id = s.id;
        sessions.emplace(id, std::move(s));
        session_order.push_back(id);
        if (!token.empty())
            session_tokens[token] = id;
        auto& ref = sessions.at(id);
        after(ref, opts.creating_ms, [](state& self, session& s2) {
            if (s2.state != "CREATING")
                return;
            self.set_state(s2, "CREATED");
            self.after(s2, self.opts.created_ms, [](state& self2, session& s3) {
                if (s3.state != "CREATED")
                    return;
                self2.set_state(s3, "IDLE");
                self2.arm_idle_timer(s3);
            });
        });
        return ok({{"SessionId", id}, {"State", "CREATING"}});
    }

    session* find_session(const json::object& req, json_reply& err) {
        std::string id;
        if (!get_string(req, "SessionId", id)) {
            err = invalid("SessionId is required");
            return nullptr;
        }
        auto it = sessions.find(id);
        if (it == sessions.end()) {
            err = not_found("Session " + id + " was not found.");
            return nullptr;
        }
        return &it->second;
    }

    void maybe_degrade(session& s) {
        if (s.degraded_pending) {
            s.degraded_pending = false;
            set_state(s, "FAILED", "Session failed: the Spark driver became unresponsive (injected fault)");
            return;
        }
        if (s.state == "IDLE" && chance(opts.session_degraded)) {
            set_state(s, "DEGRADED", "Session is degraded: the Spark driver is not responding (injected fault)");
            s.degraded_pending = true;
        }
    }

    json_reply get_session(const json::object& req, bool status_only) {
        json_reply err;
        auto* s = find_session(req, err);
        if (!s)
            return err;
        maybe_degrade(*s);
        json::object stats{{"DpuExecutionInMillis", static_cast<std::int64_t>(session_dpu_ms(*s, now_s()))}};
        if (status_only)
            return ok({{"SessionId", s->id}, {"Status", session_status(*s)}});
        json::object cfg{{"ExecutionRole", workgroups.count(s->workgroup) ? workgroups.at(s->workgroup).execution_role : ""},
                         {"WorkingDirectory", s->working_directory},
                         {"IdleTimeoutSeconds", s->idle_timeout_min * 60}};
        json::object o{{"SessionId", s->id},
                       {"WorkGroup", s->workgroup},
                       {"EngineVersion", spark_engine},
                       {"EngineConfiguration", s->engine_configuration},
                       {"SessionConfiguration", cfg},
                       {"Status", session_status(*s)},
                       {"Statistics", stats}};
        if (!s->description.empty())
            o["Description"] = s->description;
        if (!s->notebook_version.empty())
            o["NotebookVersion"] = s->notebook_version;
        return ok(o);
    }

    /// MaxResults (1..100, default 100) and NextToken (an index into the listing) of a List* request.
    static std::optional<json_reply> paging(const json::object& req, std::int64_t& max, std::size_t& start) {
        get_int(req, "MaxResults", max);
        if (max < 1 || max > 100)
            return invalid("MaxResults must be between 1 and 100");
        std::string token;
        get_string(req, "NextToken", token);
        if (!token.empty()) {
            try {
                start = std::stoul(token);
            } catch (...) {
                return invalid("NextToken is not valid");
            }
        }
        return std::nullopt;
    }

    json_reply list_sessions(const json::object& req) {
        std::string wg, filter;
        if (!get_string(req, "WorkGroup", wg))
            return invalid("WorkGroup is required");
        if (!workgroups.count(wg))
            return invalid("WorkGroup " + wg + " is not found.");
        get_string(req, "StateFilter", filter);
        std::int64_t max = 100;
        std::size_t start = 0;
        if (auto bad = paging(req, max, start))
            return *bad;
        json::array arr;
        std::size_t i = start;
        std::string next;
        // newest first, as the console shows them
        std::vector<const session*> matching;
        for (auto it = session_order.rbegin(); it != session_order.rend(); ++it) {
            auto& s = sessions.at(*it);
            if (s.workgroup == wg && (filter.empty() || s.state == filter))
                matching.push_back(&s);
        }
        for (; i < matching.size(); ++i) {
            if (static_cast<std::int64_t>(arr.size()) == max) {
                next = std::to_string(i);
                break;
            }
            auto& s = *matching[i];
            json::object o{{"SessionId", s.id},
                           {"EngineVersion", json::object{{"SelectedEngineVersion", spark_engine},
                                                          {"EffectiveEngineVersion", spark_engine}}},
                           {"Status", session_status(s)}};
            if (!s.description.empty())
                o["Description"] = s.description;
            if (!s.notebook_version.empty())
                o["NotebookVersion"] = s.notebook_version;
            arr.push_back(std::move(o));
        }
        json::object o{{"Sessions", arr}};
        if (!next.empty())
            o["NextToken"] = next;
        return ok(o);
    }

    json_reply terminate_session(const json::object& req) {
        json_reply err;
        auto* s = find_session(req, err);
        if (!s)
            return err;
        if (s->live())
            terminate(*s, "Session was terminated by TerminateSession");
        return ok({{"State", s->state}});
    }

    json_reply start_calculation(const json::object& req) {
        json_reply err;
        auto* s = find_session(req, err);
        if (!s)
            return err;
        std::string token;
        if (get_string(req, "ClientRequestToken", token)) {
            if (auto t = calculation_tokens.find(token); t != calculation_tokens.end()) {
                auto& c = calculations.at(t->second);
                return ok({{"CalculationExecutionId", c.id}, {"State", c.state}});
            }
        }
        auto wit = workgroups.find(s->workgroup);
        if (wit == workgroups.end() || !wit->second.spark())
            return invalid("Calculations can only be run in Apache Spark enabled workgroups.");
        if (s->state != "IDLE")
            return invalid("Session " + s->id + " is in the " + s->state +
                           " state. Calculations can only be submitted to a session in the IDLE state.");
        std::string code, desc;
        if (!get_string(req, "CodeBlock", code)) {
            if (auto* cc = field(req, "CalculationConfiguration"); cc && cc->is_object())
                get_string(cc->as_object(), "CodeBlock", code);
        }
        if (code.empty())
            return invalid("CodeBlock is required");
        if (code.size() > 68000)
            return invalid("CodeBlock must be at most 68000 characters");
        get_string(req, "Description", desc);
        calculation c;
        c.id = uuid();
        c.session_id = s->id;
        c.description = desc;
        c.code = code;
        c.submitted = now_s();
        c.working_directory = s->working_directory;
        auto base = s->working_directory + c.id + "/";
        c.stdout_uri = base + "stdout";
        c.stderr_uri = base + "stderr";
        c.result_uri = base + "result.json";
        auto id = c.id;
        calculations.emplace(id, std::move(c));
        s->calculations.push_back(id);
        s->running = id;
        if (s->timer)
            s->timer->cancel(); // the idle timeout pauses while busy
        set_state(*s, "BUSY");
        if (!token.empty())
            calculation_tokens[token] = id;
        asio::post(env.loop, [weak = std::weak_ptr<state>(shared_from_this()), id] {
            if (auto self = weak.lock())
                self->run_calc(id);
        });
        return ok({{"CalculationExecutionId", id}, {"State", "CREATING"}});
    }

    calculation* find_calc(const json::object& req, json_reply& err) {
        std::string id;
        if (!get_string(req, "CalculationExecutionId", id)) {
            err = invalid("CalculationExecutionId is required");
            return nullptr;
        }
        auto it = calculations.find(id);
        if (it == calculations.end()) {
            err = not_found("Calculation " + id + " was not found.");
            return nullptr;
        }
        return &it->second;
    }

    json_reply get_calculation(const json::object& req, int what) {
        json_reply err;
        auto* c = find_calc(req, err);
        if (!c)
            return err;
        if (what == 2)
            return ok({{"CodeBlock", c->code}});
        if (what == 1)
            return ok({{"Status", calc_status(*c)}, {"Statistics", calc_statistics(*c)}});
        json::object o{{"CalculationExecutionId", c->id},
                       {"SessionId", c->session_id},
                       {"WorkingDirectory", c->working_directory},
                       {"Status", calc_status(*c)},
                       {"Statistics", calc_statistics(*c)}};
        if (!c->description.empty())
            o["Description"] = c->description;
        if (c->terminal() && c->state != "CANCELED")
            o["Result"] = json::object{{"StdOutS3Uri", c->stdout_uri},
                                       {"StdErrorS3Uri", c->stderr_uri},
                                       {"ResultS3Uri", c->result_uri},
                                       {"ResultType", "application/json"}};
        return ok(o);
    }

    json_reply stop_calculation(const json::object& req) {
        json_reply err;
        auto* c = find_calc(req, err);
        if (!c)
            return err;
        if (!c->terminal())
            cancel_calc(*c, "Calculation was canceled by StopCalculationExecution");
        return ok({{"State", c->state}});
    }

    json_reply list_calculations(const json::object& req) {
        json_reply err;
        auto* s = find_session(req, err);
        if (!s)
            return err;
        std::string filter;
        get_string(req, "StateFilter", filter);
        std::int64_t max = 100;
        std::size_t start = 0;
        if (auto bad = paging(req, max, start))
            return *bad;
        std::vector<const calculation*> matching;
        for (auto it = s->calculations.rbegin(); it != s->calculations.rend(); ++it) {
            auto& c = calculations.at(*it);
            if (filter.empty() || c.state == filter)
                matching.push_back(&c);
        }
        json::array arr;
        std::string next;
        for (std::size_t i = start; i < matching.size(); ++i) {
            if (static_cast<std::int64_t>(arr.size()) == max) {
                next = std::to_string(i);
                break;
            }
            json::object o{{"CalculationExecutionId", matching[i]->id}, {"Status", calc_status(*matching[i])}};
            if (!matching[i]->description.empty())
                o["Description"] = matching[i]->description;
            arr.push_back(std::move(o));
        }
        json::object o{{"Calculations", arr}};
        if (!next.empty())
            o["NextToken"] = next;
        return ok(o);
    }

    json_reply dispatch(std::string_view op, const json::object& req) {
        if (op == "StartSession") return start_session(req);
        if (op == "GetSession") return get_session(req, false);
        if (op == "GetSessionStatus") return get_session(req, true);
        if (op == "ListSessions") return list_sessions(req);
        if (op == "TerminateSession") return terminate_session(req);
        if (op == "StartCalculationExecution") return start_calculation(req);
        if (op == "GetCalculationExecution") return get_calculation(req, 0);
        if (op == "GetCalculationExecutionStatus") return get_calculation(req, 1);
        if (op == "GetCalculationExecutionCode") return get_calculation(req, 2);
        if (op == "StopCalculationExecution") return stop_calculation(req);
        if (op == "ListCalculationExecutions") return list_calculations(req);
        if (op == "GetWorkGroup") return get_workgroup(req);
        if (op == "ListWorkGroups") return list_workgroups(req);
        if (op == "CreateWorkGroup") return create_workgroup(req);
        return json_error(400, "UnknownOperationException", "");
    }
};

athena_service::athena_service(service_env env, catalog& cat, athena_options opts)
    : state_(std::make_shared<state>(std::move(env), cat, std::move(opts))) {
    state_->add_default_workgroups();
    state_->start_workers();
}

athena_service::~athena_service() { shutdown(); }

void athena_service::shutdown() {
    if (!state_)
        return;
    state_->stop_workers();
    for (auto& [id, s] : state_->sessions)
        if (s.timer)
            s.timer->cancel();
    for (auto& [id, c] : state_->calculations)
        if (c.timer)
            c.timer->cancel();
}

void athena_service::handle(std::string_view operation, std::string_view body, const request_context&,
                            std::function<void(json_reply)> done) {
    std::error_code ec;
    auto v = json::parse(body.empty() ? std::string_view("{}") : body, ec);
    if (ec || !v.is_object()) {
        done(json_error(400, "SerializationException", "Unable to parse the request body as JSON"));
        return;
    }
    done(state_->dispatch(operation, v.as_object()));
}

} // namespace athena_local::athena
