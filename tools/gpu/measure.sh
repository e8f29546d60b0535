#!/usr/bin/env bash
# The OpenCL backend's figures on an NVIDIA GPU, in one run: SGEMM 4096^3 (the default tiling and a 128x128 one, each
# with and without double-buffered local memory), resnet50 at batch 1 and 32 untuned and tuned for the device,
# bert_l4_h256 at batch 32, outputs against the CPU, the tuner's top K against every candidate on a sample of
# resnet50's layers, and PyTorch in the same run as the peer. Two steps:
#   tools/gpu/measure.sh prepare     here: builds, and packs a JRE, the jars and the model archives into .gpu/
#   tools/gpu/measure.sh run         on the GPU machine (the `device` tool, carrying .gpu): measures, prints a table
# ../shared/GPU.md says how the lent machine is used; everything carried stays under 64 MiB.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
case "${1:-}" in
prepare)
  source .ci/java-home.sh
  ./mvnw -q -DskipTests package
  grep -qx '/.gpu/' .git/info/exclude || echo /.gpu/ >> .git/info/exclude
  rm -rf .gpu /tmp/jre25 && mkdir -p .gpu/lib
  "$JAVA_HOME/bin/jlink" --add-modules java.base,java.logging,java.management,java.naming,java.net.http,jdk.incubator.vector,jdk.unsupported,java.sql,java.xml,jdk.management,jdk.zipfs \
    --strip-debug --no-header-files --no-man-pages --compress=zip-9 --output /tmp/jre25
  tar cJf .gpu/jre25.tar.xz -C /tmp jre25
  cp tools/cli/target/cli-0.1.0-SNAPSHOT.jar .gpu/lib/
  # everything the CLI needs for devices/run/bench/build/inspect, except ONNX Runtime (the GPU peer is PyTorch), the
  # CPU-native libraries' big jars, the charts' (the runtime image has no java.desktop) and the HTTP server's metrics
  # and load generator's client: the 64 MiB a run may carry
  for j in tools/cli/target/lib/*.jar; do
    case "$(basename "$j")" in
      onnxruntime-*|dnnl-*|openblas-*|xchart-*|pdfbox-*|fontbox-*|graphics2d-*|VectorGraphics2D-*) ;;
      prometheus-metrics-exposition-formats-*|httpclient5-*|httpcore5-*) ;;
      *) cp "$j" .gpu/lib/ ;;
    esac
  done
  shared=${ENGINE_SHARED:-$root/../shared}
  cp "$shared"/models/resnet50.tar.xz .gpu/                      # 18 MB
  zoo=$("$shared"/models/unpack.sh)                                # bert alone, repacked: 4 MB
  tar cJf .gpu/bert.tar.xz -C "$zoo" bert_l4_h256.onnx bert_l4_h256_io
  cp "$shared"/anchors/gpu-h100.json .gpu/
  bytes=$(du -sb .gpu | cut -f1)
  echo ".gpu: $((bytes / 1048576)) MiB of the 64 a run may carry"
  [ "$bytes" -lt $((64 * 1048576)) ] || { echo "too much to carry" >&2; exit 1; }
  ;;
run)
  mkdir -p /tmp/j && tar xJf .gpu/jre25.tar.xz -C /tmp/j
  # MEASURE_DEVICE (a word of the device's description, NVIDIA by default), MEASURE_BATCH (32) and SGEMM_N (4096) let
  # the same steps run as a rehearsal elsewhere, e.g. on PoCL at batch 1
  match=${MEASURE_DEVICE:-NVIDIA}; batch=${MEASURE_BATCH:-32}; n=${SGEMM_N:-4096}
  if [ "$match" = NVIDIA ]; then
    { mkdir -p /etc/OpenCL/vendors && echo libnvidia-opencl.so.1 > /etc/OpenCL/vendors/nvidia.icd; } 2>/dev/null \
      || echo "warning: cannot register NVIDIA's OpenCL driver in /etc/OpenCL/vendors" >&2
  fi
  java=(/tmp/j/jre25/bin/java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp ".gpu/lib/*")
  engine() { "${java[@]}" io.jengine.cli.EngineCli "$@"; }
  mkdir -p /tmp/zoo && for a in .gpu/*.tar.xz; do tar xJf "$a" -C /tmp/zoo; done
  engine devices
  dev=$(engine devices | awk -F'\t' -v m="$match" 'index($2, m) {print $1; exit}')
  [ -n "$dev" ] || { echo "no OpenCL device matches '$match'" >&2; exit 1; }
  out=${OUT:-/tmp/out}; mkdir -p "$out"
  : > "$out/sgemm.txt"
  for tiling in "" 8x8.kc16.mc128.nc128; do
    for db in true false; do
      echo "double buffer $db: $("${java[@]}" -Djengine.opencl.doubleBuffer=$db io.jengine.opencl.GemmBenchmark "$dev" "$n" 30 $tiling | tail -1)" \
        | tee -a "$out/sgemm.txt"
    done
  done
  for m in resnet50 bert_l4_h256; do
    args=(); for f in /tmp/zoo/${m}_io/input_*.npy; do n=$(basename "$f" .npy); args+=(-i "${n#input_}=$f"); done
    engine run /tmp/zoo/$m.onnx "${args[@]}" --device "$dev" -o "$out/$m-gpu"
    engine run /tmp/zoo/$m.onnx "${args[@]}" --device cpu -o "$out/$m-cpu"
  done
  engine bench /tmp/zoo/resnet50.onnx --device "$dev" --shapes input:1x3x224x224 --json "$out/resnet50-b1.json"
  engine bench /tmp/zoo/resnet50.onnx --device "$dev" --shapes input:${batch}x3x224x224 --batch "$batch" --json "$out/resnet50-b32.json"
  engine bench /tmp/zoo/bert_l4_h256.onnx --device "$dev" --shapes input_ids:${batch}x128,attention_mask:${batch}x128 --batch "$batch" \
    --json "$out/bert-b32.json"
  # tuned for the device (tilings constructed for its warps and local memory, top 8 timed by its clock), then benched
  engine build /tmp/zoo/resnet50.onnx --device "$dev" --shapes input:${batch}x3x224x224 --timing-cache "$out/timing.cache" \
    --overwrite -o /tmp/resnet50-b32.plan | tail -25 | tee "$out/resnet50-b32-tuning.txt"
  engine bench /tmp/resnet50-b32.plan --json "$out/resnet50-b32-tuned.json"
  # the top 8 against 32 others drawn at random, on every 2nd distinct layer (the top 8 come from the cache above)
  timeout 300 "${java[@]}" io.jengine.cli.EngineCli build /tmp/zoo/resnet50.onnx --device "$dev" \
    --shapes input:${batch}x3x224x224 --tune-level 3 --exhaustive-every 2 --exhaustive-sample 32 \
    --timing-cache "$out/timing.cache" --overwrite -o /tmp/resnet50-b32-l3.plan > "$out/resnet50-b32-l3.txt" 2>&1 \
    && engine inspect /tmp/resnet50-b32-l3.plan | grep -E "hit rate|within|rho|over" | tee "$out/topk-vs-all.txt" \
    || echo "sampled exhaustive tuning did not finish in 300 s" | tee "$out/topk-vs-all.txt"
  python3 - "$out" <<'PY'
import json, sys, glob, os
import numpy as np
out = sys.argv[1]
for m in ("resnet50", "bert_l4_h256"):
    for f in glob.glob(f"{out}/{m}-gpu/*.npy"):
        a, b = np.load(f), np.load(f.replace("-gpu", "-cpu"))
        print(f"{m} {os.path.basename(f)}: max |gpu-cpu| {np.abs(a - b).max():.2e} (|cpu| max {np.abs(b).max():.2e})")
try:
    import torch, time
    torch.backends.cuda.matmul.allow_tf32 = False
    a = torch.randn(4096, 4096, device="cuda"); b = torch.randn(4096, 4096, device="cuda")
    for _ in range(3): a @ b
    torch.cuda.synchronize(); t = time.perf_counter()
    for _ in range(20): a @ b
    torch.cuda.synchronize(); ms = (time.perf_counter() - t) / 20 * 1e3
    print(f"torch sgemm 4096^3 fp32: {ms:.3f} ms, {2 * 4096**3 / ms / 1e9:.1f} TFLOP/s")
except Exception as e:
    print("PyTorch peer not measured:", e)
try:
    import torch, torchvision
    torch.backends.cuda.matmul.allow_tf32 = True; torch.backends.cudnn.allow_tf32 = True
    net = torchvision.models.resnet50().cuda().eval()
    x = torch.randn(32, 3, 224, 224, device="cuda")
    with torch.no_grad():
        for _ in range(5): net(x)
        times = []
        for _ in range(20):
            s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            s.record(); net(x); e.record(); torch.cuda.synchronize(); times.append(s.elapsed_time(e))
    times.sort()
    print(f"torch resnet50 b32 fp32 (TF32) eager: median {times[10]:.3f} ms (min {times[0]:.3f}, max {times[-1]:.3f})")
except Exception as e:
    anchor = json.load(open(".gpu/gpu-h100.json"))["models"]["resnet50"]["torch_cuda_fp32_b32_ms"]
    print(f"PyTorch resnet50 not run here ({e}); the anchor's figure on an H100: {anchor:.3f} ms")
print("| run | median ms |")
print("|---|---|")
for name in ("resnet50-b1", "resnet50-b32", "resnet50-b32-tuned", "bert-b32"):
    j = json.load(open(f"{out}/{name}.json"))
    print(f"| {name} | {j['engine']['latency_ms']['median']:.3f} |")
print(open(f"{out}/sgemm.txt").read().strip())
print(open(f"{out}/topk-vs-all.txt").read().strip())
PY
  ;;
*) echo "usage: $0 prepare|run" >&2; exit 2 ;;
esac
