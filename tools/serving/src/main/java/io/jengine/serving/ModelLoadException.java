package io.jengine.serving;

import java.nio.file.Path;

/** A model or plan file could not be loaded; the message names the model, the file and the reason. */
public final class ModelLoadException extends ServingException {
    public ModelLoadException(String model, Path file, String reason, Throwable cause) {
        super("model '" + model + "' from " + file + " failed to load: " + reason, cause);
    }

    public ModelLoadException(String model, Path file, String reason) { this(model, file, reason, null); }
}
