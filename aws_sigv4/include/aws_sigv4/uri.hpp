#pragma once
// URI encoding as SigV4 canonicalization defines it (RFC 3986 unreserved characters kept,
// everything else %XX with uppercase hex).
#include <string>
#include <string_view>

namespace aws_sigv4 {

/// Appends `in` percent-encoded to `out`. `keep_slash` keeps '/' (paths); `keep_escapes` copies
/// valid %XX escapes unchanged instead of encoding their '%' (S3's single encoding).
void uri_encode(std::string_view in, bool keep_slash, bool keep_escapes, std::string& out);

/// Appends `in` with valid %XX escapes decoded ('+' is left alone).
void uri_decode(std::string_view in, std::string& out);

/// Removes "." and ".." segments and collapses repeated '/', keeping a trailing '/' (as botocore
/// and aws-c-auth do): "/a/./b/../c//" -> "/a/c/", "/a/b/.." -> "/a", "//" -> "/", "" -> "/".
std::string normalize_path(std::string_view path);

} // namespace aws_sigv4
