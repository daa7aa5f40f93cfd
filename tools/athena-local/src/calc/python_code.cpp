#include "python_code.hpp"

#include <protocol/spark_template.hpp>

#include <fmt/format.h>

#include <cctype>
#include <cstdint>
#include <optional>

namespace athena_local::calc::detail {
namespace {

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
        out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
}

int hex_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Python's escape sequences of a non-raw str literal body.
bool unescape(std::string_view body, std::string& out, std::string& error) {
    out.clear();
    for (std::size_t i = 0; i < body.size(); ++i) {
        const char c = body[i];
        if (c != '\\' || i + 1 == body.size()) {
            out.push_back(c);
            continue;
        }
        const char e = body[++i];
        switch (e) {
        case '\n':
            break; // line continuation inside the literal
        case '\\':
        case '\'':
        case '"':
            out.push_back(e);
            break;
        case 'a':
            out.push_back('\a');
            break;
        case 'b':
            out.push_back('\b');
            break;
        case 'f':
            out.push_back('\f');
            break;
        case 'n':
            out.push_back('\n');
            break;
        case 'r':
            out.push_back('\r');
            break;
        case 't':
            out.push_back('\t');
            break;
        case 'v':
            out.push_back('\v');
            break;
        case 'x':
        case 'u':
        case 'U': {
            const std::size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
            std::uint32_t cp = 0;
            for (std::size_t k = 0; k < n; ++k) {
                const int h = i + 1 + k < body.size() ? hex_value(body[i + 1 + k]) : -1;
                if (h < 0) {
                    error = fmt::format("truncated \\{}{} escape in a string literal", e, std::string(n, 'X'));
                    return false;
                }
                cp = cp * 16 + static_cast<std::uint32_t>(h);
            }
            i += n;
            if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
                error = "a \\U or \\u escape names a surrogate or a code point beyond U+10FFFF, which is not text "
                        "Spark can run";
                return false;
            }
            append_utf8(out, cp);
            break;
        }
        case 'N':
            error = "\\N{...} escapes are not supported by athena-local: write the character itself";
            return false;
        default:
            if (e >= '0' && e <= '7') {
                std::uint32_t cp = 0;
                std::size_t k = 0;
                while (k < 3 && i + k < body.size() && body[i + k] >= '0' && body[i + k] <= '7') {
                    cp = cp * 8 + static_cast<std::uint32_t>(body[i + k] - '0');
                    ++k;
                }
                i += k - 1;
                append_utf8(out, cp);
            } else {
                out.push_back('\\'); // unknown escapes keep their backslash
                out.push_back(e);
            }
            break;
        }
    }
    return true;
}

// ---- a small tokenizer for the statements athena-local accepts -----------------------------------------------

struct token {
    enum kind_t { name, string, number, op, newline, end } kind = end;
    std::string text; ///< name / number / op text; for strings the raw literal
    int line = 1;
};

class lexer {
public:
    explicit lexer(std::string_view code)
        : s_(code) {}

    bool run(std::vector<token>& out, std::string& error) {
        int depth = 0;
        while (pos_ < s_.size()) {
            const char c = s_[pos_];
            if (c == '#') {
                while (pos_ < s_.size() && s_[pos_] != '\n')
                    ++pos_;
                continue;
            }
            if (c == '\n') {
                if (depth == 0)
                    out.push_back({token::newline, "", line_});
                ++line_;
                ++pos_;
                continue;
            }
            if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
                ++pos_;
                continue;
            }
            if (c == '\\' && pos_ + 1 < s_.size() && (s_[pos_ + 1] == '\n' || s_[pos_ + 1] == '\r')) {
                pos_ += s_[pos_ + 1] == '\r' && pos_ + 2 < s_.size() && s_[pos_ + 2] == '\n' ? 3 : 2;
                ++line_;
                continue;
            }
            if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
                std::size_t b = pos_;
                while (pos_ < s_.size() &&
                       (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_'))
                    ++pos_;
                if (pos_ < s_.size() && (s_[pos_] == '\'' || s_[pos_] == '"') && pos_ - b <= 2) {
                    pos_ = b;
                    if (!string_literal(out, error))
                        return false;
                    continue;
                }
                out.push_back({token::name, std::string(s_.substr(b, pos_ - b)), line_});
                continue;
            }
            if (c == '\'' || c == '"') {
                if (!string_literal(out, error))
                    return false;
                continue;
            }
            if (std::isdigit(static_cast<unsigned char>(c))) {
                std::size_t b = pos_;
                while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_'))
                    ++pos_;
                out.push_back({token::number, std::string(s_.substr(b, pos_ - b)), line_});
                continue;
            }
            if (c == '(' || c == '[' || c == '{')
                ++depth;
            if ((c == ')' || c == ']' || c == '}') && depth > 0)
                --depth;
            out.push_back({token::op, std::string(1, c), line_});
            ++pos_;
        }
        out.push_back({token::newline, "", line_});
        out.push_back({token::end, "", line_});
        return true;
    }

private:
    bool string_literal(std::vector<token>& out, std::string& error) {
        const std::size_t b = pos_;
        const int first_line = line_;
        while (s_[pos_] != '\'' && s_[pos_] != '"')
            ++pos_;
        const char q = s_[pos_];
        const bool triple = s_.substr(pos_, 3) == std::string_view(std::string(3, q));
        pos_ += triple ? 3 : 1;
        for (;;) {
            if (pos_ >= s_.size()) {
                error = fmt::format("line {}: unterminated {}string literal", first_line,
                                    triple ? "triple-quoted " : "");
                return false;
            }
            const char c = s_[pos_];
            if (c == '\\') {
                if (pos_ + 1 < s_.size() && s_[pos_ + 1] == '\n')
                    ++line_;
                pos_ += 2;
                continue;
            }
            if (c == '\n') {
                if (!triple) {
                    error = fmt::format("line {}: unterminated string literal", first_line);
                    return false;
                }
                ++line_;
            }
            if (c == q && (!triple || s_.substr(pos_, 3) == std::string_view(std::string(3, q)))) {
                pos_ += triple ? 3 : 1;
                break;
            }
            ++pos_;
        }
        out.push_back({token::string, std::string(s_.substr(b, pos_ - b)), first_line});
        return true;
    }

    std::string_view s_;
    std::size_t pos_ = 0;
    int line_ = 1;
};

const char* supported_text =
    "athena-local runs three kinds of calculation code: the bb-async code-block template, a %%sql cell, and "
    "plain spark.sql(\"...\") statements optionally followed by .show(), .show(n), .show(n, truncate=False) or "
    ".collect(); see docs/CALCULATIONS.md";

class statement_parser {
public:
    explicit statement_parser(const std::vector<token>& t)
        : t_(t) {}

    bool run(std::vector<sql_call>& calls, std::string& error) {
        while (t_[i_].kind != token::end) {
            if (t_[i_].kind == token::newline || is_op(";")) {
                ++i_;
                continue;
            }
            sql_call call;
            if (!statement(call, error))
                return false;
            calls.push_back(std::move(call));
            if (!(t_[i_].kind == token::newline || is_op(";") || t_[i_].kind == token::end))
                return fail(error, "unexpected '" + t_[i_].text + "' after the statement");
        }
        return true;
    }

private:
    bool is_op(std::string_view op) const { return t_[i_].kind == token::op && t_[i_].text == op; }
    bool is_name(std::string_view n) const { return t_[i_].kind == token::name && t_[i_].text == n; }
    bool expect_op(std::string_view op, std::string& error) {
        if (!is_op(op))
            return fail(error, fmt::format("expected '{}'", op));
        ++i_;
        return true;
    }
    bool fail(std::string& error, const std::string& what) {
        const token& t = t_[i_];
        const std::string near = t.kind == token::newline ? "end of line"
                                 : t.kind == token::end   ? "end of code"
                                                          : "'" + t.text + "'";
        error = fmt::format("line {} (near {}): {}. {}", t.line, near, what, supported_text);
        return false;
    }

    bool statement(sql_call& call, std::string& error) {
        call.line = t_[i_].line;
        if (!is_name("spark"))
            return fail(error, "not a spark.sql(...) statement");
        ++i_;
        if (!expect_op(".", error))
            return false;
        if (!is_name("sql"))
            return fail(error, "only spark.sql(...) is run locally");
        ++i_;
        if (!expect_op("(", error))
            return false;
        if (t_[i_].kind != token::string)
            return fail(error, "spark.sql takes a string literal here (variables, f-strings and expressions are "
                               "not evaluated locally)");
        while (t_[i_].kind == token::string) {
            std::string value, why;
            if (!python_string_value(t_[i_].text, value, why))
                return fail(error, why);
            call.sql += value;
            ++i_;
        }
        if (is_op(","))
            ++i_;
        if (!expect_op(")", error))
            return false;
        call.method = "sql";
        if (is_op(".")) {
            ++i_;
            if (is_name("show")) {
                ++i_;
                call.action.kind = sql_action::show;
                call.method = "showString";
                if (!show_args(call.action, error))
                    return false;
            } else if (is_name("collect")) {
                ++i_;
                call.action.kind = sql_action::collect;
                call.method = "collectToPython";
                if (!expect_op("(", error) || !expect_op(")", error))
                    return false;
            } else {
                return fail(error, "only .show(...) and .collect() may follow spark.sql(...)");
            }
        }
        return true;
    }

    std::optional<long> integer() {
        bool neg = false;
        if (is_op("-")) {
            neg = true;
            ++i_;
        }
        if (t_[i_].kind != token::number)
            return std::nullopt;
        long v = 0;
        for (char c : t_[i_].text) {
            if (c == '_')
                continue;
            if (!std::isdigit(static_cast<unsigned char>(c)) || v > 100000000000L)
                return std::nullopt;
            v = v * 10 + (c - '0');
        }
        ++i_;
        return neg ? -v : v;
    }

    bool truncate_value(sql_action& a, std::string& error) {
        if (is_name("True")) {
            a.truncate = 20;
            ++i_;
        } else if (is_name("False")) {
            a.truncate = 0;
            ++i_;
        } else if (auto v = integer()) {
            a.truncate = *v;
        } else {
            return fail(error, "truncate must be True, False or an integer");
        }
        return true;
    }

    // show(n=20, truncate=True, vertical=False)
    bool show_args(sql_action& a, std::string& error) {
        if (!expect_op("(", error))
            return false;
        int position = 0;
        while (!is_op(")")) {
            if (t_[i_].kind == token::name && i_ + 1 < t_.size() && t_[i_ + 1].kind == token::op &&
                t_[i_ + 1].text == "=") {
                const std::string key = t_[i_].text;
                i_ += 2;
                if (key == "n") {
                    auto v = integer();
                    if (!v)
                        return fail(error, "n must be an integer");
                    a.rows = *v;
                } else if (key == "truncate") {
                    if (!truncate_value(a, error))
                        return false;
                } else if (key == "vertical") {
                    if (!is_name("False"))
                        return fail(error, "show(vertical=True) is not supported locally");
                    ++i_;
                } else {
                    return fail(error, "show() has no argument '" + key + "'");
                }
            } else if (position == 0) {
                auto v = integer();
                if (!v)
                    return fail(error, "show()'s first argument must be an integer");
                a.rows = *v;
            } else if (position == 1) {
                if (!truncate_value(a, error))
                    return false;
            } else if (position == 2) {
                if (!is_name("False"))
                    return fail(error, "show(vertical=True) is not supported locally");
                ++i_;
            } else {
                return fail(error, "show() takes at most three arguments");
            }
            ++position;
            if (is_op(","))
                ++i_;
            else if (!is_op(")"))
                return fail(error, "expected ',' or ')' in show(...)");
        }
        ++i_;
        return true;
    }

    const std::vector<token>& t_;
    std::size_t i_ = 0;
};

} // namespace

bool python_string_value(std::string_view literal, std::string& value, std::string& error) {
    std::size_t p = 0;
    bool raw = false;
    while (p < literal.size() && literal[p] != '\'' && literal[p] != '"') {
        const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(literal[p])));
        if (c == 'r') {
            raw = true;
        } else if (c == 'f') {
            error = "f-strings are not evaluated locally: pass the SQL as a plain string";
            return false;
        } else if (c == 'b') {
            error = "spark.sql takes a str, not bytes";
            return false;
        } else if (c != 'u') {
            error = "unknown string prefix";
            return false;
        }
        ++p;
    }
    if (p >= literal.size()) {
        error = "not a string literal";
        return false;
    }
    const char q = literal[p];
    const std::size_t ql = literal.substr(p, 3) == std::string_view(std::string(3, q)) && literal.size() >= p + 6
                               ? 3
                               : 1;
    if (literal.size() < p + 2 * ql) {
        error = "not a string literal";
        return false;
    }
    const std::string_view body = literal.substr(p + ql, literal.size() - p - 2 * ql);
    if (raw) {
        value.assign(body);
        return true;
    }
    return unescape(body, value, error);
}

parsed_code parse_code(std::string_view code) {
    parsed_code out;
    // (1) the bb-async template
    auto block = protocol::spark::recognise(code);
    if (block.matched) {
        out.kind = code_kind::bb_template;
        if (!block.error.empty()) {
            out.error = "the bb-async code block is damaged: " + block.error;
            return out;
        }
        sql_call call;
        call.sql = std::move(block.sql);
        call.action.kind = sql_action::result_line;
        call.line = 3;
        call.method = "sql";
        out.calls.push_back(std::move(call));
        out.ok = true;
        return out;
    }
    // (2) a %%sql cell: the first non-blank line is the magic, the rest is SQL
    std::size_t p = 0;
    int line = 1;
    while (p < code.size()) {
        std::size_t nl = code.find('\n', p);
        std::string_view l = code.substr(p, nl == std::string_view::npos ? std::string_view::npos : nl - p);
        if (l.find_first_not_of(" \t\r") != std::string_view::npos)
            break;
        if (nl == std::string_view::npos) {
            p = code.size();
            break;
        }
        p = nl + 1;
        ++line;
    }
    std::string_view rest = code.substr(p);
    if (rest.substr(0, 5) == "%%sql") {
        std::size_t nl = rest.find('\n');
        std::string_view magic = rest.substr(0, nl);
        if (magic.substr(5).find_first_not_of(" \t\r") != std::string_view::npos) {
            out.kind = code_kind::sql_cell;
            out.error = fmt::format("line {}: %%sql options ('{}') are not supported locally. {}", line,
                                    magic.substr(5), supported_text);
            return out;
        }
        sql_call call;
        call.sql = nl == std::string_view::npos ? std::string() : std::string(rest.substr(nl + 1));
        call.action.kind = sql_action::show;
        call.line = line + 1;
        call.several_statements = true;
        call.method = "showString";
        out.kind = code_kind::sql_cell;
        out.calls.push_back(std::move(call));
        out.ok = true;
        return out;
    }
    // (3) spark.sql(...) statements
    out.kind = code_kind::spark_sql;
    std::vector<token> tokens;
    lexer lx(code);
    if (!lx.run(tokens, out.error)) {
        out.error += std::string(". ") + supported_text;
        return out;
    }
    statement_parser sp(tokens);
    if (!sp.run(out.calls, out.error))
        return out;
    if (out.calls.empty()) {
        out.error = std::string("the code has no statement. ") + supported_text;
        return out;
    }
    out.ok = true;
    return out;
}

} // namespace athena_local::calc::detail
