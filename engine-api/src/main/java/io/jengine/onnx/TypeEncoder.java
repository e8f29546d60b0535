package io.jengine.onnx;

import io.jengine.ir.ValueInfo;
import io.jengine.onnx.proto.OnnxProto.TensorShapeProto;
import io.jengine.onnx.proto.OnnxProto.TypeProto;
import io.jengine.onnx.proto.OnnxProto.ValueInfoProto;
import io.jengine.tensor.Dim;
import io.jengine.tensor.Shape;
import io.jengine.tensor.ValueType;

/**
 * {@link ValueType} to TypeProto, the inverse of {@link TypeDecoder}: a null type (nothing known) is a TypeProto with
 * no value, a null element type is element type 0 (UNDEFINED), a null shape is no shape at all, and each dim is a
 * dim_value, a dim_param or an empty Dimension (unknown).
 */
final class TypeEncoder {
    private TypeEncoder() {}

    /** A value's name and type; {@code where} names the value in errors. */
    static ValueInfoProto valueInfo(ValueInfo v, String where) {
        if (v == null) throw new IllegalArgumentException(where + " is null");
        if (v.name() == null) throw new IllegalArgumentException(where + " has a null name");
        ValueInfoProto.Builder b = ValueInfoProto.newBuilder().setName(v.name());
        // No type field at all for an unknown type: the decoder reads a missing type as null.
        if (v.type() != null) b.setType(encode(v.type(), where + " '" + v.name() + "'"));
        return b.build();
    }

    static TypeProto encode(ValueType t, String where) {
        TypeProto.Builder b = TypeProto.newBuilder();
        switch (t) {
            case null -> { }
            case ValueType.TensorType tt -> {
                TypeProto.Tensor.Builder tb = TypeProto.Tensor.newBuilder();
                if (tt.elementType() != null) tb.setElemType(tt.elementType().onnxCode());
                if (tt.shape() != null) tb.setShape(shape(tt.shape(), where));
                b.setTensorType(tb);
            }
            case ValueType.SparseTensorType st -> {
                TypeProto.SparseTensor.Builder sb = TypeProto.SparseTensor.newBuilder();
                if (st.elementType() != null) sb.setElemType(st.elementType().onnxCode());
                if (st.shape() != null) sb.setShape(shape(st.shape(), where));
                b.setSparseTensorType(sb);
            }
            // Nested types are always set, as an empty TypeProto when unknown, which the decoder reads as null.
            case ValueType.SequenceType s ->
                    b.setSequenceType(TypeProto.Sequence.newBuilder().setElemType(encode(s.elementType(), where)));
            case ValueType.OptionalType o ->
                    b.setOptionalType(TypeProto.Optional.newBuilder().setElemType(encode(o.elementType(), where)));
            case ValueType.MapType m -> {
                TypeProto.Map.Builder mb = TypeProto.Map.newBuilder().setValueType(encode(m.valueType(), where));
                if (m.keyType() != null) mb.setKeyType(m.keyType().onnxCode());
                b.setMapType(mb);
            }
        }
        return b.build();
    }

    /**
     * Always sets the shape, even of rank 0: an absent shape means "rank unknown", an empty one means scalar. Dims
     * other than the three forms {@link Dim}'s factories make (a size, a non-empty symbol, unknown) would come back as
     * another Dim, so they are refused rather than silently changed.
     */
    private static TensorShapeProto shape(Shape s, String where) {
        TensorShapeProto.Builder b = TensorShapeProto.newBuilder();
        for (int i = 0; i < s.rank(); i++) {
            Dim d = s.dim(i);
            TensorShapeProto.Dimension.Builder db = TensorShapeProto.Dimension.newBuilder();
            if (d.isKnown() && d.symbol() == null) {
                db.setDimValue(d.value());
            } else if (d.value() == -1 && d.symbol() != null && !d.symbol().isEmpty()) {
                db.setDimParam(d.symbol());
            } else if (!d.equals(Dim.unknown())) {
                throw new IllegalArgumentException(where + ": dim " + i + " (value " + d.value() + ", symbol "
                        + (d.symbol() == null ? "none" : "'" + d.symbol() + "'")
                        + ") is neither a size, a named symbol nor unknown, and has no ONNX form");
            }
            b.addDim(db);
        }
        return b.build();
    }
}
