package io.jengine.infer;

import io.jengine.tensor.Shape;
import io.jengine.tensor.DType;
import java.util.Arrays;
import java.util.List;

/** Quantize/dequantize and integer matrix ops: their outputs' element types follow zero points and scales. */
final class QuantizationInference {
    private QuantizationInference() {}

    static void register(InferenceRegistry r) {
        r.add("QuantizeLinear", 10, c -> {
            DType t = c.hasInput(2) && c.elemType(2) != null ? c.elemType(2) : DType.UINT8;
            long attr = c.node().attrInt("output_dtype", 0);
            if (attr != 0) t = DType.fromOnnx((int) attr);
            return Arrays.asList(InferenceContext.tensor(t, c.shape(0)));
        });
        r.add("DequantizeLinear", 10, c -> Arrays.asList(InferenceContext.tensor(
                c.elemType(1) == null ? DType.FLOAT32 : c.elemType(1), c.shape(0))));
        r.add("DynamicQuantizeLinear", 11, c -> Arrays.asList(InferenceContext.tensor(DType.UINT8, c.shape(0)),
                InferenceContext.tensor(DType.FLOAT32, Shape.of()), InferenceContext.tensor(DType.UINT8, Shape.of())));
    }
}
