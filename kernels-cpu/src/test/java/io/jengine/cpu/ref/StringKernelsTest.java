package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.ImageKernelsTest.assertValues;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Attribute;
import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** StringNormalizer, StringSplit, StringConcat, RegexFullMatch and TfIdfVectorizer against Python's str methods. */
class StringKernelsTest {

    private static Node op(String type, int inputs, int outputs, Attribute... attrs) {
        String[] in = new String[inputs], out = new String[outputs];
        for (int i = 0; i < inputs; i++) in[i] = "i" + i;
        for (int i = 0; i < outputs; i++) out[i] = "o" + i;
        Node.Builder b = Node.builder(type).inputs(in).outputs(out);
        for (Attribute a : attrs) b.attr(a);
        return b.build();
    }

    private static Tensor s(long[] shape, String... v) { return Tensor.ofStrings(shape, v); }

    private static void assertStrings(Value v, long[] shape, String... expected) {
        Tensor t = (Tensor) v;
        assertArrayEquals(shape, t.shape());
        assertArrayEquals(expected, t.toStringArray());
    }

    @Test
    void normalizerDropsStopwordsIgnoringCaseThenUppercases() {
        Node n = op("StringNormalizer", 1, 1, Attribute.of("case_change_action", "UPPER"),
                Attribute.ofStrings("stopwords", List.of("monday")));
        Value out = KernelHarness.run(n, 10, s(new long[] {1, 4}, "Monday", "tuesday", "wednesday", "MONDAY"))[0];
        assertStrings(out, new long[] {1, 2}, "TUESDAY", "WEDNESDAY");
        Node sensitive = op("StringNormalizer", 1, 1, Attribute.of("is_case_sensitive", 1L),
                Attribute.of("case_change_action", "LOWER"), Attribute.ofStrings("stopwords", List.of("monday")));
        assertStrings(KernelHarness.run(sensitive, 10, s(new long[] {3}, "Monday", "monday", "Ä"))[0],
                new long[] {2}, "monday", "ä");
        assertStrings(KernelHarness.run(n, 10, s(new long[] {1}, "MonDay"))[0], new long[] {1}, "");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelHarness.run(
                op("StringNormalizer", 1, 1, Attribute.of("case_change_action", "TITLE")), 10, s(new long[] {1}, "a")));
        assertTrue(e.getMessage().contains("case_change_action must be NONE, LOWER or UPPER"), e.getMessage());
    }

    @Test
    void splitOnDelimiterKeepsEmptyPiecesAndPadsRows() {
        Node n = op("StringSplit", 1, 2, Attribute.of("delimiter", ","));
        Value[] out = KernelHarness.run(n, 20, s(new long[] {2}, "a,,b", "c"));
        assertStrings(out[0], new long[] {2, 3}, "a", "", "b", "c", "", "");
        assertArrayEquals(new long[] {3, 1}, ((Tensor) out[1]).toLongArray());
        Node max1 = op("StringSplit", 1, 2, Attribute.of("delimiter", "::"), Attribute.of("maxsplit", 1L));
        assertStrings(KernelHarness.run(max1, 20, s(new long[] {1}, "x::y::z"))[0], new long[] {1, 2}, "x", "y::z");
    }

    @Test
    void splitOnWhitespaceRunsAsPython() {
        // "  a b\t c  ".split(None, 1) == ['a', 'b\t c  '] and "".split() == [].
        Node n = op("StringSplit", 1, 2, Attribute.of("maxsplit", 1L));
        Value[] out = KernelHarness.run(n, 20, s(new long[] {2}, "  a b\t c  ", ""));
        assertStrings(out[0], new long[] {2, 2}, "a", "b\t c  ", "", "");
        assertArrayEquals(new long[] {2, 0}, ((Tensor) out[1]).toLongArray());
        // Python counts the no-break space as whitespace; Java's isWhitespace does not.
        Value[] nbsp = KernelHarness.run(op("StringSplit", 1, 2), 20, s(new long[] {1}, "x\u00a0y"));
        assertStrings(nbsp[0], new long[] {1, 2}, "x", "y");
    }

    @Test
    void concatBroadcastsAndRejectsNonStrings() {
        Value out = KernelHarness.run(op("StringConcat", 2, 1), 20, s(new long[] {2, 1}, "a", "é"),
                s(new long[] {3}, "1", "", "ü"))[0];
        assertStrings(out, new long[] {2, 3}, "a1", "a", "aü", "é1", "é", "éü");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelHarness.run(
                op("StringConcat", 2, 1), 20, s(new long[] {1}, "a"), Tensor.ofLongs(new long[] {1}, 1)));
        assertTrue(e.getMessage().contains("input 1 must be a string tensor"), e.getMessage());
    }

    @Test
    void regexMustMatchTheWholeString() {
        Node n = op("RegexFullMatch", 1, 1, Attribute.of("pattern", "[a-z.]+@(gmail|yahoo)\\.com"));
        Value out = KernelHarness.run(n, 20, s(new long[] {2, 2}, "ab@gmail.com", "ab@gmail.com.au", "x.y@yahoo.com",
                "@gmail.com"))[0];
        assertValues(new double[] {1, 0, 1, 0}, out, 2, 2);
        assertEquals(DType.BOOL, ((Tensor) out).dtype());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KernelHarness.run(op("RegexFullMatch", 1, 1, Attribute.of("pattern", "(a")), 20));
        assertTrue(e.getMessage().contains("not a valid regular expression"), e.getMessage());
    }

    private static Node tfidf(String mode, long minN, long maxN, long skip, Attribute... more) {
        Node.Builder b = op("TfIdfVectorizer", 1, 1).toBuilder().attr(Attribute.of("mode", mode))
                .attr(Attribute.of("min_gram_length", minN)).attr(Attribute.of("max_gram_length", maxN))
                .attr(Attribute.of("max_skip_count", skip))
                .attr(Attribute.of("ngram_counts", new long[] {0, 4}))
                .attr(Attribute.of("ngram_indexes", new long[] {0, 1, 2, 3, 4, 5, 6}));
        for (Attribute a : more) b.attr(a);
        return b.build();
    }

    private static final Attribute INT_POOL = Attribute.of("pool_int64s", new long[] {2, 3, 5, 4, 5, 6, 7, 8, 6, 7});
    private static final Tensor ROWS = Tensor.ofInts(new long[] {2, 6}, 1, 1, 3, 3, 3, 7, 8, 6, 7, 5, 6, 8);

    @Test
    void tfidfCountsUnigramsAndSkipBigrams() {
        // Row 1: 5 once; bigrams (5,6) adjacent, (7,8) three apart, (6,7) adjacent. Row 0: 3 three times.
        assertValues(new double[] {0, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 1},
                KernelHarness.run(tfidf("TF", 1, 2, 5, INT_POOL), 9, ROWS)[0], 2, 7);
        // Without skips (7,8) is not found; only bigrams counted from min_gram_length 2.
        assertValues(new double[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1},
                KernelHarness.run(tfidf("TF", 2, 2, 0, INT_POOL), 9, ROWS)[0], 2, 7);
    }

    @Test
    void tfidfWeightsWithStringPool() {
        Attribute pool = Attribute.ofStrings("pool_strings", List.of("b", "c", "e", "d", "e", "f", "g", "h", "f", "g"));
        Attribute weights = Attribute.of("weights", new float[] {1, 0.5f, 2, 1, 3, 1, 4});
        Tensor row = s(new long[] {6}, "a", "c", "c", "e", "f", "x");
        assertValues(new double[] {0, 1, 2, 0, 3, 0, 0}, KernelHarness.run(tfidf("TFIDF", 1, 2, 0, pool, weights), 9,
                row)[0], 7);
        assertValues(new double[] {0, 0.5, 2, 0, 3, 0, 0}, KernelHarness.run(tfidf("IDF", 1, 2, 0, pool, weights), 9,
                row)[0], 7);
    }

    @Test
    void tfidfRejectsIndexesThatDoNotMatchThePool() {
        Node n = tfidf("TF", 1, 2, 0, INT_POOL).toBuilder().attr(Attribute.of("ngram_indexes", new long[] {0, 1})).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelHarness.run(n, 9, ROWS));
        assertTrue(e.getMessage().contains("ngram_indexes has 2 entries, the pool holds 7 n-grams"), e.getMessage());
    }
}
