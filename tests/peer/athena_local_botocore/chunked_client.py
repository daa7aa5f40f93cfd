#!/usr/bin/python3
"""botocore (Debian python3-botocore) as a second client of athena-local's S3:
  1. an aws-chunked upload signed by hand here (SigV4 seed, chained chunk signatures, the final chunk and a signed
     x-amz-checksum-crc32c trailer), independent of the project's signer; a tampered chunk is refused
  2. flexible checksums (CRC32, CRC32C, SHA256) sent by botocore and returned with ChecksumMode=ENABLED (botocore
     validates what comes back); a wrong checksum is BadDigest
  3. large bodies (streamed to disk, hashed off the loop): wrong Content-MD5 / checksum / x-amz-content-sha256
     refused and nothing stored; ETag and SHA256 right; a reset mid-body leaves no temp file
usage: chunked_client.py ENDPOINT CREDENTIALS_FILE    (prints one line per check, exits non-zero on failure)
"""
import base64
import configparser
import datetime
import hashlib
import hmac
import http.client
import os
import socket
import struct
import sys
import time
import urllib.parse

import botocore.config
import botocore.session
from botocore.exceptions import ClientError

endpoint, creds_file = sys.argv[1], sys.argv[2]
cp = configparser.ConfigParser()
cp.read(creds_file)
key, secret = cp["default"]["aws_access_key_id"], cp["default"]["aws_secret_access_key"]
region, service = "us-east-1", "s3"
s3 = botocore.session.get_session().create_client(
    "s3", region_name=region, endpoint_url=endpoint, aws_access_key_id=key, aws_secret_access_key=secret,
    config=botocore.config.Config(signature_version="s3v4", retries={"total_max_attempts": 1}))
failures = 0


def check(name, ok, detail=""):
    global failures
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + detail))
    if not ok:
        failures += 1


def crc32c(data):
    poly, crc = 0x82F63B78, 0xFFFFFFFF
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ poly if c & 1 else c >> 1
        table.append(c)
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def sign(key_bytes, msg):
    return hmac.new(key_bytes, msg.encode(), hashlib.sha256).digest()


def signing_key(date):
    k = sign(("AWS4" + secret).encode(), date)
    k = sign(k, region)
    k = sign(k, service)
    return sign(k, "aws4_request")


def chunked_put(bucket, obj_key, payload, chunk_size, tamper=False):
    u = urllib.parse.urlparse(endpoint)
    now = datetime.datetime.utcnow()
    amz_date, date = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    scope = "%s/%s/%s/aws4_request" % (date, region, service)
    crc = base64.b64encode(struct.pack(">I", crc32c(payload))).decode()
    headers = {
        "host": u.netloc,
        "content-encoding": "aws-chunked",
        "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
        "x-amz-date": amz_date,
        "x-amz-decoded-content-length": str(len(payload)),
        "x-amz-trailer": "x-amz-checksum-crc32c",
    }
    signed = sorted(headers)
    path = "/%s/%s" % (bucket, urllib.parse.quote(obj_key))
    canonical = "\n".join(["PUT", path, ""] + ["%s:%s" % (h, headers[h]) for h in signed] +
                          ["", ";".join(signed), headers["x-amz-content-sha256"]])
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    skey = signing_key(date)
    seed = hmac.new(skey, sts.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s" % (
        key, scope, ";".join(signed), seed)
    empty = hashlib.sha256(b"").hexdigest()
    prev, body = seed, b""
    chunks = [payload[i:i + chunk_size] for i in range(0, len(payload), chunk_size)] + [b""]
    for i, chunk in enumerate(chunks):
        s = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, prev, empty, hashlib.sha256(chunk).hexdigest()])
        prev = hmac.new(skey, s.encode(), hashlib.sha256).hexdigest()
        data = chunk
        if tamper and i == 1:
            data = bytes([chunk[0] ^ 1]) + chunk[1:]
        body += b"%x;chunk-signature=%s\r\n" % (len(chunk), prev.encode())
        if chunk:
            body += data + b"\r\n"
    trailer = "x-amz-checksum-crc32c:%s\n" % crc
    s = "\n".join(["AWS4-HMAC-SHA256-TRAILER", amz_date, scope, prev, hashlib.sha256(trailer.encode()).hexdigest()])
    tsig = hmac.new(skey, s.encode(), hashlib.sha256).hexdigest()
    body += ("x-amz-checksum-crc32c:%s\r\nx-amz-trailer-signature:%s\r\n\r\n" % (crc, tsig)).encode()
    headers["content-length"] = str(len(body))
    conn = http.client.HTTPConnection(u.hostname, u.port)
    conn.request("PUT", path, body=body, headers=headers)
    r = conn.getresponse()
    return r.status, r.read().decode(errors="replace"), crc


s3.create_bucket(Bucket="chunked")
payload = bytes((i * 7 + 3) % 256 for i in range(300000))
status, text, crc = chunked_put("chunked", "hand-signed.bin", payload, 65536)
check("aws-chunked PUT with signed trailer accepted", status == 200, "%d %s" % (status, text))
got = s3.get_object(Bucket="chunked", Key="hand-signed.bin", ChecksumMode="ENABLED")
check("aws-chunked object reads back intact", got["Body"].read() == payload)
check("trailer CRC32C stored and returned", got.get("ChecksumCRC32C") == crc, str(got.get("ChecksumCRC32C")))
status, text, _ = chunked_put("chunked", "tampered.bin", payload, 65536, tamper=True)
check("tampered chunk refused with SignatureDoesNotMatch", status == 403 and "SignatureDoesNotMatch" in text, text)
try:
    s3.head_object(Bucket="chunked", Key="tampered.bin")
    check("tampered object not stored", False, "it exists")
except ClientError as e:
    check("tampered object not stored", e.response["Error"]["Code"] in ("404", "NotFound"), str(e))

# small bodies are buffered, large ones (over 1 MiB) are streamed to disk by the server: both paths
for algo, repeat in (("CRC32", 1000), ("CRC32C", 1000), ("SHA256", 1000), ("CRC32", 150000), ("CRC32C", 150000),
                     ("SHA256", 150000)):
    body = ("checksum round trip " + algo).encode() * repeat
    r = s3.put_object(Bucket="chunked", Key="sum-" + algo, Body=body, ChecksumAlgorithm=algo)
    sent = r.get("Checksum" + algo)
    got = s3.get_object(Bucket="chunked", Key="sum-" + algo, ChecksumMode="ENABLED")
    data = got["Body"].read()  # botocore validates the returned checksum while reading
    check("%s round trip (%d bytes)" % (algo, len(body)), data == body and got.get("Checksum" + algo) == sent and sent, "%s %s" % (
        sent, got.get("Checksum" + algo)))
try:
    s3.put_object(Bucket="chunked", Key="bad-sum", Body=b"data", ChecksumCRC32C="AAAAAA==")
    check("wrong CRC32C refused", False, "accepted")
except ClientError as e:
    check("wrong CRC32C refused with BadDigest", e.response["Error"]["Code"] == "BadDigest", str(e))
# large sizes: several 1 MiB buffers hashed off the loop (more than the 3 a PUT may hold), a partial last one
for size in (4, 3 << 20, (5 << 20) + 12345):
    try:
        s3.put_object(Bucket="chunked", Key="bad-md5", Body=b"d" * size, ContentMD5="AAAAAAAAAAAAAAAAAAAAAA==")
        check("wrong Content-MD5 refused (%d bytes)" % size, False, "accepted")
    except ClientError as e:
        check("wrong Content-MD5 refused with BadDigest (%d bytes)" % size, e.response["Error"]["Code"] == "BadDigest",
              str(e))
    try:
        s3.put_object(Bucket="chunked", Key="bad-crc", Body=b"d" * size, ChecksumCRC32C="AAAAAA==")
        check("wrong CRC32C refused (%d bytes)" % size, False, "accepted")
    except ClientError as e:
        check("wrong CRC32C refused with BadDigest (%d bytes)" % size, e.response["Error"]["Code"] == "BadDigest", str(e))
for refused in ("bad-md5", "bad-crc"):
    try:
        s3.head_object(Bucket="chunked", Key=refused)
        check("refused uploads leave no object", False, refused + " exists")
    except ClientError as e:
        check("refused uploads leave no object (%s)" % refused, e.response["Error"]["Code"] in ("404", "NotFound"),
              str(e))
big = bytes(range(256)) * ((7 << 20) // 256 + 101)
r = s3.put_object(Bucket="chunked", Key="big", Body=big, ChecksumAlgorithm="SHA256")
got = s3.get_object(Bucket="chunked", Key="big", ChecksumMode="ENABLED")
data = got["Body"].read()
check("large PUT: ETag is the MD5, SHA256 checksum round trip (%d bytes)" % len(big),
      data == big and r["ETag"].strip('"') == hashlib.md5(big).hexdigest() and
      got.get("ChecksumSHA256") == base64.b64encode(hashlib.sha256(big).digest()).decode(),
      "%s %s" % (r["ETag"], got.get("ChecksumSHA256")))
# a signed body that is not what was signed (x-amz-content-sha256 of other bytes), large and small
for size in (10, 2 << 20):
    u = urllib.parse.urlparse(endpoint)
    now = datetime.datetime.utcnow()
    amz_date, date = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    scope = "%s/%s/%s/aws4_request" % (date, region, service)
    signed_body, sent_body = b"a" * size, b"b" * size
    h = {"host": u.netloc, "x-amz-content-sha256": hashlib.sha256(signed_body).hexdigest(), "x-amz-date": amz_date}
    names = sorted(h)
    canonical = "\n".join(["PUT", "/chunked/mismatch", ""] + ["%s:%s" % (n, h[n]) for n in names] +
                          ["", ";".join(names), h["x-amz-content-sha256"]])
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    sig = hmac.new(signing_key(date), sts.encode(), hashlib.sha256).hexdigest()
    h["authorization"] = "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s" % (key, scope,
                                                                                             ";".join(names), sig)
    conn = http.client.HTTPConnection(u.hostname, u.port)
    conn.request("PUT", "/chunked/mismatch", body=sent_body, headers=h)
    r = conn.getresponse()
    text = r.read().decode(errors="replace")
    check("body differing from x-amz-content-sha256 refused (%d bytes)" % size,
          r.status == 400 and "XAmzContentSHA256Mismatch" in text, "%d %s" % (r.status, text))

# a connection reset in the middle of a large body: nothing is stored and the temp file is removed
u = urllib.parse.urlparse(endpoint)
url = s3.generate_presigned_url("put_object", Params={"Bucket": "chunked", "Key": "reset"}, ExpiresIn=300)
pu = urllib.parse.urlparse(url)
sock = socket.create_connection((u.hostname, u.port))
head = "PUT %s?%s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n\r\n" % (pu.path, pu.query, u.netloc, 8 << 20)
sock.sendall(head.encode() + b"x" * (3 << 20) + b"y" * 4321)
sock.close()
tmp_dir = os.path.join(os.path.dirname(os.path.abspath(creds_file)), "s3", "chunked", "tmp")
left = None
for _ in range(100):  # the server notices the reset when it reads; give it up to 5 s
    left = [f for f in os.listdir(tmp_dir) if f[:1] == "s" and f[1:].isdigit()]
    if not left:
        break
    time.sleep(0.05)
check("reset mid-body leaves no temp file", os.path.isdir(tmp_dir) and not left, "%s: %s" % (tmp_dir, left))
try:
    s3.head_object(Bucket="chunked", Key="reset")
    check("reset mid-body stores nothing", False, "reset exists")
except ClientError as e:
    check("reset mid-body stores nothing", e.response["Error"]["Code"] in ("404", "NotFound"), str(e))
sys.exit(1 if failures else 0)
