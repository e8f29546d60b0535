package io.jengine.tune.cache;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A build in miniature for the concurrency test, run in threads and in a JVM of its own: each round opens the cache,
 * checks that what this writer saved in earlier rounds is still there, puts one entry and saves.
 */
final class TimingCacheWriterProcess {
    private TimingCacheWriterProcess() {}

    /**
     * Arguments: the file, device, engine and the writer's name. Prints "ready" once the first round is saved (the JVM
     * is warm by then), then writes round after round until its standard input closes, and prints "rounds N" with the
     * number of rounds it saved. Exits with status 1 on any problem.
     */
    public static void main(String[] args) {
        try {
            Path file = Path.of(args[0]);
            AtomicBoolean go = new AtomicBoolean(true);
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (System.in.read() >= 0) {
                        // nothing is sent; only the end counts
                    }
                } catch (IOException e) {
                    // a broken pipe is an end as well
                }
                go.set(false);
            });
            int round = 0;
            writeRound(file, args[1], args[2], args[3], round++);
            System.out.println("ready");
            System.out.flush();
            while (go.get()) writeRound(file, args[1], args[2], args[3], round++);
            System.out.println("rounds " + round);
        } catch (Throwable e) {
            e.printStackTrace(System.out);
            System.exit(1);
        }
    }

    static void writeRound(Path file, String device, String engine, String writer, int round) {
        List<String> warnings = new ArrayList<>();
        TimingCache cache = TimingCache.open(file, device, engine, warnings::add);
        if (!warnings.isEmpty()) throw new AssertionError(writer + " round " + round + " warned: " + warnings);
        for (int earlier = 0; earlier < round; earlier++) {
            if (cache.get(signature(writer, earlier), "tactic").isEmpty()) {
                throw new AssertionError(writer + " round " + round + ": entry " + earlier + " was lost");
            }
        }
        cache.put(signature(writer, round), "tactic", timing(round));
        cache.save();
    }

    static String signature(String writer, int round) { return writer + "/" + round; }

    static Timing timing(int round) { return new Timing(1 + round / 8.0, round % 3, 1 + round); }
}
