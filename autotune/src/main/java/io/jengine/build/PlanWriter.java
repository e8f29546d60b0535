package io.jengine.build;

import io.jengine.ir.Model;
import io.jengine.ir.ValueInfo;
import io.jengine.plan.PlanFile;
import io.jengine.plan.proto.PlanProto.CandidateRecord;
import io.jengine.plan.proto.PlanProto.InputProfile;
import io.jengine.plan.proto.PlanProto.LayerRecord;
import io.jengine.plan.proto.PlanProto.PlanHeader;
import io.jengine.plan.proto.PlanProto.ValueSignature;
import io.jengine.runtime.Engine;
import io.jengine.runtime.EngineVersion;
import io.jengine.tensor.Dim;
import io.jengine.tensor.ValueType;
import io.jengine.tune.Candidate;
import io.jengine.tune.LayerTuning;
import io.jengine.tune.TuningReport;
import io.jengine.tune.device.DeviceDescription;
import java.nio.file.Path;
import java.util.Map;

/**
 * Turns a build into a plan file ({@link PlanFile}'s format): the optimized model, the tactic every layer runs (the
 * tuned ones and the default rule's choice for the rest, so that a plan runs the same kernels wherever it loads), what
 * tuning predicted and measured, the memory plan and the input and output signatures, stamped with the engine version
 * and the device the tactics were chosen on.
 */
final class PlanWriter {
    private PlanWriter() {}

    /** Writes the plan; returns the header it wrote. */
    static PlanHeader write(Path file, Model optimized, Engine engine, TuningReport tuning, DeviceDescription device,
                      int threads, int level, int tuneLevel, double buildSeconds, Map<String, long[][]> profiles,
                      java.util.Set<String> halfWeights, String runDevice, io.jengine.runtime.Backends backends,
                      boolean storeParts) {
        PlanHeader.Builder h = PlanHeader.newBuilder()
                .setRunDevice(runDevice)
                .setEngineVersion(EngineVersion.VERSION)
                .setDeviceFingerprint(device.fingerprint())
                .setDeviceIdentity(device.identity())
                .setThreads(threads)
                .setOptimizationLevel(level)
                .setTuneLevel(tuneLevel)
                .setBuildSeconds(buildSeconds);
        boolean concrete = optimized.graph().runtimeInputs().stream().allMatch(v -> ValueType.staticDims(v.type()) != null);
        if (concrete) {
            // Static shapes: the plan for them is the one every run takes, so every layer's tactic is stored.
            engine.tacticsByLayer().forEach(h::putTactics);
        } else if (tuning != null) {
            // Dynamic shapes: plans are made per run's shapes; only what tuning chose holds for them.
            tuning.choices().forEach(h::putTactics);
        }
        if (tuning != null) {
            for (LayerTuning l : tuning.layers()) h.addLayers(record(l));
        }
        h.addAllPlugins(PluginUses.of(optimized.graph(), h.getTacticsMap(), backends));
        for (ValueInfo v : optimized.graph().runtimeInputs()) h.addInputs(signature(v));
        for (ValueInfo v : optimized.graph().outputs()) h.addOutputs(signature(v));
        profiles.forEach((name, p) -> {
            InputProfile.Builder b = InputProfile.newBuilder().setName(name);
            for (long d : p[0]) b.addMin(d);
            for (long d : p[1]) b.addOpt(d);
            for (long d : p[2]) b.addMax(d);
            h.addProfiles(b);
        });
        Engine.MemoryReport mem = engine.memoryReport();
        h.setArenaBytes(mem.arenaBytes()).setPeakLiveBytes(mem.peakLiveBytes());
        PlanHeader header = h.build();
        // The kernels' packed data is stored for static shapes, where the plan's kernels are the ones every run
        // takes, and for a profile's optimal shapes, whose parts the plans for other shapes in the range share where
        // their kernels pick the same layouts; not beside half-precision weights, whose point is a plan half the
        // size, nor where the caller asked for a lean plan.
        Map<String, java.util.List<io.jengine.spi.PackedPart>> packed = Map.of();
        if (halfWeights.isEmpty() && storeParts) {
            if (concrete) {
                packed = engine.packedByLayer();
            } else if (!profiles.isEmpty()) {
                Map<String, long[]> optimal = new java.util.LinkedHashMap<>();
                profiles.forEach((name, p) -> optimal.put(name, p[1]));
                packed = engine.packedByLayer(optimal);
            }
        }
        PlanFile.write(file, header, io.jengine.plan.HalfWeights.store(optimized, halfWeights), packed);
        return header;
    }

    private static LayerRecord record(LayerTuning l) {
        LayerRecord.Builder r = LayerRecord.newBuilder().setLayer(l.layer()).setOp(l.op()).setTactic(l.chosen())
                .setDefaultTactic(l.defaultKey()).setPredictedMs(l.predictedMs()).setMeasuredMs(l.measuredMs())
                .setDefaultMs(l.defaultMs());
        if (l.sharedWith() != null) {
            r.setSharedWith(l.sharedWith());
            return r.build(); // its candidates are those of the layer it shares
        }
        for (Candidate c : l.candidates()) {
            r.addCandidates(CandidateRecord.newBuilder().setTactic(c.key()).setPredictedMs(c.predictedMs())
                    .setMeasuredMs(c.measuredMs()).setFailure(c.failure() == null ? "" : c.failure()));
        }
        return r.build();
    }

    private static ValueSignature signature(ValueInfo v) {
        ValueSignature.Builder s = ValueSignature.newBuilder().setName(v.name());
        if (v.type() instanceof ValueType.TensorType t) {
            s.setElementType(t.elementType() == null ? "" : t.elementType().name().toLowerCase());
            if (t.shape() != null) {
                for (int i = 0; i < t.shape().rank(); i++) {
                    Dim d = t.shape().dim(i);
                    s.addDims(d.isKnown() ? d.value() : -1);
                    s.addDimNames(d.isSymbolic() ? d.symbol() : "");
                }
            }
        }
        return s.build();
    }

}
