package io.jengine.io;

import io.jengine.errors.TensorFileException;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * numpy .npy files (format versions 1-3), C order, little or big endian, for every numeric dtype, bool and float16.
 * Anything else (Fortran order, object arrays, short data) is a {@link TensorFileException} naming the file.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-zA-Z])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    public static Tensor read(Path file) {
        byte[] b;
        try {
            b = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new TensorFileException("cannot read " + file + ": " + e.getMessage());
        }
        if (b.length < 10 || !java.util.Arrays.equals(java.util.Arrays.copyOf(b, 6), MAGIC)) {
            throw new TensorFileException(file + " is not a .npy file (no \\x93NUMPY magic)");
        }
        int major = b[6] & 0xFF;
        int headerLen, start;
        if (major == 1) {
            headerLen = (b[8] & 0xFF) | (b[9] & 0xFF) << 8;
            start = 10;
        } else if (major == 2 || major == 3) {
            if (b.length < 12) throw new TensorFileException(file + ": truncated .npy header");
            headerLen = (b[8] & 0xFF) | (b[9] & 0xFF) << 8 | (b[10] & 0xFF) << 16 | (b[11] & 0xFF) << 24;
            start = 12;
        } else {
            throw new TensorFileException(file + ": unsupported .npy format version " + major);
        }
        if (headerLen < 0 || start + headerLen > b.length) throw new TensorFileException(file + ": truncated .npy header");
        String header = new String(b, start, headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header), f = FORTRAN.matcher(header), s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new TensorFileException(file + ": malformed .npy header " + header.strip());
        }
        if (f.group(1).equals("True")) throw new TensorFileException(file + ": Fortran-ordered arrays are not supported");
        DType dtype = dtype(d.group(2), Integer.parseInt(d.group(3)), file);
        long[] shape = parseShape(s.group(1), file);
        ByteOrder order = d.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        Tensor t = Tensor.allocate(dtype, shape);
        int offset = start + headerLen;
        if (b.length - offset < t.byteSize()) {
            throw new TensorFileException(file + ": " + dtype + " " + Shapes.format(shape) + " needs " + t.byteSize()
                    + " data bytes, the file has " + (b.length - offset));
        }
        MemorySegment src = MemorySegment.ofArray(b).asSlice(offset, t.byteSize());
        int w = dtype.byteSize();
        if (order == ByteOrder.nativeOrder() || w == 1) {
            MemorySegment.copy(src, 0, t.data(), 0, t.byteSize());
        } else {
            for (long i = 0; i < t.byteSize(); i++) {
                t.data().set(ValueLayout.JAVA_BYTE, (i / w) * w + (w - 1 - i % w), src.get(ValueLayout.JAVA_BYTE, i));
            }
        }
        return t;
    }

    private static DType dtype(String kind, int bytes, Path file) {
        DType t = switch (kind + bytes) {
            case "f4" -> DType.FLOAT32;
            case "f8" -> DType.FLOAT64;
            case "f2" -> DType.FLOAT16;
            case "i1" -> DType.INT8;
            case "i2" -> DType.INT16;
            case "i4" -> DType.INT32;
            case "i8" -> DType.INT64;
            case "u1" -> DType.UINT8;
            case "u2" -> DType.UINT16;
            case "u4" -> DType.UINT32;
            case "u8" -> DType.UINT64;
            case "b1" -> DType.BOOL;
            default -> null;
        };
        if (t == null) throw new TensorFileException(file + ": unsupported numpy dtype '" + kind + bytes + "'");
        return t;
    }

    private static long[] parseShape(String s, Path file) {
        List<Long> dims = new ArrayList<>();
        for (String part : s.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) continue;
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

    public static void write(Path file, Tensor t) {
        String descr = switch (t.dtype()) {
            case FLOAT32 -> "<f4";
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
            // bfloat16 has no numpy dtype: widen to float32, exactly.
            case BFLOAT16 -> "<f4";
            default -> throw new TensorFileException("cannot write " + t.dtype() + " tensors to .npy (" + file + ")");
        };
        Tensor data = t.dtype() == DType.BFLOAT16 ? Tensor.ofFloats(t.shape(), t.toFloatArray()) : t;
        List<String> dims = new ArrayList<>();
        for (long d : t.shape()) dims.add(Long.toString(d));
        String shape = t.rank() == 1 ? "(" + dims.getFirst() + ",)" : "(" + String.join(", ", dims) + ")";
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[10 + h.length + (int) data.byteSize()];
        System.arraycopy(MAGIC, 0, out, 0, 6);
        out[6] = 1;
        out[8] = (byte) (h.length & 0xFF);
        out[9] = (byte) (h.length >> 8);
        System.arraycopy(h, 0, out, 10, h.length);
        MemorySegment.copy(data.data(), 0, MemorySegment.ofArray(out), 10 + h.length, data.byteSize());
        try {
            Files.write(file, out);
        } catch (IOException e) {
            throw new TensorFileException("cannot write " + file + ": " + e.getMessage());
        }
    }
}
