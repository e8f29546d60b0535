package io.jengine.cpu.nativelib;

import java.util.List;

/**
 * What one classifier jar holds and how to load it: the resource folder of its linux-x86_64 libraries, the files to
 * extract, and which of them to open, in dependency order.
 *
 * @param name       the short name used for the cache folder and in messages ("dnnl")
 * @param artifact   the Maven coordinates, for messages telling what to put on the class path
 * @param resources  the resource folder inside the jar, ending with '/'
 * @param pomProperties the jar's pom.properties resource, which names its version
 * @param files      every file to extract (dependencies the dynamic linker must find beside the library included)
 * @param systemFirst files to open by soname from the system when it has them, before falling back to our copy
 * @param loadOrder  files to open, dependencies first; the last is the library itself
 */
record LibraryBundle(String name, String artifact, String resources, String pomProperties, List<String> files,
                     List<String> systemFirst, List<String> loadOrder) {

    static final LibraryBundle OPENCL = new LibraryBundle("opencl", "org.bytedeco:opencl:3.0-1.5.12:linux-x86_64",
            "org/bytedeco/opencl/linux-x86_64/", "META-INF/maven/org.bytedeco/opencl/pom.properties",
            List.of("libOpenCL.so.1"), List.of(), List.of("libOpenCL.so.1"));

    static final LibraryBundle DNNL = new LibraryBundle("dnnl", "org.bytedeco:dnnl:3.8.1-1.5.12:linux-x86_64",
            "org/bytedeco/dnnl/linux-x86_64/", "META-INF/maven/org.bytedeco/dnnl/pom.properties",
            List.of("libgomp.so.1", "libdnnl.so.3"), List.of(), List.of("libgomp.so.1", "libdnnl.so.3"));

    /*
     * libgcc_s is the GCC unwinder: two copies in one process can break C++ exceptions, so the system's copy (which
     * the JVM or libstdc++ may already have mapped) is preferred. libgfortran has no RUNPATH, so its own dependency
     * libquadmath is opened first for the dynamic linker to find it by soname.
     */
    static final LibraryBundle OPENBLAS = new LibraryBundle("openblas",
            "org.bytedeco:openblas:0.3.30-1.5.12:linux-x86_64", "org/bytedeco/openblas/linux-x86_64/",
            "META-INF/maven/org.bytedeco/openblas/pom.properties",
            List.of("libgcc_s.so.1", "libquadmath.so.0", "libgfortran.so.5", "libopenblas.so.0"),
            List.of("libgcc_s.so.1"),
            List.of("libgcc_s.so.1", "libquadmath.so.0", "libgfortran.so.5", "libopenblas.so.0"));
}
