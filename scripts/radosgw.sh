#!/bin/bash
# A real S3 server on 127.0.0.1 for the peer tests: Ceph (Debian's radosgw, ceph-mon, ceph-osd,
# installed by scripts/setup.sh) with one monitor, one RAM-backed (memstore) OSD and one radosgw,
# without systemd, cephadm or Docker. It verifies SigV4 (header, presigned, aws-chunked chunk
# signatures), Content-MD5 and x-amz-content-sha256, and enforces S3's multipart rules
# (EntityTooSmall, InvalidPart, NoSuchUpload). Known gaps: no flexible checksums
# (x-amz-checksum-*), no STREAMING-UNSIGNED-PAYLOAD-TRAILER, the final empty chunk's signature is
# not checked, error <Message> is empty.
#
# Usage: scripts/radosgw.sh start DIR [PORT]   DIR is wiped and holds config, logs and pid files;
#                                               PORT 0 or absent = a free port. Prints
#                                               "endpoint=http://127.0.0.1:PORT" when ready and
#                                               writes the URL to DIR/endpoint.
#        scripts/radosgw.sh stop DIR            stops the daemons started in DIR (waits for them).
# Credentials: access key TESTKEY, secret TESTSECRET (a test-only user of this throw-away cluster).
# The monitor listens on 127.0.0.1:3300 and :6789, so one cluster runs per host at a time. About
# 15-25 s to start on 2 cores. The OSD keeps objects in RAM, up to $RADOSGW_MEMSTORE_BYTES (default
# 4 GiB, allocated as used); when it is full radosgw stops answering writes (requests hang until the
# client's timeout), and deleted objects are only reclaimed by radosgw's garbage collector.
#
# RADOSGW_BENCH=1 (for benchmarks, never for tests): the same cluster with the server's own CPU cost
# cut, so that a benchmark on a shared machine shows the clients' differences rather than radosgw's:
# no cephx between the daemons (auth none), no debug logging (debug_* 0/0, i.e. not even gathered in
# memory), messenger CRCs off where the messenger honours it, 8 radosgw threads (2 cores), 8 MiB
# RADOS writes (rgw_max_chunk_size/rgw_obj_stripe_size; one write per 8 MiB part instead of two),
# and overwritten objects' RAM reclaimed after 10 s instead of 30 s (repeated uploads of the same
# keys). S3 behaviour (SigV4, Content-MD5, multipart rules, the user and port) is unchanged.
# docs/PERFORMANCE.md has its effect.
set -euo pipefail
cmd=${1:?usage: radosgw.sh start|stop DIR [PORT]}
B=${2:?usage: radosgw.sh start|stop DIR [PORT]}
PORT=${3:-0}

stop() {
  local p pid
  for p in "$B"/run/*.pid; do
    [[ -f $p ]] || continue
    pid=$(cat "$p")
    kill "$pid" 2>/dev/null || true
  done
  for p in "$B"/run/*.pid; do
    [[ -f $p ]] || continue
    pid=$(cat "$p")
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$p"
  done
}

if [[ $cmd == stop ]]; then
  [[ -d $B ]] && stop
  exit 0
fi
[[ $cmd == start ]] || { echo "radosgw.sh: unknown command '$cmd' (start or stop)" >&2; exit 2; }
# Without cephx (RADOSGW_BENCH=1) the OSD can ask the monitor to register itself before it has the
# monitor map, with a zero fsid ("mon_cmd_maybe_osd_create fail: 'wrong fsid'"), and stop: a race
# of the daemons, not of this machine. Such a start is tried again (three times at most).
if [[ -z ${RADOSGW_SH_ATTEMPT:-} ]]; then
  for attempt in 1 2 3; do
    rc=0
    RADOSGW_SH_ATTEMPT=$attempt "$0" "$@" || rc=$?
    (( rc == 0 )) && exit 0
    grep -qs "wrong fsid" "$B/log/setup.log" || exit "$rc"
    echo "radosgw.sh: the OSD raced the monitor ('wrong fsid'); starting again" >&2
  done
  exit "$rc"
fi

for tool in ceph-mon ceph-osd ceph-authtool monmaptool ceph radosgw radosgw-admin uuidgen curl; do
  command -v "$tool" >/dev/null || { echo "radosgw.sh: $tool not found: run scripts/setup.sh (apt-get install radosgw ceph-mon ceph-osd uuid-runtime curl)" >&2; exit 3; }
done
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if port_busy 3300 || port_busy 6789; then
  echo "radosgw.sh: a Ceph monitor is already listening on 127.0.0.1:3300/6789 (another test cluster?): stop it first (scripts/radosgw.sh stop DIR)" >&2
  exit 4
fi
if [[ $PORT == 0 ]]; then
  PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
fi

[[ -d $B ]] && stop
rm -rf "$B"; mkdir -p "$B"/{mon,osd,run,log}
B=$(cd "$B" && pwd)
trap 'echo "radosgw.sh: start failed; logs in $B/log" >&2; stop' ERR
FSID=$(uuidgen)
AUTH=cephx RGW_THREADS=16 GC_WAIT=30 BENCH_GLOBAL= BENCH_RGW=
if [[ ${RADOSGW_BENCH:-0} == 1 ]]; then
  AUTH=none RGW_THREADS=8 GC_WAIT=10
  BENCH_GLOBAL="
debug_rgw = 0/0
debug_ms = 0/0
debug_osd = 0/0
debug_objecter = 0/0
debug_rados = 0/0
debug_filestore = 0/0
debug_memstore = 0/0
debug_bluestore = 0/0
debug_monc = 0/0
debug_auth = 0/0
debug_finisher = 0/0
debug_throttle = 0/0
debug_asok = 0/0
debug_objclass = 0/0
debug_mon = 0/0
debug_paxos = 0/0
ms_crc_data = false
ms_crc_header = false
cephx_sign_messages = false"
  BENCH_RGW="
rgw_max_chunk_size = 8388608
rgw_obj_stripe_size = 8388608
rgw_dynamic_resharding = false"
fi
cat > "$B/ceph.conf" <<CONF
[global]
fsid = $FSID
mon_initial_members = a
mon_host = 127.0.0.1
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
auth_cluster_required = $AUTH
auth_service_required = $AUTH
auth_client_required = $AUTH
osd_pool_default_size = 1
osd_pool_default_min_size = 1
mon_allow_pool_size_one = true
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
osd_crush_chooseleaf_type = 0
run_dir = $B/run
admin_socket = $B/run/\$name.asok
pid_file = $B/run/\$name.pid
log_file = $B/log/\$name.log
keyring = $B/\$name.keyring
mon_data = $B/mon/\$cluster-\$id
osd_data = $B/osd/\$cluster-\$id
osd_objectstore = memstore
memstore_device_bytes = ${RADOSGW_MEMSTORE_BYTES:-4294967296}
mon_warn_on_pool_no_redundancy = false$BENCH_GLOBAL
[client.rgw.a]
rgw_frontends = beast endpoint=127.0.0.1:$PORT
rgw_thread_pool_size = $RGW_THREADS
rgw_gc_obj_min_wait = $GC_WAIT
rgw_gc_processor_period = $GC_WAIT$BENCH_RGW
CONF
export CEPH_CONF=$B/ceph.conf
{
  ceph-authtool --create-keyring "$B/mon.a.keyring" --gen-key -n mon. --cap mon 'allow *'
  ceph-authtool --create-keyring "$B/client.admin.keyring" --gen-key -n client.admin \
    --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' --cap mds 'allow *'
  ceph-authtool "$B/mon.a.keyring" --import-keyring "$B/client.admin.keyring"
  monmaptool --create --add a 127.0.0.1 --fsid "$FSID" "$B/monmap"
  ceph-mon --mkfs -i a --monmap "$B/monmap" --keyring "$B/mon.a.keyring"
  ceph-mon -i a
  OSDID=$(ceph osd create)
  mkdir -p "$B/osd/ceph-$OSDID"
  ceph-osd -i "$OSDID" --mkfs --mkkey --no-mon-config
  ceph auth add "osd.$OSDID" osd "allow *" mon "allow profile osd" -i "$B/osd.$OSDID.keyring"
  ceph osd crush add "osd.$OSDID" 1.0 host=localhost root=default
  ceph-osd -i "$OSDID"
  ceph auth get-or-create client.rgw.a mon 'allow rw' osd 'allow rwx' -o "$B/client.rgw.a.keyring"
  radosgw -n client.rgw.a
} >"$B/log/setup.log" 2>&1
ready=
for _ in $(seq 1 240); do
  if curl -fs -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null; then ready=1; break; fi
  sleep 0.5
done
[[ -n $ready ]] || { echo "radosgw.sh: radosgw did not answer on 127.0.0.1:$PORT within 120 s; logs in $B/log" >&2; stop; exit 5; }
radosgw-admin user create --uid=test --display-name=test --access-key=TESTKEY --secret-key=TESTSECRET \
  >>"$B/log/setup.log" 2>&1
trap - ERR
echo "http://127.0.0.1:$PORT" > "$B/endpoint"
echo "endpoint=http://127.0.0.1:$PORT"
