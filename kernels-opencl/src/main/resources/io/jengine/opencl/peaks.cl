// What the tuner's cost model needs measured on a device: its FMA peak, its global-memory bandwidth and the cost of
// a launch (DevicePeaks).

// Eight independent FMA chains per work-item, so that each chain's latency is hidden by the others; the values stay
// bounded (b < 1) and the sum is stored so that no chain is optimised away.
__kernel void peak_fma(__global float* out, float b, float c, int iters) {
    float a0 = get_global_id(0) * 1e-6f, a1 = a0 + 0.1f, a2 = a0 + 0.2f, a3 = a0 + 0.3f;
    float a4 = a0 + 0.4f, a5 = a0 + 0.5f, a6 = a0 + 0.6f, a7 = a0 + 0.7f;
    for (int i = 0; i < iters; i++) {
        a0 = fma(a0, b, c); a1 = fma(a1, b, c); a2 = fma(a2, b, c); a3 = fma(a3, b, c);
        a4 = fma(a4, b, c); a5 = fma(a5, b, c); a6 = fma(a6, b, c); a7 = fma(a7, b, c);
    }
    out[get_global_id(0)] = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
}

// A copy in 16-byte elements: every byte is read once and written once.
__kernel void peak_copy(__global const float4* in, __global float4* out) {
    size_t i = get_global_id(0);
    out[i] = in[i];
}

// Work-items of a group trading values through local memory, two barriers a step: what a tiled kernel's
// synchronisation costs per K step (groups of at most 64).
__kernel void peak_barrier(__global float* out, int iters) {
    __local float s[64];
    const int l = get_local_id(0), n = get_local_size(0);
    float v = l;
    for (int i = 0; i < iters; i++) {
        s[l] = v;
        barrier(CLK_LOCAL_MEM_FENCE);
        v += s[(l + 1) % n] * 0.5f;
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    out[get_global_id(0)] = v;
}

// Does nothing (the condition never holds): a launch's own cost.
__kernel void peak_empty(__global float* out, int never) {
    if (never == 1) out[get_global_id(0)] = 0.0f;
}
