#!/usr/bin/python3
"""Drives athena-local with botocore (Debian python3-botocore), retries off, and counts what each call got.

usage: faults_client.py ENDPOINT CREDENTIALS_FILE KIND COUNT
KIND: athena (ListWorkGroups), glue (GetDatabases), s3 (ListObjectsV2), s3get (GetObject, body read fully)
Prints one JSON object: {"ok": n, "<ErrorCode or exception class>": n, ...}
"""
import configparser
import json
import sys

import botocore.config
import botocore.session
from botocore.exceptions import ClientError

endpoint, creds_file, kind, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
cp = configparser.ConfigParser()
cp.read(creds_file)
key, secret = cp["default"]["aws_access_key_id"], cp["default"]["aws_secret_access_key"]
session = botocore.session.get_session()
cfg = botocore.config.Config(retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=10)
service = {"athena": "athena", "glue": "glue", "s3": "s3", "s3get": "s3"}[kind]
client = session.create_client(service, region_name="us-east-1", endpoint_url=endpoint, aws_access_key_id=key,
                               aws_secret_access_key=secret, config=cfg)
counts = {}


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
