package io.jengine.onnx;

import io.jengine.ir.Model;
import io.jengine.onnx.proto.OnnxProto.ModelProto;
import io.jengine.onnx.proto.OnnxProto.OperatorSetIdProto;
import io.jengine.onnx.proto.OnnxProto.StringStringEntryProto;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Writes the engine's IR as an ONNX model that {@link OnnxImporter} reads back to an equal {@link Model}: the same
 * nodes in the same order (names, domains, empty input and output names, attributes of every kind, sub-graphs), the
 * same initializers bit for bit, value types with their symbolic and unknown dims, opset imports, IR version, producer
 * and metadata. Optimized graphs, with the engine's own {@code jengine} domain ops, are written like any other.
 *
 * <p>Whatever the IR holds that ONNX cannot carry, or that would not read back the same, is refused with an
 * {@link IllegalArgumentException} that names where it is (graph, node, attribute, initializer or value).
 */
public final class OnnxExporter {
    private OnnxExporter() {}

    /**
     * Where an initializer's bytes are stored instead of inline: {@code length} bytes at {@code offset} of the file
     * {@code location}, relative to the directory the model is later loaded with (ONNX external data).
     */
    public record ExternalData(String location, long offset, long length) {
        /** Refuses what no reader could follow: no location, a negative offset or length. */
        public ExternalData {
            if (location == null || location.isEmpty()) {
                throw new IllegalArgumentException("external data needs a location");
            }
            if (offset < 0 || length < 0) {
                throw new IllegalArgumentException("external data offset " + offset + " and length " + length
                        + " must not be negative");
            }
        }
    }

    /** The model as an ONNX ModelProto; every initializer's bytes inline (raw_data). */
    public static ModelProto toProto(Model model) {
        return toProto(model, name -> null);
    }

    /**
     * The same, but each initializer for which {@code placement} returns non-null is written as ONNX external data
     * ({@code data_location = EXTERNAL}, external_data keys location / offset / length from the returned record)
     * instead of raw_data, so that a container can store the bytes itself (e.g. at aligned offsets of one file, for
     * memory mapping). The bytes to store there are the tensor's elements, little-endian, as in raw_data. Placement is
     * asked for the initializers of sub-graphs too, by their names; tensors inside attributes are always inline.
     * String initializers cannot be external; a placement's length must be the tensor's byte size.
     */
    public static ModelProto toProto(Model model, Function<String, ExternalData> placement) {
        if (model == null) throw new IllegalArgumentException("model is null");
        if (placement == null) throw new IllegalArgumentException("placement is null");
        if (model.graph() == null) throw new IllegalArgumentException("model has no graph");
        if (model.producerName() == null || model.producerVersion() == null) {
            throw new IllegalArgumentException("model has a null producer name or version");
        }
        // The importer refuses an ir_version of 0 (random bytes parse as such a model) and gives a model below 3 with
        // no opset imports opset 1: either would not read back as this model.
        if (model.irVersion() <= 0) {
            throw new IllegalArgumentException("model ir_version " + model.irVersion() + " is not an ONNX IR version");
        }
        Map<String, Integer> opsets = model.graph().opsets();
        if (model.irVersion() < 3 && opsets.isEmpty()) {
            throw new IllegalArgumentException("model of ir_version " + model.irVersion()
                    + " imports no opsets, which ONNX reads as opset 1");
        }
        if (model.graph().nodes().isEmpty() && model.graph().outputs().isEmpty()) {
            throw new IllegalArgumentException("model graph has neither nodes nor outputs, which no reader takes for a model");
        }
        ModelProto.Builder b = ModelProto.newBuilder().setIrVersion(model.irVersion())
                .setProducerName(model.producerName()).setProducerVersion(model.producerVersion());
        for (Map.Entry<String, Integer> e : opsets.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new IllegalArgumentException("model imports opset " + e.getKey() + " version " + e.getValue());
            }
            b.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(e.getKey()).setVersion(e.getValue()));
        }
        String where = "graph '" + model.graph().name() + "'";
        b.setGraph(new GraphEncoder(placement, opsets).encode(model.graph(), where));
        // Sorted, because Model's map has no stable order: the same model always gives the same bytes.
        for (Map.Entry<String, String> e : new TreeMap<>(model.metadata()).entrySet()) {
            b.addMetadataProps(StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
        }
        return b.build();
    }

    /** Serialized bytes of {@link #toProto(Model)}. */
    public static byte[] toBytes(Model model) {
        return toProto(model).toByteArray();
    }
}
