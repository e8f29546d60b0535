package io.jengine.spi;

import io.jengine.infer.OpInference;
import io.jengine.ir.FusedOpSpec;
import java.util.Set;

/**
 * An op of a plugin's own domain (for example {@code com.example::Swish}), as a custom op library defines one for
 * ONNX Runtime or an IPluginV3 for TensorRT: its static type and shape rule, its plain reference kernel (the ground
 * truth its fast tactics are tested against, and what runs where no tactic of a backend takes the node), and whether
 * the optimizer may evaluate it at build time on constant inputs. Registered by a {@link BackendModule} with
 * {@link BackendModule#addOp}; fast kernels for it are tactics of the plugin's backends, offered like any other.
 *
 * @param domain       the op's domain: not an ONNX domain, nor the engine's own
 * @param opType       the op's name within its domain
 * @param sinceVersion the domain's opset version from which this definition holds (as ONNX versions ops)
 * @param inference    the outputs' element types and shapes from the inputs' (see {@link OpInference})
 * @param reference    the reference kernel
 * @param foldable     whether a node whose inputs are all constants may be replaced by its result at build time
 *                     (false for ops with effects or randomness)
 */
public record OpDefinition(String domain, String opType, int sinceVersion, OpInference inference,
                           ValueKernelFactory reference, boolean foldable) {
    /** Domains a plugin may not define ops in: ONNX's own and the engine's. */
    public static final Set<String> RESERVED_DOMAINS = Set.of("", "ai.onnx", "ai.onnx.ml", "ai.onnx.training",
            "ai.onnx.preview.training", FusedOpSpec.DOMAIN);

    public OpDefinition {
        if (domain == null || RESERVED_DOMAINS.contains(domain)) {
            throw new IllegalArgumentException("op " + opType + ": a plugin op needs a domain of its own (such as "
                    + "com.example), not '" + domain + "'");
        }
        if (opType == null || opType.isBlank()) throw new IllegalArgumentException("op in domain " + domain + " has no name");
        if (sinceVersion < 1) throw new IllegalArgumentException(key(domain, opType) + ": sinceVersion must be >= 1");
        if (inference == null) throw new IllegalArgumentException(key(domain, opType) + ": no inference rule");
        if (reference == null) throw new IllegalArgumentException(key(domain, opType) + ": no reference kernel");
    }

    /** {@code domain::opType}, as messages and plans name the op. */
    public String key() { return key(domain, opType); }

    public static String key(String domain, String opType) { return domain + "::" + opType; }
}
