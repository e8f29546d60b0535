package io.jengine.spi;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Constant data a kernel derived from its node's constant inputs when it was prepared (weights reordered into a
 * library's layout, transformed for Winograd, a bound computed from them), which a plan file keeps beside the
 * weights, so that loading the plan takes it as stored ({@link NodeContext#stored}) instead of deriving it again.
 *
 * @param name  the part's name, unique among the kernel's parts (e.g. {@code "weights"}, {@code "slice1/weights"})
 * @param form  everything besides the node's constant inputs that decides the bytes, exactly: the library and its
 *              version, the kernel and layout it picked, a version of the kernel's own transform. A stored part is
 *              handed back only to a kernel asking for the same name and form, so a kernel whose library picks
 *              another layout on another machine derives its data afresh
 * @param bytes the data; whoever receives a stored part only reads it
 */
public record PackedPart(String name, String form, MemorySegment bytes) {
    public PackedPart {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(form, "form");
        Objects.requireNonNull(bytes, "bytes");
    }
}
