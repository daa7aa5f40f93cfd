#pragma once
// The whole signer. See docs/SIGV4.md.
#include <aws_sigv4/chunked.hpp>
#include <aws_sigv4/crc32c.hpp>
#include <aws_sigv4/credentials.hpp>
#include <aws_sigv4/error.hpp>
#include <aws_sigv4/hash.hpp>
#include <aws_sigv4/request.hpp>
#include <aws_sigv4/request_file.hpp>
#include <aws_sigv4/settings.hpp>
#include <aws_sigv4/sign.hpp>
#include <aws_sigv4/time.hpp>
#include <aws_sigv4/uri.hpp>
