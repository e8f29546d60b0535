package io.jengine.onnx;

import com.google.protobuf.ByteString;
import io.jengine.onnx.proto.OnnxProto.AttributeProto;
import io.jengine.onnx.proto.OnnxProto.GraphProto;
import io.jengine.onnx.proto.OnnxProto.ModelProto;
import io.jengine.onnx.proto.OnnxProto.NodeProto;
import io.jengine.onnx.proto.OnnxProto.OperatorSetIdProto;
import io.jengine.onnx.proto.OnnxProto.TensorProto;
import io.jengine.onnx.proto.OnnxProto.TensorShapeProto;
import io.jengine.onnx.proto.OnnxProto.TypeProto;
import io.jengine.onnx.proto.OnnxProto.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Small builders for hand-made ONNX protobuf messages in tests. */
final class Protos {
    private Protos() {}

    static final int FLOAT = 1, INT64 = 7, BOOL = 9;

    static ModelProto model(GraphProto g, int opset) {
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("test").setProducerVersion("1")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset)).setGraph(g).build();
    }

    static TypeProto tensorType(int elem, Object... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder db = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof Number n) db.setDimValue(n.longValue());
            else if (d instanceof String p) db.setDimParam(p);
            s.addDim(db);
        }
        return TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(elem).setShape(s)).build();
    }

    static ValueInfoProto value(String name, TypeProto type) {
        return ValueInfoProto.newBuilder().setName(name).setType(type).build();
    }

    static ValueInfoProto floatValue(String name, long... dims) {
        Object[] d = new Object[dims.length];
        for (int i = 0; i < dims.length; i++) d[i] = dims[i];
        return value(name, tensorType(FLOAT, d));
    }

    static NodeProto node(String op, String name, String[] inputs, String[] outputs, AttributeProto... attrs) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName(name);
        for (String i : inputs) b.addInput(i);
        for (String o : outputs) b.addOutput(o);
        for (AttributeProto a : attrs) b.addAttribute(a);
        return b.build();
    }

    static String[] names(String... n) { return n; }

    static AttributeProto intAttr(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    static AttributeProto floatAttr(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    static AttributeProto graphAttr(String name, GraphProto g) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.GRAPH).setG(g).build();
    }

    /** An attribute that takes its value from the enclosing function's attribute {@code ref}. */
    static AttributeProto refAttr(String name, String ref, AttributeProto.AttributeType type) {
        return AttributeProto.newBuilder().setName(name).setRefAttrName(ref).setType(type).build();
    }

    static TensorProto floatTensor(String name, long[] dims, float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(FLOAT)
                .setRawData(ByteString.copyFrom(b.array()));
        for (long d : dims) t.addDims(d);
        return t.build();
    }

    static long[] dims(long... d) { return d; }
}
