#!/usr/bin/python3
"""Signs requests with botocore's SigV4 signers, for the differential test sigv4_botocore_test.cpp.

usage: botocore_sign.py IN.jsonl OUT.jsonl
       botocore_sign.py --version          (prints the botocore version; exit 1 if it is missing)

Each input line is one request (written by the C++ test):
  id, signer ("sigv4" | "s3"), mode ("header" | "query"), method, scheme, host, target (the
  origin-form target as on the wire), query_via ("url" | "params"), headers ([[name, value], ...]),
  body_hex, time ("20150830T123600Z"), region, service, access_key, secret_key, token (or null),
  expires, context ({"payload_signing_enabled": false} / {"has_streaming_input": true}, or {})

Each output line: id, canonical_request, string_to_sign, signature, authorization (header mode),
headers (the request's headers after signing, [[name, value], ...]), target (the path and query
of request.url after signing), or error (a Python traceback) when botocore failed.

The signing time comes from `time`: botocore's auth module reads datetime.datetime.utcnow(), which
is replaced here by a clock that returns the request's time. Run it with Debian's /usr/bin/python3
(python3-botocore); no network access, no credentials from the environment.
"""
import datetime
import json
import sys
import traceback
import types
from urllib.parse import unquote, urlsplit

try:
    import botocore
    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
except ImportError as e:  # the C++ test turns this into a clear failure
    print(f"botocore is not importable by {sys.executable}: {e}", file=sys.stderr)
    sys.exit(1)


class _FixedClock(datetime.datetime):
    """datetime.datetime whose utcnow() is the time of the request being signed."""

    now = datetime.datetime(2015, 8, 30, 12, 36, 0)

    @classmethod
    def utcnow(cls):
        return cls.now


# botocore.auth does `datetime.datetime.utcnow()` with `import datetime`: swap the module it sees.
botocore.auth.datetime = types.SimpleNamespace(datetime=_FixedClock)

_SIGNERS = {
    ("sigv4", "header"): botocore.auth.SigV4Auth,
    ("sigv4", "query"): botocore.auth.SigV4QueryAuth,
    ("s3", "header"): botocore.auth.S3SigV4Auth,
    ("s3", "query"): botocore.auth.S3SigV4QueryAuth,
}


def _split_query(query):
    """The query as (key, value) pairs, split exactly as the C++ signer splits it: on '&', then on
    the first '='; each part percent-decoded (not '+'), strict UTF-8."""
    pairs = []
    for part in query.split("&"):
        key, _, value = part.partition("=")
        pairs.append((unquote(key, errors="strict"), unquote(value, errors="strict")))
    return pairs


def sign_one(req):
    _FixedClock.now = datetime.datetime.strptime(req["time"], "%Y%m%dT%H%M%SZ")
    creds = Credentials(req["access_key"], req["secret_key"], req.get("token"))
    cls = _SIGNERS[(req["signer"], req["mode"])]
    if req["mode"] == "query":
        auth = cls(creds, req["service"], req["region"], expires=req["expires"])
    else:
        auth = cls(creds, req["service"], req["region"])

    target = req["target"]
    base = f"{req['scheme']}://{req['host']}"
    params = None
    if req["query_via"] == "params":
        # botocore's request.params API: the signer encodes each key and value itself.
        path, _, query = target.partition("?")
        url = base + path
        params = _split_query(query)
    else:
        # The query is taken from the URL as it is (botocore trusts it to be encoded already).
        url = base + target

    request = AWSRequest(method=req["method"], url=url, data=bytes.fromhex(req["body_hex"]), params=params)
    for name, value in req["headers"]:
        request.headers[name] = value  # HTTPHeaders appends: repeated names are kept
    request.context.update(req.get("context", {}))

    captured = {}
    original_sts = auth.string_to_sign

    def capture_string_to_sign(request_, canonical_request):
        sts = original_sts(request_, canonical_request)
        captured["canonical_request"] = canonical_request
        captured["string_to_sign"] = sts
        return sts

    auth.string_to_sign = capture_string_to_sign
    auth.add_auth(request)

    parts = urlsplit(request.url)
    out_target = parts.path + ("?" + parts.query if parts.query else "")
    sig = None
    if req["mode"] == "query":
        for part in parts.query.split("&"):
            if part.startswith("X-Amz-Signature="):
                sig = part[len("X-Amz-Signature="):]
    else:
        sig = request.headers["Authorization"].rsplit("Signature=", 1)[1]
    return {
        "id": req["id"],
        "canonical_request": captured["canonical_request"],
        "string_to_sign": captured["string_to_sign"],
        "signature": sig,
        "authorization": request.headers.get("Authorization", ""),
        "headers": [[n, v] for n, v in request.headers.items()],
        "target": out_target,
    }


def main(argv):
    if len(argv) == 2 and argv[1] == "--version":
        print(botocore.__version__)
        return 0
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as fin, open(argv[2], "w", encoding="utf-8") as fout:
        for line in fin:
            if not line.strip():
                continue
            req = json.loads(line)
            try:
                result = sign_one(req)
            except Exception:  # reported per request; the C++ side fails that case
                result = {"id": req.get("id"), "error": traceback.format_exc()}
            fout.write(json.dumps(result, ensure_ascii=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
