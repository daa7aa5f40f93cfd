#pragma once
// A tiny JSON writer for request bodies: objects, arrays, strings (escaped), integers, booleans.
// Private to protocol/.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace protocol::detail {

class json_writer {
public:
    json_writer() { out_.reserve(256); }

    json_writer& begin_object() {
        value_prefix();
        out_ += '{';
        first_.push_back(true);
        return *this;
    }
    json_writer& end_object() {
        out_ += '}';
        first_.pop_back();
        return *this;
    }
    json_writer& begin_array() {
        value_prefix();
        out_ += '[';
        first_.push_back(true);
        return *this;
    }
    json_writer& end_array() {
        out_ += ']';
        first_.pop_back();
        return *this;
    }
    json_writer& key(std::string_view k) {
        comma();
        write_string(k);
        out_ += ':';
        after_key_ = true;
        return *this;
    }
    json_writer& string(std::string_view v) {
        value_prefix();
        write_string(v);
        return *this;
    }
    json_writer& number(std::int64_t v) {
        value_prefix();
        out_ += std::to_string(v);
        return *this;
    }
    json_writer& boolean(bool v) {
        value_prefix();
        out_ += v ? "true" : "false";
        return *this;
    }
    /// "k": "v" when v is not empty.
    json_writer& opt_string(std::string_view k, std::string_view v) {
        if (!v.empty())
            key(k).string(v);
        return *this;
    }
    /// "k": {"a": "b", ...} when m is not empty.
    template <class Map>
    json_writer& opt_map(std::string_view k, const Map& m) {
        if (m.empty())
            return *this;
        key(k).begin_object();
        for (const auto& [name, value] : m)
            key(name).string(value);
        return end_object();
    }

    /// The document, without spare capacity (a request body is kept while its request waits to be sent).
    std::string take() {
        out_.shrink_to_fit();
        return std::move(out_);
    }

private:
    void comma() {
        if (!first_.empty()) {
            if (!first_.back())
                out_ += ',';
            first_.back() = false;
        }
    }
    void value_prefix() {
        if (after_key_) {
            after_key_ = false;
            return;
        }
        comma();
    }
    void write_string(std::string_view s) {
        static constexpr char hex[] = "0123456789abcdef";
        out_ += '"';
        for (char ch : s) {
            auto c = static_cast<unsigned char>(ch);
            switch (c) {
            case '"':
                out_ += "\\\"";
                break;
            case '\\':
                out_ += "\\\\";
                break;
            case '\n':
                out_ += "\\n";
                break;
            case '\r':
                out_ += "\\r";
                break;
            case '\t':
                out_ += "\\t";
                break;
            case '\b':
                out_ += "\\b";
                break;
            case '\f':
                out_ += "\\f";
                break;
            default:
                if (c < 0x20) {
                    out_ += "\\u00";
                    out_ += hex[c >> 4];
                    out_ += hex[c & 15];
                } else {
                    out_ += ch;
                }
            }
        }
        out_ += '"';
    }

    std::string out_;
    std::vector<bool> first_;
    bool after_key_ = false;
};

} // namespace protocol::detail
