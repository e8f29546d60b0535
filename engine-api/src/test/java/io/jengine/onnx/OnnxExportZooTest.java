package io.jengine.onnx;

import static io.jengine.onnx.OnnxExportAssertions.assertModelsEqual;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import io.jengine.ir.Model;
import io.jengine.verify.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** A real model imports, exports and re-imports to an equal model (skipped without the zoo, failed under CI). */
class OnnxExportZooTest {
    private static final String MODEL = "squeezenet1_1.onnx";

    private static Path locate() {
        Path p = SharedData.zoo().map(z -> z.resolve(MODEL)).filter(Files::isRegularFile)
                .orElse(Path.of("/work/zoo").resolve(MODEL));
        if (!Files.isRegularFile(p)) {
            String why = MODEL + ": " + SharedData.missingMessage("the model zoo");
            if (SharedData.isCi()) fail(why);
            Assumptions.abort(why);
        }
        return p;
    }

    @Test
    void squeezenetSurvivesExportAndReimport() {
        Model imported = OnnxImporter.load(locate());
        assertFalse(imported.graph().nodes().isEmpty());
        assertFalse(imported.graph().initializers().isEmpty());
        byte[] bytes = OnnxExporter.toBytes(imported);
        Model back = OnnxImporter.load(bytes, null);
        assertModelsEqual(imported, back);
        assertArrayEquals(bytes, OnnxExporter.toBytes(back), "a second export writes the same bytes");
    }
}
