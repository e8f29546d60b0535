package io.jengine.cpu.ref;

/**
 * The MT19937 generator seeded and read the way numpy's legacy {@code np.random.seed(s)} /
 * {@code np.random.random_sample()} do. ONNX's reference implementation draws Dropout's mask that way, so a model that
 * fixes the {@code seed} attribute gets the same mask here as in the ONNX backend tests.
 */
final class MersenneTwister {
    private static final int N = 624;
    private static final int M = 397;
    private static final int UPPER = 0x80000000;
    private static final int LOWER = 0x7fffffff;
    private static final int MATRIX_A = 0x9908b0df;

    private final int[] mt = new int[N];
    private int pos;

    /** Seeds with the low 32 bits of {@code seed} (numpy's {@code init_genrand}). */
    MersenneTwister(long seed) {
        mt[0] = (int) seed;
        for (int i = 1; i < N; i++) {
            mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
        }
        pos = N;
    }

    /** The next 32 random bits. */
    int nextInt() {
        if (pos >= N) regenerate();
        int y = mt[pos++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    /** A double in [0, 1) with 53 random bits, built from two draws as numpy's {@code random_sample} builds it. */
    double nextDouble() {
        long a = (nextInt() & 0xffffffffL) >>> 5;
        long b = (nextInt() & 0xffffffffL) >>> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    private void regenerate() {
        for (int k = 0; k < N; k++) {
            int y = (mt[k] & UPPER) | (mt[(k + 1) % N] & LOWER);
            mt[k] = mt[(k + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
        }
        pos = 0;
    }
}
