#!/usr/bin/env bash
# Runs `repere eval --answers` on a BEIR folder with answers.jsonl, with another domain's
# questions asked of the same library, and checks floors set from the measurements quoted in
# docs/answers.md (token F1 0.4250, half coverage 0.4103, abstention 0.0802 in the domain;
# 0.9956 on Cranfield's questions, 0.9000 on tests/answer/questions-hors-domaine-fr.jsonl).
# Usage: answer_floor.sh REPERE DATASET OTHER_QUERIES OTHER_ABSTENTION_FLOOR
set -euo pipefail
repere="$1" dataset="$2" other="$3" other_floor="$4"
json=$("$repere" eval "$dataset" --answers --unanswerable "$other" --json)
echo "$json"
python3 - "$json" "$other_floor" <<'PY'
import json, sys
r, other_floor = json.loads(sys.argv[1]), float(sys.argv[2])
ok = True
def at_least(key, floor):
    global ok
    good = r[key] >= floor
    ok = ok and good
    print(f"{key} {r[key]:.4f} (floor {floor}){'' if good else '  BELOW'}")
at_least("token_f1", 0.40)
at_least("half_covered", 0.38)
at_least("other_abstention", other_floor)
# Abstaining on most of the domain's own questions would pass the other floors cheaply.
good = r["abstention"] <= 0.15
ok = ok and good
print(f"abstention in the domain {r['abstention']:.4f} (ceiling 0.15){'' if good else '  ABOVE'}")
sys.exit(0 if ok else 1)
PY
