// Feeds AWSGlue requests to athena-local's glue_service over stdin/stdout for glue_botocore_check.py:
// each input line is "<Operation>\t<JSON body on one line>", each output line "<status>\t<JSON body>".
// The catalog lives in memory; its clock is fixed (CreateTime = UpdateTime = 1700000000.25).
#include <athena_local/glue.hpp>

#include <iostream>
#include <string>

int main() {
    athena_local::glue_catalog catalog{std::filesystem::path{}};
    athena_local::glue_service glue{
        catalog, {std::string(athena_local::default_account_id), [] { return 1700000000.25; }}};
    std::string line;
    while (std::getline(std::cin, line)) {
        const auto tab = line.find('\t');
        const std::string op = line.substr(0, tab);
        const std::string body = tab == std::string::npos ? std::string() : line.substr(tab + 1);
        const athena_local::json_reply r = glue.call(op, body);
        std::cout << r.status << '\t' << r.body << '\n' << std::flush;
    }
    return 0;
}
