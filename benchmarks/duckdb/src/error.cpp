#include <bb/duckdb/error.hpp>

#include <stdexcept>
#include <string>

namespace bb::duckdb {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "bb.duckdb"; }
    std::string message(int ev) const override {
        switch (static_cast<error>(ev)) {
        case error::ok:
            return "success";
        case error::open_failed:
            return "DuckDB could not open the database";
        case error::connect_failed:
            return "DuckDB could not open a connection";
        case error::syntax_error:
            return "the SQL does not parse";
        case error::catalog_error:
            return "unknown table, column, function or type";
        case error::conversion_error:
            return "a value could not be converted";
        case error::io_error:
            return "a file could not be read or written";
        case error::interrupted:
            return "the statement was interrupted";
        case error::out_of_memory:
            return "DuckDB ran out of memory";
        case error::missing_extension:
            return "the SQL needs a DuckDB extension that is not built in (extensions are never downloaded)";
        case error::query_failed:
            return "the statement failed";
        case error::invalid_argument:
            return "invalid argument";
        }
        return "unknown bb.duckdb error";
    }
};

} // namespace

const std::error_category& duckdb_category() noexcept {
    static const category instance;
    return instance;
}

void throw_bad_result_access(const status& failure) {
    throw std::logic_error("bb::duckdb::result has no value: " + failure.code().message() + ": " +
                           failure.message());
}

} // namespace bb::duckdb
