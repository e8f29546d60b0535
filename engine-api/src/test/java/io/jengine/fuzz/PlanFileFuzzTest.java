package io.jengine.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jengine.errors.EngineException;
import io.jengine.plan.PlanFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The plan reader on arbitrary bytes. A plan ends in a CRC-32C of everything before it and states its own length, so
 * nearly every mutation would stop at those checks: inputs that start like a plan get both made consistent first
 * (the mutation's shape kept), so that the fuzzer reaches the header, the graph and the external data behind them.
 */
class PlanFileFuzzTest {
    /** Magic (8), version (4), header length (4), file length (8); a CRC-32C (8) at the end. */
    static final int FIXED = 24, TRAILER = 8;

    @FuzzTest
    void readsOrRefuses(byte[] bytes) throws Exception {
        byte[] plan = consistent(bytes);
        try {
            PlanFile.read(FuzzFiles.fresh(".plan", plan)).model().graph().nodes().size();
        } catch (EngineException expected) {
            // a clear refusal
        }
    }

    static byte[] consistent(byte[] bytes) {
        if (bytes.length < FIXED + TRAILER || bytes[0] != 'J') return bytes;
        byte[] b = bytes.clone();
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(16, b.length);
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - TRAILER);
        buf.putLong(b.length - TRAILER, crc.getValue());
        return b;
    }
}
