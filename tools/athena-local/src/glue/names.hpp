#pragma once
// Glue's rules for names (private to athena_local_glue).

#include <string>
#include <string_view>

namespace athena_local::glue_detail {

/// ASCII lower-case, as Glue stores database and table names (non-ASCII bytes are kept).
inline std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

/// The length Glue's model limits (Java characters: UTF-16 code units) of valid UTF-8 `s`.
inline std::size_t utf16_length(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s) {
        if ((c & 0xC0) != 0x80)
            ++n;
        if (c >= 0xF0)
            ++n; // a supplementary character is a surrogate pair
    }
    return n;
}

/// Whether valid UTF-8 `s` matches the model's single-line string pattern
/// [\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\t]*: no control characters but tab, no U+FFFE/U+FFFF.
/// `multi_line` also allows \r and \n (DescriptionString, URI, LocationString).
inline bool allowed_characters(std::string_view s, bool multi_line = false) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 && c != '\t' && !(multi_line && (c == '\r' || c == '\n')))
            return false;
        if (c == 0x7F)
            continue; // DEL is inside \u0020-\uD7FF
        if (c == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBF &&
            (static_cast<unsigned char>(s[i + 2]) == 0xBE || static_cast<unsigned char>(s[i + 2]) == 0xBF))
            return false;
    }
    return true;
}

/// A NameString: 1..255 characters of the single-line pattern.
inline bool valid_name(std::string_view s) {
    return !s.empty() && utf16_length(s) <= 255 && allowed_characters(s);
}

} // namespace athena_local::glue_detail
