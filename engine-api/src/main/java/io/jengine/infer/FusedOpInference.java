package io.jengine.infer;

import io.jengine.ir.FusedOpSpec;

/**
 * The engine's own ops (domain "jengine"): fused ops have their base op's output type (FusedConv is typed as Conv ...);
 * Gelu and LayerNormalization, for models older than the ONNX ops, keep the input's type.
 */
final class FusedOpInference {
    static final String DOMAIN = FusedOpSpec.DOMAIN;

    private FusedOpInference() {}

    static void register(InferenceRegistry r) {
        r.add(DOMAIN, "Gelu", 1, ElementwiseInference::sameAsFirst);
        // An elementwise chain's output is the broadcast of all its inputs.
        // Its type is its float inputs' (float32 where an end is quantized), or its output codes' (ChainCodes).
        r.add(DOMAIN, "ElementwiseChain", 1, c -> {
            java.util.List<io.jengine.tensor.Shape> shapes = new java.util.ArrayList<>();
            for (int i = 0; i < c.inputCount(); i++) shapes.add(c.shape(i));
            io.jengine.ir.ChainCodes codes = io.jengine.ir.ChainCodes.of(c.node());
            io.jengine.tensor.DType type = codes.any() ? codes.outputType(io.jengine.tensor.DType.FLOAT32) : c.elemType(0);
            return java.util.Arrays.asList(InferenceContext.tensor(type, DimMath.broadcast(shapes)));
        });
        // Attention over [..., S, D] queries and [..., Skv, Dv] values gives [..., S, Dv].
        r.add(DOMAIN, "ScaledDotProductAttention", 1, c -> {
            io.jengine.tensor.Shape q = c.shape(0), v = c.shape(2);
            if (q == null || v == null || q.rank() < 2 || v.rank() < 1) return java.util.Arrays.asList(InferenceContext.tensor(c.elemType(0), null));
            java.util.List<io.jengine.tensor.Dim> dims = new java.util.ArrayList<>(q.dims());
            dims.set(dims.size() - 1, v.dim(v.rank() - 1));
            return java.util.List.of(new io.jengine.tensor.ValueType.TensorType(c.elemType(0), new io.jengine.tensor.Shape(dims)));
        });
        r.add(DOMAIN, "LayerNormalization", 1, ElementwiseInference::sameAsFirst);
        r.add(DOMAIN, FusedOpSpec.TO_BLOCKED, 1, c -> {
            io.jengine.tensor.Shape x = c.shape(0);
            if (x == null || x.rank() != 4) return java.util.Arrays.asList(InferenceContext.tensor(c.elemType(0), null));
            return java.util.List.of(InferenceContext.tensor(c.elemType(0), blocked(x, block(c))));
        });
        r.add(DOMAIN, FusedOpSpec.FROM_BLOCKED, 1, c -> {
            io.jengine.tensor.Shape x = c.shape(0);
            if (x == null || x.rank() != 5) return java.util.Arrays.asList(InferenceContext.tensor(c.elemType(0), null));
            return java.util.List.of(InferenceContext.tensor(c.elemType(0), plain(x, block(c))));
        });
        // A blocked convolution is typed as Conv on the plain view of its input, its output then blocked.
        r.add(DOMAIN, FusedOpSpec.BLOCKED_CONV, 1, c -> {
            io.jengine.tensor.Shape x = c.shape(0);
            long b = block(c);
            if (x == null || (x.rank() != 4 && x.rank() != 5)) {
                return java.util.Arrays.asList(InferenceContext.tensor(c.elemType(0), null));
            }
            java.util.List<io.jengine.tensor.ValueType> types = new java.util.ArrayList<>(c.inputTypes());
            // a bfloat16 X (another bfloat16 layer's output) is typed as the float weights it is multiplied with
            io.jengine.tensor.DType xType = c.elemType(0) == io.jengine.tensor.DType.BFLOAT16 && c.inputTypes().size() > 1
                    ? c.elemType(1) : c.elemType(0);
            types.set(0, InferenceContext.tensor(xType, x.rank() == 5 ? plain(x, b) : x));
            OpInference conv = r.find("", "Conv", Integer.MAX_VALUE);
            java.util.List<io.jengine.tensor.ValueType> out = conv.infer(
                    new InferenceContext(c.node(), c.opset(), types, c.constants()));
            if (out == null || out.isEmpty() || !(out.get(0) instanceof io.jengine.tensor.ValueType.TensorType t)
                    || t.shape() == null || t.shape().rank() != 4) {
                return java.util.Arrays.asList(InferenceContext.tensor(c.elemType(0), null));
            }
            io.jengine.tensor.DType yType = FusedOpSpec.BFLOAT16_OUTPUT.equals(c.node().attrString(FusedOpSpec.OUTPUT_TYPE, ""))
                    ? io.jengine.tensor.DType.BFLOAT16 : t.elementType();
            return java.util.List.of(InferenceContext.tensor(yType, blocked(t.shape(), b)));
        });
        // A quantized convolution is typed as Conv on X's and W's plain shapes; its output is y_zero_point's type
        // (float32 without one), blocked as X is when the node has a block.
        r.add(DOMAIN, FusedOpSpec.QUANTIZED_CONV, 1, c -> {
            io.jengine.tensor.Shape x = c.shape(FusedOpSpec.QC_X);
            boolean blocked = c.node().hasAttr(FusedOpSpec.BLOCK);
            long b = blocked ? block(c) : -1;
            io.jengine.tensor.DType outType = c.hasInput(FusedOpSpec.QC_Y_ZERO) ? c.elemType(FusedOpSpec.QC_Y_ZERO)
                    : io.jengine.tensor.DType.FLOAT32;
            if (x == null || (x.rank() != 4 && !(blocked && x.rank() == 5))) {
                return java.util.Arrays.asList(InferenceContext.tensor(outType, null));
            }
            InferenceContext conv = new InferenceContext(c.node(), c.opset(),
                    java.util.Arrays.asList(InferenceContext.tensor(c.elemType(FusedOpSpec.QC_X),
                            x.rank() == 5 ? plain(x, b) : x), c.type(FusedOpSpec.QC_W)),
                    java.util.Arrays.asList(null, c.constant(FusedOpSpec.QC_W)));
            java.util.List<io.jengine.tensor.ValueType> out = r.find("", "Conv", Integer.MAX_VALUE).infer(conv);
            if (out == null || out.isEmpty() || !(out.get(0) instanceof io.jengine.tensor.ValueType.TensorType t)
                    || t.shape() == null || t.shape().rank() != 4) {
                return java.util.Arrays.asList(InferenceContext.tensor(outType, null));
            }
            return java.util.List.of(InferenceContext.tensor(outType, blocked ? blocked(t.shape(), b) : t.shape()));
        });
        // A quantized matrix product is typed as MatMul on A's and B's shapes; its output is y_zero_point's type
        // (float32 without one).
        r.add(DOMAIN, FusedOpSpec.QUANTIZED_MATMUL, 1, c -> {
            io.jengine.tensor.DType outType = c.hasInput(FusedOpSpec.QM_Y_ZERO) ? c.elemType(FusedOpSpec.QM_Y_ZERO)
                    : io.jengine.tensor.DType.FLOAT32;
            InferenceContext mm = new InferenceContext(c.node(), c.opset(),
                    java.util.Arrays.asList(c.type(FusedOpSpec.QM_A), c.type(FusedOpSpec.QM_B)),
                    java.util.Arrays.asList(null, c.constant(FusedOpSpec.QM_B)));
            java.util.List<io.jengine.tensor.ValueType> out = r.find("", "MatMul", Integer.MAX_VALUE).infer(mm);
            if (out == null || out.isEmpty() || !(out.get(0) instanceof io.jengine.tensor.ValueType.TensorType t)) {
                return java.util.Arrays.asList(InferenceContext.tensor(outType, null));
            }
            return java.util.List.of(InferenceContext.tensor(outType, t.shape()));
        });
        for (String base : new String[] {"Conv", "ConvTranspose", "Gemm", "MatMul"}) {
            r.add(DOMAIN, "Fused" + base, 1, c -> {
                OpInference rule = r.find("", base, Integer.MAX_VALUE);
                return rule == null ? null : rule.infer(c);
            });
        }
    }

    private static long block(InferenceContext c) {
        if (!c.node().hasAttr(FusedOpSpec.BLOCK)) throw new IllegalArgumentException("attribute " + FusedOpSpec.BLOCK + " is missing");
        long b = c.node().attrInt(FusedOpSpec.BLOCK, 0);
        if (b < 0) throw new IllegalArgumentException("attribute " + FusedOpSpec.BLOCK + " must be 0 (channels-last) or more, got " + b);
        return b;
    }

    /** [N, C, H, W] as [N, C/b, H, W, b]; b = 0 (channels-last) as [N, 1, H, W, C]. */
    private static io.jengine.tensor.Shape blocked(io.jengine.tensor.Shape x, long b) {
        io.jengine.tensor.Dim ch = x.dim(1);
        if (b == 0) return new io.jengine.tensor.Shape(java.util.List.of(x.dim(0), io.jengine.tensor.Dim.of(1), x.dim(2), x.dim(3), ch));
        io.jengine.tensor.Dim blocks = io.jengine.tensor.Dim.unknown();
        if (ch.isKnown()) {
            if (ch.value() % b != 0) throw new IllegalArgumentException(ch.value() + " channels are not a multiple of the block " + b);
            blocks = io.jengine.tensor.Dim.of(ch.value() / b);
        }
        return new io.jengine.tensor.Shape(java.util.List.of(x.dim(0), blocks, x.dim(2), x.dim(3), io.jengine.tensor.Dim.of(b)));
    }

    /** [N, C/b, H, W, b] as [N, C, H, W]; b = 0 (channels-last, [N, 1, H, W, C]) likewise. */
    private static io.jengine.tensor.Shape plain(io.jengine.tensor.Shape x, long b) {
        if (b == 0) return new io.jengine.tensor.Shape(java.util.List.of(x.dim(0), x.dim(4), x.dim(2), x.dim(3)));
        io.jengine.tensor.Dim blocks = x.dim(1);
        io.jengine.tensor.Dim ch = blocks.isKnown() ? io.jengine.tensor.Dim.of(blocks.value() * b) : io.jengine.tensor.Dim.unknown();
        return new io.jengine.tensor.Shape(java.util.List.of(x.dim(0), ch, x.dim(2), x.dim(3)));
    }
}
