"""Collects the wrk figures of one bench run into results.json and a table."""
import json
import os
import sys

out, accounts, posts, small, rss_kb = sys.argv[1:6]
names = ["home_timeline", "conversations_feed", "public_timeline", "status_context",
         "account_statuses", "profile_page", "status_page", "post_status", "favourite"]


def load(name):
    with open(os.path.join(out, name + ".json")) as f:
        return json.load(f)


ceiling = load("ceiling")
rows = []
for n in names:
    r = load(n)
    r["ratio_to_ceiling"] = round(r["rps"] / ceiling["rps"], 4) if ceiling["rps"] else 0
    rows.append(r)
smallr = load("home_timeline_small")
result = {
    "ceiling": {"rps": ceiling["rps"], "p50_ms": ceiling["p50_ms"], "p99_ms": ceiling["p99_ms"]},
    "scenarios": [{k: r[k] for k in ["name", "rps", "p50_ms", "p99_ms", "ratio_to_ceiling",
                                      "errors", "non_2xx"]} for r in rows],
    "home_timeline_flatness": {"posts_small": int(small), "rps_small": smallr["rps"],
                               "p99_ms_small": smallr["p99_ms"], "posts_big": int(posts),
                               "rps_big": rows[0]["rps"], "p99_ms_big": rows[0]["p99_ms"]},
    "rss_mb": round(int(rss_kb) / 1024, 1),
    "fanout_after_post_status": json.load(open(os.path.join(out, "fanout.json"))),
    "accounts": int(accounts),
    "posts": int(posts),
}
web = os.path.join(out, "web_home.json")
if os.path.exists(web):
    w = json.load(open(web))
    result["web_home"] = {k: w[k] for k in ["cold_first_status_ms", "warm_median_first_status_ms",
                                           "warm_max_first_status_ms", "cold_transferred_bytes",
                                           "goal_ms"]}
with open(os.path.join(out, "results.json"), "w") as f:
    json.dump(result, f, indent=2)
print()
print(f"{'scenario':<22}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'x ceiling':>11}{'errors':>8}")
print(f"{'nginx 2KB (ceiling)':<22}{ceiling['rps']:>10.0f}{ceiling['p50_ms']:>10.2f}"
      f"{ceiling['p99_ms']:>10.2f}{1:>11.3f}{ceiling['errors'] + ceiling['non_2xx']:>8}")
for r in rows:
    print(f"{r['name']:<22}{r['rps']:>10.0f}{r['p50_ms']:>10.2f}{r['p99_ms']:>10.2f}"
          f"{r['ratio_to_ceiling']:>11.3f}{r['errors'] + r['non_2xx']:>8}")
print(f"{'home @' + small + ' posts':<22}{smallr['rps']:>10.0f}{smallr['p50_ms']:>10.2f}"
      f"{smallr['p99_ms']:>10.2f}")
home = rows[0]["rps"] or 1
for r in rows:
    if r["name"] in ("profile_page", "status_page"):
        print(f"{r['name']}: {r['rps'] / home:.2f} x home_timeline (goal >= 0.50)")
fo = result["fanout_after_post_status"]
print(f"fan-out queue after post_status: {fo['backlog']} jobs, drained in {fo['drain_s']:.1f} s")
if "web_home" in result:
    w = result["web_home"]
    print(f"web app home, first statuses: {w['cold_first_status_ms']} ms cold, "
          f"{w['warm_median_first_status_ms']} ms warm (goal <= {w['goal_ms']} ms)")
print(f"server peak RSS: {result['rss_mb']} MB; {accounts} accounts, {posts} posts")
print(f"written: {os.path.join(out, 'results.json')}")
