/**
 * What the tactic tuner knows about the machine it tunes for: a {@link io.jengine.tune.device.DeviceDescription},
 * the few numbers of a Roller-style micro-performance model (capacity and one-core read bandwidth of each memory
 * level, peak FP32 compute), measured once by short micro-benchmarks and cached under {@code ~/.cache/jengine/device},
 * keyed by a fingerprint of everything that changes how fast a tactic runs.
 *
 * <p>One helper per job: {@code CpuIdentity} (model name and SIMD flags), engine-api's
 * {@link io.jengine.spi.CacheSizes} (cache sizes as Linux lists them, shared with the backends' cache blocking),
 * {@code CacheProbe} (the sizes where Linux hides them, from pointer-chasing latency steps),
 * {@code PeakProbe} (FMA peak and per-level bandwidth), {@code Fingerprint} and {@code DeviceCache} (the JSON file).
 */
package io.jengine.tune.device;
