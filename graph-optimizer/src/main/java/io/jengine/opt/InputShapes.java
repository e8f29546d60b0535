package io.jengine.opt;

import io.jengine.tensor.Dim;
import io.jengine.ir.Graph;
import io.jengine.tensor.Shape;
import io.jengine.ir.ValueInfo;
import io.jengine.tensor.ValueType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fixes dynamic input dimensions for a build ({@code --shapes input_ids:1x128,attention_mask:1x128}), so that shape
 * arithmetic can fold. Known dimensions must agree; the engine then only accepts inputs of exactly these shapes.
 */
public final class InputShapes {
    private InputShapes() {}

    /** Parses "NAME:AxBxC,NAME2:D" (a bare scalar is "NAME:"). */
    public static Map<String, long[]> parse(String spec) {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) continue;
            int colon = p.lastIndexOf(':');
            if (colon <= 0) throw new IllegalArgumentException("--shapes entry '" + p + "' is not NAME:DIMS (e.g. input:1x3x224x224)");
            String dims = p.substring(colon + 1).strip();
            long[] d = dims.isEmpty() ? new long[0] : new long[dims.split("x").length];
            String[] parts = dims.isEmpty() ? new String[0] : dims.split("x");
            for (int i = 0; i < parts.length; i++) {
                try {
                    d[i] = Long.parseLong(parts[i].strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--shapes entry '" + p + "': '" + parts[i] + "' is not a dimension");
                }
                if (d[i] < 0) throw new IllegalArgumentException("--shapes entry '" + p + "' has a negative dimension");
            }
            out.put(p.substring(0, colon).strip(), d);
        }
        return out;
    }

    /** Writes shapes back in {@link #parse}'s form. */
    public static String format(Map<String, long[]> shapes) {
        StringBuilder sb = new StringBuilder();
        shapes.forEach((name, dims) -> {
            if (!sb.isEmpty()) sb.append(',');
            sb.append(name).append(':');
            for (int i = 0; i < dims.length; i++) sb.append(i > 0 ? "x" : "").append(dims[i]);
        });
        return sb.toString();
    }

    public static Graph apply(Graph g, Map<String, long[]> shapes) {
        Map<String, long[]> left = new LinkedHashMap<>(shapes);
        List<ValueInfo> inputs = new ArrayList<>();
        for (ValueInfo in : g.inputs()) {
            long[] fixed = left.remove(in.name());
            if (fixed == null) {
                inputs.add(in);
                continue;
            }
            if (!(in.type() instanceof ValueType.TensorType t)) {
                throw new IllegalArgumentException("--shapes: input '" + in.name() + "' is not a tensor (" + in.type() + ")");
            }
            if (t.shape() != null && t.shape().rank() != fixed.length) {
                throw new IllegalArgumentException("--shapes: input '" + in.name() + "' has rank " + t.shape().rank()
                        + " " + t.shape() + ", got " + fixed.length + " dimensions");
            }
            for (int i = 0; t.shape() != null && i < fixed.length; i++) {
                Dim d = t.shape().dim(i);
                if (d.isKnown() && d.value() != fixed[i]) {
                    throw new IllegalArgumentException("--shapes: input '" + in.name() + "' dimension " + i + " is "
                            + d.value() + ", got " + fixed[i]);
                }
            }
            inputs.add(new ValueInfo(in.name(), new ValueType.TensorType(t.elementType(), Shape.of(fixed))));
        }
        if (!left.isEmpty()) {
            throw new IllegalArgumentException("--shapes names unknown input(s) " + left.keySet() + "; the model's inputs are "
                    + g.runtimeInputs().stream().map(ValueInfo::name).toList());
        }
        return g.toBuilder().inputs(inputs).build();
    }
}
