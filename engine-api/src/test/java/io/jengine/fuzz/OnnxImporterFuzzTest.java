package io.jengine.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jengine.errors.EngineException;
import io.jengine.infer.ShapeInference;
import io.jengine.ir.Model;
import io.jengine.onnx.OnnxImporter;

/**
 * The ONNX importer and static type inference on arbitrary bytes (seeded with small node-suite models: protobuf
 * mutations of valid graphs reach the decoders of tensors, attributes, sub-graphs and functions): a typed model, or
 * one {@link EngineException}; anything else is a finding.
 */
class OnnxImporterFuzzTest {
    @FuzzTest
    void importsOrRefuses(byte[] bytes) {
        try {
            Model m = OnnxImporter.load(bytes, FuzzFiles.dir());
            ShapeInference.infer(m.graph());
        } catch (EngineException expected) {
            // a clear refusal
        }
    }
}
