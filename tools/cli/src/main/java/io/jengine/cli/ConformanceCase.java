package io.jengine.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** One ONNX backend-test case: a directory holding model.onnx and test_data_set_N/ folders of input/output .pb. */
record ConformanceCase(String name, Path dir) {

    Path model() { return dir.resolve("model.onnx"); }

    /** The test_data_set_N directories, in numeric order. */
    List<Path> dataSets() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isDirectory(p) && p.getFileName().toString().startsWith("test_data_set_"))
                    .sorted((a, b) -> Integer.compare(index(a, "test_data_set_"), index(b, "test_data_set_")))
                    .toList();
        }
    }

    /** Files named PREFIX_K.pb in a data set, in order of K. */
    static List<Path> numbered(Path dataSet, String prefix) throws IOException {
        try (Stream<Path> s = Files.list(dataSet)) {
            return s.filter(p -> p.getFileName().toString().matches(prefix + "_\\d+\\.pb"))
                    .sorted((a, b) -> Integer.compare(index(a, prefix + "_"), index(b, prefix + "_")))
                    .toList();
        }
    }

    private static int index(Path p, String prefix) {
        String n = p.getFileName().toString().substring(prefix.length());
        int dot = n.indexOf('.');
        return Integer.parseInt(dot < 0 ? n : n.substring(0, dot));
    }

    /** Every case directory under the given roots (a root may itself be a case), sorted by name. */
    static List<ConformanceCase> discover(List<Path> roots) throws IOException {
        List<ConformanceCase> cases = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) throw new IllegalArgumentException("not a directory: " + root);
            try (Stream<Path> s = Files.walk(root, 4)) {
                s.filter(p -> Files.isRegularFile(p.resolve("model.onnx")))
                        .forEach(p -> cases.add(new ConformanceCase(p.getFileName().toString(), p)));
            }
        }
        cases.sort((a, b) -> a.name.compareTo(b.name));
        return cases;
    }
}
