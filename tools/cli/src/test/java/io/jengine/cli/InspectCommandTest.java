package io.jengine.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** engine inspect on the example model: counts before/after, fused layer names, JSON and the roofline chart. */
class InspectCommandTest {
    @TempDir
    Path tmp;

    private JsonNode inspect(String... extra) throws IOException {
        Path json = tmp.resolve("inspect" + System.nanoTime() + ".json");
        String[] args = new String[extra.length + 4];
        args[0] = "inspect";
        args[1] = CliErrorsTest.DIGITS.toString();
        args[2] = "--json";
        args[3] = json.toString();
        System.arraycopy(extra, 0, args, 4, extra.length);
        assertEquals(0, EngineCli.execute(args));
        return new ObjectMapper().readTree(json.toFile());
    }

    @Test
    void levelTwoFoldsBatchNormAndFusesRelu() throws IOException {
        Path png = tmp.resolve("roof.png");
        JsonNode doc = inspect("--plot", png.toString(), "--level", "2");
        assertEquals(3, doc.at("/before/op_counts/BatchNormalization").asInt());
        assertTrue(doc.at("/after/op_counts/BatchNormalization").isMissingNode());
        assertEquals(3, doc.at("/after/op_counts/jengine.FusedConv").asInt());
        assertEquals("/0/Conv + /1/BatchNormalization + /2/Relu", doc.at("/layers/0/name").asText());
        byte[] head = Arrays.copyOf(Files.readAllBytes(png), 4);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, head);
    }

    @Test
    void levelThreeMovesTheConvolutionsToTheBlockedLayoutWhereABackendRunsIt() throws IOException {
        JsonNode doc = inspect();
        boolean blocked = io.jengine.runtime.Backends.discover().ordered().stream().anyMatch(b -> b.channelBlock() > 0);
        // digits_cnn: three 3x3 conv + BN + ReLU layers, all dense, so channels-last; the first reads the 1-channel
        // image plain, the others their input channels-last, and nothing is converted until the classifier
        assertEquals(blocked ? 3 : 0, doc.at("/after/op_counts/jengine.BlockedConv").asInt());
        assertEquals(blocked ? 0 : 3, doc.at("/after/op_counts/jengine.FusedConv").asInt());
        assertEquals(0, doc.at("/after/op_counts/jengine.ToChannelBlocked").asInt());
        assertEquals("/0/Conv + /1/BatchNormalization + /2/Relu", doc.at("/layers/0/name").asText());
    }

    @Test
    void levelZeroKeepsTheImportedGraph() throws IOException {
        JsonNode doc = inspect("--level", "0");
        assertEquals(doc.at("/before/op_counts"), doc.at("/after/op_counts"));
        assertEquals(doc.at("/before/node_count").asInt(), doc.at("/after/node_count").asInt());
    }

    @Test
    void fixedShapesGiveCostsForEveryLayer() throws IOException {
        JsonNode doc = inspect("--shapes", "image:8x1x8x8");
        for (JsonNode layer : doc.get("layers")) {
            assertTrue(layer.get("flops").asLong() > 0, layer.get("name").asText());
            assertTrue(layer.get("bound").asText().matches("memory|compute"), layer.toString());
        }
    }
}
