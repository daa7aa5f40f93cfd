#pragma once
// The AmazonAthena.* service of athena-local: Spark-enabled workgroups, sessions and calculations, with the
// shapes of botocore's athena model and the states of the Athena API reference. Calculation SQL runs on worker
// threads through calc::runner; in simulation mode a calculation takes a sampled duration instead.
// See docs/ATHENA_LOCAL.md for the state machine, the DPU model and the quota.

#include "distribution.hpp"

#include <athena_local/calc.hpp>
#include <athena_local/catalog.hpp>
#include <athena_local/service.hpp>

#include <memory>
#include <string>

namespace athena_local::athena {

struct athena_options {
    std::string region = "us-east-1";
    std::string account_id = "123456789012";
    std::uint64_t seed = 0;
    unsigned dpu_quota = 160;
    unsigned workers = 2;
    unsigned duckdb_threads = 0;
    std::string memory_limit;
    double session_degraded = 0;
    double calculation_failed = 0;
    distribution simulate; ///< kind none: run the SQL
    /// How long a session stays CREATING, then CREATED, before it is IDLE (milliseconds).
    unsigned creating_ms = 50, created_ms = 10;
};

class athena_service final : public json_service {
public:
    athena_service(service_env env, catalog& cat, athena_options opts);
    ~athena_service() override;
    void handle(std::string_view operation, std::string_view body, const request_context& ctx,
                std::function<void(json_reply)> done) override;
    void shutdown() override;

    struct state;

private:
    std::shared_ptr<state> state_;
};

} // namespace athena_local::athena
