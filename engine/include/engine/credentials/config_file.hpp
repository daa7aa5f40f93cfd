#pragma once
// The shared AWS config and credentials files (~/.aws/config, ~/.aws/credentials) read the way
// the AWS CLI (botocore) reads them. Parsing is pure; load_shared_config() reads the two files.
//
// Format, as implemented:
//   - Lines are split on '\n' ("\r\n" accepted); a UTF-8 BOM at the start is skipped.
//   - Blank lines and lines whose first non-blank character is '#' or ';' are comments.
//   - "[name]" starts a section. Whitespace inside the brackets is trimmed; a comment may follow
//     the ']' ("[default] # main"). Repeated sections are merged, later keys win.
//       config file:      [default] or [profile default] -> profile "default"
//                         [profile name]                 -> profile "name"
//                         [anything else] (sso-session x, services y, or a bare [name])
//                                                        -> a non-profile section, kept apart
//       credentials file: [name]                          -> profile "name" (no "profile " prefix)
//   - "key = value": the key is trimmed and lower-cased (keys are case-insensitive, as in
//     botocore's configparser), the value is trimmed. Values keep '#' and ';' characters:
//     there are no inline comments in values (botocore), so credential_process commands such as
//     "sh -c 'a; b'" survive.
//   - An indented line after "key =" (empty value) is a sub-property ("s3 =\n  max_concurrent_
//     requests = 10"); sub-properties go to `nested`, never to `properties`. An indented line
//     after "key = value" continues the value (joined with '\n').
//   - Errors (error::config_parse, message "<file>:<line>: <what>"): a property before any
//     section, a line without '=', an empty key, a section header without ']', text after ']' that
//     is not a comment, an empty section name, an indented line with no property to attach to.
// All functions are thread-safe (no shared state).
#include <engine/credentials/environment.hpp>

#include <map>
#include <string>
#include <string_view>
#include <system_error>

namespace engine::credentials {

using property_map = std::map<std::string, std::string, std::less<>>;

/// One section of one file.
struct ini_section {
    property_map properties;                                 ///< lower-case key -> value
    std::map<std::string, property_map, std::less<>> nested; ///< "s3" -> {"max_concurrent_requests": "10"}
};

enum class file_kind { config, credentials };

/// A parsed file: profiles by name, and (config file only) the other sections by their full name.
struct profile_file {
    std::map<std::string, ini_section, std::less<>> profiles;
    std::map<std::string, ini_section, std::less<>> other_sections;
};

/// Parses one file's text. `file_name` only appears in the error message.
std::error_code parse_profile_file(std::string_view text, file_kind kind, std::string_view file_name,
                                   profile_file& out, std::string& message);

/// A profile as seen through both files.
struct profile {
    std::string name;
    const ini_section* config = nullptr;      ///< section of the config file, if any
    const ini_section* credentials = nullptr; ///< section of the credentials file, if any

    /// The key's value: the credentials file wins over the config file (botocore merges the
    /// credentials file over the config file). nullptr when absent or empty.
    const std::string* get(std::string_view key) const;
    /// The key's value in one file only; nullptr when absent or empty.
    const std::string* get(std::string_view key, file_kind from) const;
};

/// Both files, parsed, plus where they were read from.
struct shared_config {
    profile_file config;
    profile_file credentials;
    std::string config_path;      ///< path used for the config file (may not exist)
    std::string credentials_path; ///< path used for the credentials file (may not exist)

    /// The merged view of a profile; nullopt if neither file has it.
    std::optional<profile> find(std::string_view name) const;
};

/// Path of the config file: $AWS_CONFIG_FILE (with ~ expanded) or ~/.aws/config.
std::string config_file_path(const environment& env);
/// Path of the credentials file: $AWS_SHARED_CREDENTIALS_FILE (with ~ expanded) or ~/.aws/credentials.
std::string credentials_file_path(const environment& env);

/// The profile to use: `explicit_profile` if set, else $AWS_PROFILE, else $AWS_DEFAULT_PROFILE,
/// else "default". `is_explicit` is set when the name did not fall back to "default".
std::string select_profile(const environment& env, const std::optional<std::string>& explicit_profile,
                           bool* is_explicit = nullptr);

/// Reads and parses both files. A missing file is not an error (it is simply empty); a file that
/// exists but cannot be read is error::file_read; a malformed file is error::config_parse.
/// Synchronous (the files are small; the SDKs read them the same way).
std::error_code load_shared_config(const environment& env, shared_config& out, std::string& message);

/// Reads a whole file (at most `max_bytes`). error::file_read with a message naming the path.
std::error_code read_text_file(const std::string& path, std::string& out, std::string& message,
                               std::size_t max_bytes = 1 << 20);

} // namespace engine::credentials
