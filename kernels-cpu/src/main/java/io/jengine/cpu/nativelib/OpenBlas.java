package io.jengine.cpu.nativelib;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Raw bindings to OpenBLAS 0.3.30 (cblas.h and openblas_config.h from org.bytedeco:openblas:0.3.30-1.5.12), in the
 * shape jextract generates. That build uses 32-bit {@code blasint} (no INTERFACE64) and pthreads, not OpenMP: its
 * thread count is one process-wide setting. Nothing here checks arguments; {@link NativeSgemm} does.
 */
public final class OpenBlas {
    private OpenBlas() {}

    // enum CBLAS_ORDER, enum CBLAS_TRANSPOSE
    public static final int CblasRowMajor = 101;
    public static final int CblasColMajor = 102;
    public static final int CblasNoTrans = 111;
    public static final int CblasTrans = 112;

    private static MethodHandle handle(String name, FunctionDescriptor fd) {
        return Downcalls.find(NativeLibraries.openBlas(), NativeLibraries::openBlasStatus, name, fd);
    }

    private static final MethodHandle SGEMM = handle("cblas_sgemm", FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT,
            JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_FLOAT,
            ADDRESS, JAVA_INT));
    private static final MethodHandle SET_NUM_THREADS = handle("openblas_set_num_threads",
            FunctionDescriptor.ofVoid(JAVA_INT));
    private static final MethodHandle GET_NUM_THREADS = handle("openblas_get_num_threads",
            FunctionDescriptor.of(JAVA_INT));

    /** {@code void cblas_sgemm(order, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc)}. */
    public static void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha,
                                   MemorySegment a, int lda, MemorySegment b, int ldb, float beta, MemorySegment c,
                                   int ldc) {
        try {
            SGEMM.invokeExact(order, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** {@code void openblas_set_num_threads(int)}: process-wide, for every thread's later calls. */
    public static void openblas_set_num_threads(int threads) {
        try {
            SET_NUM_THREADS.invokeExact(threads);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int openblas_get_num_threads() {
        try {
            return (int) GET_NUM_THREADS.invokeExact();
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }
}
