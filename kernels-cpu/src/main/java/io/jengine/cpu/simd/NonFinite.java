package io.jengine.cpu.simd;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Whether float32 memory holds a NaN or an infinity: one vector pass, for tactics exact only on finite inputs. */
final class NonFinite {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private NonFinite() {}

    /** True when one of the {@code count} floats at the start of {@code m} is NaN or infinite. */
    static boolean any(MemorySegment m, long count) {
        if (count * Float.BYTES > m.byteSize()) {
            throw new IllegalArgumentException(count + " floats need " + count * Float.BYTES + " bytes, the segment has "
                    + m.byteSize());
        }
        long i = 0, bound = count - count % S.length();
        for (; i < bound; i += S.length()) {
            if (!FloatVector.fromMemorySegment(S, m, i * Float.BYTES, ByteOrder.nativeOrder())
                    .test(VectorOperators.IS_FINITE).allTrue()) {
                return true;
            }
        }
        for (; i < count; i++) {
            if (!Float.isFinite(m.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i))) return true;
        }
        return false;
    }
}
