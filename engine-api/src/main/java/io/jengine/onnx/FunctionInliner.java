package io.jengine.onnx;

import io.jengine.errors.ModelFormatException;
import io.jengine.onnx.proto.OnnxProto.AttributeProto;
import io.jengine.onnx.proto.OnnxProto.FunctionProto;
import io.jengine.onnx.proto.OnnxProto.GraphProto;
import io.jengine.onnx.proto.OnnxProto.NodeProto;
import io.jengine.onnx.proto.OnnxProto.TensorProto;
import io.jengine.onnx.proto.OnnxProto.ValueInfoProto;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Replaces every call of a model-local function (ModelProto.functions) by the function's body, as ONNX Runtime does
 * at load time: formal inputs and outputs are bound to the call's value names, the body's own values get unique
 * names, attributes that reference the caller's ({@code ref_attr_name}) are substituted or take the function's
 * defaults, and nested calls and sub-graphs are handled recursively.
 */
final class FunctionInliner {
    private static final int MAX_DEPTH = 64;

    private final Map<String, FunctionProto> functions = new HashMap<>();
    private int counter;

    FunctionInliner(List<FunctionProto> fns) {
        for (FunctionProto f : fns) functions.put(key(f.getDomain(), f.getName(), f.getOverload()), f);
    }

    private static String key(String domain, String name, String overload) {
        String d = domain == null || domain.equals("ai.onnx") ? "" : domain;
        return d + "::" + name + "::" + (overload == null ? "" : overload);
    }

    boolean isEmpty() { return functions.isEmpty(); }

    GraphProto inline(GraphProto g) { return inline(g, 0); }

    private GraphProto inline(GraphProto g, int depth) {
        GraphProto.Builder b = g.toBuilder().clearNode();
        for (NodeProto n : g.getNodeList()) expandInto(b, n, depth);
        return b.build();
    }

    private void expandInto(GraphProto.Builder out, NodeProto n, int depth) {
        FunctionProto fn = functions.get(key(n.getDomain(), n.getOpType(), n.getOverload()));
        if (fn == null) {
            out.addNode(withInlinedSubgraphs(n, depth));
            return;
        }
        if (depth > MAX_DEPTH) {
            throw new ModelFormatException("function " + fn.getName() + " calls itself (recursion deeper than "
                    + MAX_DEPTH + " at node '" + n.getName() + "')");
        }
        String prefix = "__" + fn.getName() + "_" + (counter++) + "__";
        Map<String, String> bound = new HashMap<>();
        for (int i = 0; i < fn.getInputCount(); i++) {
            bound.put(fn.getInput(i), i < n.getInputCount() ? n.getInput(i) : "");
        }
        for (int i = 0; i < fn.getOutputCount(); i++) {
            String actual = i < n.getOutputCount() ? n.getOutput(i) : "";
            bound.put(fn.getOutput(i), actual.isEmpty() ? prefix + fn.getOutput(i) : actual);
        }
        UnaryOperator<String> rename = x -> x.isEmpty() ? x : bound.getOrDefault(x, prefix + x);
        Map<String, AttributeProto> callAttrs = new HashMap<>();
        for (AttributeProto a : n.getAttributeList()) callAttrs.put(a.getName(), a);
        Map<String, AttributeProto> defaults = new HashMap<>();
        for (AttributeProto a : fn.getAttributeProtoList()) defaults.put(a.getName(), a);

        GraphProto.Builder body = GraphProto.newBuilder();
        for (NodeProto inner : fn.getNodeList()) {
            NodeProto.Builder nb = inner.toBuilder().clearInput().clearOutput().clearAttribute()
                    .setName(n.getName() + "/" + inner.getName());
            for (String in : inner.getInputList()) nb.addInput(rename.apply(in));
            for (String o : inner.getOutputList()) nb.addOutput(rename.apply(o));
            for (AttributeProto a : inner.getAttributeList()) {
                AttributeProto resolved = resolve(a, callAttrs, defaults);
                if (resolved == null) continue;
                if (resolved.hasG()) resolved = resolved.toBuilder().setG(renameFree(resolved.getG(), rename)).build();
                if (resolved.getGraphsCount() > 0) {
                    AttributeProto.Builder ab = resolved.toBuilder().clearGraphs();
                    for (GraphProto sub : resolved.getGraphsList()) ab.addGraphs(renameFree(sub, rename));
                    resolved = ab.build();
                }
                nb.addAttribute(resolved);
            }
            body.addNode(nb);
        }
        for (NodeProto inner : body.getNodeList()) expandInto(out, inner, depth + 1);
    }

    private static AttributeProto resolve(AttributeProto a, Map<String, AttributeProto> call,
                                          Map<String, AttributeProto> defaults) {
        if (a.getRefAttrName().isEmpty()) return a;
        AttributeProto src = call.getOrDefault(a.getRefAttrName(), defaults.get(a.getRefAttrName()));
        return src == null ? null : src.toBuilder().setName(a.getName()).clearRefAttrName().build();
    }

    private NodeProto withInlinedSubgraphs(NodeProto n, int depth) {
        boolean any = n.getAttributeList().stream().anyMatch(a -> a.hasG() || a.getGraphsCount() > 0);
        if (!any) return n;
        NodeProto.Builder nb = n.toBuilder().clearAttribute();
        for (AttributeProto a : n.getAttributeList()) {
            AttributeProto.Builder ab = a.toBuilder();
            if (a.hasG()) ab.setG(inline(a.getG(), depth + 1));
            if (a.getGraphsCount() > 0) {
                ab.clearGraphs();
                for (GraphProto sub : a.getGraphsList()) ab.addGraphs(inline(sub, depth + 1));
            }
            nb.addAttribute(ab);
        }
        return nb.build();
    }

    /** Renames the names a sub-graph reads from enclosing scopes; its own names are left alone. */
    static GraphProto renameFree(GraphProto g, UnaryOperator<String> rename) {
        Set<String> defined = new HashSet<>();
        for (ValueInfoProto v : g.getInputList()) defined.add(v.getName());
        for (TensorProto t : g.getInitializerList()) defined.add(t.getName());
        for (NodeProto n : g.getNodeList()) defined.addAll(n.getOutputList());
        UnaryOperator<String> inner = x -> x.isEmpty() || defined.contains(x) ? x : rename.apply(x);
        GraphProto.Builder b = g.toBuilder().clearNode().clearOutput();
        for (NodeProto n : g.getNodeList()) {
            NodeProto.Builder nb = n.toBuilder().clearInput().clearAttribute();
            for (String in : n.getInputList()) nb.addInput(inner.apply(in));
            for (AttributeProto a : n.getAttributeList()) {
                AttributeProto.Builder ab = a.toBuilder();
                if (a.hasG()) ab.setG(renameFree(a.getG(), inner));
                if (a.getGraphsCount() > 0) {
                    ab.clearGraphs();
                    for (GraphProto sub : a.getGraphsList()) ab.addGraphs(renameFree(sub, inner));
                }
                nb.addAttribute(ab);
            }
            b.addNode(nb);
        }
        for (ValueInfoProto o : g.getOutputList()) b.addOutput(o.toBuilder().setName(inner.apply(o.getName())));
        return b.build();
    }
}
