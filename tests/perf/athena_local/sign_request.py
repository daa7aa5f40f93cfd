#!/usr/bin/python3
"""Prepares the athena-local benchmarks with botocore (Debian python3-botocore):
  sign_request.py ENDPOINT CREDENTIALS_FILE status  -> a wrk Lua script replaying one signed
        GetCalculationExecutionStatus (a session and a calculation are made first); valid for 15 minutes
  sign_request.py ENDPOINT CREDENTIALS_FILE put BUCKET KEY / get BUCKET KEY -> a presigned URL
"""
import configparser
import json
import sys
import time

import botocore.config
import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

endpoint, creds_file, what = sys.argv[1], sys.argv[2], sys.argv[3]
cp = configparser.ConfigParser()
cp.read(creds_file)
key, secret = cp["default"]["aws_access_key_id"], cp["default"]["aws_secret_access_key"]
session = botocore.session.get_session()


def client(service):
    return session.create_client(service, region_name="us-east-1", endpoint_url=endpoint, aws_access_key_id=key,
                                 aws_secret_access_key=secret,
                                 config=botocore.config.Config(signature_version="s3v4" if service == "s3" else "v4"))


if what == "status":
    athena = client("athena")
    sid = athena.start_session(WorkGroup="primary-spark", EngineConfiguration={"MaxConcurrentDpus": 2})["SessionId"]
    while athena.get_session_status(SessionId=sid)["Status"]["State"] != "IDLE":
        time.sleep(0.01)
    cid = athena.start_calculation_execution(SessionId=sid, CodeBlock="%%sql\nSELECT 1")["CalculationExecutionId"]
    body = json.dumps({"CalculationExecutionId": cid})
    req = AWSRequest(method="POST", url=endpoint + "/", data=body,
                     headers={"Content-Type": "application/x-amz-json-1.1",
                              "X-Amz-Target": "AmazonAthena.GetCalculationExecutionStatus"})
    SigV4Auth(Credentials(key, secret), "athena", "us-east-1").add_auth(req)
    print('wrk.method = "POST"')
    print("wrk.body = %s" % json.dumps(body))
    for k, v in req.headers.items():
        print('wrk.headers["%s"] = "%s"' % (k, v if isinstance(v, str) else v.decode()))
else:
    s3 = client("s3")
    op = {"put": "put_object", "get": "get_object"}[what]
    print(s3.generate_presigned_url(op, Params={"Bucket": sys.argv[4], "Key": sys.argv[5]}, ExpiresIn=900))
