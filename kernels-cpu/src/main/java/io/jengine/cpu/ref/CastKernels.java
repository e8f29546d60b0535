package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.ir.Attribute;
import io.jengine.tensor.Value;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;

/**
 * Cast, CastLike and BitCast. Numeric casts convert as C does (floats truncate toward zero, integers wrap); strings
 * parse and print numbers the way numpy does for the values ONNX tests use.
 */
final class CastKernels {
    private CastKernels() {}

    static void register(KernelRegistry r) {
        r.add("Cast", 1, n -> {
            DType to = targetType(n.node().attr("to"));
            return (ctx, in) -> new Value[] {cast(tensor(in, 0), to)};
        });
        r.add("CastLike", 15, n -> (ctx, in) -> new Value[] {cast(tensor(in, 0), tensor(in, 1).dtype())});
        r.add("BitCast", 26, n -> {
            DType to = targetType(n.node().attr("to"));
            return (ctx, in) -> {
                Tensor x = tensor(in, 0);
                if (x.dtype() == DType.STRING || to == DType.STRING || x.dtype().byteSize() != to.byteSize()) {
                    throw new IllegalArgumentException("cannot reinterpret " + x.dtype() + " as " + to
                            + ": element sizes differ or strings are involved");
                }
                return new Value[] {Tensor.fromBytes(to, x.shape(), x.data())};
            };
        });
    }

    static DType targetType(Attribute to) {
        if (to == null) throw new IllegalArgumentException("attribute 'to' is required");
        DType t;
        try {
            t = to.kind() == Attribute.Kind.INT ? DType.fromOnnx(Math.toIntExact(to.asInt()))
                    : DType.fromLabel(to.asString().toLowerCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException("attribute 'to' must name an ONNX data type: " + e.getMessage());
        }
        if (!t.isSupported()) throw new io.jengine.tensor.UnsupportedDTypeException(t);
        return t;
    }

    static Tensor cast(Tensor x, DType to) {
        DType from = x.dtype();
        Tensor out = Tensor.allocate(to, x.shape());
        long n = x.size();
        if (from == to) {
            if (from == DType.STRING) for (long i = 0; i < n; i++) out.setString(i, x.getString(i));
            else MemorySegment.copy(x.data(), 0, out.data(), 0, x.byteSize());
            return out;
        }
        for (long i = 0; i < n; i++) {
            if (from == DType.STRING) {
                fromString(x.getString(i), out, i);
            } else if (to == DType.STRING) {
                out.setString(i, toString(x, i));
            } else if (from.isFloatingPoint()) {
                double v = x.getDouble(i);
                if (to.isFloatingPoint()) out.setDouble(i, v);
                else if (to == DType.BOOL) out.setLong(i, v != 0 ? 1 : 0);
                else out.setLong(i, floatToInt(v, to));
            } else if (from == DType.UINT64 && to.isFloatingPoint()) {
                out.setDouble(i, x.getDouble(i));
            } else {
                long v = x.getLong(i);
                if (to.isFloatingPoint()) out.setDouble(i, (double) v);
                else if (to == DType.BOOL) out.setLong(i, v != 0 ? 1 : 0);
                else out.setLong(i, v);
            }
        }
        return out;
    }

    /** Truncation toward zero; out-of-range values wrap through int64 as C++ static_cast does on x86. */
    private static long floatToInt(double v, DType to) {
        if (Double.isNaN(v)) return to == DType.INT64 || to == DType.INT32 ? Long.MIN_VALUE : 0;
        if (to == DType.UINT64 && v >= 9223372036854775808.0) {
            return v >= 18446744073709551616.0 ? 0 : (long) (v - 9223372036854775808.0) ^ Long.MIN_VALUE;
        }
        return (long) v;
    }

    private static void fromString(String s, Tensor out, long i) {
        String t = s.strip();
        DType to = out.dtype();
        if (to == DType.BOOL) {
            out.setLong(i, t.equalsIgnoreCase("true") || (!t.equalsIgnoreCase("false") && parse(t) != 0) ? 1 : 0);
            return;
        }
        double v = parse(t);
        if (to.isFloatingPoint()) {
            out.setDouble(i, v);
        } else {
            try {
                out.setLong(i, to == DType.UINT64 ? Long.parseUnsignedLong(t) : Long.parseLong(t));
            } catch (NumberFormatException e) {
                out.setLong(i, floatToInt(v, to));
            }
        }
    }

    private static double parse(String t) {
        String l = t.toLowerCase(java.util.Locale.ROOT);
        return switch (l) {
            case "nan", "+nan", "-nan" -> Double.NaN;
            case "inf", "+inf", "infinity", "+infinity" -> Double.POSITIVE_INFINITY;
            case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
            default -> {
                try {
                    yield Double.parseDouble(t);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("cannot convert string \"" + t + "\" to a number");
                }
            }
        };
    }

    /** numpy's str() of a scalar: shortest round-trip digits, "inf"/"nan", exponent as 1e-05. */
    private static String toString(Tensor x, long i) {
        DType t = x.dtype();
        if (t == DType.BOOL) return x.getLong(i) != 0 ? "True" : "False";
        if (t == DType.UINT64) return Long.toUnsignedString(x.getLong(i));
        if (!t.isFloatingPoint()) return Long.toString(x.getLong(i));
        double v = x.getDouble(i);
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "INF" : "-INF";
        String repr = t == DType.FLOAT64 ? Double.toString(v) : Float.toString((float) v);
        BigDecimal d = new BigDecimal(repr);
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-4 || a >= 1e16)) {
            String m = d.stripTrailingZeros().unscaledValue().abs().toString();
            int exp = m.length() - 1 - d.stripTrailingZeros().scale();
            String mant = m.length() == 1 ? m : m.charAt(0) + "." + m.substring(1);
            return (v < 0 ? "-" : "") + mant + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
        }
        String plain = d.stripTrailingZeros().toPlainString();
        return plain.contains(".") ? plain : plain + ".0";
    }
}
