#!/usr/bin/python3
"""athena-local's glue_service against botocore and the AWS CLI v2 (Debian's, offline).

Requests are built the way the clients build them: botocore's parameter validator and `json` serializer
over the glue 2017-03-31 model, and the AWS CLI's own `--generate-cli-skeleton input` for CreateTable,
UpdateTable and CreateDatabase filled in (every member the CLI can send). They go to the service through
glue_driver (argv[1]); every answer is parsed with botocore's JSON 1.1 response parser against the
operation's output shape, exactly as a client would, and checked field by field. Errors parse into the
modeled error codes.

Usage: /usr/bin/python3 glue_botocore_check.py path/to/athena_local_glue_driver
"""
import datetime
import json
import subprocess
import sys

import botocore.session
from botocore.parsers import create_parser
from botocore.serialize import create_serializer
from botocore.validate import validate_parameters

driver = subprocess.Popen([sys.argv[1]], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
model = botocore.session.get_session().get_service_model('glue')
serializer = create_serializer('json')
parser = create_parser('json')
checks = 0


def send(op, params, validate=True):
    """Serializes like botocore, sends, parses like botocore; returns (status, parsed)."""
    om = model.operation_model(op)
    if validate:
        validate_parameters(params, om.input_shape)
    req = serializer.serialize_to_request(params, om)
    assert req['headers']['X-Amz-Target'] == 'AWSGlue.' + op, req['headers']
    body = req['body'].decode() if isinstance(req['body'], bytes) else req['body']
    assert '\n' not in body
    driver.stdin.write(f'{op}\t{body}\n')
    driver.stdin.flush()
    status, _, reply = driver.stdout.readline().rstrip('\n').partition('\t')
    status = int(status)
    parsed = parser.parse({'status_code': status, 'headers': {'x-amzn-requestid': 'r'},
                           'body': reply.encode()}, om.output_shape)
    return status, parsed


def ok(op, params, validate=True):
    status, parsed = send(op, params, validate)
    assert status == 200, (op, params, parsed)
    assert 'Error' not in parsed, parsed
    return parsed


def fails(op, params, code):
    global checks
    status, parsed = send(op, params)
    assert status == 400, (op, status, parsed)
    assert parsed['Error']['Code'] == code, (op, parsed)
    checks += 1
    return parsed['Error']['Message']


def check(cond, what):
    global checks
    assert cond, what
    checks += 1


def skeleton(command):
    out = subprocess.run(['/usr/bin/aws', 'glue', command, '--generate-cli-skeleton', 'input'],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def fill(v, name='x'):
    """The CLI skeleton with placeholder values made valid: names, 1-valued numbers, k=v maps."""
    if isinstance(v, dict):
        if list(v) == ['KeyName']:
            return {'k': 'v'}
        return {k: fill(x, k) for k, x in v.items()}
    if isinstance(v, list):
        return [fill(x, name) for x in v]
    if isinstance(v, str):
        if v == '1970-01-01T00:00:00':
            return datetime.datetime(2023, 11, 14, tzinfo=datetime.timezone.utc)
        if name == 'SchemaVersionId':
            return '01234567-89ab-cdef-0123-456789abcdef'
        if name == 'SchemaArn':
            return 'arn:aws:glue:us-east-1:123456789012:schema/r/s'
        return v or 'x'
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return 1 if name in ('SchemaVersionNumber', 'SortOrder') else v
    return v


T = datetime.datetime.fromtimestamp(1700000000.25, datetime.timezone.utc)  # the driver's clock
T_SENT = datetime.datetime.fromtimestamp(1700000000, datetime.timezone.utc)  # botocore sends whole seconds

# ---- databases ----------------------------------------------------------------------------------
ok('CreateDatabase', {'DatabaseInput': {'Name': 'TPCH', 'Description': 'TPC-H', 'LocationUri': 's3://tpch/',
                                        'Parameters': {'k': 'v'}}, 'Tags': {'team': 'bb'}})
db = ok('GetDatabase', {'Name': 'tpch', 'CatalogId': '123456789012'})['Database']
check(db['Name'] == 'tpch' and db['Description'] == 'TPC-H' and db['LocationUri'] == 's3://tpch/', db)
check(db['Parameters'] == {'k': 'v'} and db['CatalogId'] == '123456789012', db)
check(db['CreateTime'] == T, db['CreateTime'])
check(db['CreateTableDefaultPermissions'][0]['Principal']['DataLakePrincipalIdentifier'] ==
      'IAM_ALLOWED_PRINCIPALS', db)
cli_db = fill(skeleton('create-database'))
cli_db['CatalogId'] = '123456789012'
cli_db['DatabaseInput']['Name'] = 'from_cli'
ok('CreateDatabase', cli_db, validate=False)
d2 = ok('GetDatabase', {'Name': 'from_cli'})['Database']
check(d2['TargetDatabase'] == cli_db['DatabaseInput']['TargetDatabase'], d2)
check(d2['CreateTableDefaultPermissions'] == cli_db['DatabaseInput']['CreateTableDefaultPermissions'], d2)
for i in range(4):
    ok('CreateDatabase', {'DatabaseInput': {'Name': f'd{i}'}})
names, token, pages = [], None, 0
while True:
    page = ok('GetDatabases', {'MaxResults': 3, **({'NextToken': token} if token else {})})
    names += [d['Name'] for d in page['DatabaseList']]
    pages += 1
    token = page.get('NextToken')
    if not token:
        break
check(pages == 3 and names == ['d0', 'd1', 'd2', 'd3', 'default', 'from_cli', 'tpch'], (pages, names))
check(fails('GetDatabase', {'Name': 'nope'}, 'EntityNotFoundException') == 'Database nope not found.', 'msg')
fails('CreateDatabase', {'DatabaseInput': {'Name': 'tpch'}}, 'AlreadyExistsException')
fails('CreateDatabase', {'DatabaseInput': {'Name': 'x' * 256}}, 'InvalidInputException')
fails('GetDatabase', {'Name': 'tpch', 'CatalogId': '999999999999'}, 'AccessDeniedException')
ok('DeleteDatabase', {'Name': 'D3'})
fails('DeleteDatabase', {'Name': 'd3'}, 'EntityNotFoundException')

# ---- tables -------------------------------------------------------------------------------------
lineitem = {
    'Name': 'lineitem', 'Description': 'TPC-H lineitem', 'TableType': 'EXTERNAL_TABLE',
    'Parameters': {'classification': 'parquet', 'EXTERNAL': 'TRUE'},
    'PartitionKeys': [{'Name': 'sf', 'Type': 'string'}],
    'StorageDescriptor': {
        'Columns': [{'Name': 'l_orderkey', 'Type': 'bigint'},
                    {'Name': 'l_extendedprice', 'Type': 'decimal(15,2)', 'Comment': 'price'}],
        'Location': 's3://tpch/sf1/lineitem/',
        'InputFormat': 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
        'OutputFormat': 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
        'SerdeInfo': {'SerializationLibrary': 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
                      'Parameters': {'serialization.format': '1'}}},
    'LastAccessTime': T_SENT,
}
ok('CreateTable', {'DatabaseName': 'tpch', 'TableInput': lineitem})
t = ok('GetTable', {'DatabaseName': 'TPCH', 'Name': 'LineItem'})['Table']
check(t['Name'] == 'lineitem' and t['DatabaseName'] == 'tpch' and t['CatalogId'] == '123456789012', t)
check(t['CreateTime'] == T and t['UpdateTime'] == T and t['LastAccessTime'] == T_SENT, t)
check(t['Description'] == 'TPC-H lineitem' and t['TableType'] == 'EXTERNAL_TABLE', t)
check(t['Parameters'] == lineitem['Parameters'] and t['PartitionKeys'] == lineitem['PartitionKeys'], t)
check(t['IsRegisteredWithLakeFormation'] is False and t['Retention'] == 0, t)
sd = t['StorageDescriptor']
for k, v in lineitem['StorageDescriptor'].items():
    check(sd[k] == v, (k, sd[k], v))
check(sd['Compressed'] is False and sd['NumberOfBuckets'] == 0 and sd['SortColumns'] == [], sd)

cli_table = fill(skeleton('create-table'))
cli_table.update({'CatalogId': '123456789012', 'DatabaseName': 'tpch'})
cli_table['TableInput']['Name'] = 'from_cli'
cli_table['TableInput']['TargetTable'] = {'CatalogId': '123456789012', 'DatabaseName': 'tpch', 'Name': 'x'}
ok('CreateTable', cli_table, validate=False)
t2 = ok('GetTable', {'DatabaseName': 'tpch', 'Name': 'from_cli'})['Table']
for k in ('StorageDescriptor', 'PartitionKeys', 'Parameters', 'Owner', 'Retention', 'ViewOriginalText',
          'LastAnalyzedTime', 'TargetTable'):
    check(t2[k] == cli_table['TableInput'][k], (k, t2[k], cli_table['TableInput'][k]))

cli_update = fill(skeleton('update-table'))
cli_update.update({'CatalogId': '123456789012', 'DatabaseName': 'tpch'})
cli_update['TableInput']['Name'] = 'from_cli'
cli_update['TableInput']['StorageDescriptor']['Location'] = 's3://tpch/moved/'
cli_update['TableInput'].pop('TargetTable', None)
ok('UpdateTable', cli_update, validate=False)
t3 = ok('GetTable', {'DatabaseName': 'tpch', 'Name': 'from_cli'})['Table']
check(t3['StorageDescriptor']['Location'] == 's3://tpch/moved/' and 'TargetTable' not in t3, t3)

for name in ['customer', 'nation', 'orders', 'part', 'partsupp', 'region', 'supplier']:
    ok('CreateTable', {'DatabaseName': 'tpch', 'TableInput': {
        'Name': name, 'StorageDescriptor': {'Location': f's3://tpch/{name}/', 'SerdeInfo': {
            'SerializationLibrary': 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe',
            'Parameters': {'field.delim': '|'}}}}})
names, token, pages = [], None, 0
while True:
    page = ok('GetTables', {'DatabaseName': 'tpch', 'MaxResults': 4, **({'NextToken': token} if token else {})})
    names += [x['Name'] for x in page['TableList']]
    pages += 1
    token = page.get('NextToken')
    if not token:
        break
check(pages == 3 and len(names) == 9 and names == sorted(names), (pages, names))
part = ok('GetTables', {'DatabaseName': 'tpch', 'Expression': 'part*'})['TableList']
check([x['Name'] for x in part] == ['part', 'partsupp'], part)
fails('GetTables', {'DatabaseName': 'nope'}, 'EntityNotFoundException')
fails('GetTables', {'DatabaseName': 'tpch', 'NextToken': 'garbage'}, 'InvalidInputException')
check(fails('GetTable', {'DatabaseName': 'tpch', 'Name': 'nope'}, 'EntityNotFoundException') ==
      'Table nope not found.', 'msg')
fails('CreateTable', {'DatabaseName': 'tpch', 'TableInput': {'Name': 'part'}}, 'AlreadyExistsException')
fails('UpdateTable', {'DatabaseName': 'tpch', 'TableInput': {'Name': 'nope'}}, 'EntityNotFoundException')
ok('DeleteTable', {'DatabaseName': 'tpch', 'Name': 'region'})
fails('DeleteTable', {'DatabaseName': 'tpch', 'Name': 'region'}, 'EntityNotFoundException')
errors = ok('BatchDeleteTable', {'DatabaseName': 'tpch', 'TablesToDelete': ['part', 'region']})['Errors']
check(errors == [{'TableName': 'region', 'ErrorDetail': {
    'ErrorCode': 'EntityNotFoundException', 'ErrorMessage': 'Table region not found.'}}], errors)

# An operation the service does not have: botocore reads the code as for any AWS service.
driver.stdin.write('GetPartitions\t{}\n')
driver.stdin.flush()
status, _, reply = driver.stdout.readline().rstrip('\n').partition('\t')
err = parser.parse({'status_code': int(status), 'headers': {}, 'body': reply.encode()},
                   model.operation_model('GetPartitions').output_shape)
check(err['Error']['Code'] == 'UnknownOperationException', err)

driver.stdin.close()
check(driver.wait() == 0, 'driver exit status')
print(f'glue_service vs botocore {botocore.__version__} and the AWS CLI: {checks} checks passed')
