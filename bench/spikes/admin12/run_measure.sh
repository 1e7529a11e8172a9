#!/bin/sh
# Measure every route/db/variant against the databases admin_spike.py built (results.jsonl).
cd "$(dirname "$0")"
for db in pg sqlite; do
  for route in b a; do
    for variant in tuned stock; do
      nice -n 19 venv_$route/bin/python admin_spike.py --route $route --db $db --variant $variant measure
    done
  done
done
