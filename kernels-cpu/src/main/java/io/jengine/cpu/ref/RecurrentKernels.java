package io.jengine.cpu.ref;

import io.jengine.ir.Node;
import io.jengine.spi.KernelRegistry;
import java.util.List;

/**
 * RNN, GRU and LSTM. {@link RecurrentLayer} walks directions, batch rows and time steps; the cells here are the
 * per-step equations of the ONNX specification. Gate blocks in W, R and B are in ONNX order: GRU z, r, h; LSTM i,
 * o, f, c; peepholes P i, o, f.
 */
final class RecurrentKernels {
    private RecurrentKernels() {}

    static void register(KernelRegistry r) {
        // Opset 7 dropped output_sequence (Y is simply optional), 14 added the layout attribute, 22 bfloat16; the
        // kernel reads each attribute with its default, so one implementation serves every version.
        for (int v : new int[] {1, 7, 14, 22}) {
            r.add("RNN", v, n -> rnn(n.node()));
            r.add("GRU", v, n -> gru(n.node()));
            r.add("LSTM", v, n -> lstm(n.node()));
        }
    }

    /** H = f(W x + R h + Wb + Rb). */
    static RecurrentLayer rnn(Node node) {
        return new RecurrentLayer(node, 1, List.of("Tanh"), false, (wt, d, x, h, c) -> {
            int n = wt.hidden();
            double[] next = new double[n];
            for (int j = 0; j < n; j++) {
                next[j] = wt.act(d, 0, wt.wx(d, j, x) + wt.rh(d, j, h) + wt.wb(d, j) + wt.rb(d, j));
            }
            System.arraycopy(next, 0, h, 0, n);
        });
    }

    /** z, r = f(...); candidate = g(W x + (r * h) R + ...) or with R applied before the reset (linear_before_reset). */
    static RecurrentLayer gru(Node node) {
        boolean linearBeforeReset = node.attrInt("linear_before_reset", 0) != 0;
        return new RecurrentLayer(node, 3, List.of("Sigmoid", "Tanh"), false, (wt, d, x, h, c) -> {
            int n = wt.hidden();
            double[] z = new double[n];
            double[] reset = new double[n];
            for (int j = 0; j < n; j++) {
                z[j] = wt.act(d, 0, wt.wx(d, j, x) + wt.rh(d, j, h) + wt.wb(d, j) + wt.rb(d, j));
                reset[j] = wt.act(d, 0, wt.wx(d, n + j, x) + wt.rh(d, n + j, h) + wt.wb(d, n + j) + wt.rb(d, n + j));
            }
            double[] resetH = new double[n];
            for (int j = 0; j < n; j++) resetH[j] = reset[j] * h[j];
            double[] next = new double[n];
            for (int j = 0; j < n; j++) {
                int row = 2 * n + j;
                double recur = linearBeforeReset
                        ? reset[j] * (wt.rh(d, row, h) + wt.rb(d, row))
                        : wt.rh(d, row, resetH) + wt.rb(d, row);
                double cand = wt.act(d, 1, wt.wx(d, row, x) + wt.wb(d, row) + recur);
                next[j] = (1 - z[j]) * cand + z[j] * h[j];
            }
            System.arraycopy(next, 0, h, 0, n);
        });
    }

    /** The LSTM cell with optional peepholes; input_forget couples the forget gate to 1 - input gate. */
    static RecurrentLayer lstm(Node node) {
        boolean inputForget = node.attrInt("input_forget", 0) != 0;
        return new RecurrentLayer(node, 4, List.of("Sigmoid", "Tanh", "Tanh"), true, (wt, d, x, h, c) -> {
            int n = wt.hidden();
            double[] gi = new double[n];
            double[] go = new double[n];
            double[] gf = new double[n];
            double[] gc = new double[n];
            for (int j = 0; j < n; j++) {
                gi[j] = wt.wx(d, j, x) + wt.rh(d, j, h) + wt.wb(d, j) + wt.rb(d, j);
                go[j] = wt.wx(d, n + j, x) + wt.rh(d, n + j, h) + wt.wb(d, n + j) + wt.rb(d, n + j);
                gf[j] = wt.wx(d, 2 * n + j, x) + wt.rh(d, 2 * n + j, h) + wt.wb(d, 2 * n + j) + wt.rb(d, 2 * n + j);
                gc[j] = wt.wx(d, 3 * n + j, x) + wt.rh(d, 3 * n + j, h) + wt.wb(d, 3 * n + j) + wt.rb(d, 3 * n + j);
            }
            for (int j = 0; j < n; j++) {
                double i = wt.act(d, 0, gi[j] + wt.peep(d, j) * c[j]);
                double f = inputForget ? 1 - i : wt.act(d, 0, gf[j] + wt.peep(d, 2 * n + j) * c[j]);
                double cell = f * c[j] + i * wt.act(d, 1, gc[j]);
                double o = wt.act(d, 0, go[j] + wt.peep(d, n + j) * cell);
                c[j] = cell;
                h[j] = o * wt.act(d, 2, cell);
            }
        });
    }
}
