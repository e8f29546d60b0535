package io.jengine.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import io.jengine.errors.EngineException;
import io.jengine.errors.ModelFormatException;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.onnx.proto.OnnxProto.FunctionProto;
import io.jengine.onnx.proto.OnnxProto.GraphProto;
import io.jengine.onnx.proto.OnnxProto.ModelProto;
import io.jengine.onnx.proto.OnnxProto.OperatorSetIdProto;
import io.jengine.onnx.proto.OnnxProto.StringStringEntryProto;
import io.jengine.tensor.UnsupportedDTypeException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads ONNX model files into the engine's IR: protobuf parsing, opset imports, initializers (inline, external,
 * sparse), sub-graphs, and model-local functions inlined. Anything malformed is a {@link ModelFormatException} whose
 * message names the file and what is wrong.
 */
public final class OnnxImporter {
    /** Deeply nested sub-graphs (Loop in If in Loop ...) need more than protobuf's default of 100. */
    private static final int PROTOBUF_RECURSION_LIMIT = 1000;

    private OnnxImporter() {}

    /**
     * Reads a model file; external data files are resolved next to it. The file is mapped, not read: protobuf parses
     * the mapping with aliasing on, so that an initializer's raw bytes are a view of the page cache until they are
     * copied, once, into the tensor (read into the heap, ResNet-50's 100 MB of weights were copied three times, each
     * copy into freshly faulted pages, and its import took 1.6 s).
     */
    public static Model load(Path file) {
        if (!Files.exists(file)) throw new ModelFormatException("model file " + file + " does not exist");
        if (!Files.isRegularFile(file)) throw new ModelFormatException("model file " + file + " is not a regular file");
        Path dir = file.toAbsolutePath().getParent();
        try (FileChannel ch = FileChannel.open(file); Arena arena = Arena.ofShared()) {
            long size = ch.size();
            if (size == 0) throw emptyFile();
            if (size > Integer.MAX_VALUE) {
                throw new ModelFormatException("the file holds " + size + " bytes, over protobuf's 2 GiB limit for"
                        + " one message: keep large weights in ONNX external data files");
            }
            MemorySegment mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            // Through a ByteString: protobuf aliases only what it is told cannot change.
            CodedInputStream in = UnsafeByteOperations.unsafeWrap(mapped.asByteBuffer()).newCodedInput();
            // The parsed message's bytes fields point into the mapping, which closes with this block: decoding
            // copies every one of them out, and neither the message nor its fields leave this method.
            in.enableAliasing(true);
            return decode(parse(in), dir, null);
        } catch (EngineException e) {
            throw GraphDecoder.rewrap(file + ": ", e);
        } catch (IOException | OutOfMemoryError e) {
            throw new ModelFormatException("cannot read model file " + file + ": " + e.getMessage());
        } catch (InternalError e) {
            // how the JVM reports a fault in mapped memory: the file was truncated while it was being read
            throw new ModelFormatException("cannot read model file " + file + " (did it change while it was read?): "
                    + e.getMessage());
        }
    }

    /**
     * Reads a model from bytes; {@code baseDir} (may be null) is where external data files are looked up. Errors are
     * {@link ModelFormatException}s as for {@link #load(Path)}, without a file name.
     */
    public static Model load(byte[] bytes, Path baseDir) {
        return decode(bytes, baseDir);
    }

    /**
     * Decodes a model already parsed (by {@link #parse(ByteBuffer)}, or built in memory); {@code baseDir} as for
     * {@link #load(byte[], Path)}.
     */
    public static Model load(ModelProto proto, Path baseDir) {
        return decode(proto, baseDir, null);
    }

    /**
     * As {@link #load(ModelProto, Path)}, taking external data that {@code mapped} holds from there without a copy
     * (a plan's initializers, slices of its mapped file).
     */
    public static Model load(ModelProto proto, Path baseDir, TensorDecoder.ExternalBytes mapped) {
        return decode(proto, baseDir, mapped);
    }

    private static Model decode(byte[] bytes, Path baseDir) {
        return decode(parse(bytes), baseDir, null);
    }

    private static Model decode(ModelProto proto, Path baseDir, TensorDecoder.ExternalBytes mapped) {
        Map<String, Integer> opsets = new LinkedHashMap<>();
        for (OperatorSetIdProto o : proto.getOpsetImportList()) {
            opsets.put(Node.normalizeDomain(o.getDomain()), (int) o.getVersion());
        }
        if (proto.getIrVersion() < 3 && opsets.isEmpty()) opsets.put("", 1); // pre-opset-import models are opset 1
        GraphProto graph = proto.getGraph();
        if (proto.getFunctionsCount() > 0) {
            for (FunctionProto f : proto.getFunctionsList()) {
                for (OperatorSetIdProto o : f.getOpsetImportList()) {
                    opsets.putIfAbsent(Node.normalizeDomain(o.getDomain()), (int) o.getVersion());
                }
            }
            graph = new FunctionInliner(proto.getFunctionsList()).inline(graph);
        }
        Graph g;
        try {
            g = new GraphDecoder(new TensorDecoder(baseDir, mapped), opsets).decode(graph);
        } catch (UnsupportedDTypeException e) {
            throw new ModelFormatException(e.getMessage(), e);
        } catch (EngineException e) {
            throw e;
        } catch (RuntimeException e) {
            // A well-formed protobuf can still describe an impossible tensor or graph; never let that escape raw.
            throw new ModelFormatException("invalid model: " + e, e);
        }
        Map<String, String> meta = new LinkedHashMap<>();
        for (StringStringEntryProto e : proto.getMetadataPropsList()) meta.put(e.getKey(), e.getValue());
        return new Model(proto.getIrVersion(), proto.getProducerName(), proto.getProducerVersion(), g, meta);
    }

    private static ModelProto parse(byte[] bytes) {
        if (bytes.length == 0) throw emptyFile();
        return parse(CodedInputStream.newInstance(bytes));
    }

    /**
     * Parses an ONNX model's protobuf from {@code bytes} (deeply nested sub-graphs allowed) and checks that it is a
     * model; errors are {@link ModelFormatException}s as for {@link #load(byte[], Path)}.
     */
    public static ModelProto parse(ByteBuffer bytes) {
        if (!bytes.hasRemaining()) throw emptyFile();
        return parse(CodedInputStream.newInstance(bytes));
    }

    private static ModelFormatException emptyFile() {
        return new ModelFormatException("the file is empty, not an ONNX model");
    }

    private static ModelProto parse(CodedInputStream in) {
        ModelProto proto;
        try {
            in.setRecursionLimit(PROTOBUF_RECURSION_LIMIT);
            proto = ModelProto.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw new ModelFormatException("not a valid ONNX model (truncated or not protobuf): " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            throw new ModelFormatException("not a valid ONNX model: " + e.getMessage());
        }
        // Random bytes can parse as a protobuf message of unknown fields: require what every ONNX model has.
        if (!proto.hasGraph() || proto.getIrVersion() <= 0) {
            throw new ModelFormatException("not an ONNX model: " + (proto.hasGraph() ? "ir_version is missing"
                    : "it has no graph") + " (truncated or not an .onnx file?)");
        }
        if (proto.getGraph().getNodeCount() == 0 && proto.getGraph().getOutputCount() == 0) {
            throw new ModelFormatException("not an ONNX model: its graph has neither nodes nor outputs");
        }
        return proto;
    }
}
