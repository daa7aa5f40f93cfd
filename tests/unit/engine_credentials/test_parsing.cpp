// Pure parsing: shared config/credentials files, credentials documents, ISO 8601, region, retry settings.
#include <engine/credentials/config_file.hpp>
#include <engine/credentials/documents.hpp>
#include <engine/credentials/region.hpp>
#include <engine/credentials/retry_settings.hpp>

#include <boost/test/unit_test.hpp>

#include <chrono>

using namespace engine::credentials;
using namespace std::chrono;

namespace {

profile_file parse_ok(std::string_view text, file_kind kind = file_kind::config) {
    profile_file f;
    std::string msg;
    auto ec = parse_profile_file(text, kind, "test", f, msg);
    BOOST_TEST_REQUIRE(!ec, msg);
    return f;
}

std::string parse_err(std::string_view text, file_kind kind = file_kind::config) {
    profile_file f;
    std::string msg;
    auto ec = parse_profile_file(text, kind, "cfg", f, msg);
    BOOST_TEST(ec == error::config_parse);
    return msg;
}

std::string prop(const profile_file& f, std::string_view profile, std::string_view key) {
    auto it = f.profiles.find(profile);
    if (it == f.profiles.end())
        return "<no profile>";
    auto p = it->second.properties.find(key);
    return p == it->second.properties.end() ? "<absent>" : p->second;
}

engine::credentials::time_point utc(int y, unsigned m, unsigned d, int h, int mi, int s) {
    return sys_days(year(y) / month(m) / day(d)) + hours(h) + minutes(mi) + seconds(s);
}

environment data_env(std::map<std::string, std::string, std::less<>> extra = {}) {
    extra.emplace("AWS_CONFIG_FILE", BB_TEST_DATA_DIR "/engine_credentials/config");
    extra.emplace("AWS_SHARED_CREDENTIALS_FILE", BB_TEST_DATA_DIR "/engine_credentials/credentials");
    return environment::from_map(std::move(extra));
}

} // namespace

BOOST_AUTO_TEST_SUITE(config_file_parsing)

BOOST_AUTO_TEST_CASE(config_sections_default_and_profile_prefix) {
    auto f = parse_ok("[default]\nregion = us-east-2\n[profile dev]\nregion=eu-west-1\n[dev2]\nregion = x\n");
    BOOST_TEST(prop(f, "default", "region") == "us-east-2");
    BOOST_TEST(prop(f, "dev", "region") == "eu-west-1");
    // A bare [dev2] in the config file is not a profile.
    BOOST_TEST(f.profiles.count("dev2") == 0u);
    BOOST_TEST(f.other_sections.count("dev2") == 1u);
}

BOOST_AUTO_TEST_CASE(credentials_sections_are_bare_names) {
    auto f =
        parse_ok("[default]\naws_access_key_id = A\n[dev]\naws_access_key_id = B\n", file_kind::credentials);
    BOOST_TEST(prop(f, "default", "aws_access_key_id") == "A");
    BOOST_TEST(prop(f, "dev", "aws_access_key_id") == "B");
    auto g = parse_ok("[profile dev]\nx = 1\n", file_kind::credentials);
    BOOST_TEST(prop(g, "profile dev", "x") == "1"); // literal name in the credentials file
}

BOOST_AUTO_TEST_CASE(comments_whitespace_and_case) {
    auto f = parse_ok("\xEF\xBB\xBF# comment\n; another\n  [  profile   spaced  ]   # trailing comment\r\n"
                      "   \n  Region   =   us-west-1   \r\nAWS_Access_Key_ID=AK\n"
                      "credential_process = sh -c 'a; b # c'\n");
    BOOST_TEST(prop(f, "spaced", "region") == "us-west-1");
    BOOST_TEST(prop(f, "spaced", "aws_access_key_id") == "AK"); // keys are case-insensitive
    // No inline comments in values (botocore): ';' and '#' stay.
    BOOST_TEST(prop(f, "spaced", "credential_process") == "sh -c 'a; b # c'");
}

BOOST_AUTO_TEST_CASE(nested_sub_properties_are_skipped) {
    auto f = parse_ok("[default]\ns3 =\n  max_concurrent_requests = 10\n  multipart_threshold=64MB\n"
                      "region = us-east-2\n[profile b]\napi_versions =\n\tec2 = 2015-03-01\n");
    const auto& d = f.profiles.at("default");
    BOOST_TEST(prop(f, "default", "region") == "us-east-2");
    BOOST_TEST(prop(f, "default", "max_concurrent_requests") == "<absent>");
    BOOST_TEST(d.nested.at("s3").at("max_concurrent_requests") == "10");
    BOOST_TEST(d.nested.at("s3").at("multipart_threshold") == "64MB");
    BOOST_TEST(f.profiles.at("b").nested.at("api_versions").at("ec2") == "2015-03-01");
}

BOOST_AUTO_TEST_CASE(continuation_lines_join_values) {
    auto f = parse_ok("[default]\nkey = first\n  second\n");
    BOOST_TEST(prop(f, "default", "key") == "first\nsecond");
}

BOOST_AUTO_TEST_CASE(repeated_sections_merge_later_wins) {
    auto f = parse_ok("[profile a]\nx = 1\ny = 1\n[profile a]\ny = 2\n");
    BOOST_TEST(prop(f, "a", "x") == "1");
    BOOST_TEST(prop(f, "a", "y") == "2");
}

BOOST_AUTO_TEST_CASE(profile_default_wins_over_default) {
    auto f = parse_ok("[profile default]\nregion = a\n[default]\nregion = b\n");
    BOOST_TEST(prop(f, "default", "region") == "a");
    auto g = parse_ok("[default]\nregion = b\nonly_plain = 1\n[profile default]\nregion = a\n");
    BOOST_TEST(prop(g, "default", "region") == "a");
    BOOST_TEST(prop(g, "default", "only_plain") == "<absent>");
}

BOOST_AUTO_TEST_CASE(errors_name_file_and_line) {
    BOOST_TEST(parse_err("region = x\n") == "cfg:1: property outside of a section");
    BOOST_TEST(parse_err("[default]\n\nnot a property\n") == "cfg:3: expected 'key = value'");
    BOOST_TEST(parse_err("[default\n") == "cfg:1: section header without ']'");
    BOOST_TEST(parse_err("[default] junk\n") == "cfg:1: unexpected text after section header");
    BOOST_TEST(parse_err("[ ]\n") == "cfg:1: empty section name");
    BOOST_TEST(parse_err("[default]\n = v\n") == "cfg:2: empty property name");
    BOOST_TEST(parse_err("[default]\ns3 =\n  nonsense\n") ==
               "cfg:3: expected 'key = value' in the sub-properties of 's3'");
}

BOOST_AUTO_TEST_CASE(empty_and_comment_only_files) {
    BOOST_TEST(parse_ok("").profiles.empty());
    BOOST_TEST(parse_ok("# nothing\n\n; here").profiles.empty());
}

BOOST_AUTO_TEST_CASE(merged_profile_credentials_file_wins) {
    shared_config cfg;
    std::string msg;
    BOOST_TEST_REQUIRE(!parse_profile_file("[profile p]\nregion = r\nx = config\n", file_kind::config, "c",
                                           cfg.config, msg));
    BOOST_TEST_REQUIRE(
        !parse_profile_file("[p]\nx = creds\nempty =\n", file_kind::credentials, "k", cfg.credentials, msg));
    auto p = cfg.find("p");
    BOOST_TEST_REQUIRE(p.has_value());
    BOOST_TEST(*p->get("x") == "creds");
    BOOST_TEST(*p->get("x", file_kind::config) == "config");
    BOOST_TEST(*p->get("region") == "r");
    BOOST_TEST(p->get("empty") == nullptr);
    BOOST_TEST(!cfg.find("q").has_value());
}

BOOST_AUTO_TEST_CASE(file_paths_and_profile_selection) {
    auto env = environment::from_map({{"HOME", "/home/u"}});
    BOOST_TEST(config_file_path(env) == "/home/u/.aws/config");
    BOOST_TEST(credentials_file_path(env) == "/home/u/.aws/credentials");
    auto env2 = environment::from_map(
        {{"HOME", "/h"}, {"AWS_CONFIG_FILE", "~/cfg"}, {"AWS_SHARED_CREDENTIALS_FILE", "/abs/creds"}});
    BOOST_TEST(config_file_path(env2) == "/h/cfg");
    BOOST_TEST(credentials_file_path(env2) == "/abs/creds");

    bool expl = true;
    BOOST_TEST(select_profile(env, std::nullopt, &expl) == "default");
    BOOST_TEST(!expl);
    auto env3 = environment::from_map({{"AWS_PROFILE", "p1"}, {"AWS_DEFAULT_PROFILE", "p2"}});
    BOOST_TEST(select_profile(env3, std::nullopt, &expl) == "p1");
    BOOST_TEST(expl);
    BOOST_TEST(select_profile(env3, std::string("cli"), &expl) == "cli");
    BOOST_TEST(select_profile(environment::from_map({{"AWS_DEFAULT_PROFILE", "p2"}}), std::nullopt) == "p2");
    // Empty variables count as unset.
    BOOST_TEST(select_profile(environment::from_map({{"AWS_PROFILE", ""}}), std::nullopt) == "default");
}

BOOST_AUTO_TEST_CASE(load_shared_config_from_files) {
    shared_config cfg;
    std::string msg;
    BOOST_TEST_REQUIRE(!load_shared_config(data_env(), cfg, msg), msg);
    auto dev = cfg.find("dev");
    BOOST_TEST_REQUIRE(dev.has_value());
    BOOST_TEST(*dev->get("aws_access_key_id") == "AKIDCREDDEV");
    BOOST_TEST(*dev->get("region") == "us-west-2");
    BOOST_TEST(cfg.config.other_sections.count("sso-session corp") == 1u);
    // Missing files are empty, not errors.
    auto none = environment::from_map({{"HOME", "/nonexistent-bb-home"}});
    BOOST_TEST(!load_shared_config(none, cfg, msg));
    BOOST_TEST(cfg.config.profiles.empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(credentials_documents)

BOOST_AUTO_TEST_CASE(iso8601_forms) {
    const auto t = utc(2024, 1, 2, 3, 4, 5);
    BOOST_TEST((parse_iso8601("2024-01-02T03:04:05Z") == t));
    BOOST_TEST((parse_iso8601("2024-01-02t03:04:05z") == t));
    BOOST_TEST((parse_iso8601("2024-01-02 03:04:05Z") == t));
    BOOST_TEST((parse_iso8601("2024-01-02T05:04:05+02:00") == t));
    BOOST_TEST((parse_iso8601("2024-01-01T22:04:05-0500") == t));
    BOOST_TEST((parse_iso8601("2024-01-02T03:04:05+00") == t));
    BOOST_TEST((parse_iso8601("2024-01-02T03:04:05.250Z") == t + milliseconds(250)));
    BOOST_TEST((parse_iso8601("2024-02-29T00:00:00Z") == utc(2024, 2, 29, 0, 0, 0)));
    for (std::string_view bad :
         {"", "2024-01-02", "2024-01-02T03:04:05", "2024-13-01T00:00:00Z", "2023-02-29T00:00:00Z",
          "2024-01-02T24:00:00Z", "2024-01-02T03:04:05.Z", "2024-01-02T03:04:05Zjunk", "1969-12-31T23:59:59Z",
          "2024-01-02T03:04:05+25:00", "20240102T030405Z"})
        BOOST_TEST(!parse_iso8601(bad).has_value(), bad);
}

BOOST_AUTO_TEST_CASE(process_output_full_and_minimal) {
    auto r = parse_process_output(R"({"Version": 1, "AccessKeyId": "AKID", "SecretAccessKey": "s3cr3t",
        "SessionToken": "tok", "Expiration": "2030-01-01T00:00:00Z"})");
    BOOST_TEST_REQUIRE(!r.ec, r.message);
    BOOST_TEST(r.value.keys.access_key_id == "AKID");
    BOOST_TEST(r.value.keys.secret_access_key == "s3cr3t");
    BOOST_TEST(r.value.keys.session_token == "tok");
    BOOST_TEST((r.value.expiration == utc(2030, 1, 1, 0, 0, 0)));
    auto m = parse_process_output(R"({"Version":1,"AccessKeyId":"A","SecretAccessKey":"S"})");
    BOOST_TEST(!m.ec);
    BOOST_TEST(!m.value.expiration.has_value());
    BOOST_TEST(!m.value.keys.has_session_token());
}

BOOST_AUTO_TEST_CASE(process_output_errors_never_echo_secrets) {
    struct bad_case {
        std::string_view json;
        std::string_view expect;
    };
    for (const auto& c :
         {bad_case{"not json", "not a JSON object"}, bad_case{"[1]", "not a JSON object"},
          bad_case{R"({"AccessKeyId":"A","SecretAccessKey":"SECRETX"})", "Version missing"},
          bad_case{R"({"Version":2,"AccessKeyId":"A","SecretAccessKey":"SECRETX"})", "unsupported Version"},
          bad_case{R"({"Version":"1","AccessKeyId":"A","SecretAccessKey":"SECRETX"})", "unsupported Version"},
          bad_case{R"({"Version":1,"SecretAccessKey":"SECRETX"})", "AccessKeyId missing"},
          bad_case{R"({"Version":1,"AccessKeyId":"A","SecretAccessKey":""})", "SecretAccessKey missing"},
          bad_case{R"({"Version":1,"AccessKeyId":"A","SecretAccessKey":"SECRETX","Expiration":"soon"})",
                   "Expiration is not an ISO 8601"},
          bad_case{R"({"Version":1,"AccessKeyId":"A","SecretAccessKey":"SECRETX","Expiration":5})",
                   "Expiration is not a string"}}) {
        auto r = parse_process_output(c.json);
        BOOST_TEST(r.ec == error::invalid_document);
        BOOST_TEST(r.message.find(c.expect) != std::string::npos, r.message);
        BOOST_TEST(r.message.find("SECRETX") == std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(imds_document) {
    auto r = parse_imds_document(R"({"Code":"Success","LastUpdated":"2024-01-01T00:00:00Z","Type":"AWS-HMAC",
        "AccessKeyId":"ASIA1","SecretAccessKey":"sec","Token":"tok","Expiration":"2024-01-01T06:00:00Z"})");
    BOOST_TEST_REQUIRE(!r.ec, r.message);
    BOOST_TEST(r.value.keys.session_token == "tok");
    BOOST_TEST((r.value.expiration == utc(2024, 1, 1, 6, 0, 0)));
    auto f = parse_imds_document(
        R"({"Code":"AssumeRoleUnauthorizedAccess","AccessKeyId":"A","SecretAccessKey":"S"})");
    BOOST_TEST(f.ec == error::invalid_document);
    BOOST_TEST(f.message.find("AssumeRoleUnauthorizedAccess") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(container_document) {
    auto r = parse_container_document(R"({"RoleArn":"arn:aws:iam::1:role/x","AccessKeyId":"ASIA2",
        "SecretAccessKey":"sec","Token":"tok","Expiration":"2024-01-01T06:00:00Z"})");
    BOOST_TEST_REQUIRE(!r.ec, r.message);
    BOOST_TEST(r.value.keys.access_key_id == "ASIA2");
    BOOST_TEST(r.value.keys.session_token == "tok");
    BOOST_TEST(parse_container_document("{}").ec == error::invalid_document);
}

BOOST_AUTO_TEST_CASE(identity_printing_redacts) {
    identity id;
    id.keys = {"AKIDPRINT", "very-secret", "session-tok"};
    id.expiration = utc(2024, 1, 1, 0, 0, 0);
    id.source = "test";
    const auto s = to_string(id);
    BOOST_TEST(s.find("AKIDPRINT") != std::string::npos);
    BOOST_TEST(s.find("very-secret") == std::string::npos);
    BOOST_TEST(s.find("session-tok") == std::string::npos);
    BOOST_TEST(s.find("2024-01-01T00:00:00Z") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(region_resolution)

BOOST_AUTO_TEST_CASE(precedence) {
    auto all = data_env({{"AWS_REGION", "r-env"}, {"AWS_DEFAULT_REGION", "r-default"}});
    BOOST_TEST(resolve_region(all, std::string("r-explicit"), std::nullopt).region == "r-explicit");
    auto r1 = resolve_region(all, std::nullopt, std::nullopt);
    BOOST_TEST(r1.region == "r-env");
    BOOST_TEST(r1.source == "AWS_REGION");
    auto r2 = resolve_region(data_env({{"AWS_DEFAULT_REGION", "r-default"}}), std::nullopt, std::nullopt);
    BOOST_TEST(r2.region == "r-default");
    BOOST_TEST(r2.source == "AWS_DEFAULT_REGION");
    auto r3 = resolve_region(data_env(), std::nullopt, std::nullopt);
    BOOST_TEST(r3.region == "eu-west-1"); // [default] in the config file
    BOOST_TEST(r3.source.find("profile default") == 0u);
    BOOST_TEST(resolve_region(data_env(), std::nullopt, std::string("dev")).region == "us-west-2");
    BOOST_TEST(resolve_region(data_env({{"AWS_PROFILE", "regiononly"}}), std::nullopt, std::nullopt).region ==
               "ap-south-1");
    auto r4 = resolve_region(data_env(), std::nullopt, std::string("half"));
    BOOST_TEST(r4.region == "us-east-1");
    BOOST_TEST(r4.source == "default");
    auto none = environment::from_map({{"HOME", "/nonexistent-bb-home"}});
    BOOST_TEST(resolve_region(none, std::nullopt, std::nullopt).region == "us-east-1");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(config_file_robustness)

// Deterministic mutations of a realistic file: the parser must either accept the text or report
// config_parse with a "file:line: " message, never crash or throw (run under ASan/UBSan in CI).
BOOST_AUTO_TEST_CASE(mutated_inputs_never_crash) {
    const std::string base = "# c\n[default]\nregion = us-east-1\ns3 =\n  max_concurrent_requests = 10\n"
                             "[profile a]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = default\n"
                             "credential_process = sh -c 'echo; x'\n  continued\n[sso-session s]\nk=v\n";
    const std::string alphabet = "[]=#; \t\r\n\xEF\xBB\xBFprofile";
    std::uint32_t seed = 12345;
    auto next = [&] {
        seed = seed * 1664525u + 1013904223u;
        return seed >> 8;
    };
    int accepted = 0, rejected = 0;
    for (int i = 0; i < 3000; ++i) {
        std::string text = base;
        const int edits = 1 + static_cast<int>(next() % 6);
        for (int e = 0; e < edits; ++e) {
            const auto pos = next() % (text.size() + 1);
            switch (next() % 3) {
            case 0:
                text.insert(pos, 1, alphabet[next() % alphabet.size()]);
                break;
            case 1:
                if (pos < text.size())
                    text.erase(pos, 1);
                break;
            default:
                if (pos < text.size())
                    text[pos] = static_cast<char>(next() % 256);
            }
        }
        for (auto kind : {file_kind::config, file_kind::credentials}) {
            profile_file f;
            std::string msg;
            auto ec = parse_profile_file(text, kind, "m", f, msg);
            if (ec) {
                ++rejected;
                BOOST_TEST_REQUIRE(ec == error::config_parse);
                BOOST_TEST_REQUIRE(msg.rfind("m:", 0) == 0u);
                BOOST_TEST_REQUIRE(f.profiles.empty());
            } else {
                ++accepted;
            }
        }
    }
    BOOST_TEST(accepted > 100);
    BOOST_TEST(rejected > 100);
}

BOOST_AUTO_TEST_CASE(environment_helpers) {
    auto env = environment::from_map({{"HOME", "/h"}, {"T1", "True"}, {"T2", "1"}, {"E", ""}});
    BOOST_TEST(env.get_bool("T1"));
    BOOST_TEST(!env.get_bool("T2"));
    BOOST_TEST(!env.get("E").has_value());
    BOOST_TEST(env.expand_user("~") == "/h");
    BOOST_TEST(env.expand_user("~/x") == "/h/x");
    BOOST_TEST(env.expand_user("~user/x") == "~user/x");
    env.set_home("/other");
    BOOST_TEST(env.expand_user("~/x") == "/other/x");
}

BOOST_AUTO_TEST_CASE(retry_settings_environment_over_profile) {
    shared_config cfg;
    std::string msg;
    BOOST_TEST_REQUIRE(!parse_profile_file("[profile p]\nretry_mode = adaptive\nmax_attempts = 7\n"
                                           "[profile bad]\nretry_mode = turbo\nmax_attempts = 0\n",
                                           file_kind::config, "c", cfg.config, msg));
    protocol::retry::config c;
    // Nothing set anywhere: the defaults.
    BOOST_TEST(!resolve_retry_config(environment::from_map({}), nullptr, "p", c));
    BOOST_TEST((c.mode == protocol::retry::mode::standard));
    BOOST_TEST(c.max_attempts == 3);
    // The profile.
    BOOST_TEST(!resolve_retry_config(environment::from_map({}), &cfg, "p", c));
    BOOST_TEST((c.mode == protocol::retry::mode::adaptive));
    BOOST_TEST(c.max_attempts == 7);
    // The environment wins, field by field.
    protocol::retry::config d;
    BOOST_TEST(!resolve_retry_config(environment::from_map({{"AWS_MAX_ATTEMPTS", "2"}}), &cfg, "p", d));
    BOOST_TEST((d.mode == protocol::retry::mode::adaptive));
    BOOST_TEST(d.max_attempts == 2);
    // Bad values are named with where they came from; good ones still apply.
    protocol::retry::config e;
    auto problem =
        resolve_retry_config(environment::from_map({{"AWS_RETRY_MODE", "standard"}}), &cfg, "bad", e);
    BOOST_TEST_REQUIRE(problem.has_value());
    BOOST_TEST(problem->find("max_attempts in profile bad") != std::string::npos, *problem);
    BOOST_TEST(problem->find("retry_mode") == std::string::npos, *problem); // the env value was good
    BOOST_TEST(e.max_attempts == 3);
    auto env_bad = resolve_retry_config(environment::from_map({{"AWS_RETRY_MODE", "fast"}}), nullptr, "p", e);
    BOOST_TEST_REQUIRE(env_bad.has_value());
    BOOST_TEST(env_bad->find("$AWS_RETRY_MODE") != std::string::npos, *env_bad);
}

BOOST_AUTO_TEST_SUITE_END()
