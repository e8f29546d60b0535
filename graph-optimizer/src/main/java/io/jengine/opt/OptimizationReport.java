package io.jengine.opt;

import java.util.LinkedHashMap;
import java.util.Map;

/** How often each pass rewrote the graph in one optimization, in pipeline order, and how many rounds it took. */
public final class OptimizationReport {
    private final Map<String, Integer> applied = new LinkedHashMap<>();
    private int rounds;

    void count(String pass) { applied.merge(pass, 1, Integer::sum); }

    void round() { rounds++; }

    public Map<String, Integer> applied() { return Map.copyOf(applied); }

    public int rounds() { return rounds; }

    public int total() { return applied.values().stream().mapToInt(Integer::intValue).sum(); }
}
