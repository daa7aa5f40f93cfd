#!/usr/bin/python3
"""Writes tests/data/athena_local_glue/awscli-examples.json: the Glue examples of Debian's AWS CLI
(/usr/lib/python3/dist-packages/awscli/examples/glue/*.rst) as the exact JSON bodies the CLI sends
(botocore's serializer) and the outputs the examples show. Run with Debian's /usr/bin/python3."""
import json, os, re, sys
import botocore.session
from botocore.serialize import create_serializer

EX = '/usr/lib/python3/dist-packages/awscli/examples/glue'
model = botocore.session.get_session().get_service_model('glue')
ser = create_serializer('json')

def body(op, params):
    req = ser.serialize_to_request(params, model.operation_model(op))
    return json.loads(req['body'])

def quoted_arg(text, flag):
    # --flag '...json...' or "...json with \" escapes..." spread over lines ending in " \"
    m = re.search(flag + r"\s+'(.*?)'", text, re.S)
    if m:
        return json.loads(re.sub(r"\\\s*\n", "\n", m.group(1)))
    m = re.search(flag + r'\s+"((?:[^"\\]|\\.)*)"', text, re.S)
    return json.loads(m.group(1).replace('\\"', '"'))

def output(text):
    m = re.search(r"Output::\n\n(.*?)\n\n(?:For more|\Z)", text, re.S)
    return json.loads(m.group(1))

out = {"source": "Debian awscli 2.9.19, " + EX, "requests": [], "outputs": {}}
db = open(f'{EX}/create-database.rst').read()
out["requests"].append({"operation": "CreateDatabase",
                        "body": body("CreateDatabase", {"DatabaseInput": quoted_arg(db, "--database-input")})})
ct = open(f'{EX}/create-table.rst').read()
for part in ct.split("**Example")[1:]:
    name = re.search(r"--database-name (\S+)", part).group(1)
    out["requests"].append({"operation": "CreateTable", "body": body(
        "CreateTable", {"DatabaseName": name, "TableInput": quoted_arg(part, "--table-input")})})
out["requests"].append({"operation": "GetTables", "body": body("GetTables", {"DatabaseName": "tempdb"})})
out["requests"].append({"operation": "GetDatabases", "body": body("GetDatabases", {})})
out["outputs"]["GetTables"] = output(open(f'{EX}/get-tables.rst').read())
out["outputs"]["GetDatabases"] = output(open(f'{EX}/get-databases.rst').read())
dst = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), '../../data/athena_local_glue/awscli-examples.json')
with open(dst, 'w') as f:
    json.dump(out, f, indent=1)
    f.write('\n')
