"""Markdown tables from results.jsonl (the newest record per route/db/variant).
Usage: python3 summarize.py [results.jsonl]   |   python3 summarize.py --decision"""

import json
import sys
from pathlib import Path


def decision_table(path):
    """The compact table pasted into decision.md: wall ms (CPU ms) and queries."""
    meas = {}
    for line in Path(path).read_text().splitlines():
        d = json.loads(line)
        if d["kind"] == "measure":
            meas[(d["route"], d["db"], d["variant"])] = d
    cols = [
        ("list", "list"),
        ("list_search_common", "search “harbour”"),
        ("list_search_rare", "search rare"),
        ("list_filter_section", "filter section"),
        ("list_filter_status", "filter status"),
        ("list_page_20", "page 20"),
        ("edit", "edit"),
        ("compare", "compare"),
    ]
    out = [
        "| route, db, variant | " + " | ".join(c[1] for c in cols) + " | load |",
        "|" + "---|" * (len(cols) + 2),
    ]
    order = [(r, db, v) for v in ("tuned", "stock") for db in ("pg", "sqlite") for r in ("b", "a")]
    for key in order:
        if key not in meas:
            continue
        d = meas[key]
        cells = []
        for name, _ in cols:
            r = d["pages"].get(name)
            if not r:
                cells.append("–")
                continue
            cpu = f" ({r['cpu_ms']:.0f})" if "cpu_ms" in r else ""
            mark = " †" if r["full_count"] else ""
            cells.append(f"{r['median_ms']:.0f}{cpu} · {r['queries']}q{mark}")
        name = {"a": "A Wagtail", "b": "B Django admin"}[key[0]]
        db = {"pg": "PostgreSQL", "sqlite": "SQLite"}[key[1]]
        out.append(f"| {name}, {db}, {key[2]} | " + " | ".join(cells) + f" | {d.get('loadavg', ['?'])[0]} |")
    return "\n".join(out)


def report():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    path = Path(args[0] if args else Path(__file__).with_name("results.jsonl"))
    builds, meas = {}, {}
    for line in path.read_text().splitlines():
        d = json.loads(line)
        if d["kind"] == "build":
            builds[(d["route"], d["db"])] = d
        else:
            meas[(d["route"], d["db"], d["variant"])] = d
    ROUTE = {"a": "A Wagtail", "b": "B Django admin"}
    PAGES = [
        "list",
        "list_search_common",
        "list_search_rare",
        "list_filter_section",
        "list_filter_status",
        "list_page_20",
        "edit",
        "history",
        "compare",
    ]
    print("| route | db | variant | " + " | ".join(PAGES) + " | load |")
    print("|" + "---|" * (4 + len(PAGES)))
    for key in sorted(meas):
        d = meas[key]
        cells = []
        for p in PAGES:
            r = d["pages"].get(p)
            if not r:
                cells.append("–")
                continue
            flag = " **FULL COUNT**" if r["full_count"] else ""
            cpu = f" (cpu {r['cpu_ms']:.0f})" if "cpu_ms" in r else ""
            cells.append(f"{r['median_ms']:.0f}{cpu} / {r['queries']}q{flag}")
        load = d.get("loadavg", ["?"])[0]
        print(f"| {ROUTE[key[0]]} | {key[1]} | {key[2]} | " + " | ".join(cells) + f" | {load} |")
    print()
    print("Count queries (ms, from the CaptureQueriesContext run):")
    for key in sorted(meas):
        d = meas[key]
        parts = []
        for p in PAGES:
            r = d["pages"].get(p)
            if r and r["counts"]:
                parts.append(
                    f"{p}: "
                    + ", ".join(f"{c['kind']} {c['ms']:.0f}" for c in r["counts"] if c["kind"] != "other")
                )
        print(f"- {ROUTE[key[0]]} {key[1]} {key[2]}: " + "; ".join(parts))
        if "publish_scheduled_cmd" in d["pages"]:
            ps = d["pages"]["publish_scheduled_cmd"]
            print(
                f"  - publish_scheduled (nothing due): {ps['median_ms']} ms, {ps['queries']} queries; slowest "
                + "; ".join(f"{q['ms']} ms {q['sql'][:90]}" for q in ps["slowest"][:2])
            )
    print()
    print("| route | db | migrate | tables | fill (s) | db size |")
    print("|---|---|---|---|---|---|")
    for key in sorted(builds):
        b = builds[key]
        print(
            f"| {ROUTE[key[0]]} | {key[1]} | {b['migrate_s']} s | {b['tables']} | {b['fill']['total']} | {b['db_bytes'] / 1e9:.2f} GB |"
        )


if __name__ == "__main__":
    if "--decision" in sys.argv:
        print(decision_table(Path(__file__).with_name("results.jsonl")))
    else:
        report()
