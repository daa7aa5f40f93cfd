// bb-async datagen tpch: bad input exits 2 with a clear one-line message; a small run writes
// dbgen-identical files and a rerun keeps them.
#include <boost/test/unit_test.hpp>

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

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
        dir_ = fs::path(BB_BINARY_DIR) / "tmp" / ("datagen-cli-" + std::to_string(rd()));
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
        const std::string cmd = std::string("'") + BB_ASYNC_EXE + "' datagen tpch " + args + " >'" +
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

std::string md5_of(const std::string& s) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(s.data(), s.size(), md, &n, EVP_md5(), nullptr);
    std::string hex;
    char b[3];
    for (unsigned i = 0; i < n; ++i) {
        std::snprintf(b, sizeof b, "%02x", md[i]);
        hex += b;
    }
    return hex;
}

// Exit status 2 and a single "bb-async: error: ..." line that contains `needle`.
void expect_usage_error(const outcome& o, const std::string& needle) {
    BOOST_TEST(o.status == 2);
    BOOST_TEST(o.err.rfind("bb-async: error: ", 0) == 0u, o.err);
    BOOST_TEST(o.err.find(needle) != std::string::npos, o.err);
}

} // namespace

BOOST_AUTO_TEST_SUITE(tpch_datagen_cli)

BOOST_AUTO_TEST_CASE(bad_input_exits_with_status_2) {
    fixture f;
    const std::string out = " --output '" + (f.dir() / "out").string() + "'";
    expect_usage_error(f.run("--scale 0" + out), "--scale");
    expect_usage_error(f.run("--scale=-1" + out), "--scale");
    expect_usage_error(f.run("--scale abc" + out), "--scale");
    expect_usage_error(f.run("--scale 100001" + out), "--scale");
    expect_usage_error(f.run("--scale 0.01 --tables lineitem,foo" + out), "'foo'");
    expect_usage_error(f.run("--scale 0.01 --format xml" + out), "--format");
    expect_usage_error(f.run("--scale 0.01 --chunks=-1" + out), "--chunks");
    expect_usage_error(f.run("--scale 0.01 --threads=-3" + out), "--threads");
    std::ofstream(f.dir() / "plain-file") << "x";
    expect_usage_error(
        f.run("--scale 0.01 --tables region --output '" + (f.dir() / "plain-file" / "sub").string() + "'"),
        "output directory");
    const auto missing = f.run("--scale 0.01");
    BOOST_TEST(missing.status == 2);
    BOOST_TEST(missing.err.find("--output") != std::string::npos, missing.err);
    BOOST_TEST(!fs::exists(f.dir() / "out" / "lineitem.tbl"));
}

BOOST_AUTO_TEST_CASE(small_run_writes_dbgen_files_and_rerun_keeps_them) {
    fixture f;
    const std::string args = "--scale 0.01 --tables nation,region,supplier --threads 2 --output '" +
                             (f.dir() / "out").string() + "'";
    const auto first = f.run(args);
    BOOST_TEST_REQUIRE(first.status == 0, first.err);
    BOOST_TEST(md5_of(slurp(f.dir() / "out" / "nation.tbl")) == "2f588e0b7fa72939b498c2abecd9fbbe");
    BOOST_TEST(md5_of(slurp(f.dir() / "out" / "region.tbl")) == "c235841b00d29ad4f817771fcc851207");
    BOOST_TEST(md5_of(slurp(f.dir() / "out" / "supplier.tbl")) == "56e0621c472064c2a998757c70b44043");
    BOOST_TEST(fs::exists(f.dir() / "out" / "tpch-manifest.json"));
    BOOST_TEST(first.out.find("supplier.tbl") != std::string::npos, first.out);
    // Not a terminal: no progress bar on stderr.
    BOOST_TEST(first.err.empty(), first.err);

    const auto second = f.run(args);
    BOOST_TEST(second.status == 0);
    BOOST_TEST(second.out.find("3 files (3 kept)") != std::string::npos, second.out);
}

BOOST_AUTO_TEST_SUITE_END()
