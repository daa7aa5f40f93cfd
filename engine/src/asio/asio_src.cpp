// Separate compilation of Boost.Asio (with SSL) and Boost.Beast: compiled once here instead of in
// every translation unit that uses them. See engine/CMakeLists.txt.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
