package io.jengine.cli;

/** The outcome of one conformance case. {@code op} groups cases in reports; errors are NaN when not measured. */
record CaseResult(String name, String op, Status status, double maxAbsError, double maxRelError, String reason) {
    enum Status { PASSED, FAILED, SKIPPED }

    /** A coarse reason for grouping failures: the part of the message before the first detail. */
    String reasonKind() {
        if (reason == null) return "";
        if (reason.startsWith("timed out")) return "timed out";
        if (reason.contains("no backend implements op")) return "unsupported op";
        if (reason.contains("elements differ")) return "wrong values";
        if (reason.startsWith("output") && reason.contains(": shape")) return "wrong shape";
        if (reason.startsWith("output") && reason.contains("element type")) return "wrong element type";
        if (reason.startsWith("output") && reason.contains("element ")) return "wrong values";
        int colon = reason.indexOf(": ");
        String head = reason.startsWith("node ") && colon > 0 ? reason.substring(colon + 2) : reason;
        return head.length() > 60 ? head.substring(0, 60) + "..." : head;
    }
}
