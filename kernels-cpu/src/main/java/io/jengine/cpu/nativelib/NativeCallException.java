package io.jengine.cpu.nativelib;

/**
 * A native library call returned an error status. The message names the library, the call and the status, e.g.
 * {@code oneDNN dnnl_convolution_forward_primitive_desc_create failed: dnnl_invalid_arguments (2)}, followed by what
 * was being done when the caller knows it.
 */
public final class NativeCallException extends RuntimeException {
    private final String library;
    private final String call;
    private final int status;
    private final String statusName;

    public NativeCallException(String library, String call, int status, String statusName, String context) {
        super(library + " " + call + " failed: " + statusName + " (" + status + ")"
                + (context == null || context.isEmpty() ? "" : "; " + context));
        this.library = library;
        this.call = call;
        this.status = status;
        this.statusName = statusName;
    }

    public String library() {
        return library;
    }

    public String call() {
        return call;
    }

    /** The raw status code the call returned. */
    public int status() {
        return status;
    }

    /** The status's name in the library's header, e.g. {@code dnnl_unimplemented}. */
    public String statusName() {
        return statusName;
    }
}
