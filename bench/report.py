"""Collects the figures of one bench run into results.json and a table.

Usage: report.py OUT ACCOUNTS POSTS SMALL LABEL... where each label ("new",
"base" when BASE= was given, "pg" with DB=pg) has its figures in OUT/LABEL/.
Extra columns: new/base (this tree over the base binary) and pg/new (the
PostgreSQL store over SQLite)."""
import json
import os
import sys

out, accounts, posts, small = sys.argv[1:5]
labels = sys.argv[5:]
names = ["home_timeline", "conversations_feed", "public_timeline", "status_context",
         "account_statuses", "profile_page", "status_page", "post_status", "favourite"]


def load(*path):
    with open(os.path.join(out, *path)) as f:
        return json.load(f)


def have(*path):
    return os.path.exists(os.path.join(out, *path))


# A run of some scenarios only (SCENARIOS=...) reports what it measured.
names = [n for n in names if all(have(label, n + ".json") for label in labels)]
partial = not have(labels[0], "burst.json")


def stamp(label):
    with open(os.path.join(out, label + ".stamp")) as f:
        return dict(line.rstrip("\n").split(" ", 1) for line in f if " " in line)


ceiling = load("ceiling.json")
result = {
    "ceiling": {k: ceiling[k] for k in ["rps", "p50_ms", "p99_ms"]},
    "accounts": int(accounts),
    "posts": int(posts),
    "binaries": {},
}
for label in labels:
    rows = []
    for n in names:
        r = load(label, n + ".json")
        r["ratio_to_ceiling"] = round(r["rps"] / ceiling["rps"], 4) if ceiling["rps"] else 0
        rows.append({k: r[k] for k in ["name", "rps", "p50_ms", "p99_ms", "ratio_to_ceiling",
                                        "errors", "non_2xx"]})
    with open(os.path.join(out, label, "rss_kb")) as f:
        rss_kb = int(f.read().strip() or 0)
    result["binaries"][label] = {
        "stamp": stamp(label),
        "scenarios": rows,
        "rss_mb": round(rss_kb / 1024, 1),
    }
    if partial:
        continue
    smallr = load(label, "home_timeline_small.json")
    with open(os.path.join(out, label, "burst-slow.log")) as f:
        slow = sum(1 for _ in f)
    result["binaries"][label].update({
        "home_timeline_flatness": {"posts_small": int(small), "rps_small": smallr["rps"],
                                   "p99_ms_small": smallr["p99_ms"], "posts_big": int(posts),
                                   "rps_big": rows[0]["rps"], "p99_ms_big": rows[0]["p99_ms"]},
        "burst": {"post_status": load(label, "burst.json"), "probe": load(label, "probe.json"),
                  "statements_over_100ms": slow},
        "fanout_after_post_status": load(label, "fanout.json"),
    })
web = os.path.join(out, "web_home.json")
if os.path.exists(web):
    w = load("web_home.json")
    result["web_home"] = {k: w[k] for k in ["cold_first_status_ms", "warm_median_first_status_ms",
                                           "warm_max_first_status_ms", "cold_transferred_bytes",
                                           "goal_ms"]}
with open(os.path.join(out, "results.json"), "w") as f:
    json.dump(result, f, indent=2)

B = result["binaries"]
print()
head = f"{'scenario':<22}"
for label in labels:
    head += f"{label + ' req/s':>12}{'p99 ms':>9}{'x ceiling':>10}{'errors':>7}"
RATIOS = [(a, b) for a, b in [("new", "base"), ("pg", "new")] if a in labels and b in labels]
for a, b in RATIOS:
    head += f"{a + '/' + b:>10}"
print(head)
print(f"{'nginx 2KB (ceiling)':<22}{ceiling['rps']:>12.0f}{ceiling['p99_ms']:>9.2f}{1:>10.3f}"
      f"{ceiling['errors'] + ceiling['non_2xx']:>7}")
for i, n in enumerate(names):
    line = f"{n:<22}"
    for label in labels:
        r = B[label]["scenarios"][i]
        line += (f"{r['rps']:>12.0f}{r['p99_ms']:>9.2f}{r['ratio_to_ceiling']:>10.3f}"
                 f"{r['errors'] + r['non_2xx']:>7}")
    for x, y in RATIOS:
        a, b = B[x]["scenarios"][i]["rps"], B[y]["scenarios"][i]["rps"]
        line += f"{a / b if b else 0:>10.3f}"
    print(line)
for label in labels:
    b = B[label]
    home = b["scenarios"][0]["rps"] or 1
    for r in b["scenarios"]:
        if r["name"] in ("profile_page", "status_page"):
            print(f"{label}: {r['name']} {r['rps'] / home:.2f} x home_timeline (goal >= 0.50)")
    print(f"{label}: server peak RSS {b['rss_mb']} MB")
    if partial:
        continue
    fl, bu = b["home_timeline_flatness"], b["burst"]
    print(f"{label}: home @{small} posts {fl['rps_small']:.0f} req/s, p99 {fl['p99_ms_small']:.2f} ms;"
          f" burst of {bu['post_status']['requests']} posts: p99 {bu['post_status']['p99_ms']:.1f} ms,"
          f" max {bu['post_status']['max_ms']:.1f} ms; home probe: longest wait"
          f" {bu['probe']['max_ms']:.1f} ms over {bu['probe']['requests']} reads;"
          f" errors {bu['post_status']['errors'] + bu['post_status']['non_2xx']};"
          f" {bu['statements_over_100ms']} statements over 100 ms")
    fo = b["fanout_after_post_status"]
    print(f"{label}: fan-out queue after post_status: {fo['backlog']} jobs, drained in"
          f" {fo['drain_s']:.1f} s")
if "web_home" in result:
    w = result["web_home"]
    print(f"web app home, first statuses: {w['cold_first_status_ms']} ms cold, "
          f"{w['warm_median_first_status_ms']} ms warm (goal <= {w['goal_ms']} ms)")
print(f"{accounts} accounts, {posts} posts; written: {os.path.join(out, 'results.json')}")
