package io.jengine.tensor;

import java.util.ArrayList;
import java.util.List;

/** A static (possibly partly symbolic) tensor shape of known rank. Unknown rank is a null {@code Shape}. */
public record Shape(List<Dim> dims) {
    public Shape {
        dims = List.copyOf(dims);
    }

    public static Shape of(long... dims) {
        List<Dim> l = new ArrayList<>(dims.length);
        for (long d : dims) l.add(d < 0 ? Dim.unknown() : Dim.of(d));
        return new Shape(l);
    }

    public int rank() { return dims.size(); }

    public Dim dim(int i) { return dims.get(i); }

    public boolean isFullyKnown() {
        for (Dim d : dims) if (!d.isKnown()) return false;
        return true;
    }

    /** The concrete dimensions, -1 where unknown or symbolic. */
    public long[] toArray() {
        long[] r = new long[dims.size()];
        for (int i = 0; i < r.length; i++) r[i] = dims.get(i).value();
        return r;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < dims.size(); i++) b.append(i == 0 ? "" : ",").append(dims.get(i));
        return b.append(']').toString();
    }
}
