// Column schemas of the TPC-H tables (TPC-H specification clause 1.4).
#include <tpch/schema.hpp>

namespace tpch {
namespace {

using k = column_kind;

constexpr column part_cols[] = {
    {"p_partkey", k::bigint, 0, "BIGINT"},        {"p_name", k::varchar, 55, "VARCHAR(55)"},
    {"p_mfgr", k::chr, 25, "CHAR(25)"},           {"p_brand", k::chr, 10, "CHAR(10)"},
    {"p_type", k::varchar, 25, "VARCHAR(25)"},    {"p_size", k::integer, 0, "INTEGER"},
    {"p_container", k::chr, 10, "CHAR(10)"},      {"p_retailprice", k::decimal, 15, "DECIMAL(15,2)"},
    {"p_comment", k::varchar, 23, "VARCHAR(23)"},
};
constexpr column partsupp_cols[] = {
    {"ps_partkey", k::bigint, 0, "BIGINT"},          {"ps_suppkey", k::bigint, 0, "BIGINT"},
    {"ps_availqty", k::integer, 0, "INTEGER"},       {"ps_supplycost", k::decimal, 15, "DECIMAL(15,2)"},
    {"ps_comment", k::varchar, 199, "VARCHAR(199)"},
};
constexpr column supplier_cols[] = {
    {"s_suppkey", k::bigint, 0, "BIGINT"},
    {"s_name", k::chr, 25, "CHAR(25)"},
    {"s_address", k::varchar, 40, "VARCHAR(40)"},
    {"s_nationkey", k::integer, 0, "INTEGER"},
    {"s_phone", k::chr, 15, "CHAR(15)"},
    {"s_acctbal", k::decimal, 15, "DECIMAL(15,2)"},
    {"s_comment", k::varchar, 101, "VARCHAR(101)"},
};
constexpr column customer_cols[] = {
    {"c_custkey", k::bigint, 0, "BIGINT"},        {"c_name", k::varchar, 25, "VARCHAR(25)"},
    {"c_address", k::varchar, 40, "VARCHAR(40)"}, {"c_nationkey", k::integer, 0, "INTEGER"},
    {"c_phone", k::chr, 15, "CHAR(15)"},          {"c_acctbal", k::decimal, 15, "DECIMAL(15,2)"},
    {"c_mktsegment", k::chr, 10, "CHAR(10)"},     {"c_comment", k::varchar, 117, "VARCHAR(117)"},
};
constexpr column orders_cols[] = {
    {"o_orderkey", k::bigint, 0, "BIGINT"},       {"o_custkey", k::bigint, 0, "BIGINT"},
    {"o_orderstatus", k::chr, 1, "CHAR(1)"},      {"o_totalprice", k::decimal, 15, "DECIMAL(15,2)"},
    {"o_orderdate", k::date, 0, "DATE"},          {"o_orderpriority", k::chr, 15, "CHAR(15)"},
    {"o_clerk", k::chr, 15, "CHAR(15)"},          {"o_shippriority", k::integer, 0, "INTEGER"},
    {"o_comment", k::varchar, 79, "VARCHAR(79)"},
};
constexpr column lineitem_cols[] = {
    {"l_orderkey", k::bigint, 0, "BIGINT"},
    {"l_partkey", k::bigint, 0, "BIGINT"},
    {"l_suppkey", k::bigint, 0, "BIGINT"},
    {"l_linenumber", k::integer, 0, "INTEGER"},
    {"l_quantity", k::decimal, 15, "DECIMAL(15,2)"},
    {"l_extendedprice", k::decimal, 15, "DECIMAL(15,2)"},
    {"l_discount", k::decimal, 15, "DECIMAL(15,2)"},
    {"l_tax", k::decimal, 15, "DECIMAL(15,2)"},
    {"l_returnflag", k::chr, 1, "CHAR(1)"},
    {"l_linestatus", k::chr, 1, "CHAR(1)"},
    {"l_shipdate", k::date, 0, "DATE"},
    {"l_commitdate", k::date, 0, "DATE"},
    {"l_receiptdate", k::date, 0, "DATE"},
    {"l_shipinstruct", k::chr, 25, "CHAR(25)"},
    {"l_shipmode", k::chr, 10, "CHAR(10)"},
    {"l_comment", k::varchar, 44, "VARCHAR(44)"},
};
constexpr column nation_cols[] = {
    {"n_nationkey", k::integer, 0, "INTEGER"},
    {"n_name", k::chr, 25, "CHAR(25)"},
    {"n_regionkey", k::integer, 0, "INTEGER"},
    {"n_comment", k::varchar, 152, "VARCHAR(152)"},
};
constexpr column region_cols[] = {
    {"r_regionkey", k::integer, 0, "INTEGER"},
    {"r_name", k::chr, 25, "CHAR(25)"},
    {"r_comment", k::varchar, 152, "VARCHAR(152)"},
};

} // namespace

std::span<const column> table_schema(table t) noexcept {
    switch (t) {
    case table::part:
        return part_cols;
    case table::partsupp:
        return partsupp_cols;
    case table::supplier:
        return supplier_cols;
    case table::customer:
        return customer_cols;
    case table::orders:
        return orders_cols;
    case table::lineitem:
        return lineitem_cols;
    case table::nation:
        return nation_cols;
    case table::region:
        return region_cols;
    }
    return {};
}

std::string_view table_name(table t) noexcept {
    switch (t) {
    case table::part:
        return "part";
    case table::partsupp:
        return "partsupp";
    case table::supplier:
        return "supplier";
    case table::customer:
        return "customer";
    case table::orders:
        return "orders";
    case table::lineitem:
        return "lineitem";
    case table::nation:
        return "nation";
    case table::region:
        return "region";
    }
    return {};
}

std::optional<table> parse_table(std::string_view name) noexcept {
    for (table t : all_tables) {
        if (table_name(t) == name) {
            return t;
        }
    }
    return std::nullopt;
}

} // namespace tpch
