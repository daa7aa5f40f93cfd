// `bb-async sigv4 sign` and `bb-async sigv4 sign-chunks`: the signer on the command line, for
// conformance checks and for debugging a 403. The logic is aws_sigv4's; this file only parses
// flags, reads files and prints.
#include <aws_sigv4/aws_sigv4.hpp>

#include <boost/json.hpp>

#include <fmt/core.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>

#include "commands.hpp"

namespace bb::cli {
namespace {

namespace sv4 = aws_sigv4;

struct sign_options {
    std::string request_file;
    std::string region, service, access_key, secret_key, time, session_token;
    bool token_after_signing = false;
    bool presign = false;
    std::uint32_t expires = 900;
    bool expires_given = false;
    bool no_normalize = false, no_double_encode = false;
    bool unsigned_payload = false;
    std::string body_hash;
    bool content_sha256_header = false;
    std::string output = "text";
};

struct chunk_options {
    std::string region, service, secret_key, time, seed_signature, payload_file, trailer;
    std::size_t chunk_size = 65536;
    std::string output = "text";
};

std::string read_input(const std::string& path) {
    if (path == "-") {
        std::ostringstream ss;
        ss << std::cin.rdbuf();
        return ss.str();
    }
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw usage_error(fmt::format("cannot read request file '{}': no such file or not readable", path));
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Secrets may come from the environment instead of the command line (keeps them out of `ps`).
void fill_from_env(std::string& value, const char* var) {
    if (value.empty())
        if (const char* v = std::getenv(var))
            value = v;
}

sv4::signing_time parse_time(const std::string& text) {
    std::error_code ec;
    auto t = sv4::signing_time::parse(text, ec);
    if (ec)
        throw usage_error(fmt::format("--time '{}': {}", text, ec.message()));
    return t;
}

[[noreturn]] void fail(const char* what, std::error_code ec) {
    throw usage_error(fmt::format("{}: {}", what, ec.message()));
}

// Flags CLI11 did not recognise. Its own message would quote every leftover argument, and a
// mistyped flag ("--secret K") would put the secret on the terminal: name only the flags.
void reject_extras(const CLI::App& cmd) {
    const auto extras = cmd.remaining();
    if (extras.empty())
        return;
    std::string list;
    for (const auto& a : extras) {
        if (!list.empty())
            list += ' ';
        list += a.starts_with("-") ? a.substr(0, a.find('=')) : std::string("<value>");
    }
    throw usage_error(fmt::format("unexpected argument(s): {} (values not shown); see --help", list));
}

void print_section(const char* name, std::string_view text) {
    fmt::print("----- {} -----\n{}\n", name, text);
}

void run_sign(const sign_options& o) {
    if (o.unsigned_payload && !o.body_hash.empty())
        throw usage_error("--unsigned-payload and --body-hash are mutually exclusive");
    if (o.token_after_signing && o.session_token.empty())
        throw usage_error("--session-token-after-signing needs --session-token");
    if (o.expires_given && !o.presign)
        throw usage_error("--expires applies to presigned URLs only: add --presign");

    sv4::credentials creds{o.access_key, o.secret_key, o.session_token};
    fill_from_env(creds.access_key_id, "AWS_ACCESS_KEY_ID");
    fill_from_env(creds.secret_access_key, "AWS_SECRET_ACCESS_KEY");
    if (creds.access_key_id.empty() || creds.secret_access_key.empty())
        throw usage_error("no credentials: give --access-key and --secret-key, or set AWS_ACCESS_KEY_ID and "
                          "AWS_SECRET_ACCESS_KEY");

    const std::string text = read_input(o.request_file);
    sv4::parsed_request req;
    if (auto ec = sv4::parse_request_file(text, req))
        throw usage_error(fmt::format("request file '{}': {}", o.request_file, ec.message()));

    sv4::settings cfg = sv4::settings::json_service();
    if (o.no_double_encode)
        cfg.path_encoding = sv4::uri_encoding::single_encode;
    cfg.normalize_path = !o.no_normalize;
    cfg.content_sha256_header = o.content_sha256_header;
    cfg.content_sha256_header_in_presigned = o.content_sha256_header;
    cfg.token_mode =
        o.token_after_signing ? sv4::session_token_mode::append_after_signing : sv4::session_token_mode::sign;
    if (o.presign) {
        cfg.location = sv4::signature_location::query_params;
        cfg.expires_seconds = o.expires;
    }
    std::string body_hash = o.unsigned_payload    ? std::string(sv4::payload::unsigned_payload)
                            : o.body_hash.empty() ? sv4::sha256_hex(req.body)
                                                  : o.body_hash;
    sv4::signing_params params{creds, o.region, o.service, parse_time(o.time), body_hash, cfg};
    std::vector<sv4::header_view> views;
    sv4::signing_result result;
    if (auto ec = sv4::sign(req.view(views), params, result))
        fail("cannot sign", ec);

    sv4::parsed_request signed_req = req;
    std::string url_target;
    if (o.presign) {
        url_target = result.presigned_target(req.target);
        signed_req.target = url_target;
    }
    for (const auto& h : result.headers_to_add)
        signed_req.headers.push_back(h);
    const std::string signed_text = signed_req.to_string();

    if (o.output == "json") {
        boost::json::object j;
        j["canonical_request"] = result.canonical_request;
        j["string_to_sign"] = result.string_to_sign;
        j["signature"] = result.signature;
        j["signed_headers"] = result.signed_headers;
        if (!o.presign)
            j["authorization"] = result.authorization;
        else
            j["url_target"] = req.method + " " + url_target;
        j["signed_request"] = signed_text;
        fmt::print("{}\n", boost::json::serialize(j));
    } else {
        print_section("canonical-request", result.canonical_request);
        print_section("string-to-sign", result.string_to_sign);
        print_section("signature", result.signature);
        if (!o.presign)
            print_section("authorization", result.authorization);
        else
            print_section("url-target", req.method + " " + url_target);
        print_section("signed-request", signed_text);
    }
}

void run_sign_chunks(const chunk_options& o) {
    std::string secret = o.secret_key;
    fill_from_env(secret, "AWS_SECRET_ACCESS_KEY");
    if (secret.empty())
        throw usage_error("no secret key: give --secret-key or set AWS_SECRET_ACCESS_KEY");
    if (o.seed_signature.size() != 64 || !sv4::payload::is_valid(o.seed_signature))
        throw usage_error("--seed-signature must be the 64 lowercase hex digits of the request's signature");
    if (o.chunk_size < 1 || o.chunk_size > (1u << 30))
        throw usage_error("--chunk-size must be between 1 and 1073741824 bytes");
    const auto t = parse_time(o.time);
    {
        // Validate region and service through the signer's own rules.
        sv4::credentials probe{"AKID", secret, {}};
        sv4::settings cfg;
        sv4::signing_params p{probe, o.region, o.service, t, sv4::payload::empty_sha256, cfg};
        if (auto ec = sv4::validate(p))
            fail("cannot sign chunks", ec);
    }
    std::vector<sv4::header_view> trailers;
    std::string trailer_name, trailer_value;
    if (!o.trailer.empty()) {
        const auto colon = o.trailer.find(':');
        if (colon == std::string::npos || colon == 0)
            throw usage_error("--trailer must be 'name:value', e.g. 'x-amz-checksum-crc32c:sOO8/Q=='");
        trailer_name = o.trailer.substr(0, colon);
        trailer_value = o.trailer.substr(colon + 1);
        trailers.push_back({trailer_name, trailer_value});
    }
    std::ifstream in(o.payload_file, std::ios::binary);
    if (!in)
        throw usage_error(fmt::format("cannot read payload file '{}'", o.payload_file));

    const sv4::digest key = sv4::derive_signing_key(secret, t.date(), o.region, o.service);
    sv4::chunk_signer signer(key, t, o.region, o.service, o.seed_signature);
    boost::json::array chunks;
    std::vector<char> buf(o.chunk_size);
    std::uint64_t total = 0;
    auto record = [&](std::size_t size, std::string_view header_line) {
        boost::json::object c;
        c["size"] = size;
        c["string_to_sign"] = signer.last_string_to_sign();
        c["signature"] = signer.previous_signature();
        c["chunk_header_line"] = header_line;
        chunks.push_back(std::move(c));
    };
    for (;;) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        const auto n = static_cast<std::size_t>(in.gcount());
        if (n == 0)
            break;
        total += n;
        std::string line;
        if (auto ec = signer.chunk_header({buf.data(), n}, line))
            fail("cannot sign chunk", ec);
        line.resize(line.size() - 2); // without CRLF
        record(n, line);
        if (n < buf.size())
            break;
    }
    std::string tail;
    if (auto ec = signer.final_chunk(tail))
        fail("cannot sign final chunk", ec);
    record(0, tail.substr(0, tail.size() - 2));
    boost::json::object trailer_json;
    if (!trailers.empty()) {
        tail.clear();
        if (auto ec = signer.end_trailers(trailers, tail))
            fail("cannot sign trailer", ec);
        trailer_json["string_to_sign"] = signer.last_string_to_sign();
        trailer_json["signature"] = signer.previous_signature();
        trailer_json["wire_text"] = tail;
    }
    const auto length =
        sv4::aws_chunked_length(total, o.chunk_size, sv4::chunk_mode::signed_chunks, trailers);

    if (o.output == "json") {
        boost::json::object j;
        j["chunks"] = std::move(chunks);
        j["decoded_content_length"] = total;
        j["content_length"] = length;
        if (!trailers.empty())
            j["trailer"] = std::move(trailer_json);
        fmt::print("{}\n", boost::json::serialize(j));
        return;
    }
    for (const auto& c : chunks) {
        const auto& o2 = c.as_object();
        fmt::print("----- chunk ({} bytes) -----\n", o2.at("size").as_uint64());
        print_section("string-to-sign", o2.at("string_to_sign").as_string());
        print_section("signature", o2.at("signature").as_string());
        print_section("chunk-header", o2.at("chunk_header_line").as_string());
    }
    if (!trailers.empty()) {
        print_section("trailer-string-to-sign", trailer_json.at("string_to_sign").as_string());
        print_section("trailer-signature", trailer_json.at("signature").as_string());
    }
    fmt::print("----- content-length -----\n{}\n", length);
}

} // namespace

void add_sigv4_commands(CLI::App& app) {
    auto* sigv4 =
        app.add_subcommand("sigv4", "Sign requests with AWS Signature Version 4 (for checks and debugging)");
    sigv4->require_subcommand(1);

    auto so = std::make_shared<sign_options>();
    auto* sign = sigv4->add_subcommand("sign", "Sign a raw HTTP request read from a file");
    sign->add_option("--request", so->request_file, "Raw request file ('-' for standard input)")->required();
    sign->add_option("--region", so->region, "Region of the credential scope, e.g. us-east-1")->required();
    sign->add_option("--service", so->service, "Service of the credential scope, e.g. athena, s3")
        ->required();
    sign->add_option("--access-key", so->access_key, "Access key id (default: $AWS_ACCESS_KEY_ID)");
    sign->add_option("--secret-key", so->secret_key, "Secret access key (default: $AWS_SECRET_ACCESS_KEY)");
    sign->add_option("--time", so->time, "Signing time, 20150830T123600Z or 2015-08-30T12:36:00Z")
        ->required();
    sign->add_option("--session-token", so->session_token, "Session token of temporary credentials");
    sign->add_flag("--session-token-after-signing", so->token_after_signing,
                   "Add the session token after signing, unsigned");
    sign->add_flag("--presign", so->presign, "Sign in the query string (a presigned URL)");
    sign->add_option("--expires", so->expires, "X-Amz-Expires of a presigned URL, 1..604800 seconds")
        ->each([so](const std::string&) { so->expires_given = true; });
    sign->add_flag("--no-normalize-path", so->no_normalize,
                   "Keep '.', '..' and '//' in the canonical URI (S3)");
    sign->add_flag("--no-double-encode", so->no_double_encode,
                   "Encode the path once, keeping %XX escapes (S3)");
    sign->add_flag("--unsigned-payload", so->unsigned_payload, "Payload hash UNSIGNED-PAYLOAD");
    sign->add_option(
        "--body-hash", so->body_hash,
        "Payload hash to use verbatim (hex SHA-256 or STREAMING-...), instead of hashing the body");
    sign->add_flag("--content-sha256-header", so->content_sha256_header,
                   "Add and sign x-amz-content-sha256 (S3)");
    sign->add_option("--output", so->output, "Output format")->check(CLI::IsMember({"text", "json"}));
    sign->allow_extras();
    sign->callback([so, sign] {
        reject_extras(*sign);
        run_sign(*so);
    });

    auto co = std::make_shared<chunk_options>();
    auto* chunks = sigv4->add_subcommand("sign-chunks", "Sign the chunks of an aws-chunked upload");
    chunks->add_option("--region", co->region, "Region of the credential scope")->required();
    chunks->add_option("--service", co->service, "Service of the credential scope")->required();
    chunks->add_option("--secret-key", co->secret_key, "Secret access key (default: $AWS_SECRET_ACCESS_KEY)");
    chunks->add_option("--time", co->time, "Signing time of the request")->required();
    chunks->add_option("--seed-signature", co->seed_signature, "Signature of the request (hex)")->required();
    chunks->add_option("--payload", co->payload_file, "File holding the decoded payload")->required();
    chunks->add_option("--chunk-size", co->chunk_size, "Chunk size in bytes (default 65536)");
    chunks->add_option("--trailer", co->trailer,
                       "Trailing header 'name:value', e.g. x-amz-checksum-crc32c:...");
    chunks->add_option("--output", co->output, "Output format")->check(CLI::IsMember({"text", "json"}));
    chunks->allow_extras();
    chunks->callback([co, chunks] {
        reject_extras(*chunks);
        run_sign_chunks(*co);
    });
}

} // namespace bb::cli
