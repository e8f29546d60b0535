package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.optionalTensor;
import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.tensor.Value;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.SliceBounds;
import io.jengine.tensor.Tensor;
import java.util.Arrays;

/** Split, Slice, Pad, Range, Trilu, EyeLike, OneHot, DepthToSpace, SpaceToDepth, ReverseSequence, CenterCropPad. */
final class IndexingKernels {
    private IndexingKernels() {}

    static void register(KernelRegistry r) {
        r.add("Split", 1, n -> {
            long axis = n.node().attrInt("axis", 0);
            long[] split = n.node().attrInts("split", null);
            int outs = n.node().outputs().size();
            return (ctx, in) -> {
                Tensor s = optionalTensor(in, 1);
                return split(tensor(in, 0), axis, s != null ? s.toLongArray() : split, outs, false);
            };
        });
        r.add("Split", 13, n -> {
            long axis = n.node().attrInt("axis", 0);
            int outs = n.node().outputs().size();
            boolean byCount = n.node().hasAttr("num_outputs");
            if (byCount && n.node().attrInt("num_outputs", 0) != outs) {
                throw new IllegalArgumentException("attribute 'num_outputs' is " + n.node().attrInt("num_outputs", 0)
                        + " but the node has " + outs + " outputs");
            }
            return (ctx, in) -> {
                Tensor s = optionalTensor(in, 1);
                return split(tensor(in, 0), axis, s == null ? null : s.toLongArray(), outs, byCount);
            };
        });
        r.add("Slice", 1, n -> {
            long[] starts = n.node().attrInts("starts", null), ends = n.node().attrInts("ends", null);
            long[] axes = n.node().attrInts("axes", null);
            return (ctx, in) -> new Value[] {slice(tensor(in, 0), starts, ends, axes, null)};
        });
        r.add("Slice", 10, n -> (ctx, in) -> {
            Tensor axes = optionalTensor(in, 3), steps = optionalTensor(in, 4);
            return new Value[] {slice(tensor(in, 0), tensor(in, 1).toLongArray(), tensor(in, 2).toLongArray(),
                    axes == null ? null : axes.toLongArray(), steps == null ? null : steps.toLongArray())};
        });
        r.add("Range", 11, n -> (ctx, in) -> {
            Tensor start = tensor(in, 0), limit = tensor(in, 1), delta = tensor(in, 2);
            DType t = start.dtype();
            double s = start.getDouble(0), l = limit.getDouble(0), d = delta.getDouble(0);
            if (d == 0) throw new IllegalArgumentException("delta is 0");
            // Integer ranges count exactly: a double cannot hold every int64 distance.
            long count = t.isFloatingPoint() ? (long) Math.max(0, Math.ceil((l - s) / d))
                    : Math.max(0, Math.ceilDiv(limit.getLong(0) - start.getLong(0), delta.getLong(0)));
            Tensor out = Tensor.allocate(t, count);
            for (long i = 0; i < count; i++) {
                if (t.isFloatingPoint()) out.setDouble(i, s + i * d);
                else out.setLong(i, start.getLong(0) + i * delta.getLong(0));
            }
            return new Value[] {out};
        });
        r.add("Trilu", 14, n -> {
            boolean upper = n.node().attrInt("upper", 1) != 0;
            return (ctx, in) -> {
                Tensor x = tensor(in, 0);
                Tensor kT = optionalTensor(in, 1);
                long k = kT == null ? 0 : kT.getLong(0);
                long[] s = x.shape();
                if (s.length < 2) throw new IllegalArgumentException("input must have rank >= 2, got " + x.describe());
                long rows = s[s.length - 2], cols = s[s.length - 1];
                Tensor out = Tensor.allocate(x.dtype(), s);
                for (long e = 0; e < x.size(); e++) {
                    long j = e % cols, i = (e / cols) % rows;
                    boolean keep = upper ? j - i >= k : j - i <= k;
                    if (keep) Elements.copy(x, e, out, e);
                }
                return new Value[] {out};
            };
        });
        r.add("EyeLike", 9, n -> {
            long dt = n.node().attrInt("dtype", -1), k = n.node().attrInt("k", 0);
            return (ctx, in) -> {
                Tensor x = tensor(in, 0);
                if (x.rank() != 2) throw new IllegalArgumentException("input must have rank 2, got " + x.describe());
                Tensor out = Tensor.allocate(dt < 0 ? x.dtype() : DType.fromOnnx((int) dt), x.shape());
                long rows = x.dim(0), cols = x.dim(1);
                for (long i = 0; i < rows; i++) {
                    long j = i + k;
                    if (j >= 0 && j < cols) out.setLong(i * cols + j, 1);
                }
                return new Value[] {out};
            };
        });
        r.add("OneHot", 9, n -> {
            long axisAttr = n.node().attrInt("axis", -1);
            return (ctx, in) -> {
                Tensor idx = tensor(in, 0), depthT = tensor(in, 1), values = tensor(in, 2);
                if (values.size() != 2) {
                    throw new IllegalArgumentException("values must hold [off, on], got " + values.describe());
                }
                long depth = (long) KernelSupport.scalarDouble(depthT);
                if (depth <= 0) throw new IllegalArgumentException("depth must be positive, got " + depth);
                long[] s = idx.shape();
                int rank = s.length + 1;
                int axis = Axis.of(axisAttr, rank);
                long[] out = new long[rank];
                for (int i = 0, j = 0; i < rank; i++) out[i] = i == axis ? depth : s[j++];
                Tensor res = Tensor.allocate(values.dtype(), out);
                long inner = Shapes.size(Arrays.copyOfRange(out, axis + 1, rank));
                for (long e = 0; e < res.size(); e++) Elements.copy(values, 0, res, e);
                for (long e = 0; e < idx.size(); e++) {
                    long v = (long) idx.getDouble(e);
                    if (v < 0) v += depth;
                    if (v < 0 || v >= depth) continue;
                    long outer = e / inner, in2 = e % inner;
                    Elements.copy(values, 1, res, (outer * depth + v) * inner + in2);
                }
                return new Value[] {res};
            };
        });
        r.add("DepthToSpace", 1, n -> {
            long b = blocksize(n.node());
            boolean crd = depthMode(n.node());
            return (ctx, in) -> {
                Tensor x = rank4(tensor(in, 0));
                long N = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3), c = C / (b * b);
                if (C % (b * b) != 0) {
                    throw new IllegalArgumentException("channels " + C + " are not a multiple of blocksize^2 = " + b * b);
                }
                long[] st = Shapes.strides(x.shape());
                return new Value[] {IndexMapping.gather(x, new long[] {N, c, H * b, W * b}, idx -> {
                    long h = idx[2] / b, bh = idx[2] % b, w = idx[3] / b, bw = idx[3] % b;
                    long ch = crd ? idx[1] * b * b + bh * b + bw : (bh * b + bw) * c + idx[1];
                    return idx[0] * st[0] + ch * st[1] + h * st[2] + w * st[3];
                }, null)};
            };
        });
        r.add("SpaceToDepth", 1, n -> {
            long b = blocksize(n.node());
            boolean crd = depthMode(n.node());
            return (ctx, in) -> {
                Tensor x = rank4(tensor(in, 0));
                long N = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3);
                if (H % b != 0 || W % b != 0) {
                    throw new IllegalArgumentException("spatial dims " + H + "x" + W + " are not multiples of blocksize " + b);
                }
                long[] st = Shapes.strides(x.shape());
                return new Value[] {IndexMapping.gather(x, new long[] {N, C * b * b, H / b, W / b}, idx -> {
                    long block = crd ? idx[1] % (b * b) : idx[1] / C, c = crd ? idx[1] / (b * b) : idx[1] % C;
                    long bh = block / b, bw = block % b;
                    return idx[0] * st[0] + c * st[1] + (idx[2] * b + bh) * st[2] + (idx[3] * b + bw) * st[3];
                }, null)};
            };
        });
        r.add("ReverseSequence", 10, n -> {
            long batchAttr = n.node().attrInt("batch_axis", 1), timeAttr = n.node().attrInt("time_axis", 0);
            if (!((batchAttr == 0 && timeAttr == 1) || (batchAttr == 1 && timeAttr == 0))) {
                throw new IllegalArgumentException("attributes batch_axis and time_axis must be 0 and 1 in some order, got "
                        + batchAttr + " and " + timeAttr);
            }
            int batchAxis = (int) batchAttr, timeAxis = (int) timeAttr;
            return (ctx, in) -> {
                Tensor x = tensor(in, 0);
                long[] lens = tensor(in, 1).toLongArray();
                if (x.rank() < 2 || lens.length != x.dim(batchAxis)) {
                    throw new IllegalArgumentException("sequence_lens has " + lens.length + " entries for input "
                            + x.describe() + " with batch axis " + batchAxis);
                }
                for (long len : lens) {
                    if (len < 0 || len > x.dim(timeAxis)) {
                        throw new IllegalArgumentException("sequence_lens entry " + len + " is outside [0, "
                                + x.dim(timeAxis) + "]");
                    }
                }
                long[] st = Shapes.strides(x.shape());
                return new Value[] {IndexMapping.gather(x, x.shape(), idx -> {
                    long len = lens[(int) idx[batchAxis]];
                    long t = idx[timeAxis];
                    long src = t < len ? len - 1 - t : t;
                    long o = IndexMapping.offset(idx, st);
                    return o + (src - t) * st[timeAxis];
                }, null)};
            };
        });
        PadKernels.register(r);
        GatherScatterKernels.register(r);
        SelectionKernels.register(r);
    }

    private static long blocksize(io.jengine.ir.Node node) {
        if (!node.hasAttr("blocksize")) throw new IllegalArgumentException("attribute 'blocksize' is required");
        long b = node.attrInt("blocksize", 0);
        if (b <= 0) throw new IllegalArgumentException("attribute 'blocksize' must be positive, got " + b);
        return b;
    }

    private static boolean depthMode(io.jengine.ir.Node node) {
        String mode = node.attrString("mode", "DCR");
        if (!mode.equals("DCR") && !mode.equals("CRD")) {
            throw new IllegalArgumentException("attribute 'mode' must be DCR or CRD, got '" + mode + "'");
        }
        return mode.equals("CRD");
    }

    private static Tensor rank4(Tensor x) {
        if (x.rank() != 4) throw new IllegalArgumentException("input must have rank 4 (N,C,H,W), got " + x.describe());
        return x;
    }

    private static Value[] split(Tensor x, long axisAttr, long[] sizes, int outs, boolean byCount) {
        int axis = Axis.of(axisAttr, x.rank());
        long dim = x.dim(axis);
        long[] parts = sizes;
        if (parts == null) {
            parts = new long[outs];
            long chunk = byCount ? Math.ceilDiv(dim, outs) : dim / outs;
            if (!byCount && dim % outs != 0) {
                throw new IllegalArgumentException("axis " + axis + " of size " + dim + " cannot be split evenly into " + outs);
            }
            long left = dim;
            for (int i = 0; i < outs; i++) {
                parts[i] = Math.min(chunk, left);
                left -= parts[i];
            }
        }
        if (parts.length != outs) {
            throw new IllegalArgumentException("split has " + parts.length + " entries for " + outs + " outputs");
        }
        if (Arrays.stream(parts).anyMatch(p -> p < 0) || Arrays.stream(parts).sum() != dim) {
            throw new IllegalArgumentException("split sizes " + Arrays.toString(parts) + " do not add up to " + dim);
        }
        Value[] res = new Value[parts.length];
        long start = 0;
        for (int i = 0; i < parts.length; i++) {
            long[] axes = {axis};
            res[i] = slice(x, new long[] {start}, new long[] {start + parts[i]}, axes, null);
            start += parts[i];
        }
        return res;
    }

    /** numpy slicing with ONNX's clamping of starts and ends, any steps, repeated axes rejected. */
    static Tensor slice(Tensor x, long[] starts, long[] ends, long[] axes, long[] steps) {
        int rank = x.rank();
        long[] s = x.shape();
        SliceBounds bounds = SliceBounds.resolve(s, starts, ends, axes, steps);
        long[] begin = bounds.begin(), step = bounds.step(), out = bounds.outShape();
        long[] strides = Shapes.strides(s);
        return IndexMapping.gather(x, out, idx -> {
            long o = 0;
            for (int d = 0; d < rank; d++) o += (begin[d] + idx[d] * step[d]) * strides[d];
            return o;
        }, null);
    }
}
