/**
 * KServe's V2 inference protocol (the Open Inference Protocol) over HTTP/1.1, on top of {@link
 * io.jengine.serving.InferenceServer}: {@link io.jengine.serving.http.V2HttpServer} runs Jetty's core API with every
 * request handled on a thread of Jetty's pool, {@link io.jengine.serving.http.ModelRepository} loads models from a
 * folder laid out as Triton's model repository, and {@code /metrics} shows the server's meters in Prometheus' text
 * format.
 *
 * <p>Each {@link io.jengine.serving.ServingException} becomes its HTTP status with a body {@code {"error": "..."}}; so
 * does every error of the transport itself (malformed JSON, a body over the limit, an unknown path). No client error
 * is ever a 500.
 */
package io.jengine.serving.http;
