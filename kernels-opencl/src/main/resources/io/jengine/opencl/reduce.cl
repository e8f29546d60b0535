// The Reduce* family on float32, one output per work-item, accumulated in float (the reference accumulates in double:
// the tolerance of a sum of `count` terms covers the difference). meta: the kept axes' dims [kept] and x's strides
// along them [kept], then the reduced axes' dims [reduced] and x's strides along them [reduced].
// op: 0 Sum, 1 Mean, 2 Max, 3 Min, 4 Prod, 5 L1, 6 L2, 7 LogSum, 8 LogSumExp, 9 SumSquare. NaN propagates through Max
// and Min as through the others.

inline long reduced_offset(long i, __constant const long* dims, int rank) {
    long off = 0;
    for (int d = rank - 1; d >= 0; d--) {
        off += (i % dims[d]) * dims[rank + d];
        i /= dims[d];
    }
    return off;
}

__kernel void reduce_f32(__global const float* x, ulong xo, __global float* y, ulong yo, ulong n,
                         __constant const long* meta, int kept, int reduced, long count, int op) {
    ulong o = get_global_id(0);
    if (o >= n) return;
    long rem = (long) o, base = xo;
    for (int d = kept - 1; d >= 0; d--) {
        base += (rem % meta[d]) * meta[kept + d];
        rem /= meta[d];
    }
    __constant const long* rd = meta + 2 * kept;
    // LogSumExp shifts by the largest input (0 where that is infinite), as the reference does
    float shift = 0.0f;
    if (op == 8) {
        shift = -INFINITY;
        for (long i = 0; i < count; i++) {
            float v = x[base + reduced_offset(i, rd, reduced)];
            shift = (isnan(v) || isnan(shift)) ? NAN : (v > shift ? v : shift);
        }
        if (isinf(shift)) shift = 0.0f;
    }
    float acc = op == 2 ? -INFINITY : (op == 3 ? INFINITY : (op == 4 ? 1.0f : 0.0f));
    for (long i = 0; i < count; i++) {
        float v = x[base + reduced_offset(i, rd, reduced)];
        switch (op) {
            case 2: acc = (isnan(v) || isnan(acc)) ? NAN : (v > acc ? v : acc); break;
            case 3: acc = (isnan(v) || isnan(acc)) ? NAN : (v < acc ? v : acc); break;
            case 4: acc *= v; break;
            case 5: acc += fabs(v); break;
            case 6: case 9: acc = fma(v, v, acc); break;
            case 8: acc += exp(v - shift); break;
            default: acc += v;
        }
    }
    switch (op) {
        case 1: acc = acc / (float) count; break;
        case 6: acc = sqrt(acc); break;
        case 7: acc = log(acc); break;
        case 8: acc = log(acc) + shift; break;
        default: break;
    }
    y[yo + o] = acc;
}
