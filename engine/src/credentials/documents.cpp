#include <engine/credentials/documents.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <chrono>

namespace engine::credentials {
namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) noexcept {
    if (pos + n > s.size())
        return false;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    out = v;
    return true;
}

credentials_result bad(std::string_view what, std::string_view field) {
    return credentials_result::failure(error::invalid_document,
                                       std::string(what) + ": " + std::string(field));
}

// Reads the string member `key`; nullptr if absent or not a string.
const boost::json::string* member(const boost::json::object& o, std::string_view key) {
    auto it = o.find(key);
    if (it == o.end() || !it->value().is_string())
        return nullptr;
    return &it->value().get_string();
}

// Reads AccessKeyId, SecretAccessKey, the token member and Expiration from a parsed object.
credentials_result read_keys(const boost::json::object& o, std::string_view document,
                             std::string_view token_key) {
    const auto* akid = member(o, "AccessKeyId");
    const auto* secret = member(o, "SecretAccessKey");
    if (akid == nullptr || akid->empty())
        return bad(document, "AccessKeyId missing or empty");
    if (secret == nullptr || secret->empty())
        return bad(document, "SecretAccessKey missing or empty");
    identity id;
    id.keys.access_key_id = std::string(akid->data(), akid->size());
    id.keys.secret_access_key = std::string(secret->data(), secret->size());
    if (const auto* tok = member(o, token_key))
        id.keys.session_token = std::string(tok->data(), tok->size());
    if (auto it = o.find("Expiration"); it != o.end() && !it->value().is_null()) {
        const auto* exp = member(o, "Expiration");
        if (exp == nullptr)
            return bad(document, "Expiration is not a string");
        auto t = parse_iso8601(std::string_view(exp->data(), exp->size()));
        if (!t)
            return bad(document, "Expiration is not an ISO 8601 date-time");
        id.expiration = *t;
    }
    return credentials_result::success(std::move(id));
}

// Parses `json` into `storage`; nullptr when it is not a JSON object.
const boost::json::object* parse_object(std::string_view json, boost::json::value& storage) {
    boost::system::error_code ec;
    storage = boost::json::parse(boost::json::string_view(json.data(), json.size()), ec);
    if (ec || !storage.is_object())
        return nullptr;
    return &storage.get_object();
}

} // namespace

std::optional<time_point> parse_iso8601(std::string_view s) noexcept {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    if (!digits(s, 0, 4, y) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
        !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s, 11, 2, h) ||
        s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, sec))
        return std::nullopt;
    std::size_t pos = 19;
    std::chrono::nanoseconds frac{0};
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
        ++pos;
        const std::size_t start = pos;
        long long ns = 0;
        int scale = 0;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            if (scale < 9) {
                ns = ns * 10 + (s[pos] - '0');
                ++scale;
            }
            ++pos;
        }
        if (pos == start)
            return std::nullopt;
        for (; scale < 9; ++scale)
            ns *= 10;
        frac = std::chrono::nanoseconds(ns);
    }
    int offset_minutes = 0;
    if (pos >= s.size())
        return std::nullopt; // a zone is required
    if (s[pos] == 'Z' || s[pos] == 'z') {
        ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
        const int sign = s[pos] == '-' ? -1 : 1;
        ++pos;
        int oh = 0, om = 0;
        if (!digits(s, pos, 2, oh))
            return std::nullopt;
        pos += 2;
        if (pos < s.size() && s[pos] == ':')
            ++pos;
        if (pos < s.size()) {
            if (!digits(s, pos, 2, om))
                return std::nullopt;
            pos += 2;
        }
        if (oh > 23 || om > 59)
            return std::nullopt;
        offset_minutes = sign * (oh * 60 + om);
    } else {
        return std::nullopt;
    }
    if (pos != s.size())
        return std::nullopt;
    if (y < 1970 || mo < 1 || mo > 12 || h > 23 || mi > 59 || sec > 60)
        return std::nullopt;
    const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(mo)),
                                          std::chrono::day(static_cast<unsigned>(d))};
    if (!ymd.ok())
        return std::nullopt;
    const auto days = std::chrono::sys_days(ymd);
    const auto t = days + std::chrono::hours(h) + std::chrono::minutes(mi) + std::chrono::seconds(sec) -
                   std::chrono::minutes(offset_minutes);
    return std::chrono::time_point_cast<clock_type::duration>(t + frac);
}

credentials_result parse_process_output(std::string_view json) {
    constexpr std::string_view doc = "credential_process output";
    boost::json::value storage;
    const auto* o = parse_object(json, storage);
    if (o == nullptr)
        return bad(doc, "not a JSON object");
    // Version first, so that a document of another version is reported as such.
    auto it = o->find("Version");
    if (it == o->end())
        return bad(doc, "Version missing (expected 1)");
    const auto& ver = it->value();
    if (!((ver.is_int64() && ver.get_int64() == 1) || (ver.is_uint64() && ver.get_uint64() == 1)))
        return bad(doc, "unsupported Version (expected 1)");
    auto r = read_keys(*o, doc, "SessionToken");
    if (r)
        r.value.source = "credential_process";
    return r;
}

credentials_result parse_imds_document(std::string_view json) {
    constexpr std::string_view doc = "instance metadata credentials";
    boost::json::value storage;
    const auto* o = parse_object(json, storage);
    if (o == nullptr)
        return bad(doc, "not a JSON object");
    if (const auto* code = member(*o, "Code"); code != nullptr && *code != "Success")
        return bad(doc, "Code is \"" + std::string(code->data(), code->size()) + "\", not \"Success\"");
    auto r = read_keys(*o, doc, "Token");
    if (r)
        r.value.source = "imds";
    return r;
}

credentials_result parse_container_document(std::string_view json) {
    constexpr std::string_view doc = "container credentials";
    boost::json::value storage;
    const auto* o = parse_object(json, storage);
    if (o == nullptr)
        return bad(doc, "not a JSON object");
    auto r = read_keys(*o, doc, "Token");
    if (r)
        r.value.source = "container";
    return r;
}

} // namespace engine::credentials
