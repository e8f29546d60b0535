package io.jengine.io;

import io.jengine.errors.TensorFileException;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * numpy .npy files: format versions 1-3, C order, little or big endian, every numeric dtype, bool, float16, and
 * fixed-width unicode ({@code <U}) or byte ({@code |S}) strings as string tensors. Anything else (Fortran order, object
 * arrays, short data, a malformed header) is a {@link TensorFileException} that names the file and the problem.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    private static final Pattern DESCR_PARTS = Pattern.compile("([<>|=]?)([a-zA-Z?])(\\d*)");

    private Npy() {}

    /** Reads a .npy file into a new tensor. */
    public static Tensor read(Path file) {
        if (!Files.exists(file)) throw new TensorFileException(".npy file " + file + " does not exist");
        if (!Files.isRegularFile(file)) throw new TensorFileException(".npy file " + file + " is not a regular file");
        byte[] b;
        try {
            b = Files.readAllBytes(file);
        } catch (IOException | OutOfMemoryError e) {
            throw new TensorFileException("cannot read " + file + ": " + e);
        }
        return decode(b, file);
    }

    private static Tensor decode(byte[] b, Path file) {
        if (b.length < MAGIC.length || !Arrays.equals(b, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new TensorFileException(file + " is not a .npy file (it does not start with \\x93NUMPY)");
        }
        if (b.length < 10) throw new TensorFileException(file + ": truncated .npy header (" + b.length + " bytes)");
        int major = b[6] & 0xFF;
        long headerLen;
        int start;
        if (major == 1) {
            headerLen = (b[8] & 0xFF) | (b[9] & 0xFF) << 8;
            start = 10;
        } else if (major == 2 || major == 3) {
            if (b.length < 12) throw new TensorFileException(file + ": truncated .npy header (" + b.length + " bytes)");
            headerLen = ByteBuffer.wrap(b, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL;
            start = 12;
        } else {
            throw new TensorFileException(file + ": unsupported .npy format version " + major + "." + (b[7] & 0xFF));
        }
        if (start + headerLen > b.length) {
            throw new TensorFileException(file + ": truncated .npy header (declares " + headerLen + " bytes, the file has "
                    + (b.length - start) + ")");
        }
        String header = new String(b, start, (int) headerLen,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1).strip();
        if (header.matches("(?s).*'descr'\\s*:\\s*\\[.*")) {
            throw new TensorFileException(file + ": structured numpy arrays (record dtypes) are not supported");
        }
        Matcher d = DESCR.matcher(header), f = FORTRAN.matcher(header), s = SHAPE.matcher(header);
        if (!header.startsWith("{") || !d.find() || !f.find() || !s.find()) {
            throw new TensorFileException(file + ": malformed .npy header " + oneLine(header)
                    + " (expected a dict with 'descr', 'fortran_order' and 'shape')");
        }
        if (f.group(1).equals("True")) {
            throw new TensorFileException(file + ": Fortran-ordered arrays (fortran_order: True) are not supported;"
                    + " save a C-ordered array (numpy.ascontiguousarray)");
        }
        Descr descr = Descr.parse(d.group(1), file);
        long[] shape = parseShape(s.group(1), file);
        long count;
        try {
            count = Shapes.size(shape);
        } catch (ArithmeticException e) {
            throw new TensorFileException(file + ": shape " + Shapes.format(shape) + " has too many elements");
        }
        long offset = start + headerLen;
        long have = b.length - offset;
        long need = count * descr.width;
        if (count != 0 && need / count != descr.width || have < need) {
            throw new TensorFileException(file + ": " + descr.text + " " + Shapes.format(shape) + " needs " + need
                    + " data bytes, the file has " + have);
        }
        MemorySegment src = MemorySegment.ofArray(b).asSlice(offset, need);
        return descr.dtype == DType.STRING ? strings(src, shape, descr, file) : numbers(src, shape, descr);
    }

    private static Tensor numbers(MemorySegment src, long[] shape, Descr descr) {
        Tensor t = Tensor.allocate(descr.dtype, shape);
        int w = descr.width;
        if (descr.order == ByteOrder.nativeOrder() || w == 1) {
            MemorySegment.copy(src, 0, t.data(), 0, t.byteSize());
        } else {
            MemorySegment dst = t.data();
            for (long i = 0; i < t.byteSize(); i++) {
                dst.set(ValueLayout.JAVA_BYTE, (i / w) * w + (w - 1 - i % w), src.get(ValueLayout.JAVA_BYTE, i));
            }
        }
        return t;
    }

    /** Fixed-width strings: UTF-32 code units for 'U', single bytes (read as UTF-8) for 'S'; NUL padding dropped. */
    private static Tensor strings(MemorySegment src, long[] shape, Descr descr, Path file) {
        int n = Math.toIntExact(Shapes.size(shape));
        String[] out = new String[n];
        ByteBuffer buf = src.asByteBuffer().order(descr.order);
        for (int i = 0; i < n; i++) {
            if (descr.kind == 'U') {
                StringBuilder sb = new StringBuilder();
                int chars = descr.width / 4;
                for (int c = 0; c < chars; c++) {
                    int cp = buf.getInt(i * descr.width + c * 4);
                    if (cp == 0) break;
                    if (!Character.isValidCodePoint(cp)) {
                        throw new TensorFileException(file + ": string element " + i + " holds 0x"
                                + Integer.toHexString(cp) + ", which is not a Unicode code point");
                    }
                    sb.appendCodePoint(cp);
                }
                out[i] = sb.toString();
            } else {
                int len = 0;
                while (len < descr.width && buf.get(i * descr.width + len) != 0) len++;
                byte[] bytes = new byte[len];
                buf.get(i * descr.width, bytes);
                out[i] = new String(bytes, StandardCharsets.UTF_8);
            }
        }
        return Tensor.ofStrings(shape, out);
    }

    private static long[] parseShape(String s, Path file) {
        List<Long> dims = new ArrayList<>();
        String[] parts = s.split(",", -1);
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].strip();
            if (p.isEmpty()) {
                if (i == parts.length - 1) continue; // numpy writes (3,) for one dimension
                throw new TensorFileException(file + ": bad .npy shape (" + s + ")");
            }
            try {
                long v = Long.parseLong(p.endsWith("L") ? p.substring(0, p.length() - 1) : p);
                if (v < 0) throw new NumberFormatException();
                dims.add(v);
            } catch (NumberFormatException e) {
                throw new TensorFileException(file + ": bad dimension '" + p + "' in .npy shape (" + s + ")");
            }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    private static String oneLine(String s) {
        String t = s.replaceAll("\\s+", " ");
        return t.length() > 200 ? t.substring(0, 200) + "..." : t;
    }

    /** A numpy dtype descriptor such as '<f4', '|b1', '>i8' or '<U7'. */
    private record Descr(String text, DType dtype, char kind, int width, ByteOrder order) {
        static Descr parse(String text, Path file) {
            Matcher m = DESCR_PARTS.matcher(text);
            if (!m.matches()) throw unsupported(text, file);
            char kind = m.group(2).charAt(0);
            int width;
            try {
                width = m.group(3).isEmpty() ? (kind == '?' ? 1 : -1) : Integer.parseInt(m.group(3));
            } catch (NumberFormatException e) {
                throw unsupported(text, file);
            }
            ByteOrder order = m.group(1).equals(">") ? ByteOrder.BIG_ENDIAN
                    : m.group(1).equals("=") ? ByteOrder.nativeOrder() : ByteOrder.LITTLE_ENDIAN;
            DType dtype = switch (kind + "" + width) {
                case "f2" -> DType.FLOAT16;
                case "f4" -> DType.FLOAT32;
                case "f8" -> DType.FLOAT64;
                case "i1" -> DType.INT8;
                case "i2" -> DType.INT16;
                case "i4" -> DType.INT32;
                case "i8" -> DType.INT64;
                case "u1" -> DType.UINT8;
                case "u2" -> DType.UINT16;
                case "u4" -> DType.UINT32;
                case "u8" -> DType.UINT64;
                case "b1", "?1" -> DType.BOOL;
                default -> (kind == 'U' || kind == 'S') && width > 0 ? DType.STRING : null;
            };
            if (dtype == null) throw unsupported(text, file);
            if (kind == 'U' && width > Integer.MAX_VALUE / 4) throw unsupported(text, file);
            int bytes = kind == 'U' ? width * 4 : width;
            return new Descr(text, dtype, kind, bytes, order);
        }

        private static TensorFileException unsupported(String text, Path file) {
            return new TensorFileException(file + ": unsupported numpy dtype '" + text + "' (supported: float16/32/64,"
                    + " int8-64, uint8-64, bool, unicode and byte strings)");
        }
    }

    /**
     * Writes a tensor as a version 1.0 .npy file (2.0 when the header needs it), little endian. bfloat16, which numpy
     * lacks, is widened exactly to float32; strings are written as fixed-width unicode ('&lt;U').
     */
    public static void write(Path file, Tensor t) {
        byte[] body;
        String descr;
        if (t.dtype() == DType.STRING) {
            String[] s = t.toStringArray();
            int width = 1;
            for (String x : s) width = Math.max(width, x.codePointCount(0, x.length()));
            descr = "<U" + width;
            ByteBuffer buf = ByteBuffer.allocate(Math.multiplyExact(Math.multiplyExact(s.length, width), 4))
                    .order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < s.length; i++) {
                int[] cps = s[i].codePoints().toArray();
                for (int c = 0; c < cps.length; c++) buf.putInt((i * width + c) * 4, cps[c]);
            }
            body = buf.array();
        } else {
            descr = switch (t.dtype()) {
                case FLOAT32, BFLOAT16 -> "<f4";
                case FLOAT64 -> "<f8";
                case FLOAT16 -> "<f2";
                case INT8 -> "|i1";
                case INT16 -> "<i2";
                case INT32 -> "<i4";
                case INT64 -> "<i8";
                case UINT8 -> "|u1";
                case UINT16 -> "<u2";
                case UINT32 -> "<u4";
                case UINT64 -> "<u8";
                case BOOL -> "|b1";
                default -> throw new TensorFileException("cannot write " + t.dtype() + " tensors to .npy (" + file + ")");
            };
            Tensor data = t.dtype() == DType.BFLOAT16 ? Tensor.ofFloats(t.shape(), t.toFloatArray()) : t;
            body = littleEndianBytes(data, file);
        }
        List<String> dims = new ArrayList<>();
        for (long d : t.shape()) dims.add(Long.toString(d));
        String shape = t.rank() == 1 ? "(" + dims.getFirst() + ",)" : "(" + String.join(", ", dims) + ")";
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        boolean v2 = dict.length() + 11 > 65535;
        int prefix = v2 ? 12 : 10;
        int pad = (64 - (prefix + dict.length() + 1) % 64) % 64; // data starts 64-byte aligned, as numpy writes it
        byte[] h = (dict + " ".repeat(pad) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer out = ByteBuffer.allocate(Math.addExact(prefix + h.length, body.length)).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) (v2 ? 2 : 1)).put((byte) 0);
        if (v2) out.putInt(h.length); else out.putShort((short) h.length);
        out.put(h).put(body);
        try {
            Files.write(file, out.array());
        } catch (IOException e) {
            throw new TensorFileException("cannot write " + file + ": " + e);
        }
    }

    private static byte[] littleEndianBytes(Tensor t, Path file) {
        if (t.byteSize() > Integer.MAX_VALUE - 1024) {
            throw new TensorFileException("cannot write " + file + ": tensor of " + t.byteSize() + " bytes is too large");
        }
        byte[] r = new byte[(int) t.byteSize()];
        int w = t.dtype().byteSize();
        MemorySegment dst = MemorySegment.ofArray(r);
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN || w == 1) {
            MemorySegment.copy(t.data(), 0, dst, 0, r.length);
        } else {
            for (long i = 0; i < r.length; i++) {
                dst.set(ValueLayout.JAVA_BYTE, (i / w) * w + (w - 1 - i % w), t.data().get(ValueLayout.JAVA_BYTE, i));
            }
        }
        return r;
    }
}
