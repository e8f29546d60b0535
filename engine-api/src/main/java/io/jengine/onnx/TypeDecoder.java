package io.jengine.onnx;

import io.jengine.errors.ModelFormatException;
import io.jengine.tensor.Dim;
import io.jengine.tensor.Shape;
import io.jengine.tensor.ValueType;
import io.jengine.onnx.proto.OnnxProto.TensorShapeProto;
import io.jengine.onnx.proto.OnnxProto.TypeProto;
import io.jengine.tensor.DType;
import java.util.ArrayList;
import java.util.List;

/** TypeProto to {@link ValueType}; null for an undefined type. Symbolic dims keep their names. */
final class TypeDecoder {
    private TypeDecoder() {}

    static ValueType decode(TypeProto t) {
        return switch (t.getValueCase()) {
            case TENSOR_TYPE -> new ValueType.TensorType(elem(t.getTensorType().getElemType()),
                    t.getTensorType().hasShape() ? shape(t.getTensorType().getShape()) : null);
            case SEQUENCE_TYPE -> new ValueType.SequenceType(decode(t.getSequenceType().getElemType()));
            case OPTIONAL_TYPE -> new ValueType.OptionalType(decode(t.getOptionalType().getElemType()));
            case MAP_TYPE -> new ValueType.MapType(elem(t.getMapType().getKeyType()), decode(t.getMapType().getValueType()));
            case SPARSE_TENSOR_TYPE -> new ValueType.SparseTensorType(elem(t.getSparseTensorType().getElemType()),
                    t.getSparseTensorType().hasShape() ? shape(t.getSparseTensorType().getShape()) : null);
            case VALUE_NOT_SET -> null;
        };
    }

    private static DType elem(int code) {
        if (code == 0) return null;
        try {
            return DType.fromOnnx(code);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException("unknown element type code " + code);
        }
    }

    private static Shape shape(TensorShapeProto s) {
        List<Dim> dims = new ArrayList<>(s.getDimCount());
        for (TensorShapeProto.Dimension d : s.getDimList()) {
            if (d.hasDimValue() && d.getDimValue() >= 0) dims.add(Dim.of(d.getDimValue()));
            else if (d.hasDimParam() && !d.getDimParam().isEmpty()) dims.add(Dim.symbol(d.getDimParam()));
            else dims.add(Dim.unknown());
        }
        return new Shape(dims);
    }
}
