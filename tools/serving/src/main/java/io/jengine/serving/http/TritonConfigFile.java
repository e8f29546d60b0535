package io.jengine.serving.http;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import io.jengine.serving.ModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A model folder's Triton {@code config.pbtxt}: the text format of Triton's {@code ModelConfig} protobuf, read with
 * protobuf's own text parser against the part of that message the server acts on — {@code max_batch_size},
 * {@code dynamic_batching { preferred_batch_size, max_queue_delay_microseconds }}, {@code instance_group [{ count }]}
 * — declared here with Triton's field names and numbers. Everything else Triton defines (inputs, outputs, the backend,
 * optimization settings ...) is accepted and left alone: the model file itself declares its tensors.
 */
final class TritonConfigFile {
    static final String NAME = "config.pbtxt";
    private static final Descriptors.Descriptor MODEL_CONFIG = modelConfig();
    private static final TextFormat.Parser PARSER = TextFormat.Parser.newBuilder().setAllowUnknownFields(true).build();

    private TritonConfigFile() {}

    /** The settings of {@code file} over {@code defaults}. */
    static ModelConfig read(Path file, ModelConfig defaults) throws IOException {
        DynamicMessage.Builder b = DynamicMessage.newBuilder(MODEL_CONFIG);
        try {
            PARSER.merge(Files.readString(file), b);
        } catch (TextFormat.ParseException e) {
            throw new IllegalArgumentException("not a Triton model configuration: " + e.getMessage(), e);
        }
        Message m = b.build();
        ModelConfig.Builder out = defaults.toBuilder();
        if (has(m, "max_batch_size")) out.maxBatchSize((Integer) get(m, "max_batch_size"));
        if (has(m, "dynamic_batching")) {
            Message d = (Message) get(m, "dynamic_batching");
            List<Integer> preferred = new ArrayList<>();
            for (Object v : (List<?>) get(d, "preferred_batch_size")) preferred.add((Integer) v);
            out.preferredBatchSizes(preferred);
            if (has(d, "max_queue_delay_microseconds")) {
                out.maxQueueDelayMicros((Long) get(d, "max_queue_delay_microseconds"));
            }
        } else if (has(m, "max_batch_size")) {
            // Triton batches only with dynamic_batching set; max_batch_size alone says the model takes batches
            out.maxBatchSize(0);
        }
        int instances = 0;
        for (Object g : (List<?>) get(m, "instance_group")) {
            Message group = (Message) g;
            instances += has(group, "count") ? (Integer) get(group, "count") : 1;
        }
        if (instances > 0) out.instanceCount(instances);
        return out.build();
    }

    private static boolean has(Message m, String field) {
        return m.hasField(m.getDescriptorForType().findFieldByName(field));
    }

    private static Object get(Message m, String field) {
        return m.getField(m.getDescriptorForType().findFieldByName(field));
    }

    private static Descriptors.Descriptor modelConfig() {
        DescriptorProto batching = DescriptorProto.newBuilder().setName("ModelDynamicBatching")
                .addField(field("preferred_batch_size", 1, FieldDescriptorProto.Type.TYPE_INT32, true))
                .addField(field("max_queue_delay_microseconds", 2, FieldDescriptorProto.Type.TYPE_UINT64, false))
                .build();
        DescriptorProto group = DescriptorProto.newBuilder().setName("ModelInstanceGroup")
                .addField(field("name", 1, FieldDescriptorProto.Type.TYPE_STRING, false))
                .addField(field("count", 2, FieldDescriptorProto.Type.TYPE_INT32, false))
                .build();
        DescriptorProto config = DescriptorProto.newBuilder().setName("ModelConfig")
                .addField(field("name", 1, FieldDescriptorProto.Type.TYPE_STRING, false))
                .addField(field("platform", 2, FieldDescriptorProto.Type.TYPE_STRING, false))
                .addField(field("max_batch_size", 4, FieldDescriptorProto.Type.TYPE_INT32, false))
                .addField(message("instance_group", 7, ".inference.ModelInstanceGroup", true))
                .addField(message("dynamic_batching", 11, ".inference.ModelDynamicBatching", false))
                .addField(field("backend", 17, FieldDescriptorProto.Type.TYPE_STRING, false))
                .build();
        FileDescriptorProto file = FileDescriptorProto.newBuilder().setName("jengine/triton_model_config.proto")
                .setPackage("inference").setSyntax("proto2")
                .addMessageType(batching).addMessageType(group).addMessageType(config).build();
        try {
            return Descriptors.FileDescriptor.buildFrom(file, new Descriptors.FileDescriptor[0])
                    .findMessageTypeByName("ModelConfig");
        } catch (Descriptors.DescriptorValidationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static FieldDescriptorProto field(String name, int number, FieldDescriptorProto.Type type, boolean repeated) {
        return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(type)
                .setLabel(repeated ? FieldDescriptorProto.Label.LABEL_REPEATED : FieldDescriptorProto.Label.LABEL_OPTIONAL)
                .build();
    }

    private static FieldDescriptorProto message(String name, int number, String type, boolean repeated) {
        return field(name, number, FieldDescriptorProto.Type.TYPE_MESSAGE, repeated).toBuilder().setTypeName(type).build();
    }
}
