package io.jengine.opt;

/**
 * When level 3's layout pass lays convolutions out channels-last ({@code [N, 1, H, W, C]}) rather than channel-blocked
 * ({@code [N, C/b, H, W, b]}).
 */
public enum ChannelsLast {
    /** Never: the backends run channel-blocked convolutions only. */
    NEVER,
    /**
     * Where the graph's mix of convolutions says it pays (mostly dense k×k, or mostly integer: see
     * {@link io.jengine.opt.passes.ChannelBlocking}).
     */
    WHERE_IT_PAYS,
    /**
     * Always: the kernels that will run the convolutions are fast only channels-last, whatever the mix (oneDNN's
     * bfloat16 kernels on AMX tiles read channels-last only, and blocked they fall back to AVX-512 kernels at a
     * fifth of the speed).
     */
    ALWAYS;

    /** {@link #WHERE_IT_PAYS} where channels-last runs at all, else {@link #NEVER}. */
    public static ChannelsLast allowed(boolean runs) { return runs ? WHERE_IT_PAYS : NEVER; }
}
