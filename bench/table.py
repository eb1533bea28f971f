#!/usr/bin/env python3
"""Turns run-side-by-side's results.jsonl into the PERFORMANCE.md table.

Each row: one figure, WIND's value, the Bun peer's value from the same run,
WIND/Bun, and which direction is better. `bun-gc` is the peer with
GROUP_COMMIT=1 (its best case), `bun` the per-message-commit variant."""
import json
import sys


def key(run):
    if run["scenario"] == "dm":
        return "dm@" + ("closed" if run.get("mode") == "closed" else str(int(run["rate"])))
    return run["scenario"]


def load(path):
    runs = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                run = json.loads(line)
                runs[(run["label"], key(run))] = run
    return runs


# (target, figure, scenario key, field, better, wind label, bun label)
ROWS = [
    ("T1", "idle RSS per connection (B)", "idle", "bytes_per_conn", "lower", "wind", "bun-gc"),
    ("T1", "idle CPU (% of a core)", "idle", "idle_cpu_pct", "lower", "wind", "bun-gc"),
    ("T1", "idle connections held", "idle", "still_open", "higher", "wind", "bun-gc"),
    ("T2", "echo frames/s (8 in flight)", "echo", "frames_per_s", "higher", "wind", "bun-gc"),
    ("T3", "DM closed loop msg/s (vs Bun group commit)", "dm@closed", "msgs_per_s", "higher", "wind", "bun-gc"),
    ("T3", "DM closed loop msg/s (vs Bun commit per message)", "dm@closed", "msgs_per_s", "higher", "wind", "bun"),
    ("T3", "DM at 20k/s p99 (ms)", "dm@20000", "p99_ms", "lower", "wind", "bun-gc"),
    ("T3", "DM at 20k/s lost", "dm@20000", "lost", "lower", "wind", "bun-gc"),
    ("T3", "DM at 10k/s p50 (ms)", "dm@10000", "p50_ms", "lower", "wind", "bun-gc"),
    ("T3", "DM at 10k/s p99 (ms)", "dm@10000", "p99_ms", "lower", "wind", "bun-gc"),
    ("T3", "DM at 10k/s p99 (ms), Bun commit per message", "dm@10000", "p99_ms", "lower", "wind", "bun"),
    ("T3F", "DM synchronous=full closed loop msg/s", "dm@closed", "msgs_per_s", "higher", "wind-full", None),
    ("T3F", "DM synchronous=full at 5k/s p99 (ms)", "dm@5000", "p99_ms", "lower", "wind-full", None),
    ("T5", "history page of 50 p50 (ms)", "history", "p50_ms", "lower", "wind", "bun-gc"),
    ("T5", "history page of 50 p99 (ms)", "history", "p99_ms", "lower", "wind", "bun-gc"),
    ("T5", "history messages in room", "history", "filled", "", "wind", "bun-gc"),
    ("T6", "DM p99 before login storm (ms)", "login-storm", "before_p99_ms", "lower", "wind", "bun-gc"),
    ("T6", "DM p99 during login storm (ms)", "login-storm", "during_p99_ms", "lower", "wind", "bun-gc"),
    ("T6", "DM p99 change in storm (%)", "login-storm", "p99_change_pct", "lower", "wind", "bun-gc"),
    ("T6", "password logins/s in storm", "login-storm", "logins_per_s", "higher", "wind", "bun-gc"),
    ("T6", "token re-auth/s (50 connections x 4)", "reauth", "auths_per_s", "higher", "wind", "bun-gc"),
    ("T7", "DM p99 before slow reader (ms)", "slow-reader", "before_p99_ms", "lower", "wind", "bun-gc"),
    ("T7", "DM p99 with slow reader (ms)", "slow-reader", "during_p99_ms", "lower", "wind", "bun-gc"),
    ("T7", "DM p99 change with slow reader (%)", "slow-reader", "p99_change_pct", "lower", "wind", "bun-gc"),
    ("T7", "slow reader cut (1 = yes)", "slow-reader", "reader_cut", "higher", "wind", "bun-gc"),
]


def fmt(value):
    if value is None:
        return "–"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def main():
    runs = load(sys.argv[1])
    print("| target | figure | WIND | Bun | WIND/Bun | better |")
    print("|---|---|---|---|---|---|")
    for target, figure, scenario, field, better, wind, bun in ROWS:
        w = runs.get((wind, scenario), {}).get(field)
        b = runs.get((bun, scenario), {}).get(field) if bun else None
        ratio = f"{w / b:.2f}" if w is not None and b not in (None, 0) else "–"
        peer = {"bun-gc": "", "bun": " (per-msg commit)", None: ""}[bun]
        print(f"| {target} | {figure} | {fmt(w)} | {fmt(b)}{peer} | {ratio} | {better} |")


if __name__ == "__main__":
    main()
