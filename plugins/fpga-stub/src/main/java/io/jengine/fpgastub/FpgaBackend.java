package io.jengine.fpgastub;

import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Node;
import io.jengine.runtime.ReferenceKernels;
import io.jengine.spi.Backend;
import io.jengine.spi.Device;
import io.jengine.spi.Kernel;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.spi.ValueKernel;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code fpga-stub} backend: simulated FPGA cards, {@code fpga-stub:0} (the bundled small part, a 32×32 array),
 * {@code fpga-stub:1} (the large one, 64×64) and one more per part file named in the system property
 * {@value #PARTS_PROPERTY} or the environment variable {@value #PARTS_ENV} (paths separated as on a class path).
 * Bound to a card, it claims the engine's integer layers ({@code jengine::QuantizedConv} with a 2-D kernel,
 * {@code jengine::QuantizedMatMul}) with 8-bit sources and int8 weights, computes them with the integer reference
 * kernels and reports the part's modelled time; its layers compete with the host's ({@link #sharesLayersWithHost}),
 * so the tuner decides the partition between card and CPU from the model's times and the link's cost.
 */
public final class FpgaBackend implements Backend {
    public static final String NAME = "fpga-stub";
    public static final String PARTS_PROPERTY = "jengine.fpga.parts";
    public static final String PARTS_ENV = "JENGINE_FPGA_PARTS";
    static final String TACTIC = "systolic.int8";

    private final FpgaDevice device;

    public FpgaBackend() { this(null); }

    private FpgaBackend(FpgaDevice device) { this.device = device; }

    @Override
    public String name() { return NAME; }

    @Override
    public int priority() { return 30; }

    @Override
    public List<String> tacticNames() {
        return List.of("jengine::QuantizedConv: " + TACTIC, "jengine::QuantizedMatMul: " + TACTIC);
    }

    @Override
    public boolean sharesLayersWithHost() { return true; }

    @Override
    public List<Device> devices() {
        List<Device> l = new ArrayList<>();
        l.add(new FpgaDevice(NAME + ":0", FpgaPart.bundled("small"), "bundled small.properties"));
        l.add(new FpgaDevice(NAME + ":1", FpgaPart.bundled("large"), "bundled large.properties"));
        String extra = System.getProperty(PARTS_PROPERTY, System.getenv(PARTS_ENV));
        if (extra != null && !extra.isBlank()) {
            for (String f : extra.split(File.pathSeparator)) {
                if (f.isBlank()) continue;
                l.add(new FpgaDevice(NAME + ":" + l.size(), FpgaPart.read(Path.of(f.strip())), f.strip()));
            }
        }
        return l;
    }

    @Override
    public Backend forDevice(Device d) {
        if (!(d instanceof FpgaDevice f)) throw new IllegalArgumentException(d.name() + " is not an " + NAME + " device");
        return new FpgaBackend(f);
    }

    @Override
    public Device device() { return device; }

    @Override
    public List<Tactic> tactics(NodeContext ctx) {
        if (device == null) return List.of();
        SystolicModel.Cost cost = costOf(ctx, new SystolicModel(device.part()));
        if (cost == null || !ReferenceKernels.covers(ctx)) return List.of();
        return List.of(new Tactic(NAME, TACTIC, () -> prepare(ctx, cost)));
    }

    private static Kernel prepare(NodeContext ctx, SystolicModel.Cost cost) {
        if (!(ReferenceKernels.prepare(ctx) instanceof ValueKernel reference)) {
            throw new IllegalStateException("the reference kernel of " + ctx.node().label() + " is not a value kernel");
        }
        return new FpgaKernel(reference, cost);
    }

    /** The layer's modelled cost, or null when the card does not run the node. */
    static SystolicModel.Cost costOf(NodeContext ctx, SystolicModel model) {
        Node n = ctx.node();
        if (!n.domain().equals(FusedOpSpec.DOMAIN)) return null;
        long[] out = staticDims(ctx.outputType(0));
        if (out == null) return null;
        long outBytes = Shapes.size(out) * elementBytes(ctx.outputType(0));
        if (n.opType().equals(FusedOpSpec.QUANTIZED_CONV)) {
            long[] x = eightBit(ctx, FusedOpSpec.QC_X);
            Tensor w = ctx.constant(FusedOpSpec.QC_W);
            if (x == null || w == null || w.dtype() != DType.INT8 || w.rank() != 4) return null;
            long group = n.attrInt("group", 1), cout = w.dim(0);
            if (group < 1 || cout % group != 0) return null;
            long k = w.dim(1) * w.dim(2) * w.dim(3);
            long m = Shapes.size(out) / cout;
            long residual = 0;
            if (n.hasInput(FusedOpSpec.QC_RESIDUAL)) {
                long[] r = staticDims(ctx.inputType(FusedOpSpec.QC_RESIDUAL));
                if (r == null) return null;
                residual = Shapes.size(r) * elementBytes(ctx.inputType(FusedOpSpec.QC_RESIDUAL));
            }
            return model.cost(group, m, k, cout / group, Shapes.size(x), residual, outBytes);
        }
        if (n.opType().equals(FusedOpSpec.QUANTIZED_MATMUL)) {
            long[] a = eightBit(ctx, FusedOpSpec.QM_A);
            Tensor b = ctx.constant(FusedOpSpec.QM_B);
            if (a == null || b == null || b.dtype() != DType.INT8 || b.rank() != 2) return null;
            long k = b.dim(0), nn = b.dim(1);
            return model.cost(1, Shapes.size(a) / k, k, nn, Shapes.size(a), 0, outBytes);
        }
        return null;
    }

    /** Input i's dims when it is 8-bit integer codes of a static shape. */
    private static long[] eightBit(NodeContext ctx, int i) {
        if (!(ctx.inputType(i) instanceof ValueType.TensorType t)) return null;
        if (t.elementType() != DType.UINT8 && t.elementType() != DType.INT8) return null;
        return ValueType.staticDims(t);
    }

    private static long[] staticDims(ValueType t) {
        return t instanceof ValueType.TensorType tt ? ValueType.staticDims(tt) : null;
    }

    private static long elementBytes(ValueType t) {
        return t instanceof ValueType.TensorType tt ? tt.elementType().byteSize() : 4;
    }
}
