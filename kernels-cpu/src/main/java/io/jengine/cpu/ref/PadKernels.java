package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.optionalTensor;
import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.tensor.Value;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.Arrays;

/** Pad (constant, reflect, edge, wrap; negative pads crop) and CenterCropPad. */
final class PadKernels {
    private PadKernels() {}

    static void register(KernelRegistry r) {
        r.add("Pad", 1, n -> {
            long[] pads = n.node().attrInts(n.node().hasAttr("pads") ? "pads" : "paddings", new long[0]);
            double value = n.node().attrFloat("value", 0f);
            String mode = checkMode(n.node().attrString("mode", "constant"));
            return (ctx, in) -> {
                Tensor x = tensor(in, 0);
                return new Value[] {pad(x, pads, null, Tensor.fromDoubles(x.dtype(), new long[0], new double[] {value}), mode)};
            };
        });
        r.add("Pad", 11, n -> {
            String mode = checkMode(n.node().attrString("mode", "constant"));
            return (ctx, in) -> {
                Tensor x = tensor(in, 0), value = optionalTensor(in, 2), axes = optionalTensor(in, 3);
                return new Value[] {pad(x, tensor(in, 1).toLongArray(), axes == null ? null : axes.toLongArray(),
                        value, mode)};
            };
        });
        r.add("CenterCropPad", 18, n -> {
            long[] axesAttr = n.node().attrInts("axes", null);
            return (ctx, in) -> {
                Tensor x = tensor(in, 0);
                long[] shape = tensor(in, 1).toLongArray();
                int rank = x.rank();
                int expected = axesAttr == null ? rank : axesAttr.length;
                if (shape.length != expected) {
                    throw new IllegalArgumentException("shape has " + shape.length + " entries, expected " + expected);
                }
                long[] pads = new long[2 * rank];
                for (int i = 0; i < shape.length; i++) {
                    int ax = Axis.of(axesAttr == null ? i : axesAttr[i], rank);
                    long diff = shape[i] - x.dim(ax);
                    // Cropping takes the extra element from the start, padding puts it at the end (as the spec's reference).
                    if (diff >= 0) { pads[ax] = diff / 2; pads[ax + rank] = diff - diff / 2; }
                    else { pads[ax] = -((-diff) / 2); pads[ax + rank] = -(-diff - (-diff) / 2); }
                }
                return new Value[] {pad(x, pads, null, null, "constant")};
            };
        });
    }

    private static String checkMode(String mode) {
        return switch (mode) {
            case "constant", "reflect", "edge", "wrap" -> mode;
            default -> throw new IllegalArgumentException(
                    "attribute 'mode' must be constant, reflect, edge or wrap, got '" + mode + "'");
        };
    }

    static Tensor pad(Tensor x, long[] padsIn, long[] axes, Tensor value, String mode) {
        int rank = x.rank();
        long[] pads = new long[2 * rank];
        if (axes == null) {
            if (padsIn.length != 2 * rank) {
                throw new IllegalArgumentException("pads has " + padsIn.length + " entries, expected " + 2 * rank);
            }
            System.arraycopy(padsIn, 0, pads, 0, pads.length);
        } else {
            if (padsIn.length != 2 * axes.length) {
                throw new IllegalArgumentException("pads has " + padsIn.length + " entries for " + axes.length + " axes");
            }
            for (int i = 0; i < axes.length; i++) {
                int ax = Axis.of(axes[i], rank);
                pads[ax] = padsIn[i];
                pads[ax + rank] = padsIn[i + axes.length];
            }
        }
        long[] s = x.shape(), out = new long[rank], st = Shapes.strides(s);
        for (int d = 0; d < rank; d++) {
            out[d] = s[d] + pads[d] + pads[d + rank];
            if (out[d] < 0) throw new IllegalArgumentException("pads " + Arrays.toString(padsIn) + " remove more than axis " + d + " has");
            if (!mode.equals("constant") && s[d] == 0 && out[d] > 0) {
                throw new IllegalArgumentException(mode + " padding of an empty axis " + d);
            }
        }
        Tensor fill = value != null && value.size() > 0 ? value : IndexMapping.zero(x.dtype());
        return IndexMapping.gather(x, out, idx -> {
            long o = 0;
            for (int d = 0; d < rank; d++) {
                long i = idx[d] - pads[d];
                long n = s[d];
                if (i < 0 || i >= n) {
                    switch (mode) {
                        case "constant" -> { return -1; }
                        case "edge" -> i = i < 0 ? 0 : n - 1;
                        case "wrap" -> i = Math.floorMod(i, n);
                        case "reflect" -> {
                            if (n == 1) { i = 0; break; }
                            long period = 2 * (n - 1);
                            i = Math.floorMod(i, period);
                            if (i >= n) i = period - i;
                        }
                        default -> throw new IllegalArgumentException("unknown pad mode '" + mode + "'");
                    }
                }
                o += i * st[d];
            }
            return o;
        }, fill);
    }
}
