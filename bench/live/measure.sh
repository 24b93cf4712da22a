#!/usr/bin/env bash
# Live capture against tcpdump (root), as ../shared/tools/live-capture.sh sets it up: in a private network namespace,
# tcpreplay sends the 2M-frame mixed capture at top speed into a veth pair; tcpdump and ntpguard capture the far end.
# Differences: ntpguard is stopped with SIGTERM (a background job of a non-interactive shell ignores SIGINT, and so
# does the JVM then) and given time to write its final report; the jar, the ntpguard side and --loop are arguments.
# usage (from the project's root): bench/live/measure.sh JAR run|decode|reader FRAMES [LOOP] [EXTRA]
#   run:    ntpguard run -i vt1 EXTRA          decode: ntpguard decode -i vt1 EXTRA --format csv -o /dev/null
#   reader: bench/live/ReadDecode.java vt1 EXTRA (EXTRA: a buffer size in bytes)
set -u
here=$(cd "$(dirname "$0")" && pwd)
jar=$1; mode=$2; n=$3; loop=${4:-1}; extra=${5:-}
big=${TMPDIR:-/tmp}/ntpguard-line-rate/big-2000000.pcap
mkdir -p "$(dirname "$big")"; [ -f "$big" ] || python3 ../shared/tools/make_big_pcap.py "$big" 2000000 || exit 1
work=${TMPDIR:-/tmp}/ntpguard-live-$mode-$n-$loop; rm -rf "$work"; mkdir -p "$work"
case $mode in
  run) cmd="java -jar $jar run -i vt1 $extra --out $work/report"; warm=20; grace=300;;
  decode) cmd="java -jar $jar decode -i vt1 $extra --format csv -o /dev/null"; warm=5; grace=60;;
  reader) cmd="java -cp $jar $here/ReadDecode.java vt1 $extra"; warm=8; grace=30;;
  *) echo "mode: $mode (expected: run, decode or reader)" >&2; exit 2;;
esac
unshare -n bash -c "
ip link set lo up; ip link add vt0 type veth peer name vt1; ip link set vt0 up; ip link set vt1 up
tcpdump -i vt1 -B 65536 -w /dev/null 2>'$work/tcpdump.err' & td=\$!
$cmd >'$work/ng.out' 2>'$work/ng.err' & ng=\$!
sleep $warm
uptime > '$work/load'
tcpreplay --topspeed --loop=$loop --limit=$n -i vt0 '$big' >'$work/tcpreplay.out' 2>&1
sleep 5; kill -INT \$td; kill -TERM \$ng; wait \$td
for i in \$(seq $grace); do kill -0 \$ng 2>/dev/null || break; sleep 1; done; kill -9 \$ng 2>/dev/null; wait \$ng
"
echo "== $mode frames=$n loop=$loop jar=$jar, load at start: $(sed 's/.*load average: //' "$work/load")"
grep -h 'Actual\|Rated' "$work/tcpreplay.out"
grep -h 'packets captured\|dropped by kernel\|dropped by interface' "$work/tcpdump.err" | tr '\n' ' '; echo
grep -h 'published\|libpcap\|frames\|Capture:' "$work/ng.err" "$work/ng.out" 2>/dev/null | grep -v 'capturing on'
[ -f "$work/report/summary.json" ] && cat "$work/report/summary.json"
exit 0
