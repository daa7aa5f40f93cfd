#include <athena_local/service.hpp>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace athena_local {

json_reply json_error(unsigned status, std::string_view type, std::string_view message) {
    boost::json::object o;
    o["__type"] = type;
    o["message"] = message;
    return json_reply{status, boost::json::serialize(o)};
}

} // namespace athena_local
