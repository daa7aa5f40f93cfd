#!/usr/bin/python3
"""Times botocore's SigV4Auth.add_auth on the request that perf_sigv4 signs (sign_athena_post).

usage: /usr/bin/python3 botocore_timing.py [--quick] [--runs N]
Prints, in perf_sigv4's format:
  botocore_sign_athena_post median=<ns> best=<ns> unit=ns runs=<n> iterations=<n>

add_auth is botocore's whole signing step: body SHA-256, canonical request, string to sign, key
derivation (botocore derives the key on every request; it has no cache), signature, headers. The
requests are built before the clock starts (add_auth mutates its request, so each iteration gets a
fresh one); the clock is pinned to the benchmark's date so the scope matches perf_sigv4. Time is
the thread's CPU time, as in perf_sigv4.
"""
import datetime
import sys
import time
import types

import botocore
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

BODY = (
    b'{"QueryString":"SELECT l_returnflag, l_linestatus, sum(l_quantity) AS sum_qty FROM lineitem GROUP BY 1, 2",'
    b'"ClientRequestToken":"5c0a3b52-1d2e-4f6a-9b7c-8d9e0f1a2b3c","WorkGroup":"primary"}'
)


class _FixedClock(datetime.datetime):
    @classmethod
    def utcnow(cls):
        return datetime.datetime(2024, 6, 11, 10, 15, 0)


botocore.auth.datetime = types.SimpleNamespace(datetime=_FixedClock)


def make_request():
    r = AWSRequest(method="POST", url="https://athena.us-east-1.amazonaws.com/", data=BODY)
    r.headers["Host"] = "athena.us-east-1.amazonaws.com"
    r.headers["Content-Type"] = "application/x-amz-json-1.1"
    r.headers["X-Amz-Target"] = "AmazonAthena.StartQueryExecution"
    return r


def main(argv):
    runs, iterations = 9, 5000
    if "--quick" in argv:
        runs, iterations = 3, 1000
    if "--runs" in argv:
        runs = max(1, int(argv[argv.index("--runs") + 1]))
    creds = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    auth = botocore.auth.SigV4Auth(creds, "athena", "us-east-1")

    warm = [make_request() for _ in range(iterations // 10)]
    for r in warm:
        auth.add_auth(r)
    results = []
    for _ in range(runs):
        reqs = [make_request() for _ in range(iterations)]
        t0 = time.thread_time_ns()
        for r in reqs:
            auth.add_auth(r)
        t1 = time.thread_time_ns()
        results.append((t1 - t0) / iterations)
    results.sort()
    sig = reqs[-1].headers["Authorization"].rsplit("Signature=", 1)[1]
    print(f"# botocore {botocore.__version__}, python {sys.version.split()[0]}, signature {sig}")
    print(
        f"botocore_sign_athena_post median={results[len(results) // 2]:.1f} best={results[0]:.1f} "
        f"unit=ns runs={runs} iterations={iterations}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
