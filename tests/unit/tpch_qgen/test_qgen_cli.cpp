// bb-async qgen tpch: the queries with qgen's parameters, qgen's parameter log, and exit status 2
// with a one-line message on bad input.
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>

namespace fs = std::filesystem;

namespace {

struct outcome {
    int status = -1;
    std::string out;
    std::string err;
};

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

class fixture {
public:
    fixture() {
        std::random_device rd;
        dir_ = fs::path(BB_BINARY_DIR) / "tmp" / ("qgen-cli-" + std::to_string(rd()));
        fs::create_directories(dir_);
    }
    ~fixture() {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    fixture(const fixture&) = delete;
    fixture& operator=(const fixture&) = delete;

    outcome run(const std::string& args) const {
        const fs::path out = dir_ / "stdout.txt";
        const fs::path err = dir_ / "stderr.txt";
        const std::string cmd = std::string("'") + BB_ASYNC_EXE + "' qgen tpch " + args + " >'" +
                                out.string() + "' 2>'" + err.string() + "' </dev/null";
        const int rc = std::system(cmd.c_str());
        outcome o;
        o.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
        o.out = slurp(out);
        o.err = slurp(err);
        return o;
    }
    const fs::path& dir() const noexcept { return dir_; }

private:
    fs::path dir_;
};

bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

fs::path vectors(const std::string& name) {
    return fs::path(BB_TEST_DATA_DIR) / "tpch" / "qgen" / name;
}

// The query numbers in the order printed ("-- TPC-H Q<n>:" lines).
std::vector<int> printed_queries(const std::string& out) {
    std::vector<int> qs;
    std::size_t pos = 0;
    const std::string tag = "-- TPC-H Q";
    while ((pos = out.find(tag, pos)) != std::string::npos) {
        pos += tag.size();
        qs.push_back(std::stoi(out.substr(pos, 2)));
    }
    return qs;
}

} // namespace

BOOST_AUTO_TEST_SUITE(tpch_qgen_cli)

BOOST_AUTO_TEST_CASE(default_query_1_prints_the_validation_parameters) {
    fixture f;
    const auto o = f.run("--default --query 1");
    BOOST_TEST(o.status == 0, o.err);
    BOOST_TEST(o.out.starts_with("-- using default substitutions\n"));
    BOOST_TEST(contains(o.out, "-- TPC-H Q1: Pricing Summary Report (stream 0)\n-- parameters: 90\n"));
    BOOST_TEST(contains(o.out, "l_shipdate <= date '1998-09-02'"));
    BOOST_TEST(contains(o.out, "    l_linestatus;\n"));
    BOOST_TEST(printed_queries(o.out) == (std::vector<int>{1}));
    BOOST_TEST(o.err.empty());
}

BOOST_AUTO_TEST_CASE(param_log_equals_the_tpc_reference_and_is_appended) {
    fixture f;
    const fs::path log = f.dir() / "subparam_1";
    auto o = f.run("--scale 1 --seed 0101000000 --param-log '" + log.string() + "'");
    BOOST_TEST(o.status == 0, o.err);
    BOOST_TEST(o.out.starts_with("-- using 101000000 as a seed to the RNG\n"));
    const std::string want = slurp(vectors("param_log_seed_0101000000_sf1.txt"));
    BOOST_TEST(slurp(log) == want);
    BOOST_TEST(printed_queries(o.out).size() == 22u);
    BOOST_TEST(contains(o.out, "-- parameters: 28 | STEEL | MIDDLE EAST\n"));
    o = f.run("-s 1 -r 0101000000 -l '" + log.string() + "'");
    BOOST_TEST(o.status == 0, o.err);
    BOOST_TEST(slurp(log) == want + want);
}

BOOST_AUTO_TEST_CASE(repeated_queries_continue_their_streams) {
    fixture f;
    const fs::path log = f.dir() / "seed5.log";
    const auto o = f.run("--seed 5 --query 16 16 22 22 --param-log '" + log.string() + "'");
    BOOST_TEST(o.status == 0, o.err);
    BOOST_TEST(slurp(log) == slurp(vectors("param_log_seed_5_16_16_22_22.txt")));
    BOOST_TEST(printed_queries(o.out) == (std::vector<int>{16, 16, 22, 22}));
}

BOOST_AUTO_TEST_CASE(streams_use_the_permutation_and_positions) {
    fixture f;
    auto o = f.run("--default --stream 1");
    BOOST_TEST(o.status == 0, o.err);
    BOOST_TEST(printed_queries(o.out) == (std::vector<int>{21, 3,  18, 5, 11, 7,  6,  20, 17, 12, 16,
                                                           15, 13, 10, 2, 8,  14, 19, 9,  22, 1,  4}));
    BOOST_TEST(contains(o.out, "with revenue1 as"));
    o = f.run("--default --stream 0 --query 1 2");
    BOOST_TEST(o.status == 0, o.err);
    BOOST_TEST(printed_queries(o.out) == (std::vector<int>{14, 2}));
}

BOOST_AUTO_TEST_CASE(scale_changes_q11_fraction) {
    fixture f;
    const auto o = f.run("--default --scale 100 --query 11");
    BOOST_TEST(o.status == 0, o.err);
    BOOST_TEST(contains(o.out, "* 0.0000010000"));
}

BOOST_AUTO_TEST_CASE(bad_input_exits_2_with_one_line) {
    fixture f;
    for (const std::string args :
         {"--query 0", "--query 23", "--query x", "--scale -1", "--scale 0", "--scale abc", "--seed abc",
          "--seed 0", "--seed 99999999999", "--seed 5 --default", "--stream -1", "--stream 1 --query 23",
          "--default --param-log /nonexistent-dir/x.log", "--bogus"}) {
        const auto o = f.run(args);
        BOOST_TEST(o.status == 2, args << ": " << o.err);
        BOOST_TEST(o.out.empty(), args);
        BOOST_TEST(o.err.starts_with("bb-async: error: "), args << ": " << o.err);
    }
}

BOOST_AUTO_TEST_SUITE_END()
