/**
 * Serving models from Java, as Triton Inference Server serves them, without a transport: {@link
 * io.jengine.serving.InferenceServer} loads models and plans by name and version, {@link
 * io.jengine.serving.ModelHandle} answers {@link io.jengine.serving.InferenceRequest}s through a bounded queue and a
 * dynamic batcher per model, and Micrometer records what happened. The request, response, metadata and error types
 * follow KServe's V2 protocol, so that an HTTP layer maps onto them one to one.
 *
 * <p>Uses engine-api (engines, sessions, tensors) and autotune's {@code EngineBuilder}; nothing here knows a backend.
 */
package io.jengine.serving;
