// Parse then sign with settings taken from the input: byte 0 = flags (normalize, single encoding,
// content-sha256 header, presign, token after signing, session token, content-sha256 in presigned),
// byte 1 = payload kind / expires choice, byte 2 = chunk size; the rest is a raw request file.
// Checks: no crash; the one-shot, cached and stage-by-stage results agree; a successful signature
// is 64 hex digits; errors leave the result empty; aws-chunked framing of the body has the
// length aws_chunked_length() predicts.
#include <aws_sigv4/aws_sigv4.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace sv4 = aws_sigv4;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 3)
        return 0;
    const std::uint8_t flags = data[0], kind = data[1], chunk_byte = data[2];
    const std::string_view text(reinterpret_cast<const char*>(data + 3), size - 3);
    sv4::parsed_request req;
    if (sv4::parse_request_file(text, req))
        return 0;

    sv4::settings cfg = (flags & 2) ? sv4::settings::s3() : sv4::settings::json_service();
    cfg.normalize_path = flags & 1;
    cfg.content_sha256_header = flags & 4;
    if (flags & 8)
        cfg.location = sv4::signature_location::query_params;
    if (flags & 16)
        cfg.token_mode = sv4::session_token_mode::append_after_signing;
    cfg.content_sha256_header_in_presigned = flags & 64;
    static constexpr std::uint32_t expiries[] = {0, 1, 900, 604800, 604801, 4294967295u, 3600, 86400};
    cfg.expires_seconds = expiries[(kind >> 3) & 7];

    const sv4::credentials creds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                 (flags & 32) ? "FwoGZXIvYXdzEXAMPLE+/=" : ""};
    const std::string body_hash = sv4::sha256_hex(req.body);
    static constexpr std::string_view literals[] = {sv4::payload::unsigned_payload, sv4::payload::streaming_signed,
                                                    sv4::payload::streaming_signed_trailer,
                                                    sv4::payload::streaming_unsigned_trailer, "bogus"};
    const std::string_view hash = (kind & 7) < 5 ? literals[kind & 7] : std::string_view(body_hash);
    std::error_code ec;
    const auto time = sv4::signing_time::parse("20150830T123600Z", ec);
    const sv4::signing_params p{creds, "us-east-1", (flags & 2) ? "s3" : "athena", time, hash, cfg};

    std::vector<sv4::header_view> views;
    const sv4::request_view rv = req.view(views);
    sv4::signing_result one, cached;
    static sv4::signer signer; // reused across inputs: exercises buffer reuse and the key cache
    const auto ec1 = sv4::sign(rv, p, one);
    const auto ec2 = signer.sign(rv, p, cached);
    if (ec1 != ec2)
        std::abort();
    std::string creq, signed_headers;
    const auto ec3 = sv4::canonical_request(rv, p, creq, signed_headers);
    if (ec1 != ec3)
        std::abort();
    if (ec1) {
        if (!one.signature.empty() || !one.headers_to_add.empty() || !cached.canonical_request.empty())
            std::abort();
        if (std::string_view(ec1.category().name()) != "aws_sigv4")
            std::abort();
        return 0;
    }
    if (one.canonical_request != cached.canonical_request || one.canonical_request != creq ||
        one.signed_headers != signed_headers || one.signature != cached.signature ||
        one.headers_to_add != cached.headers_to_add || one.query_to_add != cached.query_to_add)
        std::abort();
    if (one.signature.size() != 64)
        std::abort();
    for (char c : one.signature)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            std::abort();
    const auto key = sv4::derive_signing_key(creds.secret_access_key, time.date(), p.region, p.service);
    const auto sts = sv4::string_to_sign(creq, time, sv4::credential_scope(time.date(), p.region, p.service));
    if (sts != one.string_to_sign || sv4::signature(key, sts) != one.signature)
        std::abort();
    if (cfg.location == sv4::signature_location::query_params) {
        const std::string target = one.presigned_target(req.target);
        if (target.find("X-Amz-Signature=" + one.signature) == std::string::npos)
            std::abort();
    } else if (one.headers_to_add.empty() || one.headers_to_add.back().first != "Authorization") {
        std::abort();
    }

    // aws-chunked framing of the body, signed and unsigned.
    const std::size_t chunk = 1 + chunk_byte % 64;
    for (auto mode : {sv4::chunk_mode::signed_chunks, sv4::chunk_mode::unsigned_chunks}) {
        sv4::chunk_signer cs(key, time, p.region, p.service, one.signature, mode);
        sv4::chunked_encoder enc(cs, chunk);
        std::string out;
        const std::string crc = sv4::crc32c_base64(sv4::crc32c(req.body));
        const sv4::header_view trailer[] = {{"x-amz-checksum-crc32c", crc}};
        if (enc.write(req.body, out) || enc.finish(trailer, out))
            std::abort();
        if (out.size() != sv4::aws_chunked_length(req.body.size(), chunk, mode, trailer))
            std::abort();
    }
    return 0;
}
