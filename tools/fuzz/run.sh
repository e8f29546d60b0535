#!/usr/bin/env bash
# Fuzzes the readers with Jazzer, one target after another, each for a given time (libFuzzer's engine, coverage-guided,
# in the test JVM). Without JAZZER_FUZZ the same tests only replay their seeds and past findings (./run-tests does).
#
#   tools/fuzz/run.sh [--seconds S] [TARGET ...]      targets: onnx npy pb plan calib request (default: all)
#
# A finding (an exception other than the reader's clear refusal, a hang, memory beyond libFuzzer's RSS limit) fails
# the run; Jazzer saves the input under the test's src/test/resources/.../<Test>Inputs/<method>/ folder, where it
# stays as a regression case once the bug is fixed. The generated corpus grows in <module>/.cifuzz-corpus (ignored).
# Prints executions and executions per second per target.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
source .ci/java-home.sh
seconds=60
if [ "${1:-}" = "--seconds" ]; then seconds=$2; shift 2; fi
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(onnx npy pb plan calib request)

declare -A module=([onnx]=engine-api [npy]=engine-api [pb]=engine-api [plan]=engine-api [calib]=autotune [request]=tools/serving)
declare -A test=([onnx]=OnnxImporterFuzzTest [npy]=NpyFuzzTest [pb]=TensorProtoFuzzTest [plan]=PlanFileFuzzTest
  [calib]=CalibrationCacheFuzzTest [request]=InferRequestDecoderFuzzTest)

./mvnw -B -q -o install -DskipTests >/dev/null 2>&1 || ./mvnw -B -q install -DskipTests
failed=0
for t in "${targets[@]}"; do
  [ -n "${module[$t]:-}" ] || { echo "unknown target '$t'; targets: ${!module[*]}" >&2; exit 2; }
  log=$(mktemp)
  echo "== fuzzing $t (${test[$t]} in ${module[$t]}) for ${seconds} s" >&2
  if JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${seconds}s" ./mvnw -B -o test -pl "${module[$t]}" -Dtest="${test[$t]}" \
      -Dsurefire.failIfNoSpecifiedTests=false >"$log" 2>&1; then
    status=ok
  else
    status=FINDING
    failed=1
  fi
  runs=$(grep -oE "Done [0-9]+ runs in [0-9]+ second" "$log" | tail -1 | awk '{print $2, $5}')
  n=${runs% *}; s=${runs#* }
  printf "%-8s %-8s %10s executions in %4s s  (%s exec/s)\n" "$t" "$status" "${n:-?}" "${s:-?}" \
    "$( [ -n "${n:-}" ] && [ "${s:-0}" -gt 0 ] && echo $((n / s)) || echo ?)"
  if [ "$status" = FINDING ]; then
    grep -E "== Java Exception|Caused by|at io\.jengine|crash-|Test set|FAIL" "$log" | head -20 >&2
    echo "(full log: $log)" >&2
  else
    rm -f "$log"
  fi
done
exit $failed
