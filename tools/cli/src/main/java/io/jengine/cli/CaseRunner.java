package io.jengine.cli;

import io.jengine.errors.EngineException;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.onnx.OnnxImporter;
import io.jengine.onnx.ValueFiles;
import io.jengine.runtime.Backends;
import io.jengine.runtime.Engine;
import io.jengine.runtime.UnsupportedOperatorException;
import io.jengine.tensor.Value;
import io.jengine.tensor.UnsupportedDTypeException;
import io.jengine.verify.Comparison;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Runs one conformance case: imports the model, feeds each data set's inputs positionally to the inputs the caller
 * must feed, and compares every output with the reference under the tolerance policy.
 *
 * <p>Skipped, not failed: cases needing element types the engine does not store (float8, int4, float4, complex) and
 * ops of the ai.onnx.ml and training domains, which this engine does not target.
 */
final class CaseRunner {
    private static final Set<String> SKIPPED_DOMAINS = Set.of("ai.onnx.ml", "ai.onnx.preview.training");

    private final Backends backends;
    private final BuildOptions build;

    CaseRunner(Backends backends, BuildOptions build) {
        this.backends = backends;
        this.build = build;
    }

    CaseResult run(ConformanceCase c) {
        String op = c.name();
        try {
            Model model = OnnxImporter.load(c.model());
            op = CaseOp.of(c.name(), model.graph());
            for (Node n : model.graph().nodes()) {
                if (SKIPPED_DOMAINS.contains(n.domain())) {
                    return new CaseResult(c.name(), op, CaseResult.Status.SKIPPED, Double.NaN, Double.NaN,
                            "domain " + n.domain() + " is not supported");
                }
            }
            Engine engine = build.builder(model, new io.jengine.opt.OptimizationReport()).backends(backends).build();
            double maxAbs = 0, maxRel = 0;
            for (Path ds : c.dataSets()) {
                Comparison worst = runDataSet(engine, ds);
                if (!worst.matches()) {
                    return new CaseResult(c.name(), op, CaseResult.Status.FAILED, worst.maxAbsError(),
                            worst.maxRelError(), worst.mismatch());
                }
                maxAbs = Math.max(maxAbs, worst.maxAbsError());
                maxRel = Math.max(maxRel, worst.maxRelError());
            }
            return new CaseResult(c.name(), op, CaseResult.Status.PASSED, maxAbs, maxRel, null);
        } catch (UnsupportedDTypeException e) {
            return new CaseResult(c.name(), op, CaseResult.Status.SKIPPED, Double.NaN, Double.NaN, e.getMessage());
        } catch (UnsupportedOperatorException e) {
            CaseResult.Status s = SKIPPED_DOMAINS.contains(e.domain()) ? CaseResult.Status.SKIPPED : CaseResult.Status.FAILED;
            return new CaseResult(c.name(), op, s, Double.NaN, Double.NaN, e.getMessage());
        } catch (EngineException e) {
            if (e.getCause() instanceof UnsupportedDTypeException u) {
                return new CaseResult(c.name(), op, CaseResult.Status.SKIPPED, Double.NaN, Double.NaN, u.getMessage());
            }
            return new CaseResult(c.name(), op, CaseResult.Status.FAILED, Double.NaN, Double.NaN, e.getMessage());
        } catch (Throwable e) {
            return new CaseResult(c.name(), op, CaseResult.Status.FAILED, Double.NaN, Double.NaN, EngineCli.describe(e));
        }
    }

    private static Comparison runDataSet(Engine engine, Path ds) throws java.io.IOException {
        Graph g = engine.graph();
        List<ValueInfo> ins = g.runtimeInputs();
        List<Path> inFiles = ConformanceCase.numbered(ds, "input");
        if (inFiles.size() > ins.size()) {
            throw new IllegalArgumentException(ds + " has " + inFiles.size() + " inputs, the model takes " + ins.size());
        }
        Map<String, Value> feeds = new HashMap<>();
        for (int i = 0; i < inFiles.size(); i++) {
            feeds.put(ins.get(i).name(), ValueFiles.read(inFiles.get(i), ins.get(i).type()));
        }
        Map<String, Value> out = engine.run(feeds);
        List<Path> outFiles = ConformanceCase.numbered(ds, "output");
        Comparison worst = new Comparison(true, 0, 0, null);
        for (int i = 0; i < outFiles.size(); i++) {
            ValueInfo o = g.outputs().get(i);
            Value want = ValueFiles.read(outFiles.get(i), o.type());
            Comparison c = Comparison.of(want, out.get(o.name()));
            String typeError = StaticTypeCheck.mismatch(g.typeOf(o.name()), out.get(o.name()));
            if (c.matches() && typeError != null) {
                return new Comparison(false, c.maxAbsError(), c.maxRelError(), "output '" + o.name() + "': " + typeError);
            }
            if (!c.matches()) return new Comparison(false, c.maxAbsError(), c.maxRelError(),
                    "output '" + o.name() + "': " + c.mismatch());
            worst = new Comparison(true, Math.max(worst.maxAbsError(), c.maxAbsError()),
                    Math.max(worst.maxRelError(), c.maxRelError()), null);
        }
        return worst;
    }

    /** Which op a case tests, for grouping: the model op whose name the case name starts with. */
    static final class CaseOp {
        private CaseOp() {}

        static String of(String caseName, Graph g) {
            String flat = caseName.replaceFirst("^test_", "").replace("_", "").toLowerCase(Locale.ROOT);
            Set<String> ops = new LinkedHashSet<>();
            for (Node n : g.nodes()) ops.add(n.opType());
            String best = null;
            for (String op : ops) {
                String o = op.toLowerCase(Locale.ROOT);
                if (flat.startsWith(o) && (best == null || o.length() > best.length())) best = op;
            }
            if (best != null) return best;
            String stem = caseName.replaceFirst("^test_", "");
            int us = stem.indexOf('_');
            return (us > 0 ? stem.substring(0, us) : stem) + (caseName.contains("_expanded") ? " (expanded)" : "");
        }
    }
}
