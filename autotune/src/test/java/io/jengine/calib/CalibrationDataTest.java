package io.jengine.calib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.io.Npy;
import io.jengine.ir.ValueInfo;
import io.jengine.tensor.DType;
import io.jengine.tensor.Dim;
import io.jengine.tensor.Shape;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a calibration folder becomes batches, and what it says when a file does not fit. */
public class CalibrationDataTest {
    private static Tensor counting(long... shape) {
        Tensor t = Tensor.allocate(DType.FLOAT32, shape);
        for (long i = 0; i < t.size(); i++) t.setFloat(i, i + 1);
        return t;
    }

    private static ValueInfo input(String name, long... dims) {
        return new ValueInfo(name, ValueType.tensor(DType.FLOAT32, dims));
    }

    @Test
    void aFileOfSeveralModelBatchesIsSplitAlongTheBatchDimension(@TempDir Path dir) throws Exception {
        Npy.write(dir.resolve("b0.npy"), counting(32, 1, 2, 2));
        Npy.write(dir.resolve("b1.npy"), counting(32, 1, 2, 2));
        CalibrationData d = CalibrationData.open(dir, List.of(input("image", 8, 1, 2, 2)), 0);
        assertEquals(2, d.fileCount());
        List<Map<String, Tensor>> feeds = d.read(0, 100);
        assertEquals(4, feeds.size());
        Tensor third = feeds.get(2).get("image");
        assertEquals(List.of(8L, 1L, 2L, 2L), java.util.Arrays.stream(third.shape()).boxed().toList());
        assertEquals(2 * 32 + 1, third.getFloat(0), 0, "the third piece starts at example 16");
        assertEquals(2, d.read(1, 2).size(), "at most the room left");
    }

    @Test
    void aDynamicBatchTakesTheFileWhole(@TempDir Path dir) throws Exception {
        Npy.write(dir.resolve("b0.npy"), counting(5, 3));
        ValueInfo dynamic = new ValueInfo("x", new ValueType.TensorType(DType.FLOAT32,
                new Shape(List.of(new Dim(-1, "batch"), new Dim(3, null)))));
        List<Map<String, Tensor>> feeds = CalibrationData.open(dir, List.of(dynamic), 0).read(0, 10);
        assertEquals(1, feeds.size());
        assertEquals(5, feeds.getFirst().get("x").dim(0));
    }

    @Test
    void severalInputsTakeTheirSubFoldersOrPrefixedFiles(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("a"));
        Npy.write(dir.resolve("a/0.npy"), counting(2, 3));
        Npy.write(dir.resolve("a/1.npy"), counting(2, 3));
        Npy.write(dir.resolve("b_0.npy"), counting(2, 4));
        Npy.write(dir.resolve("b_1.npy"), counting(2, 4));
        Npy.write(dir.resolve("b_mask_0.npy"), counting(2, 4)); // another input's, not b's
        Npy.write(dir.resolve("b_mask_1.npy"), counting(2, 4));
        CalibrationData d = CalibrationData.open(dir, List.of(input("a", 2, 3), input("b", 2, 4), input("b_mask", 2, 4)), 0);
        assertEquals(2, d.fileCount());
        Map<String, Tensor> feed = d.read(1, 1).getFirst();
        assertEquals(3, feed.size());
        assertEquals(4, feed.get("b").dim(1));
    }

    @Test
    void aFileThatDoesNotFitNamesTheFileTheInputAndBothShapes(@TempDir Path dir) throws Exception {
        Npy.write(dir.resolve("b0.npy"), counting(12, 1, 2, 2));
        CalibrationData d = CalibrationData.open(dir, List.of(input("image", 8, 1, 2, 2)), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.read(0, 10));
        assertTrue(e.getMessage().contains("b0.npy") && e.getMessage().contains("'image'")
                && e.getMessage().contains("[12, 1, 2, 2]") && e.getMessage().contains("not a multiple of 8"), e.getMessage());
        Npy.write(dir.resolve("b0.npy"), counting(8, 1, 3, 2));
        e = assertThrows(IllegalArgumentException.class, () -> d.read(0, 10));
        assertTrue(e.getMessage().contains("dimension 2"), e.getMessage());
        Tensor ints = Tensor.allocate(DType.INT64, 8, 1, 2, 2);
        Npy.write(dir.resolve("b0.npy"), ints);
        e = assertThrows(IllegalArgumentException.class, () -> d.read(0, 10));
        assertTrue(e.getMessage().contains("expected float32") && e.getMessage().contains("got int64"), e.getMessage());
    }

    @Test
    void anEmptyOrMissingFolderIsAnError(@TempDir Path dir) {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CalibrationData.open(dir.resolve("nope"),
                List.of(input("x", 1)), 0)).getMessage().contains("does not exist"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CalibrationData.open(dir,
                List.of(input("x", 1)), 0)).getMessage().contains("no calibration batches for input 'x'"));
    }
}
