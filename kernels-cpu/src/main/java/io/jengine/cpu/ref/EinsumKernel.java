package io.jengine.cpu.ref;

import io.jengine.runtime.Value;
import io.jengine.spi.ExecutionContext;
import io.jengine.spi.Kernel;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Einsum by direct summation over every combination of index values. Ellipsis dims get private labels (numbered
 * from 'A'-style placeholders) so that repeated labels (diagonals), broadcasting and implicit outputs all fall out of
 * one loop.
 */
final class EinsumKernel implements Kernel {
    private final String equation;

    EinsumKernel(String equation) {
        if (equation.isEmpty()) throw new IllegalArgumentException("attribute equation is required");
        this.equation = equation.replace(" ", "");
    }

    @Override
    public Value[] run(ExecutionContext ctx, Value[] inputs) {
        String[] sides = equation.split("->", -1);
        String[] terms = sides[0].split(",", -1);
        if (terms.length != inputs.length) {
            throw new IllegalArgumentException("equation has " + terms.length + " operands, got " + inputs.length
                    + " inputs");
        }
        Tensor[] x = new Tensor[inputs.length];
        int ellRank = 0;
        for (int i = 0; i < x.length; i++) {
            x[i] = KernelSupport.tensor(inputs, i);
            if (terms[i].contains("...")) ellRank = Math.max(ellRank, x[i].rank() - (terms[i].length() - 3));
        }
        // ellipsis dims become labels \u0100, \u0101, ... (right-aligned, numpy broadcasting)
        List<List<Character>> labels = new ArrayList<>();
        Map<Character, Long> dims = new LinkedHashMap<>();
        for (int i = 0; i < x.length; i++) {
            List<Character> l = expand(terms[i], x[i].rank(), ellRank);
            if (l.size() != x[i].rank()) {
                throw new IllegalArgumentException("operand " + i + " term '" + terms[i] + "' does not match rank "
                        + x[i].rank());
            }
            for (int d = 0; d < l.size(); d++) {
                long size = x[i].dim(d);
                Long prev = dims.get(l.get(d));
                if (prev == null || prev == 1) dims.put(l.get(d), size);
                else if (size != prev && size != 1) {
                    throw new IllegalArgumentException("label " + l.get(d) + " has sizes " + prev + " and " + size);
                }
            }
            labels.add(l);
        }
        List<Character> outLabels;
        if (sides.length > 1) {
            outLabels = expand(sides[1], sides[1].length() - (sides[1].contains("...") ? 3 : 0) + ellRank, ellRank);
        } else {
            // implicit output: ellipsis dims, then labels appearing once, alphabetically
            outLabels = new ArrayList<>();
            for (int e = 0; e < ellRank; e++) outLabels.add((char) (0x100 + e));
            TreeSet<Character> once = new TreeSet<>();
            for (char ch : sides[0].toCharArray()) {
                if (Character.isLetter(ch) && sides[0].indexOf(ch) == sides[0].lastIndexOf(ch)) once.add(ch);
            }
            outLabels.addAll(once);
        }
        List<Character> all = new ArrayList<>(outLabels);
        for (Character c : dims.keySet()) if (!all.contains(c)) all.add(c);
        long[] outShape = new long[outLabels.size()];
        for (int d = 0; d < outShape.length; d++) outShape[d] = dims.getOrDefault(outLabels.get(d), 1L);
        Tensor out = Tensor.allocate(x[0].dtype(), outShape);
        long[] sizes = new long[all.size()];
        for (int d = 0; d < sizes.length; d++) sizes[d] = dims.getOrDefault(all.get(d), 1L);
        // per operand, the stride each loop label contributes (0 where absent or broadcast)
        long[][] strides = new long[x.length][all.size()];
        for (int i = 0; i < x.length; i++) {
            long st = 1;
            for (int d = labels.get(i).size() - 1; d >= 0; d--) {
                if (x[i].dim(d) != 1) strides[i][all.indexOf(labels.get(i).get(d))] += st;
                st *= x[i].dim(d);
            }
        }
        long outSize = io.jengine.tensor.Shapes.size(outShape);
        long inner = 1;
        for (int d = outLabels.size(); d < sizes.length; d++) inner *= sizes[d];
        boolean integer = out.dtype().isInteger();
        long[] counter = new long[sizes.length];
        for (long o = 0; o < outSize; o++) {
            double sumD = 0;
            long sumL = 0;
            for (long r = 0; r < inner; r++) {
                double pD = 1;
                long pL = 1;
                for (int i = 0; i < x.length; i++) {
                    long off = 0;
                    for (int d = 0; d < counter.length; d++) off += counter[d] * strides[i][d];
                    if (integer) pL *= x[i].getLong(off);
                    else pD *= x[i].getDouble(off);
                }
                sumD += pD;
                sumL += pL;
                advance(counter, sizes);
            }
            if (integer) out.setLong(o, sumL);
            else out.setDouble(o, sumD);
        }
        return new Value[] {out};
    }

    private static void advance(long[] counter, long[] sizes) {
        for (int d = counter.length - 1; d >= 0; d--) {
            if (++counter[d] < sizes[d]) return;
            counter[d] = 0;
        }
    }

    /** The labels of one term, with "..." replaced by the last {@code rank - letters} of the ellipsis labels. */
    private static List<Character> expand(String term, int rank, int ellRank) {
        List<Character> l = new ArrayList<>();
        int dot = term.indexOf("...");
        for (int p = 0; p < term.length(); p++) {
            if (p == dot) {
                int here = rank - (term.length() - 3);
                for (int e = ellRank - here; e < ellRank; e++) l.add((char) (0x100 + e));
                p += 2;
            } else {
                char ch = term.charAt(p);
                if (!Character.isLetter(ch)) throw new IllegalArgumentException("equation has bad label '" + ch + "'");
                l.add(ch);
            }
        }
        return l;
    }
}
