#!/usr/bin/env bash
# Builds the moment-retrieval set from the French Debian Reference (scripts/make-moment-set),
# runs `repere eval` in moment mode on it and prints its figures; fails when the lexical mode's
# share of first moments that land inside the right section falls below FLOOR (a regression).
# Usage: moment_floor.sh REPERE SOURCE_DIR WORK_DIR FLOOR
set -euo pipefail
repere="$1" src="$2" work="$3" floor="$4"
"$src/scripts/make-moment-set" "$work"
json=$("$repere" eval "$work" --json)
echo "$json"
python3 - "$json" "$floor" <<'PY'
import json, sys
report, floor = json.loads(sys.argv[1]), float(sys.argv[2])
for mode, s in sorted(report["modes"].items()):
    print(f"{mode:8} content first {s['content_first']:.4f}  lands in span "
          f"{s['lands_in_span']:.4f}  near start {s['lands_near_start']:.4f}")
lands = report["modes"]["lexical"]["lands_in_span"]
print(f"lexical lands in span {lands:.4f} (floor {floor}; the issue's target is 0.70)")
sys.exit(0 if lands >= floor else 1)
PY
