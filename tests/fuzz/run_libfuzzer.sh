#!/usr/bin/env bash
# Builds a fuzz target with clang's libFuzzer (+ AddressSanitizer and UBSan) and runs it for a
# short, bounded time over its seed corpus. Usage:
#   run_libfuzzer.sh TARGET SECONDS SOURCE_DIR WORK_DIR SEED_DIR...
# A crash leaves its input in WORK_DIR/TARGET-artifacts/ and fails the test; copy it into
# tests/fuzz/regressions/ so every build replays it from then on.
set -euo pipefail
target="$1" seconds="$2" src="$3" work="$4"
shift 4
mkdir -p "$work/$target-corpus" "$work/$target-artifacts"
bin="$work/$target"

sources=("$src/tests/fuzz/$target.cpp" "$src/src/core/text.cpp" "$src/src/core/status.cpp")
libs=()
case "$target" in
  webvtt_fuzz | srt_fuzz)
    sources+=("$src/src/extract/webvtt.cpp" "$src/src/extract/srt.cpp" "$src/src/extract/cue_text.cpp") ;;
  html_fuzz) sources+=("$src/src/extract/html.cpp" "$src/src/extract/cue_text.cpp") ;;
  manifest_fuzz) sources+=("$src/src/ingest/manifest.cpp") ;;
  query_fuzz) sources+=("$src/src/index/lexical.cpp") libs+=(-lxapian) ;;
  multipart_fuzz) sources+=("$src/src/web/multipart.cpp") ;;
  oai_token_fuzz) sources+=("$src/src/oai/tokens.cpp") libs+=(-lsodium) ;;
  lti_jwt_fuzz) sources+=("$src/src/lti/jose.cpp") libs+=(-lcrypto) ;;
  sso_cas_fuzz) sources+=("$src/src/sso/cas_answer.cpp" "$src/src/sso/identity.cpp")
    libs+=($(pkg-config --cflags --libs libxml-2.0)) ;;
  oai_answer_fuzz) sources+=("$src/src/oai/answer.cpp" "$src/src/catalog/types.cpp")
    libs+=($(pkg-config --cflags --libs libxml-2.0)) ;;
esac
# (ls may die of SIGPIPE once head has its line: with pipefail that must not stop the script,
# which it did once the list of headers outgrew one 4 KiB write.)
newest_source=$(ls -t "${sources[@]}" "$src"/src/*/include/repere/*/*.h | head -1) || true
if [ ! -x "$bin" ] || [ "$newest_source" -nt "$bin" ]; then
  echo "building $target with clang -fsanitize=fuzzer,address,undefined"
  clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$src/src/core/include" -I"$src/src/extract/include" -I"$src/src/media/include" \
    -I"$src/src/ingest/include" -I"$src/src/catalog/include" -I"$src/src/index/include" \
    -I"$src/src/web" -I"$src/src/oai" -I"$src/src/oai/include" -I"$src/src/lti/include" \
    -I"$src/src/sso/include" -I"$src/src/auth/include" \
    "${sources[@]}" $(pkg-config --cflags --libs icu-uc icu-i18n uchardet) "${libs[@]}" -o "$bin"
fi
# -max_total_time bounds the run; -timeout flags any input that takes over 5 s (a hang).
"$bin" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$work/$target-artifacts/" "$work/$target-corpus" "$@"
