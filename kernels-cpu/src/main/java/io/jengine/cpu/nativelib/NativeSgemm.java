package io.jengine.cpu.nativelib;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Single-precision row-major GEMM through a native library, for the tactics that compete with the Vector API
 * kernels: {@code C := alpha * op(A) * op(B) + beta * C} (see {@link SgemmShape}) on native segments, with the
 * thread count given per call.
 *
 * <p>oneDNN takes its thread count from the calling thread's OpenMP setting, so concurrent calls with different
 * counts do not interfere. OpenBLAS's pthreads build has one process-wide count, so its calls are serialised: the
 * count is set and the GEMM run under one lock, and a concurrent caller waits instead of changing the count under a
 * running GEMM.
 */
public final class NativeSgemm {
    /** The library a {@link NativeSgemm} calls. */
    public enum Library { DNNL, OPENBLAS }

    private static final ReentrantLock OPENBLAS_LOCK = new ReentrantLock();
    private static final byte NO_TRANS = 'N';
    private static final byte TRANS = 'T';

    private final Library library;

    private NativeSgemm(Library library) {
        this.library = library;
    }

    /** The GEMM of {@code library}, or empty where it did not load ({@link #status} says why). */
    public static Optional<NativeSgemm> of(Library library) {
        boolean loaded = switch (library) {
            case DNNL -> NativeLibraries.dnnl().isPresent();
            case OPENBLAS -> NativeLibraries.openBlas().isPresent();
        };
        return loaded ? Optional.of(new NativeSgemm(library)) : Optional.empty();
    }

    /** One line: where {@code library} was loaded from, or why it was not. */
    public static String status(Library library) {
        return switch (library) {
            case DNNL -> NativeLibraries.dnnlStatus();
            case OPENBLAS -> NativeLibraries.openBlasStatus();
        };
    }

    public Library library() {
        return library;
    }

    /** {@code C = A * B} on contiguous row-major matrices, each starting at its segment's first byte. */
    public void multiply(int m, int n, int k, MemorySegment a, MemorySegment b, MemorySegment c, int threads) {
        multiply(SgemmShape.packed(m, n, k), a, 0, b, 0, c, 0, threads);
    }

    /**
     * Runs {@code shape} with A, B and C starting at the given float offsets of their segments, on {@code threads}
     * threads. Every extent is checked against the segments first: a failure is an {@link IllegalArgumentException}
     * and nothing is called.
     */
    public void multiply(SgemmShape shape, MemorySegment a, long aOffset, MemorySegment b, long bOffset,
                         MemorySegment c, long cOffset, int threads) {
        SegmentChecks.positive("threads", threads);
        MemorySegment as = SegmentChecks.floats("A", a, aOffset, shape.aElements());
        MemorySegment bs = SegmentChecks.floats("B", b, bOffset, shape.bElements());
        MemorySegment cs = SegmentChecks.floats("C", c, cOffset, shape.cElements());
        if (cs.asOverlappingSlice(as).isPresent() || cs.asOverlappingSlice(bs).isPresent()) {
            throw new IllegalArgumentException("C must not overlap A or B");
        }
        if (shape.m() == 0 || shape.n() == 0) return;
        if (shape.k() == 0) {
            // op(A) * op(B) is empty: C := beta * C. Done here rather than trusting each library's K = 0 path.
            scale(cs, shape, shape.beta());
            return;
        }
        switch (library) {
            case DNNL -> dnnl(shape, as, bs, cs, threads);
            case OPENBLAS -> openBlas(shape, as, bs, cs, threads);
        }
    }

    private static void dnnl(SgemmShape s, MemorySegment a, MemorySegment b, MemorySegment c, int threads) {
        Gomp.omp_set_num_threads(threads);
        int status = Dnnl.dnnl_sgemm(s.transA() ? TRANS : NO_TRANS, s.transB() ? TRANS : NO_TRANS, s.m(), s.n(), s.k(),
                s.alpha(), a, s.lda(), b, s.ldb(), s.beta(), c, s.ldc());
        // the shape is named only on failure, so that a run builds no string
        if (status != DnnlStatus.SUCCESS) {
            DnnlStatus.check(status, "dnnl_sgemm", "M=" + s.m() + " N=" + s.n() + " K=" + s.k());
        }
    }

    private static void openBlas(SgemmShape s, MemorySegment a, MemorySegment b, MemorySegment c, int threads) {
        OPENBLAS_LOCK.lock();
        try {
            if (OpenBlas.openblas_get_num_threads() != threads) OpenBlas.openblas_set_num_threads(threads);
            int transA = s.transA() ? OpenBlas.CblasTrans : OpenBlas.CblasNoTrans;
            int transB = s.transB() ? OpenBlas.CblasTrans : OpenBlas.CblasNoTrans;
            OpenBlas.cblas_sgemm(OpenBlas.CblasRowMajor, transA, transB, s.m(), s.n(), s.k(), s.alpha(), a, s.lda(), b,
                    s.ldb(), s.beta(), c, s.ldc());
        } finally {
            OPENBLAS_LOCK.unlock();
        }
    }

    private static void scale(MemorySegment c, SgemmShape s, float beta) {
        for (long i = 0; i < s.m(); i++) {
            for (long j = 0; j < s.n(); j++) {
                long at = (i * s.ldc() + j) * Float.BYTES;
                // BLAS semantics: beta == 0 overwrites C, even where it held NaN.
                c.set(ValueLayout.JAVA_FLOAT, at, beta == 0 ? 0f : beta * c.get(ValueLayout.JAVA_FLOAT, at));
            }
        }
    }
}
