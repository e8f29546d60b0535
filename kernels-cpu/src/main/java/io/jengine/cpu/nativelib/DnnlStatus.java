package io.jengine.cpu.nativelib;

/**
 * {@code dnnl_status_t} (dnnl_common_types.h, oneDNN 3.8): its names, and the check every binding call goes through.
 */
public final class DnnlStatus {
    public static final int SUCCESS = 0;
    public static final int LAST_IMPL_REACHED = 4;
    private static final String[] NAMES = {
        "dnnl_success", "dnnl_out_of_memory", "dnnl_invalid_arguments", "dnnl_unimplemented",
        "dnnl_last_impl_reached", "dnnl_runtime_error", "dnnl_not_required", "dnnl_invalid_graph",
        "dnnl_invalid_graph_op", "dnnl_invalid_shape", "dnnl_invalid_data_type",
    };

    private DnnlStatus() {}

    public static String name(int status) {
        return status >= 0 && status < NAMES.length ? NAMES[status] : "unknown dnnl_status_t";
    }

    /** Throws {@link NativeCallException} unless {@code status} is {@code dnnl_success}. */
    public static void check(int status, String call) {
        check(status, call, null);
    }

    /** As {@link #check(int, String)}, with what was being done (a shape, a layer) appended to the message. */
    public static void check(int status, String call, String context) {
        if (status != SUCCESS) throw new NativeCallException("oneDNN", call, status, name(status), context);
    }
}
