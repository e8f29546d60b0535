package io.jengine.serving.http;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jengine.serving.ServingException;
import java.util.Arrays;

/**
 * The KServe V2 request decoder on arbitrary bodies: a request, or one refusal it answers with a status
 * ({@link ServingException}, {@link HttpError}); anything else is a finding. An input starting with '#' is a request
 * with binary tensors: the two bytes after it (little-endian) are the JSON part's length, the rest is the body.
 */
class InferRequestDecoderFuzzTest {
    /** A small element limit, so that the fuzzer meets the limit's check rather than allocating up to it. */
    private static final InferRequestDecoder DECODER = new InferRequestDecoder(1 << 16);

    @FuzzTest
    void decodesOrRefuses(byte[] bytes) {
        int jsonLength = -1;
        byte[] body = bytes;
        if (bytes.length >= 3 && bytes[0] == '#') {
            jsonLength = (bytes[1] & 0xFF) | (bytes[2] & 0xFF) << 8;
            body = Arrays.copyOfRange(bytes, 3, bytes.length);
        }
        try {
            DECODER.decode(body, jsonLength).request().inputs().size();
        } catch (ServingException | HttpError expected) {
            // a clear refusal with its status
        }
    }
}
