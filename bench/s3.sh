#!/usr/bin/env bash
# S3 PUT/GET throughput through Nimbus vs a plain file copy on the same disk.
# Usage: bench/s3.sh ENDPOINT_PORT STATE_DIR   (Nimbus must be running on 127.0.0.1:PORT with --state-dir STATE_DIR)
# Requests go path-style to Host s3.localhost (unsigned), so only the server's own cost is measured.
set -euo pipefail
port=$1
state=$2
work=$(mktemp -d "$state/../s3bench.XXXX")
trap 'rm -rf "$work"' EXIT
host="s3.localhost:$port"
curl -sf -X PUT -H "Host: $host" "http://127.0.0.1:$port/bench" >/dev/null || true
mbps() { python3 -c "print(f'{$1/1048576/$2:.0f}')"; }
now() { date +%s.%N; }
for size_mb in 1 64; do
  runs=$(( size_mb == 1 ? 50 : 5 ))
  src="$work/src-$size_mb"
  head -c $((size_mb * 1048576)) /dev/urandom > "$src"
  total=$((size_mb * 1048576 * runs))
  t0=$(now); for i in $(seq $runs); do cp "$src" "$work/copy-$i"; sync -f "$work/copy-$i" 2>/dev/null || true; rm -f "$work/copy-$i"; done; t1=$(now)
  cp_rate=$(mbps $total "$(echo "$t1 - $t0" | bc)")
  t0=$(now); for i in $(seq $runs); do dd if="$src" of="$work/dd-$i" bs=1M conv=fsync status=none; rm -f "$work/dd-$i"; done; t1=$(now)
  dd_rate=$(mbps $total "$(echo "$t1 - $t0" | bc)")
  t0=$(now); for i in $(seq $runs); do curl -sf -X PUT -H "Host: $host" -H "Content-Type: application/octet-stream" --data-binary @"$src" "http://127.0.0.1:$port/bench/obj-$size_mb-$i" >/dev/null; done; t1=$(now)
  put_rate=$(mbps $total "$(echo "$t1 - $t0" | bc)")
  t0=$(now); for i in $(seq $runs); do curl -sf -H "Host: $host" "http://127.0.0.1:$port/bench/obj-$size_mb-$i" -o "$work/get"; done; t1=$(now)
  get_rate=$(mbps $total "$(echo "$t1 - $t0" | bc)")
  cmp "$src" "$work/get"
  echo "${size_mb} MB x $runs: PUT ${put_rate} MB/s, GET ${get_rate} MB/s | cp ${cp_rate} MB/s, dd conv=fsync ${dd_rate} MB/s"
done
