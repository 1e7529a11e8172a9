"""Installed size of each distribution in this venv, and which are new to Broadsheet's lock.
Usage: venv_X/bin/python pkg_sizes.py /work/main/requirements.lock"""

import re
import sys
from importlib.metadata import distributions
from pathlib import Path

lock = {
    re.split(r"[=<> ;\[]", line.strip())[0].lower().replace("_", "-")
    for line in Path(sys.argv[1]).read_text().splitlines()
    if line.strip() and not line.startswith(("#", " "))
}
rows = []
for d in distributions():
    name = d.metadata["Name"].lower().replace("_", "-")
    if name in ("pip", "setuptools"):
        continue
    size = 0
    for f in d.files or []:
        p = Path(d.locate_file(f))
        if p.is_file():
            size += p.stat().st_size
    rows.append((name, d.version, size, name in lock))
rows.sort(key=lambda r: -r[2])
new = [r for r in rows if not r[3]]
print(f"all: {len(rows)} dists, {sum(r[2] for r in rows) / 1e6:.1f} MB")
print(f"new to requirements.lock: {len(new)} dists, {sum(r[2] for r in new) / 1e6:.1f} MB")
for n, v, s, inlock in rows:
    print(f"  {'  ' if inlock else 'NEW'} {n}=={v} {s / 1e6:.1f} MB")
