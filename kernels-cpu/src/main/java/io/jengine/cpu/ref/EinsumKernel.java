package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.tensor.Value;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Einsum by direct summation over the whole index space: every label (ellipsis dims become labels of their own) is a
 * loop; repeated labels within an operand take diagonals; labels missing from the output are summed. Slow, simple,
 * and exactly the definition.
 */
final class EinsumKernel {
    private EinsumKernel() {}

    static void register(KernelRegistry r) {
        r.add("Einsum", 12, n -> {
            String eq = n.node().attrString("equation", "").replace(" ", "");
            if (eq.isEmpty()) throw new IllegalArgumentException("attribute 'equation' is required");
            return (ctx, in) -> {
                Tensor[] xs = new Tensor[in.length];
                for (int i = 0; i < in.length; i++) xs[i] = tensor(in, i);
                return new Value[] {einsum(eq, xs)};
            };
        });
    }

    static Tensor einsum(String equation, Tensor[] xs) {
        String[] sides = equation.split("->", -1);
        String[] terms = sides[0].split(",", -1);
        if (terms.length != xs.length) {
            throw new IllegalArgumentException("equation '" + equation + "' has " + terms.length + " operands, got " + xs.length);
        }
        int ellipsisRank = 0;
        for (int i = 0; i < xs.length; i++) {
            if (terms[i].contains("...")) ellipsisRank = Math.max(ellipsisRank, xs[i].rank() - (terms[i].length() - 3));
        }
        // Ellipsis dims get the labels '0', '1', ... (never letters), aligned to the right as numpy broadcasts them.
        StringBuilder ell = new StringBuilder();
        for (int i = 0; i < ellipsisRank; i++) ell.append((char) ('0' + i));
        List<String> labels = new ArrayList<>();
        Map<Character, Long> size = new LinkedHashMap<>();
        for (int i = 0; i < xs.length; i++) {
            String t = terms[i];
            if (t.contains("...")) {
                int own = xs[i].rank() - (t.length() - 3);
                t = t.replace("...", ell.substring(ellipsisRank - own));
            }
            if (t.length() != xs[i].rank()) {
                throw new IllegalArgumentException("operand " + i + " has rank " + xs[i].rank() + " but term '" + terms[i] + "'");
            }
            for (int d = 0; d < t.length(); d++) {
                char c = t.charAt(d);
                long dim = xs[i].dim(d);
                Long prev = size.get(c);
                if (prev == null || prev == 1) size.put(c, dim);
                else if (dim != 1 && dim != prev) {
                    throw new IllegalArgumentException("label '" + c + "' has sizes " + prev + " and " + dim);
                }
            }
            labels.add(t);
        }
        String out;
        if (sides.length == 2) {
            out = sides[1].replace("...", ell.toString());
        } else {
            TreeSet<Character> once = new TreeSet<>();
            String all = String.join("", labels);
            for (char c : all.toCharArray()) {
                if (Character.isLetter(c) && all.indexOf(c) == all.lastIndexOf(c)) once.add(c);
            }
            StringBuilder b = new StringBuilder(ell);
            once.forEach(b::append);
            out = b.toString();
        }
        List<Character> loop = new ArrayList<>();
        for (char c : out.toCharArray()) {
            if (!size.containsKey(c) || loop.contains(c)) {
                throw new IllegalArgumentException("equation '" + equation + "': output label '" + c + "' must appear in"
                        + " an input and only once in the output");
            }
            loop.add(c);
        }
        for (char c : size.keySet()) if (!loop.contains(c)) loop.add(c);
        long[] dims = new long[loop.size()];
        for (int i = 0; i < dims.length; i++) dims[i] = size.get(loop.get(i));
        long[] outShape = new long[out.length()];
        for (int i = 0; i < outShape.length; i++) outShape[i] = dims[i];
        Tensor result = Tensor.allocate(xs[0].dtype(), outShape);
        int[][] where = new int[xs.length][];
        long[][] strides = new long[xs.length][];
        for (int i = 0; i < xs.length; i++) {
            String t = labels.get(i);
            where[i] = new int[t.length()];
            strides[i] = Shapes.strides(xs[i].shape());
            for (int d = 0; d < t.length(); d++) where[i][d] = loop.indexOf(t.charAt(d));
        }
        long[] idx = new long[dims.length];
        long total = Shapes.size(dims), outSize = Shapes.size(outShape);
        // integers multiply and add in long (C wrap-around, no rounding through double); floats in double
        boolean integer = !xs[0].dtype().isFloatingPoint();
        double[] acc = new double[(int) outSize];
        long[] lacc = new long[(int) outSize];
        long[] outStrides = Shapes.strides(outShape);
        for (long e = 0; e < total; e++) {
            double p = 1;
            long lp = 1;
            for (int i = 0; i < xs.length; i++) {
                long o = 0;
                for (int d = 0; d < where[i].length; d++) {
                    long v = xs[i].dim(d) == 1 ? 0 : idx[where[i][d]];
                    o += v * strides[i][d];
                }
                if (integer) lp *= xs[i].getLong(o);
                else p *= xs[i].getDouble(o);
            }
            long oo = 0;
            for (int d = 0; d < outShape.length; d++) oo += idx[d] * outStrides[d];
            if (integer) lacc[(int) oo] += lp;
            else acc[(int) oo] += p;
            IndexMapping.increment(idx, dims);
        }
        for (int i = 0; i < acc.length; i++) {
            if (integer) result.setLong(i, lacc[i]);
            else result.setDouble(i, acc[i]);
        }
        return result;
    }
}
