package io.jengine.opencl;

import io.jengine.spi.Kernel;
import io.jengine.spi.KernelContext;
import io.jengine.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.jocl.cl_mem;

/**
 * The base of the OpenCL backend's kernels: each runs on the device memory of the session that runs it, enqueues its
 * work and returns (the queue is in order; the plan's transfers wait for it). Metadata a kernel needs on the device
 * (broadcast strides, convolution geometry) is uploaded once when the kernel is prepared and freed when it closes.
 */
abstract class ClOp implements Kernel {
    final OpenClDevice device;
    private final List<cl_mem> owned = new ArrayList<>();

    ClOp(OpenClDevice device) { this.device = device; }

    @Override
    public final void run(KernelContext ctx) {
        if (!(ctx.deviceMemory() instanceof OpenClMemory mem) || mem.device() != device) {
            throw new IllegalStateException("an OpenCL kernel for " + device.name() + " ran without that device's memory");
        }
        mem.recording(() -> run(ctx, mem));
    }

    abstract void run(KernelContext ctx, OpenClMemory mem);

    /** A device-side copy of {@code values}, kept until the kernel closes. */
    final cl_mem longs(long... values) {
        ByteBuffer b = ByteBuffer.allocate(Math.max(8, values.length * 8)).order(ByteOrder.nativeOrder());
        for (long v : values) b.putLong(v);
        return own(device.constant(b.array()));
    }

    final cl_mem ints(int... values) {
        ByteBuffer b = ByteBuffer.allocate(Math.max(4, values.length * 4)).order(ByteOrder.nativeOrder());
        for (int v : values) b.putInt(v);
        return own(device.constant(b.array()));
    }

    /** A read-only device copy of {@code values}, kept until the kernel closes. */
    final cl_mem constantFloats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(Math.max(4, values.length * 4)).order(ByteOrder.nativeOrder());
        for (float v : values) b.putFloat(v);
        return own(device.constant(b.array()));
    }

    /** A read-only device copy of {@code bytes}, kept until the kernel closes. */
    final cl_mem constantBytes(byte[] bytes) { return own(device.constant(bytes)); }

    /** A 4-byte device flag that kernels may set (e.g. an index out of range), kept until the kernel closes. */
    final cl_mem flag() { return own(device.writable(new byte[4])); }

    /**
     * The values of a constant float32 tensor as half floats on the device, when every one of them is one exactly (the
     * weights of an {@code --fp16} plan, rounded through half precision when it was built): half the bytes, read back
     * unchanged by {@code vload_half}. Null when some value is not a half float.
     */
    final cl_mem halves(Tensor t) {
        float[] v = t.toFloatArray();
        ByteBuffer b = ByteBuffer.allocate(Math.max(2, v.length * 2)).order(ByteOrder.nativeOrder());
        for (float x : v) {
            short h = Float.floatToFloat16(x);
            if (Float.float16ToFloat(h) != x) return null; // NaN too: weights with NaN stay float32
            b.putShort(h);
        }
        return constantBytes(b.array());
    }

    /** The float32 values of a constant tensor on the device (weights), kept until the kernel closes. */
    final cl_mem floats(Tensor t) {
        return own(device.constant(t.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)));
    }

    /** The bytes of device memory this kernel holds (weights, metadata), as the driver reports its buffers. */
    final long ownedBytes() {
        long total = 0;
        synchronized (owned) {
            for (cl_mem m : owned) {
                long[] size = new long[1];
                org.jocl.CL.clGetMemObjectInfo(m, org.jocl.CL.CL_MEM_SIZE, org.jocl.Sizeof.size_t,
                        org.jocl.Pointer.to(size), null);
                total += size[0];
            }
        }
        return total;
    }

    private cl_mem own(cl_mem m) {
        synchronized (owned) {
            owned.add(m);
        }
        return m;
    }

    /**
     * The index metadata of a broadcasting kernel: the output's dims, then each operand's element strides along
     * them (0 on a broadcast axis), rank entries each, as {@code elementwise.cl} and generated chains read it.
     */
    static long[] broadcastMeta(long[] out, long[]... operands) {
        int r = out.length;
        long[] m = new long[Math.max(1, r * (operands.length + 1))];
        System.arraycopy(out, 0, m, 0, r);
        for (int i = 0; i < operands.length; i++) {
            System.arraycopy(io.jengine.tensor.Shapes.broadcastStrides(operands[i], out), 0, m, r * (i + 1), r);
        }
        return m;
    }

    /** Appends {@code t}'s device buffer and element offset, the way every kernel takes a tensor. */
    static void tensor(List<Object> args, OpenClMemory mem, Tensor t) {
        OpenClMemory.Located at = mem.locate(t);
        args.add(at.mem());
        args.add(at.byteOffset() / Math.max(1, t.dtype().byteSize()));
    }

    /** The inputs this kernel took what it needs from when prepared, and never reads on the device. */
    private final java.util.BitSet held = new java.util.BitSet();

    /** Marks inputs this kernel holds itself (weights it uploaded in its own form, scales it read as numbers). */
    final void hold(int... inputs) {
        for (int i : inputs) held.set(i);
    }

    @Override
    public boolean holdsInput(int i) { return i >= 0 && held.get(i); }

    @Override
    public boolean compiledByJit() { return false; }

    @Override
    public void close() {
        synchronized (owned) {
            owned.forEach(OpenClDevice::release);
            owned.clear();
        }
    }
}
