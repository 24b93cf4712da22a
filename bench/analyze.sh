#!/usr/bin/env bash
# End to end: `ntpguard analyze` on the benchmark's mixed capture (bench/data/mixed-1M.pcap or mixed-10M.pcap,
# written by bench/run.sh), everything in one process: embedded KRaft broker, replay (read, decode, Avro, publish),
# detector (Kafka Streams, exactly-once), report. Prints analyze's own stage lines and the wall-clock total.
# Usage: bench/analyze.sh [1M|10M]   (default 1M)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
size="${1:-1M}"
capture="$root/bench/data/mixed-$size.pcap"
if [ ! -f "$capture" ]; then
  echo "bench/analyze.sh: $capture is missing; bench/run.sh writes it (10M; 1M is its prefix)" >&2
  exit 2
fi
"$root/ntpguard" --version >/dev/null # builds the jar first if the sources changed: not part of the timing
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
start=$(date +%s.%N)
"$root/ntpguard" analyze "$capture" --out "$out" 2>&1 >/dev/null | grep -E "broker at|detector|analyze: frames|analyze: time" || true
end=$(date +%s.%N)
python3 - "$start" "$end" "$out/summary.json" <<'PY'
import json, sys
start, end, summary = float(sys.argv[1]), float(sys.argv[2]), json.load(open(sys.argv[3]))
total = end - start
print(f"total {total:.1f} s for {summary['ntpDatagrams']:,} datagrams: {summary['ntpDatagrams'] / total:,.0f} packets/s "
      f"end to end; {summary['alerts']} alerts, {summary['blocklisted']} blocklisted")
PY
