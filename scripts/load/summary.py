"""Summarises a load run (scripts/load.sh): requests and latency by kind, failures, resident
memory over the run, the stock check and the shutdown. Exits non-zero on any failure, an
index that differs from the database, or a shutdown that did not end cleanly."""
import csv
import json
import sys

out, seconds, status, stopped = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
rows = list(csv.DictReader(open(f"{out}/load_stats.csv")))
print(f"{'request':<40} {'count':>7} {'fail':>5} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}")
total = None
for r in rows:
    if r["Name"] == "Aggregated":
        total = r
        continue
    print(f"{r['Name']:<40} {r['Request Count']:>7} {r['Failure Count']:>5} {float(r['Requests/s']):>7.1f} "
          f"{r['50%']:>7} {r['95%']:>7} {r['99%']:>7} {float(r['Max Response Time']):>7.0f}")
print(f"{'all':<40} {total['Request Count']:>7} {total['Failure Count']:>5} {float(total['Requests/s']):>7.1f} "
      f"{total['50%']:>7} {total['95%']:>7} {total['99%']:>7} {float(total['Max Response Time']):>7.0f}")
failures = int(total["Failure Count"])
if failures:
    for f in csv.DictReader(open(f"{out}/load_failures.csv")):
        print(f"  failed {f['Occurrences']}×  {f['Method']} {f['Name']}: {f['Error'][:160]}")

# An exception in a user's code (a key missing from an answer, say) is an error too.
exceptions = list(csv.DictReader(open(f"{out}/load_exceptions.csv")))
for e in exceptions:
    print(f"  exception {e['Count']}×: {e['Message'][:160]}")
failures += sum(int(e["Count"]) for e in exceptions)

samples = []
for line in open(f"{out}/rss.txt"):
    parts = line.split()
    if len(parts) == 2 and parts[1].isdigit():
        samples.append((float(parts[0]), int(parts[1]) / 1024))
warm = [m for t, m in samples if 15 <= t <= seconds + 1]
rss_ok = True
if warm:
    first, last, peak = warm[0], warm[-1], max(warm)
    growth = (last - first) / first * 100
    print(f"resident memory: {samples[0][1]:.0f} MiB at the start, {first:.0f} MiB after 15 s of load, "
          f"{last:.0f} MiB at the end ({growth:+.1f} %), peak {peak:.0f} MiB")
    rss_ok = growth < 10
check = json.load(open(f"{out}/stock-check.json"))
print(f"stock index against the database: {'equal' if check['consistent'] else 'DIFFERENT'} "
      f"({check['index_rows']} rows; {len(check['differences'])} differences)")
print(f"SIGTERM after the load: exit status {status} in {stopped:.2f} s")
ok = failures == 0 and check["consistent"] and status == 0 and rss_ok
print("zero errors" if ok else "FAILED")
sys.exit(0 if ok else 1)
