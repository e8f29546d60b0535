package io.jengine.fpgastub;

import io.jengine.spi.ExecutionContext;
import io.jengine.spi.ValueKernel;
import io.jengine.tensor.Value;

/**
 * An integer layer on the simulated card: computed by the engine's integer reference kernel (so that the card's
 * results are the reference's bit for bit, requantisation rounding included) and timed by the part's
 * {@link SystolicModel}.
 */
final class FpgaKernel implements ValueKernel {
    private final ValueKernel reference;
    private final SystolicModel.Cost cost;

    FpgaKernel(ValueKernel reference, SystolicModel.Cost cost) {
        this.reference = reference;
        this.cost = cost;
    }

    SystolicModel.Cost cost() { return cost; }

    @Override
    public Value[] run(ExecutionContext ctx, Value[] inputs) { return reference.run(ctx, inputs); }

    @Override
    public double simulatedSeconds() { return cost.seconds(); }

    @Override
    public void close() { reference.close(); }
}
