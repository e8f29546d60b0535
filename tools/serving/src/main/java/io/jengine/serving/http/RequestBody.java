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
        // A 413 is thrown before the body is read: the handler drops what it can of the body before answering.
        if (declared > maxBytes) throw tooLarge(declared + " bytes", maxBytes);
        try (InputStream in = Content.Source.asInputStream(request)) {
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
                // dropped through this stream: closing it with content left would give the connection up
                dropRest(in);
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
     * What is left of a body no answer read (an error found before it, a 413), up to this much, a size a client may
     * well send whole before it reads any answer, is read and dropped before the answer goes out. Answered at once,
     * the connection is closed with the body still arriving: the server's side then resets it, and a client still
     * writing, or one reusing the connection for its next request, may lose the answer ("header parser received no
     * bytes"). With more left than this the answer goes at once and says the connection closes.
     */
    static final long DRAINED_BYTES = 64L << 20;

    /**
     * Reads and drops the rest of the body, so that the connection can carry the client's next request; answers
     * false when more than {@link #DRAINED_BYTES} is left (or declared), so that the connection must close. A body
     * with a length ends there, or when its client stops sending (Jetty's idle timeout); one without may not end.
     */
    static boolean discardRest(Request request) {
        // Not Request.consumeAvailable: with content still to come it gives the connection up at once. A read that
        // does not wait tells a body read to its end (the usual case) from one with content left.
        Content.Chunk first = request.read();
        if (first != null) {
            boolean failed = Content.Chunk.isFailure(first), end = first.isLast();
            first.release();
            if (failed) return false;
            if (end) return true;
        }
        if (request.getLength() > DRAINED_BYTES) return false;
        try (InputStream in = Content.Source.asInputStream(request)) {
            return dropRest(in);
        } catch (IOException e) {
            return false; // the client went away: the answer goes to whoever still listens
        }
    }

    /** Reads and drops at most {@link #DRAINED_BYTES} more of a body; answers whether it ended. */
    private static boolean dropRest(InputStream in) {
        byte[] chunk = new byte[64 * 1024];
        try {
            for (long left = DRAINED_BYTES; left > 0; ) {
                int n = in.read(chunk, 0, (int) Math.min(chunk.length, left));
                if (n < 0) return true;
                left -= n;
            }
            return in.read() < 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static HttpError tooLarge(String size, long maxBytes) {
        return new HttpError(413, "the request body has " + size + ", above the limit of " + maxBytes + " bytes");
    }
}
