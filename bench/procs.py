"""The read scenarios through nginx with one process (OUT/pg1/) and with N
on the same PostgreSQL database (OUT/pgN/): a table and OUT/procs.json.

Usage: procs.py OUT N"""
import json
import os
import sys

out, n = sys.argv[1], sys.argv[2]
rows = []
for f in sorted(os.listdir(os.path.join(out, "pg1"))):
    if not f.endswith(".json") or f.endswith("-cold.json"):
        continue
    many = os.path.join(out, "pg" + n, f)
    if not os.path.exists(many):
        continue
    with open(os.path.join(out, "pg1", f)) as a, open(many) as b:
        one, more = json.load(a), json.load(b)
    rows.append({"name": f[:-5], "rps_1": one["rps"], "p99_ms_1": one["p99_ms"],
                 "rps_n": more["rps"], "p99_ms_n": more["p99_ms"],
                 "errors_n": more["errors"] + more["non_2xx"],
                 "ratio": round(more["rps"] / one["rps"], 3) if one["rps"] else 0})
with open(os.path.join(out, "procs.json"), "w") as f:
    json.dump({"processes": int(n), "scenarios": rows}, f, indent=2)
print(f"\n{'scenario':<22}{'1 proc req/s':>14}{'p99 ms':>9}{n + ' procs req/s':>15}{'p99 ms':>9}"
      f"{'errors':>8}{n + '/1':>8}")
for r in rows:
    print(f"{r['name']:<22}{r['rps_1']:>14.0f}{r['p99_ms_1']:>9.2f}{r['rps_n']:>15.0f}"
          f"{r['p99_ms_n']:>9.2f}{r['errors_n']:>8}{r['ratio']:>8.3f}")
