// Shared by every program of the OpenCL backend. Tensors are passed as (buffer, element offset): a session's
// intermediates live at their memory plan's offsets inside one device buffer.

// The activations a fused op applies (ids as OpenClActivation numbers them), written with comparisons rather than
// fmin/fmax so that NaN propagates as the reference kernels propagate it.
inline float activate(float x, int act, float p0, float p1) {
    switch (act) {
        case 0: return x;                                               // None
        case 1: return x < 0.0f ? 0.0f : x;                             // Relu
        case 2: return x < p0 ? p0 : (x > p1 ? p1 : x);                 // Clip(min, max)
        case 3: return x >= 0.0f ? x : p0 * x;                          // LeakyRelu(alpha)
        case 4: return 1.0f / (1.0f + exp(-x));                         // Sigmoid
        case 5: { float y = p0 * x + p1; return y < 0.0f ? 0.0f : (y > 1.0f ? 1.0f : y); } // HardSigmoid
        case 6: { float y = x / 6.0f + 0.5f; return x * (y < 0.0f ? 0.0f : (y > 1.0f ? 1.0f : y)); } // HardSwish
        case 7: return tanh(x);                                         // Tanh
        case 8: return x / (1.0f + exp(-x));                            // SiLU
        case 9: return 0.5f * x * (1.0f + erf(x * 0.70710678118654752f)); // Gelu
        case 10: return exp(x);
        case 11: return log(x);
        case 12: return -x;
        case 13: return fabs(x);
        case 14: return sqrt(x);
        case 15: return 1.0f / x;
        case 16: return erf(x);
        case 17: return x > 20.0f ? x : log1p(exp(x));                  // Softplus
        case 18: return floor(x);
        case 19: return ceil(x);
        case 20: return rint(x);                                        // Round: half to even
        case 21: return sin(x);
        case 22: return cos(x);
        case 23: return x >= 0.0f ? x : p0 * (exp(x) - 1.0f);           // Elu(alpha)
        case 24: return x > 0.0f ? p1 * x : p1 * (p0 * exp(x) - p0);    // Selu(alpha, gamma)
        case 25: return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : x);       // Sign
        // FakeQuantize (a QuantizeLinear then DequantizeLinear inside a chain): scale p0, zero point p1
        case 26: { float q = rint(x / p0) + p1; q = isnan(q) ? 0.0f : clamp(q, 0.0f, 255.0f); return (q - p1) * p0; }
        case 27: { float q = rint(x / p0) + p1; q = isnan(q) ? 0.0f : clamp(q, -128.0f, 127.0f); return (q - p1) * p0; }
        default: return x;
    }
}
