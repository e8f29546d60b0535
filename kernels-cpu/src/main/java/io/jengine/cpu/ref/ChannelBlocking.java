package io.jengine.cpu.ref;

import io.jengine.tensor.Tensor;

/**
 * The channel-blocked layout's index arithmetic, written plainly for the reference kernels: element
 * {@code (n, c, h, w)} of {@code [N, C, H, W]} is element {@code (n, c / b, h, w, c % b)} of {@code [N, C/b, H, W, b]}.
 */
public final class ChannelBlocking {
    private ChannelBlocking() {}

    /** {@code [N, C, H, W]} as {@code [N, C/b, H, W, b]}; b = 0 (channels-last) as {@code [N, 1, H, W, C]}. */
    public static Tensor block(Tensor x, int b) {
        long[] s = x.shape();
        if (s.length != 4) throw new IllegalArgumentException("blocking needs a 4-D [N, C, H, W] input, got " + x.describe());
        if (b == 0) b = Math.toIntExact(s[1]);
        if (b < 1 || s[1] % b != 0) {
            throw new IllegalArgumentException(s[1] + " channels of " + x.describe() + " are not a multiple of the block " + b);
        }
        Tensor y = Tensor.allocate(x.dtype(), s[0], s[1] / b, s[2], s[3], b);
        copy(x, y, s[0], s[1], s[2] * s[3], b, true);
        return y;
    }

    /** {@code [N, C/b, H, W, b]} as {@code [N, C, H, W]}; b = 0 (channels-last): {@code [N, 1, H, W, C]}. */
    public static Tensor unblock(Tensor x, int b) {
        long[] s = x.shape();
        if (b == 0 && s.length == 5 && s[1] == 1) b = Math.toIntExact(s[4]);
        if (s.length != 5 || s[4] != b) {
            throw new IllegalArgumentException("unblocking needs a 5-D [N, C/" + b + ", H, W, " + b + "] input, got "
                    + x.describe());
        }
        Tensor y = Tensor.allocate(x.dtype(), s[0], s[1] * b, s[2], s[3]);
        copy(y, x, s[0], s[1] * b, s[2] * s[3], b, false);
        return y;
    }

    /** Copies between the plain and blocked tensors, in the direction {@code toBlocked} says. */
    private static void copy(Tensor plain, Tensor blocked, long n, long c, long hw, int b, boolean toBlocked) {
        for (long in = 0; in < n; in++) {
            for (long ic = 0; ic < c; ic++) {
                long plainBase = (in * c + ic) * hw;
                long blockedBase = ((in * (c / b) + ic / b) * hw) * b + ic % b;
                for (long p = 0; p < hw; p++) {
                    if (toBlocked) blocked.setDouble(blockedBase + p * b, plain.getDouble(plainBase + p));
                    else plain.setDouble(plainBase + p, blocked.getDouble(blockedBase + p * b));
                }
            }
        }
    }

}
