#include "server/verify.hpp"

#include <aws_sigv4/chunked.hpp>
#include <aws_sigv4/hash.hpp>
#include <aws_sigv4/settings.hpp>
#include <aws_sigv4/sign.hpp>
#include <aws_sigv4/uri.hpp>

#include <openssl/crypto.h>

#include <algorithm>
#include <cctype>

namespace athena_local::auth {

namespace {

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

std::optional<std::string_view> header(const incoming& r, std::string_view name) {
    for (auto& [n, v] : r.headers)
        if (iequals(n, name))
            return v;
    return std::nullopt;
}

bool same(std::string_view a, std::string_view b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

const char* signature_mismatch_s3 = "The request signature we calculated does not match the signature you provided. "
                                    "Check your key and signing method.";
const char* signature_mismatch_json =
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access "
    "Key and signing method. Consult the service documentation for details.";

auth_error refuse(service_family f, std::string_view what) {
    // what: "mismatch" | "unknown-key" | "anonymous" | "malformed:<msg>" | "skew:<msg>" | "expired" | "token"
    if (what == "mismatch")
        return f == service_family::s3 ? auth_error{403, "SignatureDoesNotMatch", signature_mismatch_s3}
                                       : auth_error{403, "InvalidSignatureException", signature_mismatch_json};
    if (what == "unknown-key")
        return f == service_family::s3
                   ? auth_error{403, "InvalidAccessKeyId",
                                "The AWS Access Key Id you provided does not exist in our records."}
                   : auth_error{403, "UnrecognizedClientException", "The security token included in the request is invalid."};
    if (what == "token")
        return f == service_family::s3 ? auth_error{400, "InvalidToken", "The provided token is malformed or otherwise invalid."}
                                       : auth_error{403, "UnrecognizedClientException",
                                                    "The security token included in the request is invalid."};
    if (what == "anonymous")
        return f == service_family::s3
                   ? auth_error{403, "AccessDenied", "Access Denied"}
                   : auth_error{400, "MissingAuthenticationTokenException", "Missing Authentication Token"};
    if (what == "expired")
        return {403, "AccessDenied", "Request has expired"};
    if (what.starts_with("skew:"))
        return f == service_family::s3
                   ? auth_error{403, "RequestTimeTooSkewed",
                                "The difference between the request time and the current time is too large."}
                   : auth_error{400, "InvalidSignatureException", std::string(what.substr(5))};
    auto msg = std::string(what.starts_with("malformed:") ? what.substr(10) : what);
    return f == service_family::s3 ? auth_error{400, "AuthorizationHeaderMalformed", msg}
                                   : auth_error{400, "IncompleteSignatureException", msg};
}

struct auth_fields {
    std::string access_key, date, region, service, terminal;
    std::vector<std::string> signed_headers;
    std::string signature;
};

bool parse_credential(std::string_view cred, auth_fields& a) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (;;) {
        auto slash = cred.find('/', start);
        parts.push_back(cred.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
        if (slash == std::string_view::npos)
            break;
        start = slash + 1;
    }
    if (parts.size() != 5)
        return false;
    a.access_key = parts[0];
    a.date = parts[1];
    a.region = parts[2];
    a.service = parts[3];
    a.terminal = parts[4];
    return a.terminal == "aws4_request" && a.date.size() == 8;
}

void split_list(std::string_view s, char sep, std::vector<std::string>& out) {
    std::size_t start = 0;
    while (start <= s.size()) {
        auto p = s.find(sep, start);
        auto part = s.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start);
        if (!part.empty())
            out.emplace_back(part);
        if (p == std::string_view::npos)
            break;
        start = p + 1;
    }
}

// "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..."
bool parse_authorization(std::string_view v, auth_fields& a, std::string& why) {
    v = trim(v);
    if (!v.starts_with("AWS4-HMAC-SHA256 ")) {
        why = "Unsupported Authorization Type";
        return false;
    }
    v.remove_prefix(17);
    bool have_cred = false, have_sh = false, have_sig = false;
    std::size_t start = 0;
    while (start < v.size()) {
        auto comma = v.find(',', start);
        auto part = trim(v.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
        auto eq = part.find('=');
        if (eq != std::string_view::npos) {
            auto k = part.substr(0, eq), val = part.substr(eq + 1);
            if (k == "Credential") {
                if (!parse_credential(val, a)) {
                    why = "The authorization header is malformed; the Credential is mal-formed; expecting "
                          "\"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".";
                    return false;
                }
                have_cred = true;
            } else if (k == "SignedHeaders") {
                split_list(val, ';', a.signed_headers);
                have_sh = true;
            } else if (k == "Signature") {
                a.signature = val;
                have_sig = true;
            }
        }
        if (comma == std::string_view::npos)
            break;
        start = comma + 1;
    }
    if (!have_cred || !have_sh || !have_sig) {
        why = std::string("Authorization header requires '") + (!have_cred ? "Credential" : !have_sh ? "SignedHeaders" : "Signature") +
              "' parameter. Authorization=" + std::string(v.substr(0, 0));
        return false;
    }
    return true;
}

struct query_param {
    std::string name, value; // decoded
    std::string_view raw;    // "name=value" as on the wire
};

std::vector<query_param> parse_query(std::string_view q) {
    std::vector<query_param> out;
    std::size_t start = 0;
    while (start <= q.size() && !q.empty()) {
        auto amp = q.find('&', start);
        auto part = q.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
        if (!part.empty()) {
            query_param p;
            p.raw = part;
            auto eq = part.find('=');
            aws_sigv4::uri_decode(part.substr(0, eq), p.name);
            if (eq != std::string_view::npos)
                aws_sigv4::uri_decode(part.substr(eq + 1), p.value);
            out.push_back(std::move(p));
        }
        if (amp == std::string_view::npos)
            break;
        start = amp + 1;
    }
    return out;
}

bool hex64(std::string_view s) {
    return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

std::string fmt_amz(std::int64_t t) {
    std::error_code ec;
    auto st = aws_sigv4::signing_time::from_unix(t, ec);
    return std::string(st.amz_date());
}

} // namespace

std::string decode_aws_chunked(std::string_view body, const chunk_check* check, std::string& payload,
                               std::map<std::string, std::string>& trailers) {
    std::optional<aws_sigv4::chunk_signer> signer;
    if (check) {
        std::error_code ec;
        auto t = aws_sigv4::signing_time::parse(check->amz_date, ec);
        if (ec)
            return "bad X-Amz-Date";
        auto key = aws_sigv4::derive_signing_key(check->signing_key_secret, check->date, check->region, check->service);
        signer.emplace(key, t, check->region, check->service, check->seed_signature,
                       check->signed_chunks ? aws_sigv4::chunk_mode::signed_chunks
                                            : aws_sigv4::chunk_mode::unsigned_chunks);
    }
    bool signed_chunks = !check || check->signed_chunks;
    std::string expect;
    std::size_t pos = 0;
    auto sig_of = [](std::string_view framed, std::string_view marker) -> std::string_view {
        auto p = framed.find(marker);
        if (p == std::string_view::npos)
            return {};
        return framed.substr(p + marker.size(), 64);
    };
    for (;;) {
        auto eol = body.find("\r\n", pos);
        if (eol == std::string_view::npos)
            return "incomplete chunk header";
        auto line = body.substr(pos, eol - pos);
        pos = eol + 2;
        auto semi = line.find(';');
        auto size_text = line.substr(0, semi);
        if (size_text.empty() || size_text.size() > 15)
            return "bad chunk size";
        std::uint64_t size = 0;
        for (char c : size_text) {
            int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
            if (d < 0)
                return "bad chunk size";
            size = size * 16 + static_cast<std::uint64_t>(d);
        }
        std::string_view sig;
        if (semi != std::string_view::npos) {
            auto ext = line.substr(semi + 1);
            if (!ext.starts_with("chunk-signature="))
                return "bad chunk extension";
            sig = ext.substr(16);
        }
        if (signed_chunks && check && sig.empty())
            return "missing chunk-signature";
        if (size == 0) {
            if (signer && signed_chunks) {
                expect.clear();
                signer->final_chunk(expect);
                if (!same(sig, sig_of(expect, "chunk-signature=")))
                    return "chunk signature mismatch (final chunk)";
            }
            break;
        }
        if (size > body.size() - pos || body.size() - pos - size < 2)
            return "chunk larger than the body";
        auto data = body.substr(pos, size);
        pos += size;
        if (body.substr(pos, 2) != "\r\n")
            return "chunk data not followed by CRLF";
        pos += 2;
        if (signer && signed_chunks) {
            expect.clear();
            if (signer->chunk_header(data, expect) || !same(sig, sig_of(expect, "chunk-signature=")))
                return "chunk signature mismatch";
        }
        payload.append(data);
    }
    // trailers, then CRLF
    std::vector<std::pair<std::string, std::string>> lines;
    std::string trailer_sig;
    for (;;) {
        auto eol = body.find("\r\n", pos);
        if (eol == std::string_view::npos) {
            if (pos == body.size() && lines.empty())
                break; // some clients end right after the final chunk's header line
            return "incomplete trailer";
        }
        auto line = body.substr(pos, eol - pos);
        pos = eol + 2;
        if (line.empty())
            break;
        auto colon = line.find(':');
        if (colon == std::string_view::npos)
            return "bad trailer line";
        std::string name(trim(line.substr(0, colon)));
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        std::string value(trim(line.substr(colon + 1)));
        if (name == "x-amz-trailer-signature")
            trailer_sig = value;
        else
            lines.emplace_back(name, value);
    }
    if (pos != body.size())
        return "bytes after the end of the aws-chunked body";
    if (signer && signed_chunks && check->trailer) {
        std::vector<aws_sigv4::header_view> hv;
        for (auto& [n, v] : lines)
            hv.push_back({n, v});
        expect.clear();
        signer->end_trailers(hv, expect);
        if (!same(trailer_sig, sig_of(expect, "x-amz-trailer-signature:")))
            return "trailer signature mismatch";
    }
    for (auto& [n, v] : lines)
        trailers[n] = v;
    return {};
}

std::optional<auth_error> verifier::verify(const incoming& req, service_family family, std::string_view expected_service,
                                           std::int64_t now, verified& out) const {
    auto qpos = req.target.find('?');
    std::string_view path = req.target.substr(0, qpos);
    std::string_view query = qpos == std::string_view::npos ? std::string_view{} : req.target.substr(qpos + 1);
    auto params = parse_query(query);
    bool presigned = std::any_of(params.begin(), params.end(), [](auto& p) { return p.name == "X-Amz-Signature"; });
    auto authz = header(req, "authorization");
    if (!authz && !presigned)
        return refuse(family, "anonymous");

    auth_fields a;
    std::string amz_date;
    std::uint32_t expires = 0;
    if (authz) {
        std::string why;
        if (!parse_authorization(*authz, a, why))
            return refuse(family, "malformed:" + why);
        auto d = header(req, "x-amz-date");
        if (!d) {
            // S3 also accepts a Date header; athena-local requires X-Amz-Date like the JSON services.
            return refuse(family, "malformed:Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }
        amz_date = std::string(trim(*d));
    } else {
        std::string cred, sh;
        for (auto& p : params) {
            if (p.name == "X-Amz-Algorithm" && p.value != "AWS4-HMAC-SHA256")
                return refuse(family, "malformed:X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
            if (p.name == "X-Amz-Credential")
                cred = p.value;
            else if (p.name == "X-Amz-Date")
                amz_date = p.value;
            else if (p.name == "X-Amz-SignedHeaders")
                sh = p.value;
            else if (p.name == "X-Amz-Signature")
                a.signature = p.value;
            else if (p.name == "X-Amz-Expires") {
                if (p.value.empty() || p.value.size() > 7 ||
                    !std::all_of(p.value.begin(), p.value.end(), [](char c) { return c >= '0' && c <= '9'; }))
                    return refuse(family, "malformed:X-Amz-Expires should be a number");
                expires = static_cast<std::uint32_t>(std::stoul(p.value));
            }
        }
        if (cred.empty() || amz_date.empty() || sh.empty() || a.signature.empty() || expires == 0)
            return refuse(family, "malformed:Query-string authentication version 4 requires the X-Amz-Algorithm, "
                                  "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and "
                                  "X-Amz-Expires parameters.");
        if (expires > 604800)
            return refuse(family, "malformed:X-Amz-Expires must be less than a week (in seconds) that is 604800");
        if (!parse_credential(cred, a))
            return refuse(family, "malformed:Error parsing the X-Amz-Credential parameter; the Credential is mal-formed");
        split_list(sh, ';', a.signed_headers);
    }

    if (a.access_key != creds.access_key_id)
        return refuse(family, "unknown-key");
    if (header(req, "x-amz-security-token") ||
        std::any_of(params.begin(), params.end(), [](auto& p) { return p.name == "X-Amz-Security-Token"; }))
        return refuse(family, "token");

    std::error_code ec;
    auto t = aws_sigv4::signing_time::parse(amz_date, ec);
    if (ec)
        return refuse(family, "malformed:X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
    if (t.date() != a.date)
        return refuse(family, "malformed:The authorization header is malformed; Invalid credential date. Date is "
                              "not the same as X-Amz-Date: \"" + a.date + "\".");
    if (a.service != expected_service) {
        if (family == service_family::json)
            return auth_error{403, "InvalidSignatureException",
                              "Credential should be scoped to correct service: '" + std::string(expected_service) + "'. "};
        return refuse(family, "malformed:The authorization header is malformed; incorrect service \"" + a.service +
                                  "\". This endpoint belongs to \"s3\".");
    }
    if (presigned) {
        if (now < t.unix_seconds() - max_skew_seconds)
            return refuse(family, "skew:request is not yet valid");
        if (now > t.unix_seconds() + static_cast<std::int64_t>(expires))
            return refuse(family, "expired");
    } else if (now > t.unix_seconds() + max_skew_seconds || now < t.unix_seconds() - max_skew_seconds) {
        return refuse(family, "skew:Signature expired: " + amz_date + " is now earlier than " +
                                  fmt_amz(now - max_skew_seconds) + " (" + fmt_amz(now) + " - 15 min.)");
    }

    // The headers the client signed, as received (every occurrence).
    std::vector<aws_sigv4::header_view> hv;
    for (auto& name : a.signed_headers) {
        bool found = false;
        for (auto& [n, v] : req.headers)
            if (iequals(n, name)) {
                hv.push_back({n, v});
                found = true;
            }
        if (!found && family == service_family::s3 && !presigned)
            return refuse(family, "mismatch");
    }

    // The payload hash the signature covers.
    std::string payload_hash;
    auto content_sha = header(req, "x-amz-content-sha256");
    if (presigned) {
        payload_hash = content_sha ? std::string(*content_sha) : std::string(aws_sigv4::payload::unsigned_payload);
    } else if (content_sha) {
        payload_hash = std::string(trim(*content_sha));
        if (!aws_sigv4::payload::is_valid(payload_hash))
            return auth_error{400, "InvalidArgument", "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-*, or a valid sha256 value."};
    } else if (family == service_family::s3) {
        return auth_error{400, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256"};
    } else {
        payload_hash = aws_sigv4::sha256_hex(req.body);
    }

    aws_sigv4::settings cfg = family == service_family::s3 ? aws_sigv4::settings::s3() : aws_sigv4::settings::json_service();
    cfg.excluded_headers.clear();
    cfg.content_sha256_header = false;
    std::string target_buf;
    std::string_view target = req.target;
    if (presigned) {
        cfg.location = aws_sigv4::signature_location::query_params;
        cfg.expires_seconds = expires;
        target_buf.assign(path);
        bool first = true;
        for (auto& p : params) {
            if (p.name.starts_with("X-Amz-") &&
                (p.name == "X-Amz-Algorithm" || p.name == "X-Amz-Credential" || p.name == "X-Amz-Date" ||
                 p.name == "X-Amz-Expires" || p.name == "X-Amz-SignedHeaders" || p.name == "X-Amz-Signature"))
                continue;
            target_buf += first ? '?' : '&';
            first = false;
            target_buf.append(p.raw);
        }
        target = target_buf;
    }
    aws_sigv4::credentials c{creds.access_key_id, creds.secret_access_key, {}};
    aws_sigv4::signing_params sp{c, a.region, a.service, t, payload_hash, cfg};
    aws_sigv4::signing_result result;
    aws_sigv4::request_view rv{req.method, target, hv};
    if (auto e = aws_sigv4::sign(rv, sp, result))
        return refuse(family, "mismatch");
    if (!same(result.signature, a.signature))
        return refuse(family, "mismatch");

    out.access_key = a.access_key;
    out.region = a.region;
    out.service = a.service;
    out.presigned = presigned;
    out.payload = req.body;
    out.payload_hash = payload_hash;
    if (req.body_deferred) {
        if (payload_hash.starts_with("STREAMING-"))
            return auth_error{400, "InvalidRequest", "aws-chunked bodies cannot be deferred"};
        return std::nullopt;
    }
    if (payload_hash.starts_with("STREAMING-")) {
        chunk_check cc;
        cc.signing_key_secret = creds.secret_access_key;
        cc.date = a.date;
        cc.region = a.region;
        cc.service = a.service;
        cc.amz_date = amz_date;
        cc.seed_signature = a.signature;
        cc.signed_chunks = payload_hash != aws_sigv4::payload::streaming_unsigned_trailer;
        cc.trailer = payload_hash.ends_with("-TRAILER");
        auto why = decode_aws_chunked(req.body, &cc, out.decoded, out.trailers);
        if (!why.empty())
            return family == service_family::s3 ? auth_error{403, "SignatureDoesNotMatch", std::string(signature_mismatch_s3)}
                                                : auth_error{400, "InvalidSignatureException", why};
        if (auto dl = header(req, "x-amz-decoded-content-length"))
            if (std::to_string(out.decoded.size()) != trim(*dl))
                return auth_error{400, "IncompleteBody", "You did not provide the number of bytes specified by the "
                                                         "Content-Length HTTP header"};
        out.payload = out.decoded;
    } else if (hex64(payload_hash) && !presigned) {
        if (aws_sigv4::sha256_hex(req.body) != payload_hash)
            return auth_error{400, "XAmzContentSHA256Mismatch",
                              "The provided 'x-amz-content-sha256' header does not match what was computed."};
    }
    return std::nullopt;
}

} // namespace athena_local::auth
