package io.jengine.cpu.ref;

import io.jengine.ir.Attribute;
import io.jengine.tensor.ValueType;
import io.jengine.tensor.OptionalValue;
import io.jengine.tensor.TensorSequence;
import io.jengine.tensor.Value;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.Tensor;

/**
 * Optional, OptionalHasElement and OptionalGetElement. Opset 18 lets the two readers take a plain tensor or sequence
 * (present) or an omitted input (absent); opset 15 declares optional inputs only, but a value reaching an
 * optional-typed graph or body input is not wrapped by the runtime (a Loop may carry a sequence into an optional body
 * input), so every version accepts both forms.
 */
final class OptionalKernels {
    private OptionalKernels() {}

    static void register(KernelRegistry r) {
        r.add("Optional", 15, n -> {
            Attribute type = n.node().attr("type");
            if (type != null && type.kind() != Attribute.Kind.TYPE_PROTO) {
                throw new IllegalArgumentException("attribute type must be a type, got " + type.kind());
            }
            return (ctx, in) -> {
                Value v = in.length > 0 ? in[0] : null;
                if (v == null && type == null) {
                    throw new IllegalArgumentException("an Optional without input needs the type attribute");
                }
                return new Value[] {new OptionalValue(type != null ? type.asType() : typeOf(v), ValueCopies.copy(v))};
            };
        });
        r.add("OptionalHasElement", 15, n -> (ctx, in) -> new Value[] {hasElement(in)});
        r.add("OptionalGetElement", 15, n -> (ctx, in) -> new Value[] {getElement(in)});
    }

    private static ValueType typeOf(Value v) {
        return switch (v) {
            case Tensor t -> ValueType.tensor(t.dtype(), t.shape());
            case TensorSequence s -> new ValueType.SequenceType(new ValueType.TensorType(s.elementType(), null));
            default -> throw new IllegalArgumentException("input 0 must be a tensor or a sequence, got " + v.describe());
        };
    }

    private static Tensor hasElement(Value[] in) {
        Value v = in.length > 0 ? in[0] : null;
        return Tensor.ofBools(new long[0], v instanceof OptionalValue o ? o.isPresent() : v != null);
    }

    private static Value getElement(Value[] in) {
        Value v = in.length > 0 ? in[0] : null;
        if (v == null) throw new IllegalArgumentException("input 0 is required");
        if (v instanceof OptionalValue o) {
            if (!o.isPresent()) throw new IllegalArgumentException("input 0 is an empty optional");
            return ValueCopies.copy(o.content());
        }
        return ValueCopies.copy(v);
    }
}
