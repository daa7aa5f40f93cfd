#include "sql_text.hpp"

#include <bb/duckdb/database.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace athena_local::calc::detail {
namespace {

bool is_word_start(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
bool is_word_char(char c) {
    return is_word_start(c) || std::isdigit(static_cast<unsigned char>(c));
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
        out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
}

// Spark's unescapeSQLString for the body of a '...' or "..." literal.
std::string spark_unescape(std::string_view body) {
    std::string out;
    for (std::size_t i = 0; i < body.size(); ++i) {
        if (body[i] != '\\' || i + 1 == body.size()) {
            out.push_back(body[i]);
            continue;
        }
        const char e = body[++i];
        if (e >= '0' && e <= '3' && i + 2 < body.size() && body[i + 1] >= '0' && body[i + 1] <= '7' &&
            body[i + 2] >= '0' && body[i + 2] <= '7') {
            append_utf8(out, static_cast<std::uint32_t>((e - '0') * 64 + (body[i + 1] - '0') * 8 + (body[i + 2] - '0')));
            i += 2;
            continue;
        }
        if (e == 'u' && i + 4 < body.size() &&
            std::all_of(body.begin() + static_cast<std::ptrdiff_t>(i + 1), body.begin() + static_cast<std::ptrdiff_t>(i + 5),
                        [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; })) {
            append_utf8(out, static_cast<std::uint32_t>(std::stoul(std::string(body.substr(i + 1, 4)), nullptr, 16)));
            i += 4;
            continue;
        }
        switch (e) {
        case '0':
            out.push_back('\0');
            break;
        case 'b':
            out.push_back('\b');
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
        case 'Z':
            out.push_back('\x1a');
            break;
        case '%':
        case '_':
            out.push_back('\\');
            out.push_back(e);
            break;
        default:
            out.push_back(e);
            break;
        }
    }
    return out;
}

class ddl_reader {
public:
    explicit ddl_reader(std::vector<sql_token> t)
        : t_(std::move(t)) {}

    bool at_end() const { return i_ >= t_.size(); }
    const sql_token* peek(std::size_t k = 0) const { return i_ + k < t_.size() ? &t_[i_ + k] : nullptr; }
    bool is_kw(std::string_view kw, std::size_t k = 0) const {
        auto* t = peek(k);
        return t && t->kind == sql_token::word && lower(t->text) == kw;
    }
    bool accept(std::string_view kw) {
        if (!is_kw(kw))
            return false;
        ++i_;
        return true;
    }
    bool accept_punct(char c) {
        auto* t = peek();
        if (!t || t->kind != sql_token::punct || t->text[0] != c)
            return false;
        ++i_;
        return true;
    }
    bool is_punct(char c) const {
        auto* t = peek();
        return t && t->kind == sql_token::punct && t->text[0] == c;
    }
    bool identifier(std::string& out) {
        auto* t = peek();
        if (!t || (t->kind != sql_token::word && t->kind != sql_token::quoted_ident))
            return false;
        out = lower(t->text);
        ++i_;
        return true;
    }
    bool string(std::string& out) {
        auto* t = peek();
        if (!t || t->kind != sql_token::string)
            return false;
        out = t->text;
        ++i_;
        // adjacent literals concatenate
        while (peek() && peek()->kind == sql_token::string) {
            out += peek()->text;
            ++i_;
        }
        return true;
    }
    // [db.]name
    bool qualified(std::string& db, std::string& name) {
        if (!identifier(name))
            return false;
        if (accept_punct('.')) {
            db = name;
            if (!identifier(name))
                return false;
        }
        return true;
    }
    // A type: word [ '(' ... ')' ] or word '<' ... '>' (nested), as text.
    bool type(std::string& out) {
        auto* t = peek();
        if (!t || t->kind != sql_token::word)
            return false;
        out = lower(t->text);
        ++i_;
        if (is_punct('(') || is_punct('<')) {
            int depth = 0;
            while (!at_end()) {
                const sql_token& x = t_[i_];
                if (x.kind == sql_token::punct && (x.text[0] == '(' || x.text[0] == '<'))
                    ++depth;
                if (x.kind == sql_token::punct && (x.text[0] == ')' || x.text[0] == '>'))
                    --depth;
                out += x.kind == sql_token::word ? lower(x.text) : x.text;
                ++i_;
                if (depth == 0)
                    break;
            }
            if (depth != 0)
                return false;
        }
        return true;
    }
    // ( key [=] value, ... ) with keys as words (dotted) or strings and values strings, numbers or words.
    bool property_list(std::map<std::string, std::string>& out) {
        if (!accept_punct('('))
            return false;
        while (!accept_punct(')')) {
            std::string key;
            auto* t = peek();
            if (!t)
                return false;
            if (t->kind == sql_token::string) {
                string(key);
            } else if (t->kind == sql_token::word || t->kind == sql_token::quoted_ident) {
                key = lower(t->text);
                ++i_;
                while (accept_punct('.')) {
                    std::string part;
                    if (!identifier(part))
                        return false;
                    key += "." + part;
                }
            } else {
                return false;
            }
            accept_punct('=');
            std::string value;
            auto* v = peek();
            if (!v)
                return false;
            if (v->kind == sql_token::string) {
                string(value);
            } else if (v->kind == sql_token::word || v->kind == sql_token::number) {
                value = v->text;
                ++i_;
            } else {
                return false;
            }
            out[key] = value;
            if (!accept_punct(',') && !is_punct(')'))
                return false;
        }
        return true;
    }
    std::string near() const {
        if (at_end())
            return "end of input";
        return "'" + t_[i_].text + "'";
    }

private:
    std::vector<sql_token> t_;
    std::size_t i_ = 0;
};

ddl_parse syntax(const ddl_reader& r, std::string_view what) {
    ddl_parse p;
    p.syntax_error = true;
    p.error = fmt::format("[PARSE_SYNTAX_ERROR] Syntax error at or near {}: {}.", r.near(), what);
    return p;
}

ddl_parse unsupported(std::string what) {
    ddl_parse p;
    p.error = std::move(what);
    return p;
}

bool parse_char(const std::string& s, char& out) {
    if (s.size() != 1)
        return false;
    out = s[0];
    return true;
}

ddl_parse parse_create_table(ddl_reader& r, bool external) {
    ddl_parse p;
    ddl_statement& st = p.statement;
    st.kind = ddl_statement::create_table;
    if (r.accept("if")) {
        if (!r.accept("not") || !r.accept("exists"))
            return syntax(r, "expected IF NOT EXISTS");
        st.if_not_exists = true;
    }
    if (!r.qualified(st.database, st.name))
        return syntax(r, "expected a table name");
    table_def& t = st.table;
    if (r.accept_punct('(')) {
        while (true) {
            column_def c;
            if (!r.identifier(c.name) || !r.type(c.type))
                return syntax(r, "expected a column name and type");
            if (r.accept("not")) {
                if (!r.accept("null"))
                    return syntax(r, "expected NOT NULL");
            }
            if (r.accept("comment") && !r.string(c.comment))
                return syntax(r, "expected the column comment");
            t.columns.push_back(std::move(c));
            if (r.accept_punct(','))
                continue;
            if (r.accept_punct(')'))
                break;
            return syntax(r, "expected ',' or ')' in the column list");
        }
    }
    std::string using_format, stored_as;
    bool row_format_delimited = false;
    std::optional<char> field_delimiter;
    std::map<std::string, std::string> options;
    while (!r.at_end()) {
        if (r.accept("using")) {
            if (!r.identifier(using_format))
                return syntax(r, "expected a data source after USING");
        } else if (r.accept("options")) {
            if (!r.property_list(options))
                return syntax(r, "expected OPTIONS (key value, ...)");
        } else if (r.accept("location")) {
            if (!r.string(t.location))
                return syntax(r, "expected LOCATION 's3://bucket/prefix/'");
        } else if (r.accept("comment")) {
            if (!r.string(t.description))
                return syntax(r, "expected COMMENT 'text'");
        } else if (r.accept("tblproperties")) {
            if (!r.property_list(st.properties))
                return syntax(r, "expected TBLPROPERTIES ('key' = 'value', ...)");
        } else if (r.accept("partitioned")) {
            if (!r.accept("by") || !r.accept_punct('('))
                return syntax(r, "expected PARTITIONED BY (...)");
            while (true) {
                column_def c;
                if (!r.identifier(c.name))
                    return syntax(r, "expected a partition column");
                if (!r.is_punct(',') && !r.is_punct(')') && !r.type(c.type))
                    return syntax(r, "expected a partition column type");
                t.partition_keys.push_back(std::move(c));
                if (r.accept_punct(','))
                    continue;
                if (r.accept_punct(')'))
                    break;
                return syntax(r, "expected ',' or ')' in PARTITIONED BY");
            }
        } else if (r.accept("row")) {
            if (!r.accept("format"))
                return syntax(r, "expected ROW FORMAT");
            if (r.accept("delimited")) {
                row_format_delimited = true;
                while (true) {
                    std::string v;
                    if (r.accept("fields")) {
                        if (!r.accept("terminated") || !r.accept("by") || !r.string(v))
                            return syntax(r, "expected FIELDS TERMINATED BY 'c'");
                        char c = 0;
                        if (!parse_char(v, c))
                            return unsupported("athena-local reads single-character field delimiters only (FIELDS "
                                               "TERMINATED BY '" + v + "')");
                        field_delimiter = c;
                        if (r.accept("escaped")) {
                            if (!r.accept("by") || !r.string(v))
                                return syntax(r, "expected ESCAPED BY 'c'");
                        }
                    } else if (r.accept("lines")) {
                        if (!r.accept("terminated") || !r.accept("by") || !r.string(v))
                            return syntax(r, "expected LINES TERMINATED BY 'c'");
                        if (v != "\n")
                            return unsupported("athena-local reads lines terminated by '\\n' only");
                    } else if (r.accept("collection") || r.accept("map")) {
                        while (!r.at_end() && !r.accept("by"))
                            r.identifier(v);
                        if (!r.string(v))
                            return syntax(r, "expected TERMINATED BY 'c'");
                    } else if (r.accept("null")) {
                        if (!r.accept("defined") || !r.accept("as") || !r.string(v))
                            return syntax(r, "expected NULL DEFINED AS 'text'");
                        st.properties["serialization.null.format"] = v;
                    } else {
                        break;
                    }
                }
            } else if (r.accept("serde")) {
                std::string serde;
                if (!r.string(serde))
                    return syntax(r, "expected ROW FORMAT SERDE 'class'");
                std::map<std::string, std::string> serde_props;
                if (r.accept("with")) {
                    if (!r.accept("serdeproperties") || !r.property_list(serde_props))
                        return syntax(r, "expected WITH SERDEPROPERTIES (...)");
                }
                if (serde.find("ParquetHiveSerDe") != std::string::npos) {
                    stored_as = "parquet";
                } else if (serde.find("LazySimpleSerDe") != std::string::npos ||
                           serde.find("OpenCSVSerde") != std::string::npos) {
                    row_format_delimited = true;
                    for (const char* k : {"field.delim", "separatorChar"}) {
                        auto it = serde_props.find(k);
                        char c = 0;
                        if (it != serde_props.end() && parse_char(it->second, c))
                            field_delimiter = c;
                    }
                } else {
                    return unsupported("athena-local reads Parquet and delimited text only (ROW FORMAT SERDE '" +
                                       serde + "')");
                }
            } else {
                return syntax(r, "expected ROW FORMAT DELIMITED or ROW FORMAT SERDE");
            }
        } else if (r.accept("stored")) {
            if (!r.accept("as"))
                return syntax(r, "expected STORED AS");
            if (r.accept("inputformat")) {
                std::string in, out;
                if (!r.string(in) || !r.accept("outputformat") || !r.string(out))
                    return syntax(r, "expected STORED AS INPUTFORMAT '...' OUTPUTFORMAT '...'");
                stored_as = in.find("Parquet") != std::string::npos ? "parquet" : "textfile";
            } else if (!r.identifier(stored_as)) {
                return syntax(r, "expected a file format after STORED AS");
            }
        } else if (r.accept("as") || r.is_kw("select") || r.is_kw("with")) {
            return unsupported("CREATE TABLE ... AS SELECT is not supported by athena-local (it would write the "
                               "table's files); create the table over existing files with LOCATION instead");
        } else if (r.accept("clustered") || r.accept("sorted")) {
            return unsupported("bucketed tables (CLUSTERED BY / SORTED BY) are not supported by athena-local");
        } else {
            return syntax(r, "unexpected clause in CREATE TABLE");
        }
    }
    std::string fmt_name = !using_format.empty() ? using_format : stored_as;
    if (fmt_name.empty())
        fmt_name = row_format_delimited ? "textfile" : "textfile"; // Spark's Hive default: text
    if (fmt_name == "parquet") {
        t.format = table_format::parquet;
        t.parameters["classification"] = "parquet";
        if (!using_format.empty())
            t.parameters["spark.sql.sources.provider"] = "parquet";
    } else if (fmt_name == "csv") {
        t.format = table_format::delimited_text;
        t.delimiter = ',';
        for (const char* k : {"delimiter", "sep"}) {
            auto it = options.find(k);
            if (it != options.end()) {
                std::string v = it->second == "\\t" ? "\t" : it->second;
                if (!parse_char(v, t.delimiter))
                    return unsupported("athena-local reads single-character CSV delimiters only ('" + it->second +
                                       "')");
            }
        }
        if (auto it = options.find("header"); it != options.end())
            t.header = lower(it->second) == "true";
        t.parameters["classification"] = "csv";
        t.parameters["spark.sql.sources.provider"] = "csv"; // what Spark stores for a data source table
    } else if (fmt_name == "textfile" || fmt_name == "text") {
        t.format = table_format::delimited_text;
        t.delimiter = field_delimiter.value_or('\x01'); // Hive's default field delimiter
        t.parameters["classification"] = "text"; // Hive text (LazySimpleSerDe): no quoting
    } else {
        return unsupported("athena-local reads Parquet, CSV and delimited text tables only (format '" + fmt_name +
                           "')");
    }
    if (t.location.empty())
        return unsupported("athena-local creates tables over files that already exist in the local S3 only: add "
                           "LOCATION 's3://bucket/prefix/'");
    if (t.location.rfind("s3://", 0) != 0 && t.location.rfind("s3a://", 0) != 0)
        return unsupported("a table's LOCATION must be an s3:// URI of the local S3 ('" + t.location + "')");
    if (t.location.rfind("s3a://", 0) == 0)
        t.location = "s3://" + t.location.substr(6);
    if (auto it = st.properties.find("skip.header.line.count"); it != st.properties.end() && it->second == "1")
        t.header = true;
    for (auto& [k, v] : st.properties)
        t.parameters[k] = v;
    for (auto& [k, v] : options)
        t.parameters[k] = v;
    if (t.header)
        t.parameters["skip.header.line.count"] = "1";
    t.parameters["EXTERNAL"] = "TRUE";
    if (t.format == table_format::delimited_text)
        t.parameters["field.delim"] = std::string(1, t.delimiter);
    (void)external; // Spark makes every table with a LOCATION external
    t.table_type = "EXTERNAL_TABLE";
    return p;
}

} // namespace

std::vector<sql_token> tokenize(std::string_view s) {
    std::vector<sql_token> out;
    std::size_t i = 0;
    while (i < s.size()) {
        const char c = s[i];
        if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
            continue;
        }
        if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
            while (i < s.size() && s[i] != '\n')
                ++i;
            continue;
        }
        if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
            int depth = 0;
            while (i < s.size()) {
                if (s[i] == '/' && i + 1 < s.size() && s[i + 1] == '*') {
                    ++depth;
                    i += 2;
                } else if (s[i] == '*' && i + 1 < s.size() && s[i + 1] == '/') {
                    i += 2;
                    if (--depth == 0)
                        break;
                } else {
                    ++i;
                }
            }
            continue;
        }
        sql_token t;
        t.begin = i;
        if (c == '\'' || c == '"') {
            std::size_t j = i + 1;
            while (j < s.size() && s[j] != c)
                j += s[j] == '\\' ? 2 : 1;
            const std::size_t body_end = std::min(j, s.size());
            t.kind = sql_token::string;
            t.text = spark_unescape(s.substr(i + 1, body_end - i - 1));
            i = std::min(j + 1, s.size());
        } else if (c == '`') {
            std::size_t j = i + 1;
            std::string v;
            while (j < s.size()) {
                if (s[j] == '`') {
                    if (j + 1 < s.size() && s[j + 1] == '`') {
                        v.push_back('`');
                        j += 2;
                        continue;
                    }
                    break;
                }
                v.push_back(s[j++]);
            }
            t.kind = sql_token::quoted_ident;
            t.text = std::move(v);
            i = std::min(j + 1, s.size());
        } else if (std::isdigit(static_cast<unsigned char>(c)) ||
                   (c == '.' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
            std::size_t j = i;
            while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '.' ||
                                    ((s[j] == '+' || s[j] == '-') && (s[j - 1] == 'e' || s[j - 1] == 'E'))))
                ++j;
            t.kind = sql_token::number;
            t.text.assign(s.substr(i, j - i));
            i = j;
        } else if (is_word_start(c)) {
            std::size_t j = i;
            while (j < s.size() && is_word_char(s[j]))
                ++j;
            t.kind = sql_token::word;
            t.text.assign(s.substr(i, j - i));
            i = j;
        } else {
            t.kind = sql_token::punct;
            t.text.assign(1, c);
            ++i;
        }
        t.end = i;
        out.push_back(std::move(t));
    }
    return out;
}

std::vector<std::string> split_statements(std::string_view sql) {
    std::vector<std::string> out;
    std::size_t start = 0;
    auto flush = [&](std::size_t end) {
        std::string_view piece = sql.substr(start, end - start);
        if (!tokenize(piece).empty()) {
            const std::size_t b = piece.find_first_not_of(" \t\r\n");
            const std::size_t e = piece.find_last_not_of(" \t\r\n");
            out.emplace_back(piece.substr(b, e - b + 1));
        }
    };
    for (const sql_token& t : tokenize(sql)) {
        if (t.kind == sql_token::punct && t.text == ";") {
            flush(t.begin);
            start = t.end;
        }
    }
    flush(sql.size());
    return out;
}

std::string rewrite_for_duckdb(std::string_view sql) {
    const std::vector<sql_token> tokens = tokenize(sql);
    std::string out;
    std::size_t copied = 0;
    for (std::size_t k = 0; k < tokens.size(); ++k) {
        const sql_token& t = tokens[k];
        if (t.kind == sql_token::string) {
            std::string value = t.text;
            std::size_t last = k;
            while (last + 1 < tokens.size() && tokens[last + 1].kind == sql_token::string) {
                ++last;
                value += tokens[last].text; // 'a' 'b' is 'ab' in Spark
            }
            out.append(sql.substr(copied, t.begin - copied));
            out += bb::duckdb::quote_literal(value);
            copied = tokens[last].end;
            k = last;
        } else if (t.kind == sql_token::quoted_ident) {
            out.append(sql.substr(copied, t.begin - copied));
            out += bb::duckdb::quote_identifier(t.text);
            copied = t.end;
        } else if (t.kind == sql_token::word && lower(t.text) == "default" && k + 1 < tokens.size() &&
                   tokens[k + 1].kind == sql_token::punct && tokens[k + 1].text == "." &&
                   tokens[k + 1].begin == t.end) {
            out.append(sql.substr(copied, t.begin - copied));
            out += "\"default\"";
            copied = t.end;
        }
    }
    out.append(sql.substr(copied));
    return out;
}

ddl_parse parse_ddl(std::string_view sql) {
    ddl_reader r(tokenize(sql));
    ddl_parse p;
    ddl_statement& st = p.statement;
    auto finish = [&]() -> ddl_parse {
        if (!r.at_end())
            return syntax(r, "unexpected text after the statement");
        return p;
    };
    if (r.accept("use")) {
        r.accept("database") || r.accept("schema") || r.accept("namespace");
        st.kind = ddl_statement::use_database;
        if (!r.identifier(st.name))
            return syntax(r, "expected a database name after USE");
        return finish();
    }
    if (r.is_kw("set")) {
        // SET k=v: the text between SET and '=' is the key, the rest the value (as Spark's SetCommand reads it).
        const std::size_t b = sql.find_first_not_of(" \t\r\n");
        std::string_view rest = sql.substr(b + 3);
        std::size_t eq = rest.find('=');
        auto trim = [](std::string_view v) {
            const std::size_t x = v.find_first_not_of(" \t\r\n");
            if (x == std::string_view::npos)
                return std::string();
            return std::string(v.substr(x, v.find_last_not_of(" \t\r\n") - x + 1));
        };
        st.kind = ddl_statement::set_config;
        st.name = trim(rest.substr(0, eq));
        if (eq != std::string_view::npos)
            st.comment = trim(rest.substr(eq + 1));
        return p;
    }
    if (r.is_kw("analyze") || r.is_kw("refresh") || r.is_kw("cache") || r.is_kw("uncache") ||
        (r.is_kw("clear") && r.is_kw("cache", 1))) {
        st.kind = ddl_statement::no_op;
        return p;
    }
    if (r.is_kw("show")) {
        if (r.is_kw("databases", 1) || r.is_kw("schemas", 1) || r.is_kw("namespaces", 1)) {
            r.accept("show");
            r.accept("databases") || r.accept("schemas") || r.accept("namespaces");
            st.kind = ddl_statement::show_databases;
            if (r.accept("like") && !r.string(st.comment))
                return syntax(r, "expected LIKE 'pattern'");
            return finish();
        }
        if (r.is_kw("tables", 1)) {
            r.accept("show");
            r.accept("tables");
            st.kind = ddl_statement::show_tables;
            if (r.accept("in") || r.accept("from")) {
                if (!r.identifier(st.database))
                    return syntax(r, "expected a database name");
            }
            if (r.accept("like") && !r.string(st.comment))
                return syntax(r, "expected LIKE 'pattern'");
            return finish();
        }
        return p;
    }
    if (r.is_kw("create")) {
        std::size_t k = 1;
        const bool or_replace = r.is_kw("or", k) && r.is_kw("replace", k + 1);
        if (or_replace)
            k += 2;
        if (r.is_kw("database", k) || r.is_kw("schema", k) || r.is_kw("namespace", k)) {
            if (or_replace)
                return syntax(r, "CREATE OR REPLACE DATABASE is not Spark SQL");
            r.accept("create");
            r.accept("database") || r.accept("schema") || r.accept("namespace");
            st.kind = ddl_statement::create_database;
            if (r.accept("if")) {
                if (!r.accept("not") || !r.accept("exists"))
                    return syntax(r, "expected IF NOT EXISTS");
                st.if_not_exists = true;
            }
            if (!r.identifier(st.name))
                return syntax(r, "expected a database name");
            while (!r.at_end()) {
                if (r.accept("comment")) {
                    if (!r.string(st.comment))
                        return syntax(r, "expected COMMENT 'text'");
                } else if (r.accept("location")) {
                    if (!r.string(st.location))
                        return syntax(r, "expected LOCATION 'uri'");
                } else if (r.accept("with")) {
                    if (!(r.accept("dbproperties") || r.accept("properties")) || !r.property_list(st.properties))
                        return syntax(r, "expected WITH DBPROPERTIES (...)");
                } else {
                    return syntax(r, "unexpected clause in CREATE DATABASE");
                }
            }
            return p;
        }
        bool external = false;
        std::size_t kt = k;
        if (r.is_kw("external", kt)) {
            external = true;
            ++kt;
        }
        if (r.is_kw("table", kt)) {
            if (or_replace)
                return unsupported("CREATE OR REPLACE TABLE is not supported by athena-local: DROP TABLE, then "
                                   "CREATE TABLE");
            r.accept("create");
            r.accept("external");
            r.accept("table");
            return parse_create_table(r, external);
        }
        return p;
    }
    if (r.is_kw("drop")) {
        if (r.is_kw("database", 1) || r.is_kw("schema", 1) || r.is_kw("namespace", 1)) {
            r.accept("drop");
            r.accept("database") || r.accept("schema") || r.accept("namespace");
            st.kind = ddl_statement::drop_database;
            if (r.accept("if")) {
                if (!r.accept("exists"))
                    return syntax(r, "expected IF EXISTS");
                st.if_exists = true;
            }
            if (!r.identifier(st.name))
                return syntax(r, "expected a database name");
            if (r.accept("cascade"))
                st.cascade = true;
            else
                r.accept("restrict");
            return finish();
        }
        if (r.is_kw("table", 1)) {
            r.accept("drop");
            r.accept("table");
            st.kind = ddl_statement::drop_table;
            if (r.accept("if")) {
                if (!r.accept("exists"))
                    return syntax(r, "expected IF EXISTS");
                st.if_exists = true;
            }
            if (!r.qualified(st.database, st.name))
                return syntax(r, "expected a table name");
            r.accept("purge");
            return finish();
        }
    }
    return p;
}

std::string duckdb_type_for(std::string_view hive_type) {
    const std::string t = lower(hive_type);
    auto base = t.substr(0, t.find_first_of("(<"));
    while (!base.empty() && base.back() == ' ')
        base.pop_back();
    if (base == "string" || base == "varchar" || base == "char")
        return "VARCHAR";
    if (base == "int" || base == "integer")
        return "INTEGER";
    if (base == "bigint" || base == "long")
        return "BIGINT";
    if (base == "smallint" || base == "short")
        return "SMALLINT";
    if (base == "tinyint" || base == "byte")
        return "TINYINT";
    if (base == "double")
        return "DOUBLE";
    if (base == "float" || base == "real")
        return "FLOAT";
    if (base == "boolean")
        return "BOOLEAN";
    if (base == "date")
        return "DATE";
    if (base == "timestamp")
        return "TIMESTAMP";
    if (base == "binary")
        return "BLOB";
    if (base == "decimal" || base == "numeric" || base == "dec") {
        if (t.size() == base.size())
            return "DECIMAL(10,0)";
        std::string args = t.substr(base.size());
        std::string out = "DECIMAL";
        for (char c : args)
            if (c != ' ')
                out.push_back(c);
        for (char c : out.substr(7))
            if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '(' || c == ')' || c == ','))
                return "VARCHAR";
        return out;
    }
    return "VARCHAR";
}

std::vector<std::string> referenced_names(std::string_view sql) {
    std::vector<std::string> out;
    for (const sql_token& t : tokenize(sql))
        if (t.kind == sql_token::word || t.kind == sql_token::quoted_ident)
            out.push_back(lower(t.text));
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

} // namespace athena_local::calc::detail
