package io.jengine.plan;

import com.google.protobuf.InvalidProtocolBufferException;
import io.jengine.errors.EngineException;
import io.jengine.io.AtomicFile;
import io.jengine.ir.Model;
import io.jengine.onnx.OnnxExporter;
import io.jengine.onnx.OnnxImporter;
import io.jengine.onnx.proto.OnnxProto.ModelProto;
import io.jengine.onnx.proto.OnnxProto.StringStringEntryProto;
import io.jengine.onnx.proto.OnnxProto.TensorProto;
import io.jengine.plan.proto.PlanProto.PackedRecord;
import io.jengine.plan.proto.PlanProto.PlanHeader;
import io.jengine.spi.PackedPart;
import io.jengine.spi.PackedStore;
import io.jengine.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The plan file format: what {@code engine build} writes and {@code engine run|bench|inspect MODEL.plan} and
 * {@code EngineBuilder.forPlan} read. One file, little-endian:
 *
 * <pre>
 *   0  "JENGPLAN"                     magic
 *   8  u32 format version             {@link #FORMAT_VERSION}; another version is refused, never guessed at
 *  12  u32 header length H
 *  16  u64 file length                a truncated or extended file is caught before anything is parsed
 *  24  header (H bytes)               a {@code PlanHeader} protobuf (plan.proto)
 *      graph                          an ONNX ModelProto of the optimized graph; the main graph's initializers are
 *                                     ONNX external data whose offsets point into this same file
 *      initializer bytes              each at a 64-byte aligned offset, so that they can be mapped as they lie
 *      packed parts                   the kernels' derived data (reordered or transformed weights), 64-byte aligned,
 *                                     listed in the header; loading maps them instead of deriving them again
 *  L-8 u64 CRC-32C of bytes [0, L-8)  tampering or bit rot is one clear error
 * </pre>
 *
 * The graph is stored as ONNX so that one importer (and its validation) reads both kinds of file; the engine's own ops
 * (domain {@code jengine}) and blocked layouts are ordinary nodes and types there.
 */
public final class PlanFile {
    /** The first eight bytes of every plan. */
    public static final byte[] MAGIC = "JENGPLAN".getBytes(StandardCharsets.US_ASCII);
    /** The format this engine writes and the only one it reads. */
    public static final int FORMAT_VERSION = 1;
    private static final int FIXED = 24, TRAILER = 8, ALIGN = 64;
    /** The external-data location written for initializers: resolved to the plan's own file when read. */
    private static final String SELF = "jengine-plan-self";

    private PlanFile() {}

    /** Whether {@code file} starts with the plan magic (false for anything unreadable). */
    public static boolean isPlan(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(MAGIC.length);
            while (b.hasRemaining() && ch.read(b) >= 0) { }
            return !b.hasRemaining() && java.util.Arrays.equals(b.array(), MAGIC);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Writes {@code model} with {@code header} (its graph offset and length are filled in here) to {@code file},
     * through a temporary file in the same folder moved into place, so that a reader never sees half a plan.
     */
    public static void write(Path file, PlanHeader header, Model model) {
        write(file, header, model, Map.of());
    }

    /**
     * As {@link #write(Path, PlanHeader, Model)}, with the kernels' packed parts by layer stored after the
     * initializers (the header lists them), for {@link #read} to hand back through {@link LoadedPlan#packed}.
     */
    public static void write(Path file, PlanHeader header, Model model, Map<String, List<PackedPart>> packed) {
        Map<String, Tensor> inits = new LinkedHashMap<>();
        model.graph().initializers().forEach((name, t) -> {
            if (t.dtype() != io.jengine.tensor.DType.STRING) inits.put(name, t); // strings stay inline in the graph
        });
        // Initializer offsets are relative to the data region; the region's start is known once the graph's size is.
        Map<String, long[]> placed = new LinkedHashMap<>();
        long rel = 0;
        for (var e : inits.entrySet()) {
            long bytes = bytesOf(e.getValue());
            placed.put(e.getKey(), new long[] {rel, bytes});
            rel = align(rel + bytes);
        }
        List<MemorySegment> partBytes = new ArrayList<>();
        PlanHeader.Builder withParts = header.toBuilder().clearPacked();
        for (var e : packed.entrySet()) {
            for (PackedPart part : e.getValue()) {
                long bytes = part.bytes().byteSize();
                withParts.addPacked(PackedRecord.newBuilder().setLayer(e.getKey()).setName(part.name())
                        .setForm(part.form()).setOffset(rel).setLength(bytes));
                partBytes.add(part.bytes());
                rel = align(rel + bytes);
            }
        }
        header = withParts.build();
        long dataBytes = rel;
        // The header's own size depends on the offsets it holds: lay out with a first guess, then fix point.
        long graphOffset = 0, dataStart = 0;
        byte[] headerBytes = null, graphBytes = null;
        for (int pass = 0; pass < 4; pass++) {
            long base = dataStart;
            ModelProto proto = OnnxExporter.toProto(model, name -> {
                long[] p = placed.get(name);
                return p == null ? null : new OnnxExporter.ExternalData(SELF, base + p[0], p[1]);
            });
            graphBytes = proto.toByteArray();
            headerBytes = header.toBuilder().setGraphOffset(graphOffset).setGraphLength(graphBytes.length).build()
                    .toByteArray();
            long newGraphOffset = align(FIXED + headerBytes.length);
            long newDataStart = align(newGraphOffset + graphBytes.length);
            if (newGraphOffset == graphOffset && newDataStart == dataStart) break;
            graphOffset = newGraphOffset;
            dataStart = newDataStart;
            if (pass == 3) throw new EngineException("plan layout did not settle (header " + headerBytes.length + " bytes)");
        }
        long length = dataStart + dataBytes + TRAILER;
        final long graphAt = graphOffset, dataAt = dataStart, dataLength = dataBytes;
        final byte[] headerOut = headerBytes, graphOut = graphBytes;
        final List<PackedRecord> records = header.getPackedList();
        try {
            AtomicFile.replace(file, out -> {
                CRC32C crc = new CRC32C();
                CheckedWriter w = new CheckedWriter(out, crc);
                ByteBuffer fixed = ByteBuffer.allocate(FIXED).order(ByteOrder.LITTLE_ENDIAN);
                fixed.put(MAGIC).putInt(FORMAT_VERSION).putInt(headerOut.length).putLong(length);
                w.write(fixed.array());
                w.write(headerOut);
                w.padTo(graphAt);
                w.write(graphOut);
                w.padTo(dataAt);
                for (var e : inits.entrySet()) {
                    w.padTo(dataAt + placed.get(e.getKey())[0]);
                    w.write(e.getValue().data(), bytesOf(e.getValue()));
                }
                for (int i = 0; i < records.size(); i++) {
                    w.padTo(dataAt + records.get(i).getOffset());
                    w.write(partBytes.get(i), records.get(i).getLength());
                }
                w.padTo(dataAt + dataLength);
                ByteBuffer trailer = ByteBuffer.allocate(TRAILER).order(ByteOrder.LITTLE_ENDIAN);
                trailer.putLong(crc.getValue());
                out.write(trailer.array());
            });
        } catch (IOException e) {
            throw new EngineException("cannot write plan " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads and checks a plan; every problem with the file is a {@link PlanFormatException} naming it. */
    public static LoadedPlan read(Path file) {
        if (!Files.isRegularFile(file)) throw new PlanFormatException("plan file " + file + " does not exist");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            long size = ch.size();
            if (size < FIXED + TRAILER) throw new PlanFormatException(file + " is not a jengine plan (" + size + " bytes)");
            MemorySegment m = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            byte[] magic = m.asSlice(0, MAGIC.length).toArray(ValueLayout.JAVA_BYTE);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new PlanFormatException(file + " is not a jengine plan (it does not start with JENGPLAN)");
            }
            ValueLayout.OfInt u32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
            ValueLayout.OfLong u64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
            int version = m.get(u32, 8);
            if (version != FORMAT_VERSION) {
                throw new PlanFormatException(file + " is a plan of format version " + version + "; this engine reads"
                        + " version " + FORMAT_VERSION + ": build the plan again with this engine");
            }
            int headerLength = m.get(u32, 12);
            long length = m.get(u64, 16);
            if (length != size) {
                throw new PlanFormatException(file + " is " + size + " bytes, its header says " + length
                        + (size < length ? ": the file is truncated" : ": bytes were added to it"));
            }
            CRC32C crc = new CRC32C();
            crc.update(m.asSlice(0, size - TRAILER).asByteBuffer());
            long stored = m.get(u64, size - TRAILER);
            if (stored != crc.getValue()) {
                throw new PlanFormatException(file + " is corrupted: its checksum does not match its content");
            }
            if (headerLength < 0 || FIXED + (long) headerLength > size - TRAILER) {
                throw new PlanFormatException(file + ": header length " + headerLength + " does not fit the file");
            }
            PlanHeader header;
            try {
                header = PlanHeader.parseFrom(m.asSlice(FIXED, headerLength).asByteBuffer());
            } catch (InvalidProtocolBufferException e) {
                throw new PlanFormatException(file + ": unreadable plan header: " + e.getMessage());
            } catch (RuntimeException e) {
                // protobuf's decoder of direct (mapped) buffers lets some malformed lengths escape as index errors
                throw new PlanFormatException(file + ": unreadable plan header: " + e);
            }
            long go = header.getGraphOffset(), gl = header.getGraphLength();
            if (go < FIXED + headerLength || gl <= 0 || go + gl > size - TRAILER) {
                throw new PlanFormatException(file + ": the graph's place (" + go + ", " + gl + " bytes) does not fit the file");
            }
            ModelProto proto;
            try {
                proto = OnnxImporter.parse(m.asSlice(go, gl).asByteBuffer());
            } catch (EngineException e) {
                throw new PlanFormatException(file + ": unreadable graph: " + e.getMessage(), e);
            }
            // The data region (initializers, packed parts) mapped once, read-only (a Java write into a weight, which
            // nothing should make, is an exception; the memory plan never puts an output in a constant's place, and
            // native kernels only read weights) and apart from the mapping the checksum read through, so that pages
            // nothing reads (the weights of layers whose kernels take stored parts) are never brought into the
            // process; unmapped once no tensor or part refers to it.
            long dataStart = align(go + gl), dataEnd = size - TRAILER;
            MemorySegment data = dataEnd > dataStart
                    ? ch.map(FileChannel.MapMode.READ_ONLY, dataStart, dataEnd - dataStart, Arena.ofAuto())
                    : MemorySegment.NULL;
            String self = file.getFileName().toString();
            Model model = HalfWeights.restore(OnnxImporter.load(selfReferenced(proto, self),
                    file.toAbsolutePath().getParent(), (location, offset, bytes, tensor) -> {
                        if (!location.equals(self)) return null;
                        if (offset < dataStart || bytes < 0 || offset - dataStart > data.byteSize() - bytes) {
                            throw new PlanFormatException(file + ": initializer " + tensor + " (" + bytes
                                    + " bytes at " + offset + ") does not fit the file's data region");
                        }
                        return data.asSlice(offset - dataStart, bytes);
                    }));
            return new LoadedPlan(file, header, model, packedStore(file, header, data));
        } catch (IOException e) {
            throw new PlanFormatException("cannot read plan " + file + ": " + e.getMessage(), e);
        } catch (PlanFormatException e) {
            throw e;
        } catch (EngineException e) {
            throw new PlanFormatException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The header's packed parts as slices of the mapped data region, each checked to lie in it at an aligned offset;
     * one that does not makes the plan unreadable, as a damaged file.
     */
    private static PackedStore packedStore(Path file, PlanHeader header, MemorySegment data) {
        if (header.getPackedCount() == 0) return PackedStore.NONE;
        record Stored(String form, MemorySegment bytes) {}
        Map<String, Map<String, Stored>> byLayer = new java.util.HashMap<>();
        for (PackedRecord r : header.getPackedList()) {
            long off = r.getOffset(), len = r.getLength();
            if (off < 0 || len < 0 || off % ALIGN != 0 || off > data.byteSize() || len > data.byteSize() - off) {
                throw new PlanFormatException(file + ": packed part " + r.getName() + " of layer " + r.getLayer()
                        + " (" + len + " bytes at " + off + ") does not fit the file's data region");
            }
            Stored part = new Stored(r.getForm(), data.asSlice(off, len));
            if (byLayer.computeIfAbsent(r.getLayer(), k -> new java.util.HashMap<>()).put(r.getName(), part) != null) {
                throw new PlanFormatException(file + ": layer " + r.getLayer() + " has packed part " + r.getName()
                        + " twice");
            }
        }
        return (layer, name, form) -> {
            Map<String, Stored> parts = byLayer.get(layer);
            Stored part = parts == null ? null : parts.get(name);
            return part != null && part.form().equals(form) ? part.bytes() : null;
        };
    }

    /** The proto with the main graph's external data pointed at the plan file itself, wherever it now lies. */
    private static ModelProto selfReferenced(ModelProto proto, String fileName) {
        ModelProto.Builder b = proto.toBuilder();
        var g = b.getGraphBuilder();
        for (TensorProto.Builder t : g.getInitializerBuilderList()) {
            if (t.getDataLocation() != TensorProto.DataLocation.EXTERNAL) continue;
            for (StringStringEntryProto.Builder e : t.getExternalDataBuilderList()) {
                if (e.getKey().equals("location")) {
                    if (!e.getValue().equals(SELF)) {
                        throw new PlanFormatException("initializer " + t.getName() + " points outside the plan ('"
                                + e.getValue() + "')");
                    }
                    e.setValue(fileName);
                }
            }
        }
        return b.build();
    }

    private static long bytesOf(Tensor t) { return t.size() * t.dtype().byteSize(); }

    private static long align(long v) { return (v + ALIGN - 1) / ALIGN * ALIGN; }

    /** Writes while summing the CRC and counting the position, so that padding lands where the layout says. */
    private static final class CheckedWriter {
        private final OutputStream out;
        private final CRC32C crc;
        private final byte[] chunk = new byte[1 << 20];
        private long position;

        CheckedWriter(OutputStream out, CRC32C crc) {
            this.out = out;
            this.crc = crc;
        }

        void write(byte[] b) throws IOException {
            out.write(b);
            crc.update(b);
            position += b.length;
        }

        void write(MemorySegment s, long n) throws IOException {
            for (long off = 0; off < n; off += chunk.length) {
                int len = (int) Math.min(chunk.length, n - off);
                MemorySegment.copy(s, ValueLayout.JAVA_BYTE, off, chunk, 0, len);
                out.write(chunk, 0, len);
                crc.update(chunk, 0, len);
            }
            position += n;
        }

        void padTo(long target) throws IOException {
            if (target < position) throw new IllegalStateException("plan layout overlaps at " + position + " > " + target);
            write(new byte[(int) (target - position)]);
        }
    }
}
