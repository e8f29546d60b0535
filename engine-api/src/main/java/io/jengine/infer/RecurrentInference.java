package io.jengine.infer;

import io.jengine.ir.Dim;
import io.jengine.ir.Shape;
import io.jengine.ir.ValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** RNN, GRU and LSTM: Y and the final hidden (and cell) states, in either layout. */
final class RecurrentInference {
    private RecurrentInference() {}

    static void register(InferenceRegistry r) {
        r.addAll(1, RecurrentInference::recurrent, "RNN", "GRU", "LSTM");
    }

    private static List<ValueType> recurrent(InferenceContext c) {
        Shape x = c.shape(0);
        boolean batchFirst = c.opset() >= 14 && c.node().attrInt("layout", 0) != 0;
        Dim seq = Dim.unknown(), batch = Dim.unknown();
        if (x != null && x.rank() == 3) {
            seq = x.dim(batchFirst ? 1 : 0);
            batch = x.dim(batchFirst ? 0 : 1);
        }
        Dim dirs = Dim.of("bidirectional".equals(c.node().attrString("direction", "forward")) ? 2 : 1);
        long h = c.node().attrInt("hidden_size", -1);
        Dim hidden = h > 0 ? Dim.of(h) : Dim.unknown();
        Shape y = batchFirst ? new Shape(Arrays.asList(batch, seq, dirs, hidden)) : new Shape(Arrays.asList(seq, dirs, batch, hidden));
        Shape state = batchFirst ? new Shape(Arrays.asList(batch, dirs, hidden)) : new Shape(Arrays.asList(dirs, batch, hidden));
        List<ValueType> out = new ArrayList<>();
        for (int i = 0; i < c.node().outputs().size(); i++) {
            out.add(InferenceContext.tensor(c.elemType(0), i == 0 ? y : state));
        }
        return out;
    }
}
