package io.jengine.cpu.nativelib;

import java.lang.foreign.SymbolLookup;
import java.nio.file.Path;

/**
 * A native library that was found, extracted and loaded: its symbols (those of the library and of the dependencies
 * whose functions we call, such as libgomp's for oneDNN), the version of the jar it came from and the folder it was
 * extracted to.
 */
public record NativeLibrary(String name, String version, Path directory, SymbolLookup symbols) {}
