package io.jengine.serving;

import io.jengine.errors.EngineException;

/**
 * Why the server did not answer a request (or a repository call) with outputs. The hierarchy is sealed so that a
 * transport maps every case exhaustively, as KServe V2 over HTTP does:
 *
 * <table>
 *   <tr><th>exception</th><th>HTTP</th></tr>
 *   <tr><td>{@link InvalidRequestException}</td><td>400</td></tr>
 *   <tr><td>{@link ModelNotFoundException}</td><td>404</td></tr>
 *   <tr><td>{@link ServerBusyException}</td><td>429 (or 503, as Triton answers a full queue)</td></tr>
 *   <tr><td>{@link ModelUnavailableException}</td><td>503</td></tr>
 *   <tr><td>{@link RequestTimeoutException}</td><td>504</td></tr>
 *   <tr><td>{@link InferenceFailedException}</td><td>500</td></tr>
 *   <tr><td>{@link ModelLoadException}</td><td>400 on a repository load call</td></tr>
 * </table>
 *
 * <p>Extends the engine's base error so that a command line prints the one-line message as it prints any other.
 */
public abstract sealed class ServingException extends EngineException
        permits InvalidRequestException, ModelNotFoundException, ServerBusyException, ModelUnavailableException,
                RequestTimeoutException, InferenceFailedException, ModelLoadException {
    ServingException(String message) { super(message); }

    ServingException(String message, Throwable cause) { super(message, cause); }
}
