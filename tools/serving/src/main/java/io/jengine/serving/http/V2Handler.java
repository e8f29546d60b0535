package io.jengine.serving.http;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's entry point: runs {@link V2Routes} and writes its reply, or the error's status with {@code {"error": ...}}.
 * Declared blocking (Jetty's default for a handler): Jetty runs it on a thread of its pool, which waits for the body
 * and for the batcher's answer, or runs a lone request itself ({@code ModelHandle.infer}).
 */
final class V2Handler extends Handler.Abstract {
    private static final System.Logger LOG = System.getLogger(V2Handler.class.getName());

    private final V2Routes routes;

    V2Handler(V2Routes routes) {
        super(InvocationType.BLOCKING);
        this.routes = routes;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Reply reply;
        try {
            reply = routes.route(request);
        } catch (RuntimeException e) {
            int status = ErrorStatus.of(e);
            // A server fault is logged with its trace here; the client gets the message, never the trace.
            if (status >= 500 && status != 503 && status != 504) {
                LOG.log(System.Logger.Level.WARNING, request.getMethod() + " " + request.getHttpURI().getPath()
                        + " failed", e);
            }
            reply = Reply.error(status, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        // An answer found before the body was read (a 404, a 413) leaves the body on the connection: it is read
        // and dropped first, or the connection closes, never left for the client's next request to trip over.
        if (!RequestBody.discardRest(request)) {
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        }
        response.setStatus(reply.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
        if (reply.jsonLength() >= 0) response.getHeaders().put(V2Routes.HEADER_LENGTH, reply.jsonLength());
        response.write(true, ByteBuffer.wrap(reply.body()), callback);
        return true;
    }
}
