#include <engine/credentials/config_file.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>

#include <sys/stat.h>

namespace engine::credentials {
namespace {

bool is_blank(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (is_blank(s.front()) || s.front() == '\r'))
        s.remove_prefix(1);
    while (!s.empty() && (is_blank(s.back()) || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

std::string lower(std::string_view s) {
    std::string r(s);
    for (char& c : r)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return r;
}

class parser {
public:
    parser(file_kind kind, std::string_view file_name, profile_file& out, std::string& message)
        : kind_(kind)
        , file_name_(file_name)
        , out_(out)
        , message_(message) {}

    std::error_code run(std::string_view text) {
        if (text.starts_with("\xEF\xBB\xBF"))
            text.remove_prefix(3);
        std::size_t line_no = 0;
        while (!text.empty() || line_no == 0) {
            ++line_no;
            const auto nl = text.find('\n');
            std::string_view line = text.substr(0, nl);
            text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
            if (!line.empty() && line.back() == '\r')
                line.remove_suffix(1);
            if (auto ec = line_(line, line_no))
                return ec;
            if (text.empty())
                break;
        }
        return {};
    }

private:
    std::error_code fail(std::size_t line_no, std::string_view what) {
        message_ = std::string(file_name_) + ":" + std::to_string(line_no) + ": " + std::string(what);
        return error::config_parse;
    }

    std::error_code line_(std::string_view line, std::size_t line_no) {
        const std::string_view t = trim(line);
        if (t.empty() || t.front() == '#' || t.front() == ';')
            return {};
        const bool indented = is_blank(line.front());
        if (indented && section_ != nullptr && !key_.empty())
            return continuation(t, line_no);
        if (t.front() == '[')
            return header(t, line_no);
        if (section_ == nullptr)
            return fail(line_no, "property outside of a section");
        const auto eq = t.find('=');
        if (eq == std::string_view::npos)
            return fail(line_no, "expected 'key = value'");
        const std::string_view key = trim(t.substr(0, eq));
        if (key.empty())
            return fail(line_no, "empty property name");
        key_ = lower(key);
        const std::string_view value = trim(t.substr(eq + 1));
        nested_ = value.empty();
        section_->properties[key_] = std::string(value);
        if (nested_)
            section_->nested[key_]; // an empty sub-property block is still a block
        return {};
    }

    std::error_code continuation(std::string_view t, std::size_t line_no) {
        if (nested_) {
            const auto eq = t.find('=');
            if (eq == std::string_view::npos)
                return fail(line_no, "expected 'key = value' in the sub-properties of '" + key_ + "'");
            const std::string_view key = trim(t.substr(0, eq));
            if (key.empty())
                return fail(line_no, "empty sub-property name");
            section_->nested[key_][lower(key)] = std::string(trim(t.substr(eq + 1)));
            return {};
        }
        std::string& v = section_->properties[key_];
        v += '\n';
        v += t;
        return {};
    }

    std::error_code header(std::string_view t, std::size_t line_no) {
        const auto close = t.find(']');
        if (close == std::string_view::npos)
            return fail(line_no, "section header without ']'");
        const std::string_view rest = trim(t.substr(close + 1));
        if (!rest.empty() && rest.front() != '#' && rest.front() != ';')
            return fail(line_no, "unexpected text after section header");
        const std::string_view name = trim(t.substr(1, close - 1));
        if (name.empty())
            return fail(line_no, "empty section name");
        key_.clear();
        nested_ = false;
        if (kind_ == file_kind::credentials) {
            section_ = &out_.profiles[std::string(name)];
            return {};
        }
        if (name == "default") {
            // [profile default] wins over [default] when a file has both.
            section_ = &out_.profiles["default"];
            if (saw_profile_default_)
                section_ = &ignored_;
            return {};
        }
        if (name.starts_with("profile") && name.size() > 7 && is_blank(name[7])) {
            const std::string_view pname = trim(name.substr(8));
            if (pname.empty())
                return fail(line_no, "empty profile name");
            if (pname == "default" && !saw_profile_default_) {
                saw_profile_default_ = true;
                out_.profiles["default"] = {}; // drop what a plain [default] said
            }
            section_ = &out_.profiles[std::string(pname)];
            return {};
        }
        section_ = &out_.other_sections[std::string(name)];
        return {};
    }

    file_kind kind_;
    std::string_view file_name_;
    profile_file& out_;
    std::string& message_;
    ini_section* section_ = nullptr;
    ini_section ignored_;
    std::string key_;
    bool nested_ = false;
    bool saw_profile_default_ = false;
};

const std::string* lookup(const ini_section* s, std::string_view key) {
    if (s == nullptr)
        return nullptr;
    auto it = s->properties.find(key);
    if (it == s->properties.end() || it->second.empty())
        return nullptr;
    return &it->second;
}

} // namespace

std::error_code parse_profile_file(std::string_view text, file_kind kind, std::string_view file_name,
                                   profile_file& out, std::string& message) {
    out = {};
    parser p(kind, file_name, out, message);
    auto ec = p.run(text);
    if (ec)
        out = {};
    return ec;
}

const std::string* profile::get(std::string_view key) const {
    if (auto v = lookup(credentials, key))
        return v;
    return lookup(config, key);
}

const std::string* profile::get(std::string_view key, file_kind from) const {
    return lookup(from == file_kind::config ? config : credentials, key);
}

std::optional<profile> shared_config::find(std::string_view name) const {
    profile p;
    p.name = std::string(name);
    if (auto it = config.profiles.find(name); it != config.profiles.end())
        p.config = &it->second;
    if (auto it = credentials.profiles.find(name); it != credentials.profiles.end())
        p.credentials = &it->second;
    if (p.config == nullptr && p.credentials == nullptr)
        return std::nullopt;
    return p;
}

std::string config_file_path(const environment& env) {
    if (auto v = env.get("AWS_CONFIG_FILE"))
        return env.expand_user(*v);
    return env.expand_user("~/.aws/config");
}

std::string credentials_file_path(const environment& env) {
    if (auto v = env.get("AWS_SHARED_CREDENTIALS_FILE"))
        return env.expand_user(*v);
    return env.expand_user("~/.aws/credentials");
}

std::string select_profile(const environment& env, const std::optional<std::string>& explicit_profile,
                           bool* is_explicit) {
    std::string name = "default";
    bool expl = true;
    if (explicit_profile && !explicit_profile->empty())
        name = *explicit_profile;
    else if (auto v = env.get("AWS_PROFILE"))
        name = *v;
    else if (auto d = env.get("AWS_DEFAULT_PROFILE"))
        name = *d;
    else
        expl = false;
    if (is_explicit != nullptr)
        *is_explicit = expl;
    return name;
}

std::error_code read_text_file(const std::string& path, std::string& out, std::string& message,
                               std::size_t max_bytes) {
    out.clear();
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        message = "cannot open " + path + ": " + std::strerror(errno);
        return error::file_read;
    }
    char buf[8192];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        out.append(buf, static_cast<std::size_t>(in.gcount()));
        if (out.size() > max_bytes) {
            message = path + " is larger than " + std::to_string(max_bytes) + " bytes";
            return error::file_read;
        }
    }
    if (in.bad()) {
        message = "cannot read " + path;
        return error::file_read;
    }
    return {};
}

namespace {

std::error_code load_one(const std::string& path, file_kind kind, profile_file& out, std::string& message) {
    struct stat st {};
    if (path.empty() || ::stat(path.c_str(), &st) != 0) {
        out = {};
        return {}; // a missing file is an empty file
    }
    std::string text;
    if (auto ec = read_text_file(path, text, message))
        return ec;
    return parse_profile_file(text, kind, path, out, message);
}

} // namespace

std::error_code load_shared_config(const environment& env, shared_config& out, std::string& message) {
    out = {};
    out.config_path = config_file_path(env);
    out.credentials_path = credentials_file_path(env);
    if (auto ec = load_one(out.config_path, file_kind::config, out.config, message))
        return ec;
    return load_one(out.credentials_path, file_kind::credentials, out.credentials, message);
}

} // namespace engine::credentials
