package io.jengine.serving.http;

import io.jengine.serving.InferenceFailedException;
import io.jengine.serving.InvalidRequestException;
import io.jengine.serving.ModelLoadException;
import io.jengine.serving.ModelNotFoundException;
import io.jengine.serving.ModelUnavailableException;
import io.jengine.serving.RequestTimeoutException;
import io.jengine.serving.ServerBusyException;
import io.jengine.serving.ServingException;
import org.eclipse.jetty.http.HttpException;

/** The HTTP status of each error, as KServe V2 (and Triton) answer it. */
final class ErrorStatus {
    private ErrorStatus() {}

    static int of(Throwable e) {
        return switch (e) {
            case HttpError h -> h.status;
            case ServingException s -> of(s);
            // Jetty's own refusals (a malformed request line, a header over its limit) carry their status.
            case HttpException h -> h.getCode();
            // InferenceServer's argument checks (a version below 1, a version already loaded): the caller's values.
            case IllegalArgumentException _ -> 400;
            default -> 500;
        };
    }

    /** Exhaustive over the sealed family, so that a new kind of error cannot go unmapped. */
    private static int of(ServingException e) {
        return switch (e) {
            case InvalidRequestException _, ModelLoadException _ -> 400;
            case ModelNotFoundException _ -> 404;
            // 429, not Triton's 503: a full queue is a reason to back off and retry, which 429 says.
            case ServerBusyException _ -> 429;
            case ModelUnavailableException _ -> 503;
            case RequestTimeoutException _ -> 504;
            case InferenceFailedException _ -> 500;
        };
    }
}
