package io.jengine.serving;

import io.jengine.build.EngineBuilder;
import io.jengine.io.Npy;
import io.jengine.runtime.Engine;
import io.jengine.runtime.Session;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.nio.file.Path;
import java.util.Map;

/**
 * The shipped digits classifier (input {@code image} float32 [N,1,8,8], output {@code logits} [N,10]) with its 500
 * test images, and each image's logits from a plain engine run on that image alone: what serving must reproduce.
 */
public final class Digits {
    public static final Path MODEL = Path.of("../../examples/digits/digits_cnn.onnx");
    static final Path IMAGES = Path.of("../../examples/digits/test_images.npy");
    static final Path LABELS = Path.of("../../examples/digits/test_labels.npy");
    static final int COUNT = 500;

    final Tensor images = Npy.read(IMAGES);
    final long[] labels = Npy.read(LABELS).toLongArray();
    /** Per image, its logits from a run on [1,1,8,8] alone: the unbatched reference. */
    public final float[][] alone = new float[COUNT][];

    public Digits() {
        try (Engine engine = EngineBuilder.forModel(MODEL).build(); Session session = engine.newSession()) {
            for (int i = 0; i < COUNT; i++) {
                Tensor logits = (Tensor) session.run(Map.of("image", image(i))).get("logits");
                alone[i] = logits.toFloatArray();
            }
        }
    }

    /** Images {@code first .. first+n-1} as one [n,1,8,8] tensor of their own. */
    public Tensor images(int first, int n) {
        return Tensor.fromBytes(DType.FLOAT32, new long[] {n, 1, 8, 8},
                images.data().asSlice(first * 64L * Float.BYTES, n * 64L * Float.BYTES));
    }

    public Tensor image(int i) { return images(i, 1); }

    InferenceRequest request(int i) { return InferenceRequest.builder().id("image-" + i).input("image", image(i)).build(); }

    static int argmax(float[] row) {
        int best = 0;
        for (int j = 1; j < row.length; j++) if (row[j] > row[best]) best = j;
        return best;
    }
}
