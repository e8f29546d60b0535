package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.optionalTensor;
import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.spi.ValueKernel;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Dropout. At inference (no {@code training_mode}, or it is false, or the ratio is 0) the output equals the input and
 * the optional mask is all true. In training mode each element is kept with probability {@code 1 - ratio} and scaled
 * by {@code 1 / (1 - ratio)}; with a {@code seed} attribute the mask is drawn as ONNX's reference draws it (numpy's
 * legacy generator), otherwise from a fresh random seed per run.
 */
final class DropoutKernel {
    private DropoutKernel() {}

    /**
     * Opsets 1 to 11: ratio is an attribute and the op is an identity at inference; the mask is of the input's type
     * before opset 10 and bool from then on.
     */
    static ValueKernel inference(Node node, int opset) {
        int outputs = node.outputs().size();
        boolean boolMask = opset >= 10;
        return (ctx, in) -> {
            Tensor x = tensor(in, 0);
            Tensor mask = outputs > 1 ? filled(boolMask ? DType.BOOL : x.dtype(), x.shape()) : null;
            return outputs > 1 ? new Value[] {x.copy(), mask} : new Value[] {x.copy()};
        };
    }

    /** Opset 12 on: ratio (default 0.5) and training_mode (default false) are optional inputs. */
    static ValueKernel training(Node node) {
        int outputs = node.outputs().size();
        Long seed = node.hasAttr("seed") ? node.attrInt("seed", 0) : null;
        return (ctx, in) -> {
            Tensor x = tensor(in, 0);
            Tensor ratioT = optionalTensor(in, 1), modeT = optionalTensor(in, 2);
            double ratio = ratioT == null ? 0.5 : KernelSupport.scalarDouble(ratioT);
            boolean train = modeT != null && KernelSupport.scalarLong(modeT) != 0;
            Tensor y;
            Tensor mask;
            if (!train || ratio == 0) {
                y = x.copy();
                mask = filled(DType.BOOL, x.shape());
            } else {
                if (!(ratio > 0 && ratio < 1)) {
                    throw new IllegalArgumentException("ratio must be in [0, 1) in training mode, got " + ratio);
                }
                MersenneTwister rng = new MersenneTwister(seed != null ? seed : ThreadLocalRandom.current().nextLong());
                double scale = 1.0 / (1.0 - ratio);
                y = Tensor.allocate(x.dtype(), x.shape());
                mask = Tensor.allocate(DType.BOOL, x.shape());
                for (long i = 0; i < x.size(); i++) {
                    boolean keep = rng.nextDouble() >= ratio;
                    mask.setLong(i, keep ? 1 : 0);
                    y.setDouble(i, keep ? x.getDouble(i) * scale : 0.0);
                }
            }
            return outputs > 1 ? new Value[] {y, mask} : new Value[] {y};
        };
    }

    private static Tensor filled(DType dtype, long[] shape) {
        Tensor t = Tensor.allocate(dtype, shape);
        for (long i = 0; i < t.size(); i++) t.setLong(i, 1);
        return t;
    }
}
