#!/usr/bin/python3
"""Drives athena-local with botocore (Debian python3-botocore), retries off, and counts what each call got.

usage: faults_client.py ENDPOINT CREDENTIALS_FILE KIND COUNT
KIND: athena (ListWorkGroups), glue (GetDatabases), s3 (ListObjectsV2), s3get (GetObject, body read fully),
      calcs (COUNT calculations in one session, counted by final state), degrade (COUNT session status polls,
      counted by state seen), latency (COUNT calls, prints the mean seconds per call as "seconds")
Prints one JSON object: {"ok": n, "<ErrorCode or exception class>": n, ...}
"""
import configparser
import json
import sys
import time

import botocore.config
import botocore.session
from botocore.exceptions import ClientError

endpoint, creds_file, kind, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
cp = configparser.ConfigParser()
cp.read(creds_file)
key, secret = cp["default"]["aws_access_key_id"], cp["default"]["aws_secret_access_key"]
session = botocore.session.get_session()
cfg = botocore.config.Config(retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=10)
service = {"glue": "glue", "s3": "s3", "s3get": "s3"}.get(kind, "athena")
client = session.create_client(service, region_name="us-east-1", endpoint_url=endpoint, aws_access_key_id=key,
                               aws_secret_access_key=secret, config=cfg)
counts = {}


def start_session():
    sid = client.start_session(WorkGroup="primary-spark", EngineConfiguration={"MaxConcurrentDpus": 4})["SessionId"]
    for _ in range(400):
        state = client.get_session_status(SessionId=sid)["Status"]["State"]
        if state == "IDLE":
            return sid
        time.sleep(0.01)
    raise RuntimeError("session never became IDLE")


if kind == "calcs":
    sid = start_session()
    for i in range(count):
        cid = client.start_calculation_execution(SessionId=sid, CodeBlock="%%sql\nSELECT 1")["CalculationExecutionId"]
        while True:
            st = client.get_calculation_execution_status(CalculationExecutionId=cid)["Status"]["State"]
            if st in ("COMPLETED", "FAILED", "CANCELED"):
                break
            time.sleep(0.002)
        while client.get_session_status(SessionId=sid)["Status"]["State"] != "IDLE":
            time.sleep(0.002)
        counts[st] = counts.get(st, 0) + 1
    print(json.dumps(counts, sort_keys=True))
    sys.exit(0)
if kind == "degrade":
    sid = start_session()
    for i in range(count):
        st = client.get_session_status(SessionId=sid)["Status"]["State"]
        counts[st] = counts.get(st, 0) + 1
    print(json.dumps(counts, sort_keys=True))
    sys.exit(0)
if kind == "latency":
    t0 = time.monotonic()
    for i in range(count):
        client.list_work_groups()
    print(json.dumps({"seconds": (time.monotonic() - t0) / count}))
    sys.exit(0)


def bump(name):
    counts[name] = counts.get(name, 0) + 1


for i in range(count):
    try:
        if kind == "athena":
            client.list_work_groups()
        elif kind == "glue":
            client.get_databases()
        elif kind == "s3":
            client.list_objects_v2(Bucket="faults")
        else:
            body = client.get_object(Bucket="faults", Key="blob")["Body"].read()
            if len(body) != 65536:
                bump("short-body")
                continue
        bump("ok")
    except ClientError as e:
        bump(e.response["Error"]["Code"] + ":" + str(e.response["ResponseMetadata"]["HTTPStatusCode"]))
    except Exception as e:  # connection resets and truncated bodies
        bump(type(e).__name__)
print(json.dumps(counts, sort_keys=True))
