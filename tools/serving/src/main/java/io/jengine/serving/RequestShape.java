package io.jengine.serving;

import java.util.List;

/**
 * What validation learned of a request: the rows it adds to a batch (its leading dimension; 1 when the model does
 * not batch), the outputs to answer with, and the key of requests it may share a batch with (the same element types
 * and the same dimensions after the first, input by input).
 */
record RequestShape(long rows, List<String> outputs, String batchKey) {}
