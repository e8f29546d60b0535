package io.jengine.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.serving.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Triton's config.pbtxt as Triton's own examples write it: the batching settings taken, the rest accepted. */
class TritonConfigFileTest {
    @TempDir
    Path tmp;

    private ModelConfig read(String text) throws Exception {
        Path f = tmp.resolve("config.pbtxt");
        Files.writeString(f, text);
        return TritonConfigFile.read(f, ModelConfig.defaults());
    }

    @Test
    void takesDynamicBatchingAndInstancesAndAcceptsTheRest() throws Exception {
        ModelConfig c = read("""
                name: "densenet_onnx"
                platform: "onnxruntime_onnx"
                max_batch_size : 8
                input [
                  {
                    name: "data_0"
                    data_type: TYPE_FP32
                    format: FORMAT_NCHW
                    dims: [ 3, 224, 224 ]
                    reshape { shape: [ 1, 3, 224, 224 ] }
                  }
                ]
                output [
                  {
                    name: "fc6_1"
                    data_type: TYPE_FP32
                    dims: [ 1000 ]
                    label_filename: "densenet_labels.txt"
                  }
                ]
                dynamic_batching {
                  preferred_batch_size: [ 4, 8 ]
                  max_queue_delay_microseconds: 100
                }
                instance_group [ { count: 2 kind: KIND_CPU }, { kind: KIND_CPU } ]
                optimization { execution_accelerators { cpu_execution_accelerator : [ { name : "openvino" } ] } }
                """);
        assertEquals(8, c.maxBatchSize());
        assertEquals(List.of(4, 8), c.preferredBatchSizes());
        assertEquals(100, c.maxQueueDelayMicros());
        assertEquals(3, c.instanceCount(), "2 + a group without a count (1)");
    }

    @Test
    void withoutDynamicBatchingRequestsAreNotCombined() throws Exception {
        ModelConfig c = read("max_batch_size: 16\ninput [ { name: \"x\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n");
        assertEquals(0, c.maxBatchSize(), "Triton combines requests only under dynamic_batching");
        assertEquals(ModelConfig.defaults().instanceCount(), c.instanceCount());
    }

    @Test
    void brokenTextIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> read("max_batch_size: \"eight\"\n"));
        assertTrue(e.getMessage().contains("Triton model configuration"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> read("dynamic_batching { preferred_batch_size: [ 4, \n"));
    }
}
