package io.jengine.onnx;

import com.google.protobuf.ByteString;
import io.jengine.errors.ModelFormatException;
import io.jengine.limits.ResourceLimits;
import io.jengine.onnx.proto.OnnxProto.SparseTensorProto;
import io.jengine.onnx.proto.OnnxProto.StringStringEntryProto;
import io.jengine.onnx.proto.OnnxProto.TensorProto;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.UnsupportedDTypeException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * TensorProto to {@link Tensor}: raw little-endian bytes, the typed repeated fields (where int32_data carries the
 * narrow integer, bool and 16-bit float types and uint64_data the unsigned 32/64-bit ones), external data files, and
 * sparse tensors expanded to dense.
 */
public final class TensorDecoder {
    private final Path baseDir;

    private final ExternalBytes mapped;

    /** {@code baseDir}: where external data files are resolved (the model's folder); null refuses external data. */
    public TensorDecoder(Path baseDir) { this(baseDir, null); }

    /**
     * As {@link #TensorDecoder(Path)}, with external data that {@code mapped} (may be null) holds in memory already
     * taken from there without a copy (on little-endian hosts, where the bytes are the tensor's as they lie).
     */
    public TensorDecoder(Path baseDir, ExternalBytes mapped) {
        this.baseDir = baseDir == null ? null : baseDir.toAbsolutePath().normalize();
        this.mapped = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? mapped : null;
    }

    /** External data already in memory: a plan file's own initializers, mapped once for all of them. */
    @FunctionalInterface
    public interface ExternalBytes {
        /**
         * The {@code length} bytes at {@code offset} of external file {@code location}, or null where this source does
         * not hold that file; a range outside it is a {@link ModelFormatException} naming {@code tensor}.
         */
        MemorySegment find(String location, long offset, long length, String tensor);
    }

    public Tensor decode(TensorProto p) {
        String name = p.getName().isEmpty() ? "<unnamed>" : "'" + p.getName() + "'";
        DType dtype = dtypeOf(p.getDataType(), name);
        long[] shape = new long[p.getDimsCount()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = p.getDims(i);
            if (shape[i] < 0) throw new ModelFormatException("tensor " + name + " has negative dimension " + shape[i]);
        }
        long n;
        try {
            n = Shapes.size(shape);
        } catch (ArithmeticException e) {
            throw new ModelFormatException("tensor " + name + " has too many elements: " + Shapes.format(shape));
        }
        if (p.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            if (dtype == DType.STRING) {
                throw new ModelFormatException("tensor " + name + ": string tensors cannot be stored as external data");
            }
            return external(p, dtype, shape, name);
        }
        if (dtype == DType.STRING) {
            if (p.getStringDataCount() != n) throw count(name, n, p.getStringDataCount(), "string_data");
            String[] s = new String[(int) n];
            for (int i = 0; i < n; i++) s[i] = p.getStringData(i).toStringUtf8();
            return Tensor.ofStrings(shape, s);
        }
        if (p.hasRawData()) return fromRaw(p.getRawData(), dtype, shape, name);
        return fromTyped(p, dtype, shape, n, name);
    }

    private static DType dtypeOf(int code, String name) {
        DType dtype;
        try {
            dtype = DType.fromOnnx(code);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException("tensor " + name + " has unknown data type " + code);
        }
        if (!dtype.isSupported()) {
            UnsupportedDTypeException u = new UnsupportedDTypeException(dtype);
            throw new ModelFormatException("tensor " + name + ": " + u.getMessage(), u);
        }
        return dtype;
    }

    private static ModelFormatException count(String name, long want, long got, String field) {
        return new ModelFormatException("tensor " + name + " needs " + want + " elements, its " + field + " holds " + got);
    }

    /** The bytes a tensor of this type and shape takes; an error for a count no memory could hold. */
    private static long bytesOf(DType dtype, long[] shape, String name) {
        try {
            return Math.multiplyExact(Shapes.size(shape), (long) dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new ModelFormatException("tensor " + name + " has too many elements: " + Shapes.format(shape));
        }
    }

    private static Tensor fromRaw(ByteString raw, DType dtype, long[] shape, String name) {
        // The declared size is checked against the bytes present before anything is allocated: a few bytes of model
        // must not make the engine reserve gigabytes.
        long need = bytesOf(dtype, shape, name);
        if (raw.size() != need) {
            throw new ModelFormatException("tensor " + name + " of " + dtype + " " + Shapes.format(shape) + " needs "
                    + need + " bytes of raw_data, has " + raw.size());
        }
        Tensor t = Tensor.allocateUninitialized(dtype, shape);
        copyLittleEndian(raw.asReadOnlyByteBuffer(), t);
        return t;
    }

    /** How many values the typed field that holds {@code dtype} has, and its name. */
    private static long typedCount(TensorProto p, DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> p.getFloatDataCount();
            case FLOAT64 -> p.getDoubleDataCount();
            case INT64 -> p.getInt64DataCount();
            case UINT32, UINT64 -> p.getUint64DataCount();
            default -> p.getInt32DataCount();
        };
    }

    private static String typedField(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> "float_data";
            case FLOAT64 -> "double_data";
            case INT64 -> "int64_data";
            case UINT32, UINT64 -> "uint64_data";
            default -> "int32_data";
        };
    }

    /** Copies little-endian element bytes into the tensor (a plain copy on little-endian hosts). */
    static void copyLittleEndian(java.nio.ByteBuffer src, Tensor t) {
        MemorySegment from = MemorySegment.ofBuffer(src);
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN || t.dtype().byteSize() == 1) {
            MemorySegment.copy(from, 0, t.data(), 0, t.byteSize());
        } else {
            int w = t.dtype().byteSize();
            for (long i = 0; i < t.byteSize(); i++) {
                long e = i / w, b = i % w;
                t.data().set(ValueLayout.JAVA_BYTE, e * w + (w - 1 - b), from.get(ValueLayout.JAVA_BYTE, i));
            }
        }
    }

    private static Tensor fromTyped(TensorProto p, DType dtype, long[] shape, long n, String name) {
        if (typedCount(p, dtype) != n) throw count(name, n, typedCount(p, dtype), typedField(dtype));
        Tensor t = Tensor.allocate(dtype, shape);
        switch (dtype) {
            case FLOAT32 -> { for (int i = 0; i < n; i++) t.setFloat(i, p.getFloatData(i)); }
            case FLOAT64 -> { for (int i = 0; i < n; i++) t.setDouble(i, p.getDoubleData(i)); }
            case INT64 -> { for (int i = 0; i < n; i++) t.setLong(i, p.getInt64Data(i)); }
            case UINT32, UINT64 -> { for (int i = 0; i < n; i++) t.setLong(i, p.getUint64Data(i)); }
            case FLOAT16, BFLOAT16 -> {
                for (int i = 0; i < n; i++) t.data().setAtIndex(ValueLayout.JAVA_SHORT, i, (short) p.getInt32Data(i));
            }
            default -> { for (int i = 0; i < n; i++) t.setLong(i, p.getInt32Data(i)); }
        }
        return t;
    }

    private Tensor external(TensorProto p, DType dtype, long[] shape, String name) {
        String location = null;
        long offset = 0, length = -1;
        for (StringStringEntryProto e : p.getExternalDataList()) {
            try {
                switch (e.getKey()) {
                    case "location" -> location = e.getValue();
                    case "offset" -> offset = Long.parseLong(e.getValue());
                    case "length" -> length = Long.parseLong(e.getValue());
                    default -> { }
                }
            } catch (NumberFormatException ex) {
                throw new ModelFormatException("tensor " + name + ": external data " + e.getKey() + " '" + e.getValue()
                        + "' is not a number");
            }
        }
        if (location == null) throw new ModelFormatException("tensor " + name + " is external but names no location");
        if (mapped != null) {
            long need = bytesOf(dtype, shape, name);
            if (length >= 0 && length != need) {
                throw new ModelFormatException("tensor " + name + " of " + dtype + " " + Shapes.format(shape) + " needs "
                        + need + " bytes, its external data length is " + length);
            }
            MemorySegment m = mapped.find(location, offset, need, name);
            if (m != null) return Tensor.wrap(dtype, shape, m);
        }
        if (baseDir == null) {
            throw new ModelFormatException("tensor " + name + " is stored in external file '" + location
                    + "', but the model was loaded from bytes without a directory to find it in");
        }
        Path file = baseDir.resolve(location).normalize();
        if (!file.startsWith(baseDir)) {
            throw new ModelFormatException("tensor " + name + ": external data location '" + location
                    + "' points outside the model's directory " + baseDir);
        }
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException("tensor " + name + ": external data file " + file + " does not exist");
        }
        try {
            // A symbolic link inside the folder may still lead out of it.
            if (!file.toRealPath().startsWith(baseDir.toRealPath())) {
                throw new ModelFormatException("tensor " + name + ": external data location '" + location
                        + "' resolves outside the model's directory " + baseDir);
            }
        } catch (IOException e) {
            throw new ModelFormatException("tensor " + name + ": cannot resolve external data file " + file + ": "
                    + e.getMessage());
        }
        long need = bytesOf(dtype, shape, name);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            long size = ch.size();
            if (length >= 0 && length != need) {
                throw new ModelFormatException("tensor " + name + " of " + dtype + " " + Shapes.format(shape) + " needs "
                        + need + " bytes, its external data length is " + length);
            }
            // checked against the file before anything is allocated
            if (offset < 0 || offset > size || need > size - offset) {
                throw new ModelFormatException("tensor " + name + ": external file " + file + " holds " + size
                        + " bytes, the tensor needs " + need + " bytes from offset " + offset);
            }
            Tensor t = Tensor.allocateUninitialized(dtype, shape);
            MemorySegment m = ch.map(FileChannel.MapMode.READ_ONLY, offset, need, arena);
            copyLittleEndian(m.asByteBuffer(), t);
            return t;
        } catch (IOException e) {
            throw new ModelFormatException("tensor " + name + ": cannot read external data file " + file + ": " + e.getMessage());
        }
    }

    /**
     * A sparse tensor as the dense tensor it stands for (zeros elsewhere). Indices are either a [NNZ] tensor of flat
     * positions or a [NNZ, rank] tensor of coordinates, as the specification allows.
     */
    public Tensor decodeSparse(SparseTensorProto sp) {
        String name = sp.getValues().getName().isEmpty() ? "<unnamed>" : "'" + sp.getValues().getName() + "'";
        Tensor values = decode(sp.getValues());
        long[] shape = sp.getDimsList().stream().mapToLong(Long::longValue).toArray();
        for (long d : shape) {
            if (d < 0) throw new ModelFormatException("sparse tensor " + name + " has negative dimension " + d);
        }
        if (values.rank() != 1) {
            throw new ModelFormatException("sparse tensor " + name + ": values must be 1-D, got shape "
                    + Shapes.format(values.shape()));
        }
        long denseBytes = bytesOf(values.dtype(), shape, name);
        if (denseBytes > ResourceLimits.maxDenseBytes()) {
            throw new ModelFormatException("sparse tensor " + name + " of " + values.dtype() + " " + Shapes.format(shape)
                    + " would take " + denseBytes + " bytes as a dense tensor, above the limit of "
                    + ResourceLimits.maxDenseBytes() + " (system property " + ResourceLimits.MAX_DENSE_BYTES + ")");
        }
        Tensor dense = Tensor.allocate(values.dtype(), shape);
        long nnz = values.size();
        if (nnz == 0) return dense;
        if (!sp.hasIndices()) throw new ModelFormatException("sparse tensor " + name + " has values but no indices");
        Tensor idx = decode(sp.getIndices());
        if (idx.dtype() != DType.INT64) {
            throw new ModelFormatException("sparse tensor " + name + ": indices must be int64, got " + idx.dtype());
        }
        boolean linear = idx.rank() == 1;
        long[] want = linear ? new long[] {nnz} : new long[] {nnz, shape.length};
        if (!java.util.Arrays.equals(idx.shape(), want)) {
            throw new ModelFormatException("sparse tensor " + name + ": indices have shape " + Shapes.format(idx.shape())
                    + ", expected " + Shapes.format(want) + " for " + nnz + " values in shape " + Shapes.format(shape));
        }
        long[] strides = Shapes.strides(shape);
        long total = dense.size();
        for (long k = 0; k < nnz; k++) {
            long flat = 0;
            if (linear) {
                flat = idx.getLong(k);
            } else {
                for (int d = 0; d < shape.length; d++) {
                    long c = idx.getLong(k * shape.length + d);
                    if (c < 0 || c >= shape[d]) { flat = -1; break; }
                    flat += c * strides[d];
                }
            }
            if (flat < 0 || flat >= total) {
                throw new ModelFormatException("sparse tensor " + name + ": index of value " + k
                        + " is outside shape " + Shapes.format(shape));
            }
            if (values.dtype() == DType.STRING) dense.setString(flat, values.getString(k));
            else if (values.dtype().isFloatingPoint()) dense.setDouble(flat, values.getDouble(k));
            else dense.setLong(flat, values.getLong(k));
        }
        return dense;
    }

    static String utf8(ByteString b) { return b.toString(StandardCharsets.UTF_8); }
}
