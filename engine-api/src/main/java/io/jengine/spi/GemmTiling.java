package io.jengine.spi;

/**
 * The register and cache blocking of a packed GEMM in the BLIS / GotoBLAS manner: an {@code mr x nr} micro-tile of C
 * in registers, a {@code kc x nr} micro-panel of B in L1, an {@code mc x kc} block of A in L2, a {@code kc x nc} panel of
 * B in L3. Written {@code 4x16.kc256.mc96.nc1024} in tactic names and plan files.
 */
public record GemmTiling(int mr, int nr, int kc, int mc, int nc) {
    public GemmTiling {
        if (mr < 1 || nr < 1 || kc < 1 || mc < mr || mc % mr != 0 || nc < nr || nc % nr != 0) {
            throw new IllegalArgumentException("a tiling needs positive mr, nr, kc, mc a multiple of mr, nc a multiple of"
                    + " nr; got " + mr + "x" + nr + " kc " + kc + " mc " + mc + " nc " + nc);
        }
    }

    /** The form used in tactic names. */
    public String id() { return mr + "x" + nr + ".kc" + kc + ".mc" + mc + ".nc" + nc; }

    /** Reads {@link #id()}'s form back; a malformed one is an IllegalArgumentException naming it. */
    public static GemmTiling parse(String id) {
        try {
            String[] p = id.split("\\.");
            if (p.length != 4 || !p[1].startsWith("kc") || !p[2].startsWith("mc") || !p[3].startsWith("nc")) {
                throw new IllegalArgumentException("expected MRxNR.kcK.mcM.ncN");
            }
            String[] r = p[0].split("x");
            if (r.length != 2) throw new IllegalArgumentException("expected MRxNR first");
            return new GemmTiling(Integer.parseInt(r[0]), Integer.parseInt(r[1]), Integer.parseInt(p[1].substring(2)),
                    Integer.parseInt(p[2].substring(2)), Integer.parseInt(p[3].substring(2)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad GEMM tiling '" + id + "': " + e.getMessage(), e);
        }
    }
}
