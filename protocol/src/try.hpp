#pragma once
// Private to protocol/: early return on a set std::error_code.
#include <system_error>

/// Evaluates an expression returning std::error_code and returns it from the caller when set.
#define BB_TRY(expr)                                                                                         \
    do {                                                                                                     \
        if (std::error_code bb_try_ec_ = (expr))                                                             \
            return bb_try_ec_;                                                                               \
    } while (false)
