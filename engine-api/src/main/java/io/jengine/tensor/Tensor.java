package io.jengine.tensor;

import io.jengine.errors.ResourceLimitException;
import io.jengine.limits.ResourceLimits;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * A dense tensor: element type, shape, and its elements in a 64-byte aligned off-heap segment (row-major, little
 * endian). Strings are the exception: they live on the heap as Java strings.
 *
 * <p>Memory comes from an automatic arena, so an unreachable tensor is always reclaimed by the garbage collector and a
 * double close can never free memory twice; {@link #close()} lets the owner drop it early and makes further use fail
 * loudly. Tensors are treated as immutable once a kernel has returned them.
 */
public final class Tensor implements Value, AutoCloseable {
    /** Alignment of every tensor buffer: one cache line, and the widest AVX-512 vector. */
    public static final long ALIGNMENT = 64;

    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE;

    /** Native bytes every {@link #allocate} has taken, process-wide: how runs show they allocate nothing per run. */
    private static final java.util.concurrent.atomic.LongAdder ALLOCATED = new java.util.concurrent.atomic.LongAdder();

    private final DType dtype;
    private final long[] shape;
    private final long size;
    private MemorySegment data;
    private String[] strings;

    private Tensor(DType dtype, long[] shape, MemorySegment data, String[] strings) {
        this.dtype = dtype;
        this.shape = shape.clone();
        this.size = Shapes.size(shape);
        this.data = data;
        this.strings = strings;
    }

    /** A zero-filled tensor. */
    public static Tensor allocate(DType dtype, long... shape) { return allocate(dtype, shape, true, false); }

    /**
     * A tensor whose bytes are left as they were (not zeroed), for a caller that writes every one of them before the
     * tensor is read, such as a decoder copying a model's weights in ({@link UninitializedMemory}). Strings start
     * empty as in {@link #allocate}.
     */
    public static Tensor allocateUninitialized(DType dtype, long... shape) {
        return allocate(dtype, shape, false, false);
    }

    /**
     * A zero-filled tensor for data that lives about as long as one request (a server's decoded input, a batch
     * stacked from several): its memory comes from the C allocator whatever its size, which hands the blocks freed by
     * earlier requests out again, where a large tensor otherwise takes fresh mapped pages, each faulted in on first
     * touch and unmapped when freed ({@link MappedMemory}: right for weights, which should go back to the system when
     * a model is unloaded). ResNet-18 served to 16 clients went from 62-73 to 86-97 images/s.
     */
    public static Tensor allocateTransient(DType dtype, long... shape) { return allocate(dtype, shape, true, true); }

    private static Tensor allocate(DType dtype, long[] shape, boolean zeroed, boolean recycled) {
        checkSupported(dtype);
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
        }
        long n, bytes;
        try {
            n = Shapes.size(shape);
            bytes = Math.multiplyExact(n, (long) Math.max(dtype.byteSize(), 1));
        } catch (ArithmeticException e) {
            throw new ResourceLimitException("tensor of " + dtype + " " + Arrays.toString(shape)
                    + " has more bytes than a 64-bit count holds");
        }
        if (dtype == DType.STRING) {
            ResourceLimits.checkStrings("tensor of " + dtype + " " + Arrays.toString(shape), n);
            String[] s = new String[(int) n];
            Arrays.fill(s, "");
            return new Tensor(dtype, shape, null, s);
        }
        long size = Math.max(bytes, 1);
        ResourceLimits.checkAllocation("tensor of " + dtype + " " + Arrays.toString(shape), bytes);
        // A virtual thread is often made for one task: a slab of its own would be mostly waste.
        MemorySegment seg = bytes <= SmallAllocations.MAX_BYTES && !Thread.currentThread().isVirtual()
                ? SmallAllocations.allocate(bytes)
                : NativeTensorMemory.allocate(size, zeroed, recycled).asSlice(0, bytes);
        ALLOCATED.add(bytes);
        return new Tensor(dtype, shape, seg, null);
    }

    /**
     * A tensor over memory someone else owns (a session's arena, a caller's buffer): no copy, and the tensor lives
     * only as long as that memory does. The segment must hold exactly the tensor's bytes.
     */
    public static Tensor wrap(DType dtype, long[] shape, MemorySegment memory) {
        checkSupported(dtype);
        if (dtype == DType.STRING) throw new IllegalArgumentException("string tensors have no off-heap buffer to wrap");
        long bytes = Math.multiplyExact(Shapes.size(shape), (long) dtype.byteSize());
        if (memory.byteSize() != bytes) {
            throw new IllegalArgumentException("tensor of " + dtype + " " + Arrays.toString(shape) + " needs " + bytes
                    + " bytes, the memory given has " + memory.byteSize());
        }
        return new Tensor(dtype, shape, memory, null);
    }

    /** Native bytes allocated for tensors by this process so far (arenas and wrapped memory not included). */
    public static long allocatedBytes() { return ALLOCATED.sum(); }

    /**
     * Native bytes that tensors made by {@link #allocate} still hold, small-tensor slabs counted whole: memory becomes
     * free once unreachable, so after a collection (and a moment for its cleaners) this is what is really kept.
     */
    public static long liveBytes() { return NativeTensorMemory.liveBytes(); }

    /** A tensor over existing bytes; the bytes are copied into a new aligned buffer. */
    public static Tensor fromBytes(DType dtype, long[] shape, MemorySegment bytes) {
        Tensor t = allocate(dtype, shape);
        if (bytes.byteSize() != t.byteSize()) {
            throw new IllegalArgumentException("tensor of " + dtype + " " + Arrays.toString(shape) + " needs "
                    + t.byteSize() + " bytes, got " + bytes.byteSize());
        }
        MemorySegment.copy(bytes, 0, t.data, 0, t.byteSize());
        return t;
    }

    public static Tensor ofStrings(long[] shape, String... values) {
        if (Shapes.size(shape) != values.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + Shapes.size(shape)
                    + " strings, got " + values.length);
        }
        return new Tensor(DType.STRING, shape, null, values.clone());
    }

    public static Tensor ofFloats(long[] shape, float... values) {
        Tensor t = allocate(DType.FLOAT32, shape);
        checkCount(t, values.length);
        MemorySegment.copy(values, 0, t.data, F32, 0, values.length);
        return t;
    }

    public static Tensor ofDoubles(long[] shape, double... values) {
        Tensor t = allocate(DType.FLOAT64, shape);
        checkCount(t, values.length);
        MemorySegment.copy(values, 0, t.data, F64, 0, values.length);
        return t;
    }

    public static Tensor ofInts(long[] shape, int... values) {
        Tensor t = allocate(DType.INT32, shape);
        checkCount(t, values.length);
        MemorySegment.copy(values, 0, t.data, I32, 0, values.length);
        return t;
    }

    public static Tensor ofLongs(long[] shape, long... values) {
        Tensor t = allocate(DType.INT64, shape);
        checkCount(t, values.length);
        MemorySegment.copy(values, 0, t.data, I64, 0, values.length);
        return t;
    }

    public static Tensor ofBools(long[] shape, boolean... values) {
        Tensor t = allocate(DType.BOOL, shape);
        checkCount(t, values.length);
        for (int i = 0; i < values.length; i++) t.data.set(ValueLayout.JAVA_BYTE, i, (byte) (values[i] ? 1 : 0));
        return t;
    }

    /** A rank-0 tensor of the given type holding {@code v} (converted as {@link #setDouble} does). */
    public static Tensor scalar(DType dtype, double v) {
        Tensor t = allocate(dtype);
        t.setDouble(0, v);
        return t;
    }

    /** A tensor of the given type and shape whose elements are all converted from the doubles given. */
    public static Tensor fromDoubles(DType dtype, long[] shape, double[] values) {
        Tensor t = allocate(dtype, shape);
        checkCount(t, values.length);
        for (int i = 0; i < values.length; i++) t.setDouble(i, values[i]);
        return t;
    }

    /** A tensor of the given type and shape whose elements are all converted from the longs given. */
    public static Tensor fromLongs(DType dtype, long[] shape, long[] values) {
        Tensor t = allocate(dtype, shape);
        checkCount(t, values.length);
        for (int i = 0; i < values.length; i++) t.setLong(i, values[i]);
        return t;
    }

    private static void checkCount(Tensor t, int n) {
        if (t.size != n) {
            throw new IllegalArgumentException("shape " + Arrays.toString(t.shape) + " needs " + t.size
                    + " elements, got " + n);
        }
    }

    private static void checkSupported(DType dtype) {
        if (!dtype.isSupported()) throw new UnsupportedDTypeException(dtype);
    }

    public DType dtype() { return dtype; }

    /** A copy of the shape. */
    public long[] shape() { return shape.clone(); }

    public long dim(int axis) { return shape[axis]; }

    public int rank() { return shape.length; }

    public long size() { return size; }

    public long byteSize() { return dtype == DType.STRING ? 0 : size * dtype.byteSize(); }

    /** The element buffer; never null for numeric and bool tensors. */
    public MemorySegment data() {
        if (data == null && strings == null) throw new IllegalStateException("tensor was closed");
        if (data == null) throw new IllegalStateException("string tensors have no off-heap buffer");
        return data;
    }

    /** A new tensor sharing nothing with this one, with the same elements and another shape of equal size. */
    public Tensor reshape(long... newShape) {
        if (Shapes.size(newShape) != size) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " (" + size
                    + " elements) to " + Arrays.toString(newShape));
        }
        if (dtype == DType.STRING) return new Tensor(dtype, newShape, null, strings().clone());
        return fromBytes(dtype, newShape, data());
    }

    /** The same elements under another shape of equal size, sharing this tensor's memory (no copy). */
    public Tensor view(long... newShape) {
        if (Shapes.size(newShape) != size) {
            throw new IllegalArgumentException("cannot view " + Arrays.toString(shape) + " (" + size
                    + " elements) as " + Arrays.toString(newShape));
        }
        if (dtype == DType.STRING) return new Tensor(dtype, newShape, null, strings());
        return new Tensor(dtype, newShape, data(), null);
    }

    /** Whether this tensor has exactly the given shape; allocation-free, for the run loop. */
    public boolean hasShape(long[] other) { return Arrays.equals(shape, other); }

    /** A deep copy. */
    public Tensor copy() { return reshape(shape); }

    // ---- element access by flat index, converting through the dtype; slow but uniform (reference kernels) ----

    public double getDouble(long i) {
        MemorySegment d = data();
        return switch (dtype) {
            case FLOAT32 -> d.getAtIndex(F32, i);
            case FLOAT64 -> d.getAtIndex(F64, i);
            case FLOAT16 -> Float.float16ToFloat(d.getAtIndex(I16, i));
            case BFLOAT16 -> BFloat16.toFloat(d.getAtIndex(I16, i));
            case UINT64 -> unsignedLongToDouble(d.getAtIndex(I64, i));
            default -> getLong(i);
        };
    }

    public void setDouble(long i, double v) {
        MemorySegment d = data();
        switch (dtype) {
            case FLOAT32 -> d.setAtIndex(F32, i, (float) v);
            case FLOAT64 -> d.setAtIndex(F64, i, v);
            case FLOAT16 -> d.setAtIndex(I16, i, Float.floatToFloat16((float) v));
            case BFLOAT16 -> d.setAtIndex(I16, i, BFloat16.fromFloat((float) v));
            case BOOL -> d.set(ValueLayout.JAVA_BYTE, i, (byte) (v != 0 ? 1 : 0));
            case UINT64 -> setLong(i, doubleToUnsignedLong(v));
            default -> setLong(i, (long) v); // Java's cast: truncation toward zero, NaN to 0, saturating at the ends
        }
    }

    /** The element as a long; integers exactly (uint64 as its bit pattern), floats truncated toward zero. */
    public long getLong(long i) {
        MemorySegment d = data();
        return switch (dtype) {
            case INT8 -> d.get(ValueLayout.JAVA_BYTE, i);
            case UINT8, BOOL -> d.get(ValueLayout.JAVA_BYTE, i) & 0xFFL;
            case INT16 -> d.getAtIndex(I16, i);
            case UINT16 -> d.getAtIndex(I16, i) & 0xFFFFL;
            case INT32 -> d.getAtIndex(I32, i);
            case UINT32 -> d.getAtIndex(I32, i) & 0xFFFFFFFFL;
            case INT64, UINT64 -> d.getAtIndex(I64, i);
            default -> (long) getDouble(i);
        };
    }

    /** Stores the low bits of {@code v} (wrapping like a C cast) for integer types; converts for float types. */
    public void setLong(long i, long v) {
        MemorySegment d = data();
        switch (dtype) {
            case INT8, UINT8 -> d.set(ValueLayout.JAVA_BYTE, i, (byte) v);
            case BOOL -> d.set(ValueLayout.JAVA_BYTE, i, (byte) (v != 0 ? 1 : 0));
            case INT16, UINT16 -> d.setAtIndex(I16, i, (short) v);
            case INT32, UINT32 -> d.setAtIndex(I32, i, (int) v);
            case INT64, UINT64 -> d.setAtIndex(I64, i, v);
            case FLOAT32 -> d.setAtIndex(F32, i, (float) v);
            case FLOAT64 -> d.setAtIndex(F64, i, (double) v);
            case FLOAT16 -> d.setAtIndex(I16, i, Float.floatToFloat16((float) v));
            case BFLOAT16 -> d.setAtIndex(I16, i, BFloat16.fromFloat((float) v));
            default -> throw new UnsupportedDTypeException(dtype);
        }
    }

    public float getFloat(long i) { return dtype == DType.FLOAT32 ? data().getAtIndex(F32, i) : (float) getDouble(i); }

    public void setFloat(long i, float v) {
        if (dtype == DType.FLOAT32) data().setAtIndex(F32, i, v); else setDouble(i, v);
    }

    public boolean getBool(long i) { return getLong(i) != 0; }

    public String getString(long i) { return strings()[Math.toIntExact(i)]; }

    public void setString(long i, String v) { strings()[Math.toIntExact(i)] = v; }

    private String[] strings() {
        if (strings == null) {
            if (data == null) throw new IllegalStateException("tensor was closed");
            throw new IllegalStateException("not a string tensor: " + dtype);
        }
        return strings;
    }

    public float[] toFloatArray() {
        float[] r = new float[Math.toIntExact(size)];
        if (dtype == DType.FLOAT32) MemorySegment.copy(data(), F32, 0, r, 0, r.length);
        else for (int i = 0; i < r.length; i++) r[i] = (float) getDouble(i);
        return r;
    }

    public double[] toDoubleArray() {
        double[] r = new double[Math.toIntExact(size)];
        for (int i = 0; i < r.length; i++) r[i] = getDouble(i);
        return r;
    }

    public long[] toLongArray() {
        long[] r = new long[Math.toIntExact(size)];
        for (int i = 0; i < r.length; i++) r[i] = getLong(i);
        return r;
    }

    public String[] toStringArray() { return strings().clone(); }

    @Override
    public String describe() { return "tensor(" + dtype + ") " + Shapes.format(shape); }

    @Override
    public String toString() { return describe(); }

    /** Drops the buffer; any later access fails with "tensor was closed". Idempotent. */
    @Override
    public void close() {
        data = null;
        strings = null;
    }

    public boolean isClosed() { return data == null && strings == null; }

    static double unsignedLongToDouble(long v) {
        double d = (double) (v >>> 1) * 2.0;
        return v >= 0 ? (double) v : d + (v & 1);
    }

    static long doubleToUnsignedLong(double v) {
        if (Double.isNaN(v) || v <= 0) return 0;
        if (v >= 18446744073709551615.0) return -1L;
        if (v < 9223372036854775808.0) return (long) v;
        return (long) (v - 9223372036854775808.0) ^ Long.MIN_VALUE;
    }
}
