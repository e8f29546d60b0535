package io.jengine.serving;

import io.jengine.tensor.DType;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The datatype names of KServe's V2 inference protocol (and Triton's), which metadata shows and requests carry,
 * for the engine's element types. Types V2 has no name for (complex, float8, 4-bit) cannot be served.
 */
public final class V2Datatype {
    private V2Datatype() {}

    /** The V2 name of {@code t}, e.g. {@code FP32} for float32, {@code BYTES} for strings. */
    public static Optional<String> of(DType t) {
        return Optional.ofNullable(switch (t) {
            case BOOL -> "BOOL";
            case UINT8 -> "UINT8";
            case UINT16 -> "UINT16";
            case UINT32 -> "UINT32";
            case UINT64 -> "UINT64";
            case INT8 -> "INT8";
            case INT16 -> "INT16";
            case INT32 -> "INT32";
            case INT64 -> "INT64";
            case FLOAT16 -> "FP16";
            case FLOAT32 -> "FP32";
            case FLOAT64 -> "FP64";
            case BFLOAT16 -> "BF16";
            case STRING -> "BYTES";
            default -> null;
        });
    }

    /** The element type a V2 datatype name stands for (case-insensitive). */
    public static DType parse(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        return Arrays.stream(DType.values()).filter(t -> of(t).filter(upper::equals).isPresent()).findFirst()
                .orElseThrow(() -> new InvalidRequestException("unknown datatype '" + name + "'; KServe V2 names are "
                        + Arrays.stream(DType.values()).flatMap(t -> of(t).stream()).toList()));
    }

    /** {@code FP32 (float32)}: the V2 name with the engine's, for error messages. */
    static String describe(DType t) { return of(t).orElse("?") + " (" + t.label() + ")"; }
}
