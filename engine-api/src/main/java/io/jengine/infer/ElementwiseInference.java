package io.jengine.infer;

import io.jengine.tensor.Shape;
import io.jengine.tensor.ValueType;
import io.jengine.tensor.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Ops whose output has the input's shape (unary) or the inputs' broadcast shape (binary and variadic). */
final class ElementwiseInference {
    private ElementwiseInference() {}

    static void register(InferenceRegistry r) {
        r.addAll(1, ElementwiseInference::sameAsFirst, "Abs", "Neg", "Reciprocal", "Sqrt", "Exp", "Log", "Floor", "Ceil",
                "Round", "Sign", "Erf", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh",
                "Atanh", "Not", "BitwiseNot", "Relu", "LeakyRelu", "Elu", "Selu", "Celu", "Sigmoid", "HardSigmoid",
                "HardSwish", "Softplus", "Softsign", "Tanh", "ThresholdedRelu", "Shrink", "Mish", "Gelu", "Swish",
                "Clip", "Softmax", "LogSoftmax", "Hardmax", "CumSum", "CumProd", "LRN", "LpNormalization",
                "MeanVarianceNormalization", "InstanceNormalization", "GroupNormalization", "RMSNormalization");
        r.addAll(1, ElementwiseInference::broadcastSameType, "Add", "Sub", "Mul", "Div", "Pow", "Mod", "BitShift",
                "BitwiseAnd", "BitwiseOr", "BitwiseXor", "Sum", "Mean", "Max", "Min");
        r.add("PRelu", 1, ElementwiseInference::sameAsFirst);
        r.addAll(1, ElementwiseInference::broadcastBool, "And", "Or", "Xor", "Equal", "Less", "LessOrEqual", "Greater",
                "GreaterOrEqual");
        r.addAll(1, c -> Arrays.asList(InferenceContext.tensor(DType.BOOL, c.shape(0))), "IsNaN", "IsInf");
        r.add("Where", 9, c -> Arrays.asList(InferenceContext.tensor(c.elemType(1),
                DimMath.broadcast(Arrays.asList(orNull(c, 0), orNull(c, 1), orNull(c, 2))))));
        r.add("Cast", 1, c -> {
            var to = c.node().attr("to");
            DType t = to == null ? null : to.kind() == io.jengine.ir.Attribute.Kind.INT
                    ? DType.fromOnnx((int) to.asInt()) : DType.valueOf(to.asString().toUpperCase());
            return Arrays.asList(InferenceContext.tensor(t, c.shape(0)));
        });
        r.add("CastLike", 15, c -> Arrays.asList(InferenceContext.tensor(c.elemType(1), c.shape(0))));
        r.add("Identity", 1, c -> Arrays.asList(c.type(0)));
    }

    static List<ValueType> sameAsFirst(InferenceContext c) {
        List<ValueType> out = new ArrayList<>();
        out.add(c.type(0));
        for (int i = 1; i < c.node().outputs().size(); i++) out.add(null);
        return out;
    }

    private static List<ValueType> broadcastSameType(InferenceContext c) {
        return Arrays.asList(InferenceContext.tensor(c.elemType(0), broadcastAll(c)));
    }

    private static List<ValueType> broadcastBool(InferenceContext c) {
        return Arrays.asList(InferenceContext.tensor(DType.BOOL, broadcastAll(c)));
    }

    private static Shape broadcastAll(InferenceContext c) {
        List<Shape> shapes = new ArrayList<>();
        for (int i = 0; i < c.inputCount(); i++) shapes.add(orNull(c, i));
        return DimMath.broadcast(shapes);
    }

    private static Shape orNull(InferenceContext c, int i) { return c.shape(i); }
}
