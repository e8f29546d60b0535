package io.jengine.opencl;

import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Node;
import io.jengine.spi.Backend;
import io.jengine.spi.Device;
import io.jengine.spi.Kernel;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import java.util.List;
import java.util.function.Supplier;

/**
 * The OpenCL backend ({@value #NAME}): kernels for every OpenCL device of the machine ({@code opencl:N}), offered
 * only once bound to one ({@code --device opencl:0}); the plan then gives it every node it takes and the host's
 * backends the rest, copying values across at the boundaries. A node whose shapes are not static, or whose op,
 * attributes or types it does not run, is declined.
 */
public final class OpenClBackend implements Backend {
    public static final String NAME = "opencl";

    private final OpenClDevice device;

    /** The unbound backend, as the runtime discovers it. */
    public OpenClBackend() { this(null); }

    private OpenClBackend(OpenClDevice device) { this.device = device; }

    @Override
    public String name() { return NAME; }

    /** Above the host's backends: where it is bound, the user asked for the device. */
    @Override
    public int priority() { return 100; }

    @Override
    public List<Device> devices() { return device == null ? List.copyOf(OpenClPlatforms.devices()) : List.of(); }

    @Override
    public Backend forDevice(Device d) {
        if (!(d instanceof OpenClDevice cl)) throw new IllegalArgumentException(d.name() + " is not an OpenCL device");
        return new OpenClBackend(cl);
    }

    @Override
    public Device device() { return device; }

    @Override
    public List<String> libraries() {
        return device == null ? List.of() : List.of("opencl " + device.info().fingerprint());
    }

    @Override
    public String devicesMissing() { return device == null ? OpenClPlatforms.problem() : null; }

    @Override
    public List<Tactic> tactics(NodeContext ctx) {
        if (device == null) return List.of();
        Io io = Io.of(ctx);
        if (io == null) return List.of();
        Node n = ctx.node();
        String op = n.opType();
        boolean onnx = n.domain().isEmpty() || n.domain().equals("ai.onnx");
        boolean own = n.domain().equals(FusedOpSpec.DOMAIN);
        String name;
        Supplier<ClOp> kernel;
        if (own) {
            switch (op) {
                case FusedOpSpec.FUSED_CONV -> { return offered(ConvOps.conv(ctx, io, device)); }
                case FusedOpSpec.FUSED_CONV_TRANSPOSE -> { return offered(ConvOps.convTranspose(ctx, io, device)); }
                case FusedOpSpec.FUSED_GEMM -> { return offered(MatrixOps.gemm(ctx, io, device)); }
                case FusedOpSpec.FUSED_MATMUL -> { return offered(MatrixOps.matmul(ctx, io, device)); }
                case FusedOpSpec.QUANTIZED_CONV -> { return offered(IntegerOps.conv(ctx, io, device)); }
                case FusedOpSpec.QUANTIZED_MATMUL -> { return offered(IntegerOps.matmul(ctx, io, device)); }
                case "Gelu" -> { name = "elementwise"; kernel = ElementwiseOps.unary(ctx, io, device); }
                case FusedOpSpec.ATTENTION -> { name = "attention"; kernel = AttentionOps.attention(ctx, io, device); }
                case FusedOpSpec.ELEMENTWISE_CHAIN -> { name = "elementwise-chain"; kernel = ChainOps.chain(ctx, io, device); }
                case "LayerNormalization" -> { name = "layernorm"; kernel = RowOps.layerNorm(ctx, io, device); }
                default -> { return List.of(); }
            }
        } else if (onnx) {
            switch (op) {
                case "Conv" -> { return offered(ConvOps.conv(ctx, io, device)); }
                case "ConvTranspose" -> { return offered(ConvOps.convTranspose(ctx, io, device)); }
                case "Gemm" -> { return offered(MatrixOps.gemm(ctx, io, device)); }
                case "MatMul" -> { return offered(MatrixOps.matmul(ctx, io, device)); }
                case "MaxPool", "AveragePool" -> { name = "pool"; kernel = PoolOps.pool(ctx, io, device); }
                case "GlobalAveragePool", "GlobalMaxPool" -> { name = "pool.global"; kernel = PoolOps.global(ctx, io, device); }
                case "Softmax", "LogSoftmax" -> { name = "softmax"; kernel = RowOps.softmax(ctx, io, device); }
                case "LayerNormalization" -> { name = "layernorm"; kernel = RowOps.layerNorm(ctx, io, device); }
                case "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity" -> { name = "view"; kernel = DataOps.view(ctx, io, device); }
                case "Where" -> { name = "where"; kernel = SelectOps.where(ctx, io, device); }
                case "And", "Or", "Xor" -> { name = "logical"; kernel = SelectOps.logical(ctx, io, device); }
                case "Cast" -> { name = "cast"; kernel = SelectOps.cast(ctx, io, device); }
                case "Resize" -> { name = "resize"; kernel = ResizeOps.resize(ctx, io, device); }
                case "Transpose" -> { name = "transpose"; kernel = DataOps.transpose(ctx, io, device); }
                case "Slice" -> { name = "slice"; kernel = DataOps.slice(ctx, io, device); }
                case "Concat" -> { name = "concat"; kernel = DataOps.concat(ctx, io, device); }
                case "Gather" -> { name = "gather"; kernel = DataOps.gather(ctx, io, device); }
                case "Expand" -> { name = "expand"; kernel = DataOps.expand(ctx, io, device); }
                case "Pad" -> { name = "pad"; kernel = DataOps.pad(ctx, io, device); }
                case "QuantizeLinear" -> { name = "quantize"; kernel = QuantOps.quantize(ctx, io, device, true); }
                case "DequantizeLinear" -> { name = "dequantize"; kernel = QuantOps.quantize(ctx, io, device, false); }
                default -> {
                    if (ReduceOps.OPS.contains(op)) {
                        name = "reduce";
                        kernel = ReduceOps.reduce(ctx, io, device);
                    } else if (ElementwiseOps.isBinary(op)) {
                        name = "elementwise.binary";
                        kernel = ElementwiseOps.binary(ctx, io, device);
                    } else {
                        name = "elementwise";
                        kernel = ElementwiseOps.unary(ctx, io, device);
                    }
                }
            }
        } else {
            return List.of();
        }
        if (kernel == null) return List.of();
        Supplier<ClOp> make = kernel;
        return List.of(new Tactic(NAME, name, make::get));
    }

    private static List<Tactic> offered(Tactic t) { return t == null ? List.of() : List.of(t); }
}
