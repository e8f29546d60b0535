package io.jengine.infer;

import io.jengine.ir.Dim;
import io.jengine.ir.Shape;
import io.jengine.tensor.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** String ops and text vectorisation. */
final class StringInference {
    private StringInference() {}

    static void register(InferenceRegistry r) {
        r.add("StringNormalizer", 10, c -> Arrays.asList(InferenceContext.tensor(DType.STRING, Unknowns.sameRank(c.shape(0)))));
        r.add("StringConcat", 20, c -> Arrays.asList(InferenceContext.tensor(DType.STRING,
                DimMath.broadcast(Arrays.asList(c.shape(0), c.shape(1))))));
        r.add("RegexFullMatch", 20, c -> Arrays.asList(InferenceContext.tensor(DType.BOOL, c.shape(0))));
        r.add("StringSplit", 20, c -> {
            Shape s = c.shape(0);
            Shape y = null;
            if (s != null) {
                List<Dim> d = new ArrayList<>(s.dims());
                d.add(Dim.unknown());
                y = new Shape(d);
            }
            return Arrays.asList(InferenceContext.tensor(DType.STRING, y), InferenceContext.tensor(DType.INT64, s));
        });
        r.add("TfIdfVectorizer", 9, c -> {
            Shape s = c.shape(0);
            return Arrays.asList(InferenceContext.tensor(DType.FLOAT32,
                    s == null || s.rank() == 0 ? null : Unknowns.unknownAt(s, -1)));
        });
    }
}
