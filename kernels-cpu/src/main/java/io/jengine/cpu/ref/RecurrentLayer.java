package io.jengine.cpu.ref;

import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.spi.ExecutionContext;
import io.jengine.spi.ValueKernel;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * What RNN, GRU and LSTM share: attribute decoding (direction, hidden_size, activations, clip, layout), input
 * checks, the walk over directions, batch rows and time steps honouring {@code sequence_lens}, and the Y / Y_h / Y_c
 * outputs. The op itself supplies the {@link Cell} that advances one batch row by one step.
 */
final class RecurrentLayer implements ValueKernel {

    /** Advances one batch row one step: reads {@code x}, updates {@code h} (and {@code c} for LSTM) in place. */
    interface Cell {
        void step(Weights weights, int dir, double[] x, double[] h, double[] c);
    }

    private final Cell cell;
    private final int gates;
    private final boolean hasCellState;
    final int hidden;
    final int directions;
    private final boolean reverseOnly;
    private final boolean batchFirst;
    private final double clip;
    /** Activation functions per direction, in the op's order (f, g, h ...). */
    private final DoubleUnaryOperator[][] activations;

    RecurrentLayer(Node node, int gates, List<String> defaultActivations, boolean hasCellState, Cell cell) {
        this.cell = cell;
        this.gates = gates;
        this.hasCellState = hasCellState;
        long h = node.attrInt("hidden_size", 0);
        if (h <= 0) throw new IllegalArgumentException("attribute hidden_size must be positive, got " + h);
        hidden = (int) h;
        String direction = node.attrString("direction", "forward");
        switch (direction) {
            case "forward", "reverse" -> directions = 1;
            case "bidirectional" -> directions = 2;
            default -> throw new IllegalArgumentException("attribute direction must be forward, reverse or"
                    + " bidirectional, got '" + direction + "'");
        }
        reverseOnly = direction.equals("reverse");
        long layout = node.attrInt("layout", 0);
        if (layout != 0 && layout != 1) throw new IllegalArgumentException("attribute layout must be 0 or 1, got " + layout);
        batchFirst = layout == 1;
        clip = node.hasAttr("clip") ? node.attrFloat("clip", 0) : Double.POSITIVE_INFINITY;
        if (!(clip > 0)) throw new IllegalArgumentException("attribute clip must be positive, got " + clip);
        int per = defaultActivations.size();
        List<String> names = node.attrStrings("activations", null);
        if (names == null) {
            names = directions == 2 ? concat(defaultActivations, defaultActivations) : defaultActivations;
        }
        if (names.size() != per * directions) {
            throw new IllegalArgumentException("attribute activations must list " + per * directions
                    + " functions for direction '" + direction + "', got " + names.size());
        }
        float[] alpha = node.attrFloats("activation_alpha", new float[0]);
        float[] beta = node.attrFloats("activation_beta", new float[0]);
        activations = new DoubleUnaryOperator[directions][per];
        for (int i = 0; i < names.size(); i++) {
            activations[i / per][i % per] = RecurrentActivation.of(names.get(i),
                    i < alpha.length ? alpha[i] : Double.NaN, i < beta.length ? beta[i] : Double.NaN);
        }
    }

    /** The weights of one call in doubles, with the gate arithmetic the cells are written in. */
    final class Weights {
        private final double[] w;
        private final double[] r;
        private final double[] b;
        private final double[] p;
        private final int inputSize;

        Weights(double[] w, double[] r, double[] b, double[] p, int inputSize) {
            this.w = w;
            this.r = r;
            this.b = b;
            this.p = p;
            this.inputSize = inputSize;
        }

        int hidden() { return hidden; }

        /** Activation {@code k} (0 = f, 1 = g, 2 = h) of direction {@code dir}, applied after clipping. */
        double act(int dir, int k, double x) {
            return activations[dir][k].applyAsDouble(Math.max(-clip, Math.min(clip, x)));
        }

        /** Row {@code row} of W (over gates*hidden rows) times x. */
        double wx(int dir, int row, double[] x) {
            int off = (dir * gates * hidden + row) * inputSize;
            double s = 0;
            for (int k = 0; k < inputSize; k++) s += w[off + k] * x[k];
            return s;
        }

        /** Row {@code row} of R times h. */
        double rh(int dir, int row, double[] h) {
            int off = (dir * gates * hidden + row) * hidden;
            double s = 0;
            for (int k = 0; k < hidden; k++) s += r[off + k] * h[k];
            return s;
        }

        /** The input bias Wb of {@code row}; 0 without B. */
        double wb(int dir, int row) { return b == null ? 0 : b[dir * 2 * gates * hidden + row]; }

        /** The recurrence bias Rb of {@code row}; 0 without B. */
        double rb(int dir, int row) { return b == null ? 0 : b[dir * 2 * gates * hidden + gates * hidden + row]; }

        /** Peephole weight {@code row} (LSTM: i, o, f blocks); 0 without P. */
        double peep(int dir, int row) { return p == null ? 0 : p[dir * 3 * hidden + row]; }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    @Override
    public Value[] run(ExecutionContext ctx, Value[] inputs) {
        Tensor xT = KernelSupport.tensor(inputs, 0);
        Tensor wT = KernelSupport.tensor(inputs, 1);
        Tensor rT = KernelSupport.tensor(inputs, 2);
        Tensor bT = KernelSupport.optionalTensor(inputs, 3);
        Tensor lensT = KernelSupport.optionalTensor(inputs, 4);
        Tensor h0T = KernelSupport.optionalTensor(inputs, 5);
        Tensor c0T = hasCellState ? KernelSupport.optionalTensor(inputs, 6) : null;
        Tensor pT = hasCellState ? KernelSupport.optionalTensor(inputs, 7) : null;
        if (xT.rank() != 3) throw new IllegalArgumentException("X must be 3-D, got shape " + Shapes.format(xT.shape()));
        int seq = (int) (batchFirst ? xT.dim(1) : xT.dim(0));
        int batch = (int) (batchFirst ? xT.dim(0) : xT.dim(1));
        int inputSize = (int) xT.dim(2);
        int g = gates * hidden;
        expect("W", wT, directions, g, inputSize);
        expect("R", rT, directions, g, hidden);
        if (bT != null) expect("B", bT, directions, 2L * g);
        if (pT != null) expect("P", pT, directions, 3L * hidden);
        long[] stateShape = batchFirst ? new long[] {batch, directions, hidden} : new long[] {directions, batch, hidden};
        if (h0T != null) expect("initial_h", h0T, stateShape);
        if (c0T != null) expect("initial_c", c0T, stateShape);
        long[] lens = lensT == null ? null : lensT.toLongArray();
        if (lens != null && lens.length != batch) {
            throw new IllegalArgumentException("sequence_lens must have " + batch + " entries, got " + lens.length);
        }
        Weights weights = new Weights(wT.toDoubleArray(), rT.toDoubleArray(), bT == null ? null : bT.toDoubleArray(),
                pT == null ? null : pT.toDoubleArray(), inputSize);
        double[] xs = xT.toDoubleArray();
        double[] h0 = h0T == null ? null : h0T.toDoubleArray();
        double[] c0 = c0T == null ? null : c0T.toDoubleArray();

        double[] y = new double[seq * directions * batch * hidden];
        double[] yh = new double[directions * batch * hidden];
        double[] yc = new double[directions * batch * hidden];
        double[] x = new double[inputSize];
        for (int d = 0; d < directions; d++) {
            boolean reverse = reverseOnly || d == 1;
            for (int bi = 0; bi < batch; bi++) {
                double[] h = new double[hidden];
                double[] c = new double[hidden];
                int state = stateIndex(d, bi, batch);
                if (h0 != null) System.arraycopy(h0, state, h, 0, hidden);
                if (c0 != null) System.arraycopy(c0, state, c, 0, hidden);
                int len = lens == null ? seq : (int) Math.max(0, Math.min(seq, lens[bi]));
                for (int s = 0; s < len; s++) {
                    int t = reverse ? len - 1 - s : s;
                    int xOff = (batchFirst ? bi * seq + t : t * batch + bi) * inputSize;
                    System.arraycopy(xs, xOff, x, 0, inputSize);
                    cell.step(weights, d, x, h, c);
                    int yOff = batchFirst ? ((bi * seq + t) * directions + d) * hidden
                            : ((t * directions + d) * batch + bi) * hidden;
                    System.arraycopy(h, 0, y, yOff, hidden);
                }
                System.arraycopy(h, 0, yh, state, hidden);
                System.arraycopy(c, 0, yc, state, hidden);
            }
        }
        Node node = ctx.node();
        Value[] out = new Value[Math.max(1, node.outputs().size())];
        var dt = xT.dtype();
        if (node.hasOutput(0)) {
            long[] yShape = batchFirst ? new long[] {batch, seq, directions, hidden}
                    : new long[] {seq, directions, batch, hidden};
            out[0] = Tensor.fromDoubles(dt, yShape, y);
        }
        if (node.hasOutput(1)) out[1] = Tensor.fromDoubles(dt, stateShape, yh);
        if (hasCellState && node.hasOutput(2)) out[2] = Tensor.fromDoubles(dt, stateShape, yc);
        return out;
    }

    private int stateIndex(int d, int bi, int batch) {
        return (batchFirst ? bi * directions + d : d * batch + bi) * hidden;
    }

    private static void expect(String what, Tensor t, long... shape) {
        if (!java.util.Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(what + " must have shape " + Shapes.format(shape) + ", got "
                    + Shapes.format(t.shape()));
        }
    }
}
