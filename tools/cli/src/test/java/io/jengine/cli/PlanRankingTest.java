package io.jengine.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.plan.proto.PlanProto.CandidateRecord;
import io.jengine.plan.proto.PlanProto.LayerRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ranking summary of {@code inspect PLAN}: rank correlation, top-K hits, and the top K's best against the fastest. */
class PlanRankingTest {
    /** A layer whose candidates, best predicted first, measured these times. */
    private static LayerRecord layer(String name, double... measured) {
        LayerRecord.Builder b = LayerRecord.newBuilder().setLayer(name).setOp("Conv").setDefaultTactic("t0");
        for (int i = 0; i < measured.length; i++) {
            b.addCandidates(CandidateRecord.newBuilder().setTactic("t" + i).setPredictedMs(1 + i).setMeasuredMs(measured[i]));
        }
        return b.build();
    }

    @Test
    void theTopKsBestIsComparedWithTheFastestTimed() {
        // a: the fastest is second, the first twice as slow; b: the first within 2% of the fastest
        List<LayerRecord> layers = List.of(layer("a", 2.0, 1.0, 3.0), layer("b", 1.02, 1.0, 5.0));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PlanInspection.printRanking(layers, 1, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("top-1 hit rate: 0 of 2 layers"), out);
        assertTrue(out.contains("top-1's best within 5% of the fastest timed: 1 of 2 layers timed beyond their top 1"
                + " (worst 2.00x)"), out);
        bytes.reset();
        PlanInspection.printRanking(layers, 2, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("top-2 hit rate: 2 of 2 layers"), out);
        assertTrue(out.contains("within 5% of the fastest timed: 2 of 2 layers timed beyond their top 2 (worst 1.00x)"),
                out);
    }

    @Test
    void onlyLayersTimedBeyondTheirTopKCount() {
        // c: candidates t0..t5, t0 t2 t4 timed: at K = 1 a sample beyond the top 1 (t4 beats t0 by 3x); at K = 2 no
        // more than the top 2 and a default, as at level 2, so c does not count
        LayerRecord.Builder c = LayerRecord.newBuilder().setLayer("c").setOp("Conv").setDefaultTactic("t4");
        double[] measured = {3.0, Double.NaN, 2.0, Double.NaN, 1.0, Double.NaN};
        for (int i = 0; i < measured.length; i++) {
            c.addCandidates(CandidateRecord.newBuilder().setTactic("t" + i).setPredictedMs(1 + i).setMeasuredMs(measured[i]));
        }
        List<LayerRecord> layers = List.of(layer("a", 2.0, 1.0, 3.0), c.build());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PlanInspection.printRanking(layers, 1, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("0 of 2 layers timed beyond their top 1 (worst 3.00x)"), out);
        // c's default is t4, the fastest: the tuner's choice finds it; a's default is t0, 2x the fastest
        assertTrue(out.contains("the tuner's choice (its top 1 and the default) within 5% of it: 1 of 2 (worst 2.00x)"),
                out);
        bytes.reset();
        PlanInspection.printRanking(layers, 2, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("1 of 1 layers timed beyond their top 2 (worst 1.00x)"), out);
    }
}
