package io.jengine.opencl;

import io.jengine.errors.EngineException;

/** An OpenCL call that failed, named with its device and the status the driver returned. */
final class OpenClException extends EngineException {
    OpenClException(String message) { super(message); }

    OpenClException(String message, Throwable cause) { super(message, cause); }
}
