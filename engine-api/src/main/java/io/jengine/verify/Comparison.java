package io.jengine.verify;

import io.jengine.tensor.OptionalValue;
import io.jengine.tensor.TensorSequence;
import io.jengine.tensor.Value;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.Arrays;

/**
 * The outcome of comparing a computed value with a reference: whether it matched, the largest absolute and relative
 * errors seen, and, when it did not match, one line saying where and how.
 */
public record Comparison(boolean matches, double maxAbsError, double maxRelError, String mismatch) {

    /** Compares with the per-dtype policy of {@link Tolerance#forDType}. */
    public static Comparison of(Value want, Value got) { return of(want, got, null); }

    /** Compares with a fixed tolerance for floating types ({@code tol} null: per-dtype policy). */
    public static Comparison of(Value want, Value got, Tolerance tol) {
        if (want instanceof Tensor w && got instanceof Tensor g) return tensors(w, g, tol);
        if (want instanceof TensorSequence w && got instanceof TensorSequence g) {
            if (w.size() != g.size()) return fail("sequence length " + g.size() + ", expected " + w.size());
            double abs = 0, rel = 0;
            for (int i = 0; i < w.size(); i++) {
                Comparison c = tensors(w.get(i), g.get(i), tol);
                if (!c.matches) return fail("sequence element " + i + ": " + c.mismatch);
                abs = Math.max(abs, c.maxAbsError);
                rel = Math.max(rel, c.maxRelError);
            }
            return new Comparison(true, abs, rel, null);
        }
        if (want instanceof OptionalValue w && got instanceof OptionalValue g) {
            if (w.isPresent() != g.isPresent()) {
                return fail("optional is " + (g.isPresent() ? "present" : "empty") + ", expected the opposite");
            }
            return w.isPresent() ? of(w.content(), g.content(), tol) : new Comparison(true, 0, 0, null);
        }
        // A plain tensor reference for an optional output holding a tensor (how the suite stores them).
        if (got instanceof OptionalValue g && g.isPresent()) return of(want, g.content(), tol);
        return fail("got " + got.describe() + ", expected " + want.describe());
    }

    private static Comparison tensors(Tensor want, Tensor got, Tolerance tol) {
        if (want.dtype() != got.dtype()) return fail("element type " + got.dtype() + ", expected " + want.dtype());
        if (!Arrays.equals(want.shape(), got.shape())) {
            return fail("shape " + Shapes.format(got.shape()) + ", expected " + Shapes.format(want.shape()));
        }
        long n = want.size();
        if (want.dtype() == DType.STRING) {
            for (long i = 0; i < n; i++) {
                if (!want.getString(i).equals(got.getString(i))) {
                    return fail("element " + i + " is \"" + got.getString(i) + "\", expected \"" + want.getString(i) + "\"");
                }
            }
            return new Comparison(true, 0, 0, null);
        }
        if (!want.dtype().isFloatingPoint()) {
            for (long i = 0; i < n; i++) {
                if (want.getLong(i) != got.getLong(i)) {
                    return fail("element " + i + " is " + got.getLong(i) + ", expected " + want.getLong(i));
                }
            }
            return new Comparison(true, 0, 0, null);
        }
        Tolerance t = tol != null ? tol : Tolerance.forDType(want.dtype());
        double maxAbs = 0, maxRel = 0;
        String first = null;
        long bad = 0;
        for (long i = 0; i < n; i++) {
            double w = want.getDouble(i), g = got.getDouble(i);
            if (!t.accepts(w, g)) {
                if (first == null) first = "element " + i + " is " + g + ", expected " + w;
                bad++;
            }
            if (Double.isFinite(w) && Double.isFinite(g)) {
                double abs = Math.abs(g - w);
                maxAbs = Math.max(maxAbs, abs);
                if (w != 0) maxRel = Math.max(maxRel, abs / Math.abs(w));
            }
        }
        if (first != null) {
            return new Comparison(false, maxAbs, maxRel, bad + " of " + n + " elements differ beyond rtol "
                    + t.rtol() + " atol " + t.atol() + "; first: " + first);
        }
        return new Comparison(true, maxAbs, maxRel, null);
    }

    private static Comparison fail(String why) { return new Comparison(false, Double.NaN, Double.NaN, why); }
}
