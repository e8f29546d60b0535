/**
 * Native tactics' foundation: Foreign Function &amp; Memory bindings to oneDNN and OpenBLAS (never JNI).
 *
 * <p>The shared libraries come from the bytedeco linux-x86_64 classifier jars on the class path;
 * {@link io.jengine.cpu.nativelib.NativeLibraries} extracts them to a cache folder and loads them, or says in one line
 * why it could not. {@link io.jengine.cpu.nativelib.Dnnl}, {@link io.jengine.cpu.nativelib.Gomp} and
 * {@link io.jengine.cpu.nativelib.OpenBlas} are the raw bindings, written by hand in the shape jextract generates
 * against the headers shipped in those same jars. {@link io.jengine.cpu.nativelib.NativeSgemm} and
 * {@link io.jengine.cpu.nativelib.DnnlConv2d} are what tactics call: they check every size, leading dimension, offset
 * and segment before the downcall, since a bad pointer kills the JVM rather than throwing.
 */
package io.jengine.cpu.nativelib;
