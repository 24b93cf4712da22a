#!/usr/bin/env python3
"""Side-by-side `ntpguard analyze` runs of several builds or JVM options, alternated, with CPU time.

On a shared 2-core VM the wall clock of the same run moves by 30 % from one hour to the next; alternating the
variants and recording the process's CPU time (user + system, every thread) is what makes a comparison hold.

usage: bench/compare.py [--rounds N] FILE LABEL=JAR[=JAVA OPTIONS] ...
  e.g. bench/compare.py --rounds 2 bench/data/mixed-10M.pcap before=/tmp/old.jar after=cli/target/ntpguard.jar
Each variant runs with the launcher's JIT options (./ntpguard) unless its own options are given. An option
java=PATH runs that variant on another JVM (e.g. java=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java). Prints a line a
run (processing = replay + detector after the replay, from analyze's time line), then the medians.
"""
import argparse
import json
import re
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def launcher_jit_options():
    text = (ROOT / "ntpguard").read_text()
    return re.findall(r"-XX:Tier4\w+=\d+", text)


def run(jar, options, capture):
    java = next((o[len("java="):] for o in options if o.startswith("java=")), "java")
    options = [o for o in options if not o.startswith("java=")]
    with tempfile.TemporaryDirectory(prefix="ntpguard-compare-") as out:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        result = subprocess.run([java, *options, "-jar", jar, "analyze", str(capture), "--out", out + "/report"],
                                capture_output=True, text=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if result.returncode != 0:
            sys.exit(f"compare: {jar} exited {result.returncode}: {result.stderr.strip().splitlines()[-1:]}")
        line = [l for l in result.stderr.splitlines() if "time:" in l][-1]
        replay = float(re.search(r"replay ([\d.]+) s", line).group(1))
        detector = float(re.search(r"after the replay ([\d.]+) s", line).group(1))
        summary = json.loads(Path(out, "report", "summary.json").read_text())
        return {"processing": replay + detector, "replay": replay, "after": detector, "cpu": cpu,
                "alerts": summary["alerts"], "blocklisted": summary["blocklisted"],
                "late": summary.get("lateFlows", 0), "datagrams": summary["ntpDatagrams"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("capture", type=Path)
    parser.add_argument("variants", nargs="+", metavar="LABEL=JAR[=OPTIONS]")
    args = parser.parse_args()
    variants = []
    for spec in args.variants:
        parts = spec.split("=", 2)
        if len(parts) < 2 or not Path(parts[1]).is_file():
            sys.exit(f"compare: '{spec}': expected LABEL=JAR[=OPTIONS] with an existing jar")
        options = parts[2].split() if len(parts) == 3 else launcher_jit_options()
        variants.append((parts[0], parts[1], options))
    results = {label: [] for label, _, _ in variants}
    for round_number in range(1, args.rounds + 1):
        for label, jar, options in variants:
            r = run(jar, options, args.capture)
            results[label].append(r)
            print(f"round {round_number} {label:>12}: processing {r['processing']:5.1f} s (replay {r['replay']:.1f} + "
                  f"after {r['after']:.1f}), {r['datagrams'] / r['processing']:>9,.0f} packets/s, "
                  f"CPU {r['cpu']:5.1f} s; {r['alerts']} alerts, {r['blocklisted']} blocklisted, {r['late']} late",
                  flush=True)
    print("medians:")
    for label, runs in results.items():
        processing = statistics.median(r["processing"] for r in runs)
        cpu = statistics.median(r["cpu"] for r in runs)
        print(f"  {label:>12}: processing {processing:5.1f} s, CPU {cpu:5.1f} s ({len(runs)} runs)")


if __name__ == "__main__":
    main()
