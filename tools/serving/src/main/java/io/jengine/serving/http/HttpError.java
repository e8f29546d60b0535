package io.jengine.serving.http;

/**
 * A request the HTTP layer refuses before it reaches the serving core: a body over the limit (413), JSON that does
 * not parse or does not follow the protocol (400), a path or method the protocol does not have (404, 405).
 */
final class HttpError extends RuntimeException {
    final int status;

    HttpError(int status, String message) {
        super(message, null, false, false); // a client's mistake: no stack trace worth filling
        this.status = status;
    }

    static HttpError badRequest(String message) { return new HttpError(400, message); }
}
