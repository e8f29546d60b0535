#!/usr/bin/env bash
# Builds tools/benchmarks, runs the JMH zoo benchmarks (the engine and ONNX Runtime, each in its own fork, on the
# inputs stored in $ENGINE_ZOO) with JSON output, and turns the JSON into docs/benchmarks/latency.md (table: model,
# threads, engine ms, ORT ms, ratio, served ms, with errors) and docs/benchmarks/latency.png.
#
#   tools/benchmarks/run-jmh.sh [--quick] [--overhead] [--no-int8] [--no-bf16] [--no-served] [--out DIR] [JMH OPTIONS...]
#
# The float rows also time the engine's plan served over HTTP on this machine (served: one client, binary tensors),
# so the report shows what the HTTP layer adds to each model's run; --no-served skips them.
# After the float rows it measures INT8 rows (precision=int8: the engine's calibrated INT8 build of digits_cnn,
# mobilenet_v2, resnet18 and resnet50, against ONNX Runtime's own u8 QDQ models where the zoo has them); --no-int8
# skips them. On a CPU with AVX512-BF16 or AMX-BF16, BF16 rows follow (precision=bf16: the engine's --bf16 build of
# the same models; ONNX Runtime's column is its float model, as it has no bfloat16 CPU kernels); --no-bf16 skips them.
# --overhead: runs NodeOverheadBenchmark instead (a 100-node chain of kernels that do nothing: the engine's fixed cost
# per node is the time per run / 100) and prints JMH's table; no report is written.
# --quick: digits_cnn on one thread with short iterations, to check the pipeline in a minute or two (its figures are
# not a measurement). Further options go to JMH, e.g. -p model=resnet18,resnet50 -p threads=1 or -wi 5 -i 10.
# The full run (9 models x 2 thread counts x 3 targets) takes long.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# Selects JDK 25 (JAVA_HOME when it is one, else /usr/lib/jvm/temurin-25-jdk-amd64) or fails saying which JDK to
# install; also sets MAVEN_OPTS as the build expects.
source "$root/.ci/java-home.sh"

quick=0
overhead=0
int8=1
bf16=1
out="$root/docs/benchmarks"
jmh_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --overhead) overhead=1 ;;
    --no-int8) int8=0 ;;
    --no-bf16) bf16=0 ;;
    --no-served) jmh_args+=(-e 'ZooModelBenchmark\.served$') ;;
    --out) out=${2:?--out needs a directory}; shift ;;
    -h|--help) sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) jmh_args+=("$1") ;;
  esac
  shift
done

if [ -z "${ENGINE_ZOO:-}" ]; then
  if [ -x "$root/../shared/models/unpack.sh" ]; then
    export ENGINE_ZOO="$root/.zoo"
    "$root/../shared/models/unpack.sh" "$ENGINE_ZOO" >/dev/null
  else
    echo "error: set ENGINE_ZOO to a folder where shared/models/unpack.sh unpacked the model zoo" >&2
    exit 2
  fi
fi
if [ ! -f "$ENGINE_ZOO/digits_cnn.onnx" ]; then
  echo "error: ENGINE_ZOO=$ENGINE_ZOO holds no digits_cnn.onnx: unpack the zoo there (shared/models/unpack.sh DIR)" >&2
  exit 2
fi

echo "run-jmh: building tools/benchmarks ..." >&2
(cd "$root" && ./mvnw -B -q -pl tools/benchmarks -am package -DskipTests >&2)

target="$root/tools/benchmarks/target"
cp="$target/benchmarks.jar:$target/lib/*"
mkdir -p "$target/jmh"
if [ "$overhead" = 1 ]; then
  exec "$JAVA_HOME/bin/java" -cp "$cp" org.openjdk.jmh.Main NodeOverheadBenchmark "${jmh_args[@]}"
fi
results="$target/jmh/results.json"
title="Zoo model latency: engine vs ONNX Runtime"
if [ "$quick" = 1 ]; then
  jmh_args=(-p model=digits_cnn -p threads=1 -wi 2 -w 1s -i 3 -r 1s -f 1 "${jmh_args[@]}")
  title="$title (quick check, not a measurement)"
fi
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" org.openjdk.jmh.Main ZooModelBenchmark \
  -rf json -rff "$results" "${jmh_args[@]}"
all="$results"
if [ "$int8" = 1 ]; then
  # INT8 rows: the engine's calibrated INT8 build of the models it has calibration data for, and ONNX Runtime's own
  # quantized models where the zoo has one (each an invocation of its own, since their model lists differ)
  # (--quick already names digits_cnn)
  models=(-p model=digits_cnn,mobilenet_v2,resnet18,resnet50)
  ort_models=(-p model=digits_cnn,mobilenet_v2,resnet18)
  if [ "$quick" = 1 ]; then models=(); ort_models=(); fi
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" org.openjdk.jmh.Main 'ZooModelBenchmark\.engine$' \
    -rf json -rff "$target/jmh/results-int8.json" "${jmh_args[@]}" -p precision=int8 "${models[@]}"
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" org.openjdk.jmh.Main \
    'ZooModelBenchmark\.onnxRuntime$' -rf json -rff "$target/jmh/results-int8-ort.json" "${jmh_args[@]}" \
    -p precision=int8 "${ort_models[@]}"
  all="$all,$target/jmh/results-int8.json,$target/jmh/results-int8-ort.json"
fi
if [ "$bf16" = 1 ] && grep -qwE 'avx512_bf16|amx_bf16' /proc/cpuinfo 2>/dev/null; then
  # BF16 rows: the engine's --bf16 build; ONNX Runtime's float rows above are its side of the comparison
  models=(-p model=digits_cnn,mobilenet_v2,resnet18,resnet50,bert_l4_h256)
  if [ "$quick" = 1 ]; then models=(); fi
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" org.openjdk.jmh.Main 'ZooModelBenchmark\.engine$' \
    -rf json -rff "$target/jmh/results-bf16.json" "${jmh_args[@]}" -p precision=bf16 "${models[@]}"
  all="$all,$target/jmh/results-bf16.json"
fi
"$JAVA_HOME/bin/java" -cp "$cp" io.jengine.benchmarks.LatencyReport "$all" "$out" "$title"
