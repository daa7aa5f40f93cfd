// The bb-async code-block template's readers (protocol/spark_template.hpp) on arbitrary text: parse_result() on
// a calculation's stdout, recognise() on calculation code. Byte 0 picks the reader. Neither may throw or crash;
// what format_result_line() writes must parse back to the same values, and make_code_block() must round-trip.
#include <protocol/spark_template.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1)
        return 0;
    std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
    namespace spark = protocol::spark;
    switch (data[0] % 4) {
    case 0:
    case 1: {
        spark::result_set out;
        std::string message;
        if (!spark::parse_result(in, out, message)) {
            for (const auto& row : out.rows)
                if (row.size() != out.columns.size())
                    __builtin_trap(); // a parsed result is rectangular
            // Writing it again and reading that back gives the same values.
            spark::result_set again;
            if (spark::parse_result(spark::format_result_line(out), again, message) || again.rows != out.rows)
                __builtin_trap();
        } else if (message.empty()) {
            __builtin_trap(); // every error says what was wrong
        }
        break;
    }
    case 2: {
        auto r = spark::recognise(in);
        (void)r;
        break;
    }
    default: {
        auto r = spark::recognise(spark::make_code_block(in));
        if (!r.matched)
            __builtin_trap();
        if (r.error.empty() && r.sql != in)
            __builtin_trap(); // valid UTF-8 SQL comes back byte for byte
        (void)spark::python_decimal_str(in);
        break;
    }
    }
    return 0;
}
