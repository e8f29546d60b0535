package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.RefChecks.*;

import io.jengine.ir.Attribute;
import io.jengine.tensor.Value;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** StringNormalizer, StringConcat, RegexFullMatch, StringSplit and TfIdfVectorizer. */
class StringKernelsSeededTest {

    @Test
    void normalizerDropsStopwordsAndChangesCase() {
        Tensor x = Tensor.ofStrings(shape(5), "The", "quick", "BROWN", "the", "Fox");
        check(Tensor.ofStrings(shape(3), "QUICK", "BROWN", "FOX"), KernelHarness.run(node("StringNormalizer", in("x"),
                Attribute.ofStrings("stopwords", List.of("the")), Attribute.of("case_change_action", "UPPER")), 10, x)[0]);
        // Case-sensitive: only the exact "the" is dropped.
        check(Tensor.ofStrings(shape(1, 4), "quick", "brown", "the", "fox"), KernelHarness.run(node("StringNormalizer", in("x"),
                Attribute.ofStrings("stopwords", List.of("The")), Attribute.of("is_case_sensitive", 1L),
                Attribute.of("case_change_action", "LOWER")), 10, Tensor.ofStrings(shape(1, 5), "The", "quick", "BROWN", "the", "Fox"))[0]);
    }

    @Test
    void concatBroadcastsAndRegexMatchesWholeStrings() {
        check(Tensor.ofStrings(shape(2, 2), "a-x", "b-x", "a-yz", "b-yz"), KernelHarness.run(node("StringConcat", in("a", "b")), 20,
                Tensor.ofStrings(shape(2), "a-", "b-"), Tensor.ofStrings(shape(2, 1), "x", "yz"))[0]);
        check(l(DType.BOOL, shape(4), 1, 0, 0, 1), KernelHarness.run(node("RegexFullMatch", in("x"), Attribute.of("pattern", "[a-z]+\\d?")), 20,
                Tensor.ofStrings(shape(4), "abc1", "abc12", "Abc", "z"))[0]);
    }

    @Test
    void splitPadsToTheLongestAndCounts() {
        Value[] out = KernelHarness.run(io.jengine.ir.Node.builder("StringSplit").inputs("x").outputs("y", "n")
                .attr(Attribute.of("delimiter", ",")).build(), 20, Tensor.ofStrings(shape(3), "a,b,c", "d", ",e"));
        check(Tensor.ofStrings(shape(3, 3), "a", "b", "c", "d", "", "", "", "e", ""), out[0]);
        check(Tensor.ofLongs(shape(3), 3, 1, 2), out[1]);
        // No delimiter: runs of whitespace separate, maxsplit limits the pieces.
        Value[] ws = KernelHarness.run(io.jengine.ir.Node.builder("StringSplit").inputs("x").outputs("y", "n")
                .attr(Attribute.of("maxsplit", 1L)).build(), 20, Tensor.ofStrings(shape(1), " one  two three"));
        check(Tensor.ofStrings(shape(1, 2), "one", "two three"), ws[0]);
        check(Tensor.ofLongs(shape(1), 2), ws[1]);
    }

    @Test
    void tfIdfCountsUnigramsAndBigrams() {
        // Pool: unigrams 2, 3, 5 then bigram (2,3); output index per pool entry.
        io.jengine.ir.Node n = node("TfIdfVectorizer", in("x"), Attribute.of("mode", "TF"), Attribute.of("min_gram_length", 1L),
                Attribute.of("max_gram_length", 2L), Attribute.of("max_skip_count", 0L), Attribute.of("ngram_counts", new long[] {0, 3}),
                Attribute.of("ngram_indexes", new long[] {0, 1, 2, 3}), Attribute.of("pool_int64s", new long[] {2, 3, 5, 2, 3}));
        // Rows: [2,3,2,3,7] -> 2:2, 3:2, 5:0, (2,3):2 ; [5,5,2,9,3] -> 2:1, 3:1, 5:2, (2,3):0
        check(t(DType.FLOAT32, shape(2, 4), 2, 2, 0, 2, 1, 1, 2, 0), KernelHarness.run(n, 9,
                l(DType.INT32, shape(2, 5), 2, 3, 2, 3, 7, 5, 5, 2, 9, 3))[0]);
        io.jengine.ir.Node idf = node("TfIdfVectorizer", in("x"), Attribute.of("mode", "TFIDF"), Attribute.of("min_gram_length", 1L),
                Attribute.of("max_gram_length", 1L), Attribute.of("max_skip_count", 0L), Attribute.of("ngram_counts", new long[] {0}),
                Attribute.of("ngram_indexes", new long[] {1, 0}), Attribute.ofStrings("pool_strings", List.of("a", "b")),
                Attribute.of("weights", new float[] {0.5f, 2f}));
        // Weights are applied per output slot (as onnxruntime and the onnx reference evaluator do): slot 0 holds "b"
        // (count 2, weight 0.5), slot 1 holds "a" (count 1, weight 2).
        check(t(DType.FLOAT32, shape(2), 1, 2), KernelHarness.run(idf, 9, Tensor.ofStrings(shape(4), "a", "b", "b", "c"))[0]);
    }

    @Test
    void badPatternIsReported() {
        fails(() -> KernelHarness.run(node("RegexFullMatch", in("x"), Attribute.of("pattern", "(ab")), 20,
                Tensor.ofStrings(shape(1), "ab")), "pattern '(ab'", "not a valid regular expression");
    }

    @Test
    void normalizerThatDropsEverythingLeavesOneEmptyString() {
        check(Tensor.ofStrings(shape(1), ""), KernelHarness.run(node("StringNormalizer", in("x"),
                Attribute.ofStrings("stopwords", List.of("a", "b"))), 10, Tensor.ofStrings(shape(2), "A", "b"))[0]);
    }

    @Test
    void tfIdfSkipGramsAndIdfMode() {
        // Bigram (1,2) with max_skip_count 1 matches adjacent and one-apart pairs: in [1,2,1,3,2] -> (1,2) at 0-1, 2-4:
        // skip 0 gives (1,2),(2,1),(1,3),(3,2); skip 1 gives (1,1),(2,3),(1,2) -> two (1,2). IDF mode gives 1 per present n-gram.
        io.jengine.ir.Node n = node("TfIdfVectorizer", in("x"), Attribute.of("mode", "TF"), Attribute.of("min_gram_length", 2L),
                Attribute.of("max_gram_length", 2L), Attribute.of("max_skip_count", 1L), Attribute.of("ngram_counts", new long[] {0, 0}),
                Attribute.of("ngram_indexes", new long[] {0}), Attribute.of("pool_int64s", new long[] {1, 2}));
        check(t(DType.FLOAT32, shape(1), 2), KernelHarness.run(n, 9, l(DType.INT64, shape(5), 1, 2, 1, 3, 2))[0]);
        io.jengine.ir.Node idf = node("TfIdfVectorizer", in("x"), Attribute.of("mode", "IDF"), Attribute.of("min_gram_length", 1L),
                Attribute.of("max_gram_length", 1L), Attribute.of("max_skip_count", 0L), Attribute.of("ngram_counts", new long[] {0}),
                Attribute.of("ngram_indexes", new long[] {0, 1}), Attribute.of("pool_int64s", new long[] {7, 8}));
        check(t(DType.FLOAT32, shape(2), 1, 0), KernelHarness.run(idf, 9, l(DType.INT32, shape(3), 7, 7, 9))[0]);
    }
}
