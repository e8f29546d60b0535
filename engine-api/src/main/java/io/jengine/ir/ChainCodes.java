package io.jengine.ir;

import io.jengine.tensor.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * The quantized ends of a {@code jengine.ElementwiseChain}: inputs read as uint8 or int8 codes and dequantized on the
 * way in ({@code (q - zero) * scale}, as DequantizeLinear with one scale and zero point), and an output quantized on
 * the way out ({@code saturate(rint(x / scale) + zero)}, as QuantizeLinear). Between a QDQ model's integer layers
 * DequantizeLinear, the float work and QuantizeLinear were three passes over the tensor, two of them in float; as the
 * chain's ends they are one pass that reads and writes bytes.
 *
 * <p>Attributes: {@value #INPUT_CODES} (per input: 0 for float, else the ONNX type of its codes, 2 uint8 or 3 int8),
 * {@value #INPUT_QUANT} (per input: scale and zero point), {@value #OUTPUT_CODE} (0 or a code type) and
 * {@value #OUTPUT_QUANT} (scale and zero point). A chain without them is float throughout.
 *
 * @param inputTypes each input's code type, null for a float input
 * @param outputType the output's code type, null for a float output
 */
public record ChainCodes(DType[] inputTypes, float[] inputScales, float[] inputZeros, DType outputType,
                         float outputScale, float outputZero) {
    public static final String INPUT_CODES = "input_codes", INPUT_QUANT = "input_quant", OUTPUT_CODE = "output_code",
            OUTPUT_QUANT = "output_quant";

    /** The chain's ends as its attributes give them; a malformed set is an IllegalArgumentException saying what. */
    public static ChainCodes of(Node n) {
        int k = n.inputs().size();
        long[] codes = n.attrInts(INPUT_CODES, new long[k]);
        float[] quant = n.attrFloats(INPUT_QUANT, new float[2 * k]);
        if (codes.length != k || quant.length != 2 * k) {
            throw new IllegalArgumentException("ElementwiseChain " + n.name() + ": " + INPUT_CODES + " and " + INPUT_QUANT
                    + " need 1 and 2 values per input (" + k + " inputs), got " + codes.length + " and " + quant.length);
        }
        DType[] types = new DType[k];
        float[] scales = new float[k], zeros = new float[k];
        for (int j = 0; j < k; j++) {
            types[j] = codeType(codes[j], n, "input " + j);
            scales[j] = quant[2 * j];
            zeros[j] = quant[2 * j + 1];
            if (types[j] != null) checkScale(scales[j], zeros[j], types[j], n, "input " + j);
        }
        DType out = codeType(n.attrInt(OUTPUT_CODE, 0), n, "the output");
        float[] oq = n.attrFloats(OUTPUT_QUANT, new float[2]);
        if (oq.length != 2) {
            throw new IllegalArgumentException("ElementwiseChain " + n.name() + ": " + OUTPUT_QUANT + " needs a scale and a"
                    + " zero point, got " + oq.length + " values");
        }
        if (out != null) checkScale(oq[0], oq[1], out, n, "the output");
        return new ChainCodes(types, scales, zeros, out, oq[0], oq[1]);
    }

    private static DType codeType(long code, Node n, String what) {
        if (code == 0) return null;
        if (code == DType.UINT8.onnxCode()) return DType.UINT8;
        if (code == DType.INT8.onnxCode()) return DType.INT8;
        throw new IllegalArgumentException("ElementwiseChain " + n.name() + ": " + what + " has code type " + code
                + "; only 0 (float), 2 (uint8) and 3 (int8) are known");
    }

    private static void checkScale(float scale, float zero, DType t, Node n, String what) {
        float lo = t == DType.UINT8 ? 0 : -128, hi = t == DType.UINT8 ? 255 : 127;
        if (!(scale > 0) || Float.isInfinite(scale) || !(zero >= lo && zero <= hi) || zero != Math.rint(zero)) {
            throw new IllegalArgumentException("ElementwiseChain " + n.name() + ": " + what + " has scale " + scale
                    + " and zero point " + zero + "; a positive finite scale and a whole " + t + " zero point are needed");
        }
    }

    /** Whether any end is quantized. */
    public boolean any() {
        if (outputType != null) return true;
        for (DType t : inputTypes) if (t != null) return true;
        return false;
    }

    /** The output's element type where the float inputs are {@code floatType}. */
    public DType outputType(DType floatType) { return outputType != null ? outputType : floatType; }

    /** This chain's ends as attributes, for a node builder. */
    public List<Attribute> attributes() {
        List<Attribute> a = new ArrayList<>();
        long[] codes = new long[inputTypes.length];
        float[] quant = new float[2 * inputTypes.length];
        for (int j = 0; j < codes.length; j++) {
            codes[j] = inputTypes[j] == null ? 0 : inputTypes[j].onnxCode();
            quant[2 * j] = inputScales[j];
            quant[2 * j + 1] = inputZeros[j];
        }
        a.add(Attribute.of(INPUT_CODES, codes));
        a.add(Attribute.of(INPUT_QUANT, quant));
        a.add(Attribute.of(OUTPUT_CODE, (long) (outputType == null ? 0 : outputType.onnxCode())));
        a.add(Attribute.of(OUTPUT_QUANT, new float[] {outputScale, outputZero}));
        return a;
    }
}
