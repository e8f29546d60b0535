package io.jengine.plugin;

import io.jengine.errors.EngineException;

/** A plugin jar that cannot be used: missing, not a jar, not a plugin, built for another SPI, or clashing. */
public final class PluginException extends EngineException {
    public PluginException(String message) { super(message); }

    public PluginException(String message, Throwable cause) { super(message, cause); }
}
