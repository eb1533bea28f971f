#!/usr/bin/env python3
"""Summarizes bench/dm-compare results: one row per figure, one column per
server, every round's value (so the spread shows).

    bench/dm-compare-table.py OUT/results.jsonl
"""
import json
import sys
from collections import defaultdict


# wind-bench's before/during scenarios: their row name, what the second phase
# is called, their one figure beyond the p99 rows (label, key), and the name
# of their control run's row.
DISTURBANCES = {
    "login-storm": ("storm", "during", ("logins/s", "logins_per_s"), "storm control (no logins)"),
    "slow-reader": ("slow reader", "with it", ("cut", "reader_cut"),
                    "slow reader control (never stops)"),
}


def main(path):
    values = defaultdict(lambda: defaultdict(list))  # figure -> server -> [values]
    servers = []
    pending = {}  # label -> last dm/storm result, for the CPU line that follows
    for line in open(path):
        row = json.loads(line)
        label = row["label"]
        server = label.split("#")[0]
        if server not in servers:
            servers.append(server)
        add = lambda figure, value: values[figure][server].append(value)
        if "server_cpu_s" in row:
            last = pending.pop(label, None)
            if last and last.get("mode") == "closed" and row["server_cpu_s"] > 0:
                # Messages delivered per second of server CPU time: about
                # msgs/s x wall / cpu (the run includes connect and drain).
                add("DM closed loop: msgs per server-CPU-second",
                    last["msgs_per_s"] * row["wall_s"] / row["server_cpu_s"])
                add("DM closed loop: server CPU share of a core",
                    row["server_cpu_s"] / row["wall_s"])
            continue
        if row["scenario"] == "dm" and row.get("mode") == "closed":
            add("DM closed loop msg/s", row["msgs_per_s"])
        elif row["scenario"] == "dm":
            rate = f'{row["rate"] // 1000}k/s'
            add(f"DM at {rate} p50 (ms)", row["p50_ms"])
            add(f"DM at {rate} p99 (ms)", row["p99_ms"])
            add(f"DM at {rate} lost", row["lost"])
        elif row["scenario"] in DISTURBANCES:
            name, during, (figure, key), control = DISTURBANCES[row["scenario"]]
            if row.get("control"):
                add(f"{control}: DM p99 change (%)", row["p99_change_pct"])
            else:
                add(f"{name}: DM p99 before (ms)", row["before_p99_ms"])
                add(f"{name}: DM p99 {during} (ms)", row["during_p99_ms"])
                add(f"{name}: DM p99 change (%)", row["p99_change_pct"])
                add(f"{name}: {figure}", row[key])
        else:
            continue
        pending[label] = row
    print("| figure | " + " | ".join(servers) + " |")
    print("|---|" + "---|" * len(servers))
    for figure, by_server in values.items():
        cells = []
        for server in servers:
            got = by_server.get(server, [])
            cells.append(" / ".join(f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}" for v in got) or "–")
        print(f"| {figure} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
