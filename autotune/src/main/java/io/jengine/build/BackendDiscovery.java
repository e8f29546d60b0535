package io.jengine.build;

import io.jengine.runtime.Backends;
import io.jengine.spi.Backend;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * Finds the backends, and loads the native libraries they bring, on a thread of its own while the caller reads a model
 * or plan file: the two take similar time on a fresh JVM (ResNet-50: about half a second each), and neither needs the
 * other until planning starts.
 */
final class BackendDiscovery {
    private BackendDiscovery() {}

    static Future<Backends> start() {
        FutureTask<Backends> task = new FutureTask<>(() -> {
            Backends b = Backends.discover();
            for (Backend backend : b.ordered()) backend.libraries(); // loads them
            return b;
        });
        Thread t = new Thread(task, "jengine-backend-discovery");
        t.setDaemon(true);
        t.start();
        return task;
    }

    /** The backends found, or the failure of finding them, as {@link Backends#discover} would have thrown it. */
    static Backends join(Future<Backends> discovery) {
        try {
            return discovery.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the backends were being discovered", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        }
    }
}
