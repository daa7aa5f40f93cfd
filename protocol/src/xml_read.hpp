#pragma once
// pugixml helpers for the S3 and STS decoders. Private to protocol/. pugixml never throws on bad
// input; every helper returns std::error_code.
#include <protocol/error.hpp>
#include <protocol/http.hpp>

#include <pugixml.hpp>

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "try.hpp"

namespace protocol::detail {

/// Parses a body whose root element must be `root_name`. Errors: malformed_xml.
inline std::error_code parse_xml(pugi::xml_document& doc, std::string_view body, const char* root_name,
                                 pugi::xml_node& root) {
    auto res = doc.load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!res)
        return error::malformed_xml;
    root = doc.document_element();
    if (!root || std::string_view(root.name()) != root_name)
        return error::malformed_xml;
    return {};
}

/// True when the body is an XML document whose root is <Error> (S3's "200 with an error" case).
inline bool body_is_xml_error(std::string_view body) {
    std::size_t p = body.find('<');
    if (p == std::string_view::npos)
        return false;
    pugi::xml_document doc;
    if (!doc.load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_utf8))
        return false;
    return std::string_view(doc.document_element().name()) == "Error";
}

inline std::error_code get(pugi::xml_node n, const char* name, std::string& out, bool required = false) {
    pugi::xml_node c = n.child(name);
    if (!c)
        return required ? error::missing_field : std::error_code{};
    out = c.child_value();
    return {};
}

inline std::error_code get(pugi::xml_node n, const char* name, std::optional<std::uint64_t>& out,
                           bool required = false) {
    pugi::xml_node c = n.child(name);
    if (!c)
        return required ? error::missing_field : std::error_code{};
    std::string_view v = c.child_value();
    std::uint64_t x = 0;
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
    if (ec != std::errc{} || ptr != v.data() + v.size())
        return error::bad_value;
    out = x;
    return {};
}

inline std::error_code get(pugi::xml_node n, const char* name, bool& out) {
    pugi::xml_node c = n.child(name);
    if (!c)
        return {};
    std::string_view v = c.child_value();
    if (v == "true")
        out = true;
    else if (v == "false")
        out = false;
    else
        return error::bad_value;
    return {};
}

inline std::error_code get(pugi::xml_node n, const char* name, std::optional<timestamp>& out,
                           bool required = false) {
    pugi::xml_node c = n.child(name);
    if (!c)
        return required ? error::missing_field : std::error_code{};
    out = parse_iso8601(c.child_value());
    return out ? std::error_code{} : error::bad_value;
}

/// XML-escapes text for element content and attribute values.
inline void append_escaped(std::string& out, std::string_view s) {
    for (char c : s) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&apos;";
            break;
        case '\r':
            out += "&#13;";
            break;
        case '\n':
            out += "&#10;";
            break;
        case '\t':
            out += "&#9;";
            break;
        default:
            out += c;
        }
    }
}

} // namespace protocol::detail
