#include <engine/credentials/default_chain.hpp>

namespace engine::credentials {

std::string default_chain_help() {
    return "To configure credentials, use one of:\n"
           "  - environment: export AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... (and "
           "AWS_SESSION_TOKEN=...\n"
           "    for temporary credentials)\n"
           "  - shared files: run `aws configure`, or write ~/.aws/credentials:\n"
           "        [default]\n"
           "        aws_access_key_id = ...\n"
           "        aws_secret_access_key = ...\n"
           "    and pick a profile with AWS_PROFILE=<name> (or --profile); a profile may also use role_arn "
           "+\n"
           "    source_profile, web_identity_token_file + role_arn, or credential_process = <command>\n"
           "  - web identity (EKS/IRSA): AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN\n"
           "  - containers (ECS, EKS Pod Identity): AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or\n"
           "    AWS_CONTAINER_CREDENTIALS_FULL_URI (set by the platform)\n"
           "  - EC2: attach an IAM role (instance profile) to the instance; in containers on EC2 the\n"
           "    instance metadata hop limit must be at least 2\n";
}

provider_ptr make_default_provider(environment env, default_chain_options options) {
    auto http = options.http ? options.http : make_plain_http_fetcher();
    std::string region_message;
    const auto region = resolve_region(env, options.region, options.profile, &region_message);
    sts_options sts;
    sts.region = region.region;
    sts.endpoint_url = options.sts_endpoint_url;

    std::vector<provider_ptr> chain;
    if (options.explicit_credentials)
        chain.push_back(make_static_provider(*options.explicit_credentials, std::nullopt, "explicit"));
    if (!options.profile)
        chain.push_back(make_environment_provider(env));
    chain.push_back(make_web_identity_env_provider(env, http, sts));
    profile_options po;
    po.profile = options.profile;
    po.sts = sts;
    po.process = options.process;
    po.imds = options.imds;
    po.container = options.container;
    chain.push_back(make_profile_provider(env, http, po));
    chain.push_back(make_container_provider(env, http, options.container));
    chain.push_back(make_imds_provider(env, http, options.imds));

    chain_options co = options.chain;
    if (co.help.empty())
        co.help = default_chain_help();
    return make_cached_provider(make_chain_provider(std::move(chain), std::move(co)), env, options.cache);
}

} // namespace engine::credentials
