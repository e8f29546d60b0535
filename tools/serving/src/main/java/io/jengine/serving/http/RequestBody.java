package io.jengine.serving.http;

import java.io.IOException;
import java.io.InputStream;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/** Reads a request's body whole, refusing one over the limit with 413 before or while it arrives. */
final class RequestBody {
    private RequestBody() {}

    static byte[] read(Request request, long maxBytes) {
        long declared = request.getLength();
        try (InputStream in = Content.Source.asInputStream(request)) {
            if (declared > maxBytes) {
                if (declared - maxBytes <= DRAINED_BYTES) drop(in, declared);
                throw tooLarge(declared + " bytes", maxBytes);
            }
            if (declared >= 0) {
                // The length is known: read straight into an array of that size. Growing one from chunks copied a
                // ResNet image's 600 KB twice more and left the chunks to the collector.
                byte[] body = new byte[Math.toIntExact(declared)];
                int n = in.readNBytes(body, 0, body.length);
                if (n < body.length) {
                    throw new HttpError(400, "the request body ended after " + n + " of the " + declared
                            + " bytes its Content-Length declares");
                }
                return body;
            }
            // Reads at most one byte past the limit, growing as data arrives: a chunked body without a length
            // cannot make the server hold more than the limit.
            byte[] body = in.readNBytes(Math.toIntExact(maxBytes + 1));
            if (body.length > maxBytes) {
                drop(in, DRAINED_BYTES);
                throw tooLarge("more than " + maxBytes + " bytes", maxBytes);
            }
            return body;
        } catch (IOException e) {
            // The client closed the connection or stopped sending (Jetty's idle timeout): its fault, not the
            // server's, so it is answered (to whoever still listens) as a client error and not logged as a failure.
            boolean timedOut = e.getCause() instanceof java.util.concurrent.TimeoutException
                    || e instanceof java.io.InterruptedIOException;
            throw new HttpError(timedOut ? 408 : 400, "the client stopped sending the request body: " + e.getMessage());
        }
    }

    /**
     * A body over the limit by at most this much, a size a client may well send whole before it reads any answer, is
     * read and dropped before the 413 goes out. Answered at once, the connection is closed with the body still
     * arriving: the server's side then resets it, and a client still writing may lose the answer ("header parser
     * received no bytes"). A body declared larger still is answered at once, the connection closed.
     */
    private static final long DRAINED_BYTES = 64L << 20;

    /**
     * Reads and drops at most {@code limit} more bytes of a body (a chunked one may not end; one with a length ends
     * there, or when its client stops sending, at Jetty's idle timeout); a client that went away ends it quietly: the
     * 413 goes to whoever still listens.
     */
    private static void drop(InputStream in, long limit) {
        byte[] chunk = new byte[64 * 1024];
        try {
            for (long left = limit; left > 0; ) {
                int n = in.read(chunk, 0, (int) Math.min(chunk.length, left));
                if (n < 0) return;
                left -= n;
            }
        } catch (IOException e) {
            // nothing more to drop
        }
    }

    private static HttpError tooLarge(String size, long maxBytes) {
        return new HttpError(413, "the request body has " + size + ", above the limit of " + maxBytes + " bytes");
    }
}
