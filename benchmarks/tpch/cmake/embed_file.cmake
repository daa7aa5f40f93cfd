# cmake -DINPUT=<file> -DOUTPUT=<file.cpp> -DSYMBOL=<name> -DNAMESPACE=<ns> -P embed_file.cmake
# Writes a C++ source defining `std::string_view <ns>::<name>()` that returns the bytes of INPUT,
# so the library needs no data file at run time.
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_len)
math(EXPR size "${hex_len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){24})" "\\1\n" bytes "${bytes}")
file(WRITE "${OUTPUT}.tmp"
"// Generated from ${INPUT} by embed_file.cmake; do not edit.\n"
"#include <string_view>\n\n"
"namespace ${NAMESPACE} {\n"
"namespace {\n"
"const char data[] = {\n${bytes}0x00};\n"
"} // namespace\n"
"std::string_view ${SYMBOL}() noexcept { return {data, ${size}}; }\n"
"} // namespace ${NAMESPACE}\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
