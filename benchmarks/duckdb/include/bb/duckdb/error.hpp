// Errors of the DuckDB wrapper: one std::error_code category ("bb.duckdb"), plus small result types
// that carry DuckDB's own error text beside the code.
#pragma once

#include <optional>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>

namespace bb::duckdb {

/// What went wrong, coarsely; DuckDB's message (status::message()) has the details.
enum class error {
    ok = 0,
    open_failed,       ///< duckdb_open_ext failed (bad path, locked file, bad configuration)
    connect_failed,    ///< duckdb_connect failed
    syntax_error,      ///< the SQL does not parse (DuckDB's Parser/Syntax errors)
    catalog_error,     ///< unknown table, column, function or type (Catalog/Binder errors)
    conversion_error,  ///< a value did not convert (bad CSV field, overflow, division by zero)
    io_error,          ///< a file could not be read or written
    interrupted,       ///< connection::interrupt() stopped the statement
    out_of_memory,     ///< DuckDB hit its memory limit
    missing_extension, ///< the SQL needs an extension that is not built in (never downloaded)
    query_failed,      ///< any other DuckDB error
    invalid_argument,  ///< the wrapper rejected an argument before calling DuckDB (message says which)
};

/// The category of bb::duckdb::error; name() is "bb.duckdb".
const std::error_category& duckdb_category() noexcept;

inline std::error_code make_error_code(error e) noexcept {
    return {static_cast<int>(e), duckdb_category()};
}

/// Success, or an error code with DuckDB's message ("Catalog Error: Table with name x does not exist!").
class status {
public:
    status() = default;
    status(std::error_code ec, std::string message)
        : ec_(ec)
        , message_(std::move(message)) {}

    bool ok() const noexcept { return !ec_; }
    explicit operator bool() const noexcept { return ok(); }
    std::error_code code() const noexcept { return ec_; }
    /// Empty on success.
    const std::string& message() const noexcept { return message_; }

private:
    std::error_code ec_;
    std::string message_;
};

/// A value of T, or a failed status. value() on a failed result throws std::logic_error (a bug in
/// the caller, who should have tested the result first).
template <class T>
class result {
public:
    result(T value)
        : value_(std::move(value)) {}
    result(status failure)
        : status_(std::move(failure)) {}
    result(std::error_code ec, std::string message)
        : status_(ec, std::move(message)) {}

    bool has_value() const noexcept { return value_.has_value(); }
    explicit operator bool() const noexcept { return has_value(); }
    const status& get_status() const noexcept { return status_; }
    std::error_code code() const noexcept { return status_.code(); }
    const std::string& message() const noexcept { return status_.message(); }

    T& value() & { return checked(); }
    const T& value() const& { return const_cast<result*>(this)->checked(); }
    T&& value() && { return std::move(checked()); }
    T& operator*() & { return checked(); }
    const T& operator*() const& { return const_cast<result*>(this)->checked(); }
    T* operator->() { return &checked(); }
    const T* operator->() const { return &const_cast<result*>(this)->checked(); }

private:
    T& checked();

    std::optional<T> value_;
    status status_;
};

[[noreturn]] void throw_bad_result_access(const status& failure);

template <class T>
T& result<T>::checked() {
    if (!value_) {
        throw_bad_result_access(status_);
    }
    return *value_;
}

} // namespace bb::duckdb

template <>
struct std::is_error_code_enum<bb::duckdb::error> : std::true_type {};
