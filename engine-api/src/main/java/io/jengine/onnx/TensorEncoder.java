package io.jengine.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.jengine.onnx.proto.OnnxProto.SparseTensorProto;
import io.jengine.onnx.proto.OnnxProto.StringStringEntryProto;
import io.jengine.onnx.proto.OnnxProto.TensorProto;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link Tensor} to TensorProto, the inverse of {@link TensorDecoder}: numeric and bool elements as little-endian
 * raw_data (never the typed repeated fields, whose widening would cost space and, for floats, NaN payloads), strings
 * as UTF-8 string_data, or a reference to bytes a container stores itself (external data). Every error is an
 * {@link IllegalArgumentException} that starts with {@code what}, the caller's name for the tensor.
 */
final class TensorEncoder {
    /** The largest byte[] a JVM hands out, and so the most one inline raw_data field can hold. */
    private static final long MAX_INLINE_BYTES = Integer.MAX_VALUE - 8;

    private TensorEncoder() {}

    /** The tensor with its elements inline; {@code name} may be empty (attribute tensors carry no name). */
    static TensorProto inline(Tensor t, String name, String what) {
        TensorProto.Builder b = header(t, name, what);
        if (t.dtype() == DType.STRING) {
            for (String s : strings(t, what)) b.addStringData(ByteString.copyFromUtf8(s));
        } else {
            // raw_data is set even when empty, so that an empty tensor reads back from the same field kind.
            b.setRawData(UnsafeByteOperations.unsafeWrap(littleEndianBytes(t, what)));
        }
        return b.build();
    }

    /** The tensor's type and shape with its bytes in {@code ext.location()} at {@code ext.offset()}. */
    static TensorProto external(Tensor t, String name, OnnxExporter.ExternalData ext, String what) {
        TensorProto.Builder b = header(t, name, what);
        if (t.dtype() == DType.STRING) {
            // ONNX external data is raw bytes; strings have no raw form, and TensorDecoder refuses them.
            throw new IllegalArgumentException(what + ": string tensors cannot be stored as external data");
        }
        long need = t.byteSize();
        if (ext.length() != need) {
            throw new IllegalArgumentException(what + ": " + t.dtype() + " " + shape(t) + " is " + need
                    + " bytes, but its external data placement says " + ext.length());
        }
        return b.setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", ext.location()))
                .addExternalData(entry("offset", Long.toString(ext.offset())))
                .addExternalData(entry("length", Long.toString(ext.length())))
                .build();
    }

    /**
     * A dense tensor written as the sparse tensor it was read from. The importer expands sparse tensors to dense, so
     * the IR keeps only the dense form; its non-zero elements with flat indices give the same dense tensor back.
     * Zero means all-zero bytes (so -0.0 is kept) or, for strings, the empty string, which is what the decoder fills
     * in. The decoder copies each value through a double (floats) or a long (the rest), which changes a few bit
     * patterns (a signalling NaN, a bool byte other than 0 and 1): those are refused rather than silently changed.
     */
    static SparseTensorProto sparse(Tensor dense, String what) {
        if (dense == null) throw new IllegalArgumentException(what + " is null");
        DType dtype = dense.dtype();
        long n = dense.size();
        List<Long> at = new ArrayList<>();
        Tensor values;
        if (dtype == DType.STRING) {
            String[] all = strings(dense, what);
            List<String> nz = new ArrayList<>();
            for (int i = 0; i < all.length; i++) {
                if (!all[i].isEmpty()) { at.add((long) i); nz.add(all[i]); }
            }
            values = Tensor.ofStrings(new long[] {nz.size()}, nz.toArray(String[]::new));
        } else {
            MemorySegment data = data(dense, what);
            int w = dtype.byteSize();
            Tensor probe = Tensor.allocate(dtype, 1);
            for (long i = 0; i < n; i++) {
                MemorySegment e = data.asSlice(i * w, w);
                if (isZero(e)) continue;
                if (dtype.isFloatingPoint()) probe.setDouble(0, dense.getDouble(i));
                else probe.setLong(0, dense.getLong(i));
                if (probe.data().mismatch(e) != -1) {
                    throw new IllegalArgumentException(what + ": element " + i + " of " + dtype
                            + " has a bit pattern that a sparse tensor cannot carry (the reader converts it)");
                }
                at.add(i);
            }
            values = Tensor.allocate(dtype, at.size());
            for (int k = 0; k < at.size(); k++) {
                MemorySegment.copy(data, at.get(k) * w, values.data(), (long) k * w, w);
            }
        }
        Tensor indices = Tensor.ofLongs(new long[] {at.size()}, at.stream().mapToLong(Long::longValue).toArray());
        SparseTensorProto.Builder b = SparseTensorProto.newBuilder()
                .setValues(inline(values, "", what + " values"))
                .setIndices(inline(indices, "", what + " indices"));
        for (long d : dense.shape()) b.addDims(d);
        return b.build();
    }

    private static boolean isZero(MemorySegment e) {
        for (long j = 0; j < e.byteSize(); j++) if (e.get(ValueLayout.JAVA_BYTE, j) != 0) return false;
        return true;
    }

    private static TensorProto.Builder header(Tensor t, String name, String what) {
        if (t == null) throw new IllegalArgumentException(what + " is null");
        if (t.isClosed()) throw new IllegalArgumentException(what + " was closed; its elements are gone");
        TensorProto.Builder b = TensorProto.newBuilder().setDataType(t.dtype().onnxCode());
        if (!name.isEmpty()) b.setName(name);
        for (long d : t.shape()) b.addDims(d);
        return b;
    }

    /** The elements in ONNX's byte order, little-endian whatever the host's (a plain copy on little-endian hosts). */
    private static byte[] littleEndianBytes(Tensor t, String what) {
        long size = t.byteSize();
        if (size > MAX_INLINE_BYTES) {
            throw new IllegalArgumentException(what + ": " + size + " bytes are more than one protobuf field can hold"
                    + " inline; place it as external data");
        }
        MemorySegment src = data(t, what);
        byte[] out = new byte[(int) size];
        int w = t.dtype().byteSize();
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN || w == 1) {
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, 0, out, 0, out.length);
        } else {
            for (int i = 0; i < out.length; i++) {
                int e = i / w, k = i % w;
                out[e * w + (w - 1 - k)] = src.get(ValueLayout.JAVA_BYTE, i);
            }
        }
        return out;
    }

    private static MemorySegment data(Tensor t, String what) {
        try {
            return t.data();
        } catch (IllegalStateException e) { // closed between the check and here
            throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
        }
    }

    private static String[] strings(Tensor t, String what) {
        String[] s;
        try {
            s = t.toStringArray();
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < s.length; i++) {
            if (s[i] == null) throw new IllegalArgumentException(what + ": string element " + i + " is null");
        }
        return s;
    }

    private static String shape(Tensor t) { return java.util.Arrays.toString(t.shape()); }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}
