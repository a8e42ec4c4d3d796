#!/usr/bin/env bash
# Runs `repere eval` on a BEIR folder and checks the floors of the search issue: lexical
# nDCG@10 at least the plain BM25 reference, and hybrid (when the build has it) not below
# lexical by more than 0.01. Usage: eval_floor.sh REPERE DATASET LEXICAL_FLOOR
set -euo pipefail
repere="$1" dataset="$2" floor="$3"
json=$("$repere" eval "$dataset" --json)
echo "$json"
python3 - "$json" "$floor" <<'PY'
import json, sys
report, floor = json.loads(sys.argv[1]), float(sys.argv[2])
modes = report["modes"]
lexical = modes["lexical"]["ndcg@10"]
ok = lexical >= floor
print(f"lexical nDCG@10 {lexical:.4f} (floor {floor})")
if "hybrid" in modes:
    hybrid = modes["hybrid"]["ndcg@10"]
    print(f"hybrid nDCG@10 {hybrid:.4f} (floor {lexical - 0.01:.4f})")
    ok = ok and hybrid >= lexical - 0.01
sys.exit(0 if ok else 1)
PY
