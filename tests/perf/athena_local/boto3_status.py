#!/usr/bin/python3
"""The peer of `athena_local_load status`: boto3 (Debian python3-boto3) repeating
GetCalculationExecutionStatus against the same endpoint, with T threads (one client each; boto3's
way to have calls in flight at once), for S seconds. Prints requests/s and the process's CPU µs per
request (user + sys), like athena_local_load.

Usage: /usr/bin/python3 boto3_status.py ENDPOINT KEY SECRET [THREADS=1] [SECONDS=3]
"""
import os
import sys
import threading
import time

import boto3
from botocore.config import Config

endpoint, key, secret = sys.argv[1:4]
threads = int(sys.argv[4]) if len(sys.argv) > 4 else 1
seconds = float(sys.argv[5]) if len(sys.argv) > 5 else 3.0
cfg = Config(retries={"mode": "standard", "max_attempts": 3}, max_pool_connections=max(10, threads))


def client():
    return boto3.session.Session().client("athena", endpoint_url=endpoint, region_name="us-east-1",
                                          aws_access_key_id=key, aws_secret_access_key=secret, config=cfg)


c = client()
sid = c.start_session(WorkGroup="primary-spark", EngineConfiguration={"MaxConcurrentDpus": 2})["SessionId"]
for _ in range(100):
    if c.get_session_status(SessionId=sid)["Status"]["State"] == "IDLE":
        break
    time.sleep(0.1)
calc = c.start_calculation_execution(SessionId=sid, CodeBlock="%%sql\nSELECT 1")["CalculationExecutionId"]
clients = [client() for _ in range(threads)]
for cl in clients:  # warm-up: connection, endpoint resolution, model loading
    cl.get_calculation_execution_status(CalculationExecutionId=calc)
counts = [0] * threads
stop = time.monotonic() + seconds


def work(i):
    cl = clients[i]
    n = 0
    while time.monotonic() < stop:
        cl.get_calculation_execution_status(CalculationExecutionId=calc)
        n += 1
    counts[i] = n


t0, cpu0 = time.monotonic(), os.times()
ts = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
for t in ts:
    t.start()
for t in ts:
    t.join()
t1, cpu1 = time.monotonic(), os.times()
n = sum(counts)
cpu = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
print(f"boto3 threads={threads} requests={n} seconds={t1 - t0:.2f} requests_per_s={n / (t1 - t0):.0f} "
      f"client_cpu_us_per_req={cpu / n * 1e6:.1f}")
