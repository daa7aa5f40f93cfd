// The 22 TPC-H queries, written from the TPC-H specification's functional query definitions
// (clause 2.4), in SQL that Spark SQL 3.x and DuckDB both accept (see tpch/queries.hpp).
//
// Template directives: `:1`..`:10` = qgen parameter, `:a` = the derived date (end of the date range,
// computed in derived_date()), `:s` = stream number. No other ':' appears in the templates.
#include <tpch/queries.hpp>

#include <array>
#include <charconv>

namespace tpch {
namespace detail {
std::string civil_date(std::int64_t days);
std::int64_t civil_days(std::int64_t y, unsigned m, unsigned d) noexcept;
} // namespace detail

namespace {

struct query_def {
    std::string_view name;
    int params;    // number of qgen parameters
    int row_limit; // -1: none
    std::string_view sql;
};

// clang-format off
const std::array<query_def, query_count> queries = {{
{"Pricing Summary Report", 1, -1, R"sql(select
    l_returnflag,
    l_linestatus,
    sum(l_quantity) as sum_qty,
    sum(l_extendedprice) as sum_base_price,
    sum(l_extendedprice * (1 - l_discount)) as sum_disc_price,
    sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) as sum_charge,
    avg(l_quantity) as avg_qty,
    avg(l_extendedprice) as avg_price,
    avg(l_discount) as avg_disc,
    count(*) as count_order
from
    lineitem
where
    l_shipdate <= date ':a'
group by
    l_returnflag,
    l_linestatus
order by
    l_returnflag,
    l_linestatus)sql"},

{"Minimum Cost Supplier", 3, 100, R"sql(select
    s_acctbal,
    s_name,
    n_name,
    p_partkey,
    p_mfgr,
    s_address,
    s_phone,
    s_comment
from
    part,
    supplier,
    partsupp,
    nation,
    region
where
    p_partkey = ps_partkey
    and s_suppkey = ps_suppkey
    and p_size = :1
    and p_type like '%:2'
    and s_nationkey = n_nationkey
    and n_regionkey = r_regionkey
    and r_name = ':3'
    and ps_supplycost = (
        select
            min(ps_supplycost)
        from
            partsupp,
            supplier,
            nation,
            region
        where
            p_partkey = ps_partkey
            and s_suppkey = ps_suppkey
            and s_nationkey = n_nationkey
            and n_regionkey = r_regionkey
            and r_name = ':3'
    )
order by
    s_acctbal desc,
    n_name,
    s_name,
    p_partkey
limit 100)sql"},

{"Shipping Priority", 2, 10, R"sql(select
    l_orderkey,
    sum(l_extendedprice * (1 - l_discount)) as revenue,
    o_orderdate,
    o_shippriority
from
    customer,
    orders,
    lineitem
where
    c_mktsegment = ':1'
    and c_custkey = o_custkey
    and l_orderkey = o_orderkey
    and o_orderdate < date ':2'
    and l_shipdate > date ':2'
group by
    l_orderkey,
    o_orderdate,
    o_shippriority
order by
    revenue desc,
    o_orderdate
limit 10)sql"},

{"Order Priority Checking", 1, -1, R"sql(select
    o_orderpriority,
    count(*) as order_count
from
    orders
where
    o_orderdate >= date ':1'
    and o_orderdate < date ':a'
    and exists (
        select
            *
        from
            lineitem
        where
            l_orderkey = o_orderkey
            and l_commitdate < l_receiptdate
    )
group by
    o_orderpriority
order by
    o_orderpriority)sql"},

{"Local Supplier Volume", 2, -1, R"sql(select
    n_name,
    sum(l_extendedprice * (1 - l_discount)) as revenue
from
    customer,
    orders,
    lineitem,
    supplier,
    nation,
    region
where
    c_custkey = o_custkey
    and l_orderkey = o_orderkey
    and l_suppkey = s_suppkey
    and c_nationkey = s_nationkey
    and s_nationkey = n_nationkey
    and n_regionkey = r_regionkey
    and r_name = ':1'
    and o_orderdate >= date ':2'
    and o_orderdate < date ':a'
group by
    n_name
order by
    revenue desc)sql"},

{"Forecasting Revenue Change", 3, -1, R"sql(select
    sum(l_extendedprice * l_discount) as revenue
from
    lineitem
where
    l_shipdate >= date ':1'
    and l_shipdate < date ':a'
    and l_discount between :2 - 0.01 and :2 + 0.01
    and l_quantity < :3)sql"},

{"Volume Shipping", 2, -1, R"sql(select
    supp_nation,
    cust_nation,
    l_year,
    sum(volume) as revenue
from
    (
        select
            n1.n_name as supp_nation,
            n2.n_name as cust_nation,
            extract(year from l_shipdate) as l_year,
            l_extendedprice * (1 - l_discount) as volume
        from
            supplier,
            lineitem,
            orders,
            customer,
            nation n1,
            nation n2
        where
            s_suppkey = l_suppkey
            and o_orderkey = l_orderkey
            and c_custkey = o_custkey
            and s_nationkey = n1.n_nationkey
            and c_nationkey = n2.n_nationkey
            and (
                (n1.n_name = ':1' and n2.n_name = ':2')
                or (n1.n_name = ':2' and n2.n_name = ':1')
            )
            and l_shipdate between date '1995-01-01' and date '1996-12-31'
    ) as shipping
group by
    supp_nation,
    cust_nation,
    l_year
order by
    supp_nation,
    cust_nation,
    l_year)sql"},

{"National Market Share", 3, -1, R"sql(select
    o_year,
    sum(case
        when nation = ':1' then volume
        else 0
    end) / sum(volume) as mkt_share
from
    (
        select
            extract(year from o_orderdate) as o_year,
            l_extendedprice * (1 - l_discount) as volume,
            n2.n_name as nation
        from
            part,
            supplier,
            lineitem,
            orders,
            customer,
            nation n1,
            nation n2,
            region
        where
            p_partkey = l_partkey
            and s_suppkey = l_suppkey
            and l_orderkey = o_orderkey
            and o_custkey = c_custkey
            and c_nationkey = n1.n_nationkey
            and n1.n_regionkey = r_regionkey
            and r_name = ':2'
            and s_nationkey = n2.n_nationkey
            and o_orderdate between date '1995-01-01' and date '1996-12-31'
            and p_type = ':3'
    ) as all_nations
group by
    o_year
order by
    o_year)sql"},

{"Product Type Profit Measure", 1, -1, R"sql(select
    nation,
    o_year,
    sum(amount) as sum_profit
from
    (
        select
            n_name as nation,
            extract(year from o_orderdate) as o_year,
            l_extendedprice * (1 - l_discount) - ps_supplycost * l_quantity as amount
        from
            part,
            supplier,
            lineitem,
            partsupp,
            orders,
            nation
        where
            s_suppkey = l_suppkey
            and ps_suppkey = l_suppkey
            and ps_partkey = l_partkey
            and p_partkey = l_partkey
            and o_orderkey = l_orderkey
            and s_nationkey = n_nationkey
            and p_name like '%:1%'
    ) as profit
group by
    nation,
    o_year
order by
    nation,
    o_year desc)sql"},

{"Returned Item Reporting", 1, 20, R"sql(select
    c_custkey,
    c_name,
    sum(l_extendedprice * (1 - l_discount)) as revenue,
    c_acctbal,
    n_name,
    c_address,
    c_phone,
    c_comment
from
    customer,
    orders,
    lineitem,
    nation
where
    c_custkey = o_custkey
    and l_orderkey = o_orderkey
    and o_orderdate >= date ':1'
    and o_orderdate < date ':a'
    and l_returnflag = 'R'
    and c_nationkey = n_nationkey
group by
    c_custkey,
    c_name,
    c_acctbal,
    c_phone,
    n_name,
    c_address,
    c_comment
order by
    revenue desc
limit 20)sql"},

{"Important Stock Identification", 2, -1, R"sql(select
    ps_partkey,
    sum(ps_supplycost * ps_availqty) as value
from
    partsupp,
    supplier,
    nation
where
    ps_suppkey = s_suppkey
    and s_nationkey = n_nationkey
    and n_name = ':1'
group by
    ps_partkey
having
    sum(ps_supplycost * ps_availqty) > (
        select
            sum(ps_supplycost * ps_availqty) * :2
        from
            partsupp,
            supplier,
            nation
        where
            ps_suppkey = s_suppkey
            and s_nationkey = n_nationkey
            and n_name = ':1'
    )
order by
    value desc)sql"},

{"Shipping Modes and Order Priority", 3, -1, R"sql(select
    l_shipmode,
    sum(case
        when o_orderpriority = '1-URGENT' or o_orderpriority = '2-HIGH' then 1
        else 0
    end) as high_line_count,
    sum(case
        when o_orderpriority <> '1-URGENT' and o_orderpriority <> '2-HIGH' then 1
        else 0
    end) as low_line_count
from
    orders,
    lineitem
where
    o_orderkey = l_orderkey
    and l_shipmode in (':1', ':2')
    and l_commitdate < l_receiptdate
    and l_shipdate < l_commitdate
    and l_receiptdate >= date ':3'
    and l_receiptdate < date ':a'
group by
    l_shipmode
order by
    l_shipmode)sql"},

{"Customer Distribution", 2, -1, R"sql(select
    c_count,
    count(*) as custdist
from
    (
        select
            c_custkey,
            count(o_orderkey) as c_count
        from
            customer
            left outer join orders on
                c_custkey = o_custkey
                and o_comment not like '%:1%:2%'
        group by
            c_custkey
    ) as c_orders
group by
    c_count
order by
    custdist desc,
    c_count desc)sql"},

{"Promotion Effect", 1, -1, R"sql(select
    100.00 * sum(case
        when p_type like 'PROMO%' then l_extendedprice * (1 - l_discount)
        else 0
    end) / sum(l_extendedprice * (1 - l_discount)) as promo_revenue
from
    lineitem,
    part
where
    l_partkey = p_partkey
    and l_shipdate >= date ':1'
    and l_shipdate < date ':a')sql"},

{"Top Supplier", 1, -1, R"sql(with revenue:s as (
    select
        l_suppkey as supplier_no,
        sum(l_extendedprice * (1 - l_discount)) as total_revenue
    from
        lineitem
    where
        l_shipdate >= date ':1'
        and l_shipdate < date ':a'
    group by
        l_suppkey
)
select
    s_suppkey,
    s_name,
    s_address,
    s_phone,
    total_revenue
from
    supplier,
    revenue:s
where
    s_suppkey = supplier_no
    and total_revenue = (
        select
            max(total_revenue)
        from
            revenue:s
    )
order by
    s_suppkey)sql"},

{"Parts/Supplier Relationship", 10, -1, R"sql(select
    p_brand,
    p_type,
    p_size,
    count(distinct ps_suppkey) as supplier_cnt
from
    partsupp,
    part
where
    p_partkey = ps_partkey
    and p_brand <> ':1'
    and p_type not like ':2%'
    and p_size in (:3, :4, :5, :6, :7, :8, :9, :10)
    and ps_suppkey not in (
        select
            s_suppkey
        from
            supplier
        where
            s_comment like '%Customer%Complaints%'
    )
group by
    p_brand,
    p_type,
    p_size
order by
    supplier_cnt desc,
    p_brand,
    p_type,
    p_size)sql"},

{"Small-Quantity-Order Revenue", 2, -1, R"sql(select
    sum(l_extendedprice) / 7.0 as avg_yearly
from
    lineitem,
    part
where
    p_partkey = l_partkey
    and p_brand = ':1'
    and p_container = ':2'
    and l_quantity < (
        select
            0.2 * avg(l_quantity)
        from
            lineitem
        where
            l_partkey = p_partkey
    ))sql"},

{"Large Volume Customer", 1, 100, R"sql(select
    c_name,
    c_custkey,
    o_orderkey,
    o_orderdate,
    o_totalprice,
    sum(l_quantity)
from
    customer,
    orders,
    lineitem
where
    o_orderkey in (
        select
            l_orderkey
        from
            lineitem
        group by
            l_orderkey
        having
            sum(l_quantity) > :1
    )
    and c_custkey = o_custkey
    and o_orderkey = l_orderkey
group by
    c_name,
    c_custkey,
    o_orderkey,
    o_orderdate,
    o_totalprice
order by
    o_totalprice desc,
    o_orderdate
limit 100)sql"},

{"Discounted Revenue", 6, -1, R"sql(select
    sum(l_extendedprice * (1 - l_discount)) as revenue
from
    lineitem,
    part
where
    (
        p_partkey = l_partkey
        and p_brand = ':1'
        and p_container in ('SM CASE', 'SM BOX', 'SM PACK', 'SM PKG')
        and l_quantity >= :4 and l_quantity <= :4 + 10
        and p_size between 1 and 5
        and l_shipmode in ('AIR', 'AIR REG')
        and l_shipinstruct = 'DELIVER IN PERSON'
    )
    or
    (
        p_partkey = l_partkey
        and p_brand = ':2'
        and p_container in ('MED BAG', 'MED BOX', 'MED PKG', 'MED PACK')
        and l_quantity >= :5 and l_quantity <= :5 + 10
        and p_size between 1 and 10
        and l_shipmode in ('AIR', 'AIR REG')
        and l_shipinstruct = 'DELIVER IN PERSON'
    )
    or
    (
        p_partkey = l_partkey
        and p_brand = ':3'
        and p_container in ('LG CASE', 'LG BOX', 'LG PACK', 'LG PKG')
        and l_quantity >= :6 and l_quantity <= :6 + 10
        and p_size between 1 and 15
        and l_shipmode in ('AIR', 'AIR REG')
        and l_shipinstruct = 'DELIVER IN PERSON'
    ))sql"},

{"Potential Part Promotion", 3, -1, R"sql(select
    s_name,
    s_address
from
    supplier,
    nation
where
    s_suppkey in (
        select
            ps_suppkey
        from
            partsupp
        where
            ps_partkey in (
                select
                    p_partkey
                from
                    part
                where
                    p_name like ':1%'
            )
            and ps_availqty > (
                select
                    0.5 * sum(l_quantity)
                from
                    lineitem
                where
                    l_partkey = ps_partkey
                    and l_suppkey = ps_suppkey
                    and l_shipdate >= date ':2'
                    and l_shipdate < date ':a'
            )
    )
    and s_nationkey = n_nationkey
    and n_name = ':3'
order by
    s_name)sql"},

{"Suppliers Who Kept Orders Waiting", 1, 100, R"sql(select
    s_name,
    count(*) as numwait
from
    supplier,
    lineitem l1,
    orders,
    nation
where
    s_suppkey = l1.l_suppkey
    and o_orderkey = l1.l_orderkey
    and o_orderstatus = 'F'
    and l1.l_receiptdate > l1.l_commitdate
    and exists (
        select
            *
        from
            lineitem l2
        where
            l2.l_orderkey = l1.l_orderkey
            and l2.l_suppkey <> l1.l_suppkey
    )
    and not exists (
        select
            *
        from
            lineitem l3
        where
            l3.l_orderkey = l1.l_orderkey
            and l3.l_suppkey <> l1.l_suppkey
            and l3.l_receiptdate > l3.l_commitdate
    )
    and s_nationkey = n_nationkey
    and n_name = ':1'
group by
    s_name
order by
    numwait desc,
    s_name
limit 100)sql"},

{"Global Sales Opportunity", 7, -1, R"sql(select
    cntrycode,
    count(*) as numcust,
    sum(c_acctbal) as totacctbal
from
    (
        select
            substring(c_phone, 1, 2) as cntrycode,
            c_acctbal
        from
            customer
        where
            substring(c_phone, 1, 2) in (':1', ':2', ':3', ':4', ':5', ':6', ':7')
            and c_acctbal > (
                select
                    avg(c_acctbal)
                from
                    customer
                where
                    c_acctbal > 0.00
                    and substring(c_phone, 1, 2) in (':1', ':2', ':3', ':4', ':5', ':6', ':7')
            )
            and not exists (
                select
                    *
                from
                    orders
                where
                    o_custkey = c_custkey
            )
    ) as custsale
group by
    cntrycode
order by
    cntrycode)sql"},
}};
// clang-format on

bool parse_uint(std::string_view s, unsigned& out) noexcept {
    if (s.empty()) {
        return false;
    }
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// "YYYY-MM-DD" → year, month, day (checked loosely: digits, month 1..12, day 1..31).
bool parse_date(std::string_view s, unsigned& y, unsigned& m, unsigned& d) noexcept {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') {
        return false;
    }
    return parse_uint(s.substr(0, 4), y) && parse_uint(s.substr(5, 2), m) && parse_uint(s.substr(8, 2), d) &&
           m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

bool add_months(std::string_view date, unsigned months, std::string& out) {
    unsigned y = 0, m = 0, d = 0;
    if (!parse_date(date, y, m, d)) {
        return false;
    }
    const unsigned t = (m - 1) + months;
    out = detail::civil_date(detail::civil_days(y + t / 12, t % 12 + 1, d));
    return true;
}

// The date that ends the query's range (`:a`), or false when the parameters do not allow it.
bool derived_date(const query_parameters& p, std::string& out) {
    const auto& v = p.values;
    switch (p.query) {
    case 1: { // date '1998-12-01' - interval ':1' day
        unsigned delta = 0;
        if (!parse_uint(v[0], delta) || delta > 100000) {
            return false;
        }
        out = detail::civil_date(detail::civil_days(1998, 12, 1) - static_cast<std::int64_t>(delta));
        return true;
    }
    case 4:
    case 10:
    case 15:
        return add_months(v[0], 3, out);
    case 5:
        return add_months(v[1], 12, out);
    case 6:
        return add_months(v[0], 12, out);
    case 12:
        return add_months(v[2], 12, out);
    case 14:
        return add_months(v[0], 1, out);
    case 20:
        return add_months(v[1], 12, out);
    default:
        out.clear();
        return true;
    }
}

} // namespace

std::string_view query_name(int query) noexcept {
    return query >= 1 && query <= query_count ? queries[static_cast<std::size_t>(query - 1)].name
                                              : std::string_view{};
}

int query_row_limit(int query) noexcept {
    return query >= 1 && query <= query_count ? queries[static_cast<std::size_t>(query - 1)].row_limit : -1;
}

std::string_view query_template(int query) noexcept {
    return query >= 1 && query <= query_count ? queries[static_cast<std::size_t>(query - 1)].sql
                                              : std::string_view{};
}

std::error_code query_sql(const query_parameters& p, std::int64_t stream, std::string& out) {
    if (p.query < 1 || p.query > query_count) {
        return qgen_error::invalid_query;
    }
    const query_def& def = queries[static_cast<std::size_t>(p.query - 1)];
    if (p.values.size() != static_cast<std::size_t>(def.params)) {
        return qgen_error::invalid_parameters;
    }
    std::string derived;
    if (!derived_date(p, derived)) {
        return qgen_error::invalid_parameters;
    }
    const std::string_view t = def.sql;
    std::string sql;
    sql.reserve(t.size() + 64);
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t[i] != ':' || i + 1 == t.size()) {
            sql += t[i];
            continue;
        }
        const char c = t[i + 1];
        if (c >= '0' && c <= '9') {
            std::size_t j = i + 1;
            unsigned n = 0;
            while (j < t.size() && t[j] >= '0' && t[j] <= '9') {
                n = n * 10 + static_cast<unsigned>(t[j] - '0');
                ++j;
            }
            if (n < 1 || n > p.values.size()) {
                return qgen_error::invalid_parameters;
            }
            sql += p.values[n - 1];
            i = j - 1;
        } else if (c == 'a') {
            sql += derived;
            ++i;
        } else if (c == 's') {
            sql += std::to_string(stream);
            ++i;
        } else {
            sql += t[i];
        }
    }
    out = std::move(sql);
    return {};
}

std::error_code generate_stream(std::optional<std::int64_t> seed, std::int64_t stream, double scale,
                                std::vector<generated_query>& out) {
    if (stream < 0) {
        return qgen_error::invalid_stream;
    }
    query_generator gen;
    if (auto ec = seed ? query_generator::make_seeded(*seed, scale, gen)
                       : query_generator::make_default(scale, gen)) {
        return ec;
    }
    std::vector<generated_query> queries_out;
    int position = 0;
    for (const int q : stream_permutation(static_cast<std::uint64_t>(stream))) {
        generated_query g;
        g.query = q;
        g.position = ++position;
        if (auto ec = gen.next(q, g.parameters)) {
            return ec;
        }
        if (auto ec = query_sql(g.parameters, stream, g.sql)) {
            return ec;
        }
        queries_out.push_back(std::move(g));
    }
    out = std::move(queries_out);
    return {};
}

std::string default_query_sql(int query) {
    query_parameters p;
    if (default_parameters(query, 1.0, p)) {
        return {};
    }
    std::string sql;
    if (query_sql(p, 0, sql)) {
        return {};
    }
    return sql;
}

} // namespace tpch
