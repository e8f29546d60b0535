package io.jengine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.errors.TensorFileException;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fixtures under resources/npy were written by numpy (np.save, numpy.lib.format.write_array). */
class NpyTest {
    private static final double[] FLOATS = {1.5, -2.25, 0, 7, 100, -0.5};
    private static final long[] SIGNED = {3, -1, 0, 7, -128, 5};
    private static final long[] UNSIGNED = {3, 1, 0, 7, 128, 5};

    @TempDir
    Path tmp;

    static Path fixture(String name) {
        try {
            return Path.of(NpyTest.class.getResource("/npy/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static DType dtypeOf(String code) {
        return switch (code) {
            case "f2" -> DType.FLOAT16;
            case "f4" -> DType.FLOAT32;
            case "f8" -> DType.FLOAT64;
            case "i1" -> DType.INT8;
            case "i2" -> DType.INT16;
            case "i4" -> DType.INT32;
            case "i8" -> DType.INT64;
            case "u1" -> DType.UINT8;
            case "u2" -> DType.UINT16;
            case "u4" -> DType.UINT32;
            case "u8" -> DType.UINT64;
            default -> throw new IllegalArgumentException(code);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"f2", "f4", "f8", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8"})
    void readsNumpyFilesInBothByteOrders(String code) {
        for (String order : new String[] {"le_", "be_"}) {
            Tensor t = Npy.read(fixture(order + code + ".npy"));
            assertEquals(dtypeOf(code), t.dtype(), order + code);
            assertArrayEquals(new long[] {2, 3}, t.shape());
            if (code.startsWith("f")) assertArrayEquals(FLOATS, t.toDoubleArray(), order + code);
            else assertArrayEquals(code.startsWith("i") ? SIGNED : UNSIGNED, t.toLongArray(), order + code);
        }
    }

    /** What we write is byte for byte what numpy writes, so numpy reads it back. */
    @ParameterizedTest
    @ValueSource(strings = {"f2", "f4", "f8", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "b1"})
    void writesWhatNumpyWrites(String code) throws IOException {
        Path numpy = fixture("le_" + code + ".npy");
        Tensor t = Npy.read(numpy);
        Path mine = tmp.resolve(code + ".npy");
        Npy.write(mine, t);
        assertArrayEquals(Files.readAllBytes(numpy), Files.readAllBytes(mine), code);
        Tensor back = Npy.read(mine);
        assertEquals(t.dtype(), back.dtype());
        assertArrayEquals(t.toDoubleArray(), back.toDoubleArray());
    }

    @Test
    void boolScalarEmptyAndVersions() {
        Tensor b = Npy.read(fixture("le_b1.npy"));
        assertEquals(DType.BOOL, b.dtype());
        assertArrayEquals(new long[] {1, 0, 1, 0, 0, 1}, b.toLongArray());

        Tensor s = Npy.read(fixture("scalar_f8.npy"));
        assertEquals(0, s.rank());
        assertEquals(2.5, s.getDouble(0));

        Tensor e = Npy.read(fixture("empty_i4.npy"));
        assertArrayEquals(new long[] {0, 3}, e.shape());
        assertEquals(DType.INT32, e.dtype());

        assertArrayEquals(new long[] {0, 1, 2, 3}, Npy.read(fixture("v2_i8.npy")).toLongArray());
        assertArrayEquals(new double[] {1, 2}, Npy.read(fixture("v3_f4.npy")).toDoubleArray());
        assertArrayEquals(new long[] {-1L, Long.MIN_VALUE}, Npy.read(fixture("big_u8.npy")).toLongArray());
    }

    @Test
    void stringsAsUnicodeAndBytes() throws IOException {
        Tensor u = Npy.read(fixture("unicode.npy"));
        assertEquals(DType.STRING, u.dtype());
        assertArrayEquals(new long[] {2, 2}, u.shape());
        assertArrayEquals(new String[] {"héllo", "", "€x", "a"}, u.toStringArray());
        assertArrayEquals(new String[] {"ab", "c"}, Npy.read(fixture("bytes.npy")).toStringArray());

        Path mine = tmp.resolve("u.npy");
        Npy.write(mine, u);
        assertArrayEquals(Files.readAllBytes(fixture("unicode.npy")), Files.readAllBytes(mine));
    }

    @Test
    void roundTripsEveryWritableTypeIncludingRankZeroAndBFloat16() {
        for (DType d : DType.values()) {
            if (!d.isSupported() || d == DType.STRING) continue;
            Tensor t = Tensor.fromDoubles(d, new long[] {3}, new double[] {1, 0, d.isUnsigned() ? 1 : -3});
            Path f = tmp.resolve(d + ".npy");
            Npy.write(f, t);
            Tensor back = Npy.read(f);
            DType want = d == DType.BFLOAT16 ? DType.FLOAT32 : d;
            assertEquals(want, back.dtype(), d.toString());
            assertArrayEquals(t.toDoubleArray(), back.toDoubleArray(), d.toString());
        }
        Path f = tmp.resolve("scalar.npy");
        Npy.write(f, Tensor.scalar(DType.INT16, -7));
        Tensor s = Npy.read(f);
        assertEquals(0, s.rank());
        assertEquals(-7, s.getLong(0));
    }

    @Test
    void rejectsFortranOrderComplexAndMissingFiles() {
        String fortran = assertThrows(TensorFileException.class, () -> Npy.read(fixture("fortran.npy"))).getMessage();
        assertTrue(fortran.contains("fortran.npy") && fortran.contains("Fortran"), fortran);

        String complex = assertThrows(TensorFileException.class, () -> Npy.read(fixture("complex.npy"))).getMessage();
        assertTrue(complex.contains("complex.npy") && complex.contains("unsupported numpy dtype '<c8'"), complex);

        Path missing = tmp.resolve("nope.npy");
        String m = assertThrows(TensorFileException.class, () -> Npy.read(missing)).getMessage();
        assertTrue(m.contains("nope.npy") && m.contains("does not exist"), m);

        String dir = assertThrows(TensorFileException.class, () -> Npy.read(tmp)).getMessage();
        assertTrue(dir.contains("not a regular file"), dir);
    }

    @Test
    void rejectsMalformedFilesNamingTheProblem() throws IOException {
        byte[] good = Files.readAllBytes(fixture("le_f4.npy"));

        Path shortData = tmp.resolve("short.npy");
        Files.write(shortData, Arrays.copyOf(good, good.length - 3));
        String m = assertThrows(TensorFileException.class, () -> Npy.read(shortData)).getMessage();
        assertTrue(m.contains("short.npy") && m.contains("needs 24 data bytes, the file has 21"), m);

        Path notNpy = tmp.resolve("text.npy");
        Files.writeString(notNpy, "hello world, not numpy");
        m = assertThrows(TensorFileException.class, () -> Npy.read(notNpy)).getMessage();
        assertTrue(m.contains("text.npy") && m.contains("not a .npy file"), m);

        Path truncatedHeader = tmp.resolve("th.npy");
        Files.write(truncatedHeader, Arrays.copyOf(good, 40));
        m = assertThrows(TensorFileException.class, () -> Npy.read(truncatedHeader)).getMessage();
        assertTrue(m.contains("th.npy") && m.contains("truncated .npy header"), m);

        Path noShape = tmp.resolve("noshape.npy");
        Files.write(noShape, replaceHeader(good, "'shape': (2, 3)", "'shapes': [2,3]"));
        m = assertThrows(TensorFileException.class, () -> Npy.read(noShape)).getMessage();
        assertTrue(m.contains("noshape.npy") && m.contains("malformed .npy header"), m);

        Path badDim = tmp.resolve("baddim.npy");
        Files.write(badDim, replaceHeader(good, "'shape': (2, 3)", "'shape': (2, x)"));
        m = assertThrows(TensorFileException.class, () -> Npy.read(badDim)).getMessage();
        assertTrue(m.contains("baddim.npy") && m.contains("bad dimension 'x'"), m);

        Path obj = tmp.resolve("object.npy");
        Files.write(obj, replaceHeader(good, "'<f4'", "'|O' "));
        m = assertThrows(TensorFileException.class, () -> Npy.read(obj)).getMessage();
        assertTrue(m.contains("object.npy") && m.contains("unsupported numpy dtype '|O'"), m);

        Path structured = tmp.resolve("rec.npy");
        Files.write(structured, replaceHeader(good, "'descr': '<f4'", "'descr': [('a'"));
        m = assertThrows(TensorFileException.class, () -> Npy.read(structured)).getMessage();
        assertTrue(m.contains("rec.npy") && m.contains("structured numpy arrays"), m);

        Path badCodePoint = tmp.resolve("u1.npy"); // the float 1.5 read as a UTF-32 unit: 0x3fc00000
        Files.write(badCodePoint, replaceHeader(good, "'<f4'", "'<U1'"));
        m = assertThrows(TensorFileException.class, () -> Npy.read(badCodePoint)).getMessage();
        assertTrue(m.contains("u1.npy") && m.contains("0x3fc00000, which is not a Unicode code point"), m);

        Path version = tmp.resolve("v9.npy");
        byte[] v9 = good.clone();
        v9[6] = 9;
        Files.write(version, v9);
        m = assertThrows(TensorFileException.class, () -> Npy.read(version)).getMessage();
        assertTrue(m.contains("v9.npy") && m.contains("unsupported .npy format version 9"), m);
    }

    /** Swaps header text of equal length, so the header's declared size stays right. */
    private static byte[] replaceHeader(byte[] file, String from, String to) {
        assertEquals(from.length(), to.length());
        String s = new String(file, StandardCharsets.ISO_8859_1);
        assertTrue(s.contains(from));
        return s.replace(from, to).getBytes(StandardCharsets.ISO_8859_1);
    }
}
