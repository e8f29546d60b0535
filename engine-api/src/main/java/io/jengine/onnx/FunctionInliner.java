package io.jengine.onnx;

import io.jengine.errors.ModelFormatException;
import io.jengine.onnx.proto.OnnxProto.AttributeProto;
import io.jengine.onnx.proto.OnnxProto.FunctionProto;
import io.jengine.onnx.proto.OnnxProto.GraphProto;
import io.jengine.onnx.proto.OnnxProto.NodeProto;
import io.jengine.onnx.proto.OnnxProto.SparseTensorProto;
import io.jengine.onnx.proto.OnnxProto.TensorProto;
import io.jengine.onnx.proto.OnnxProto.ValueInfoProto;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replaces every call of a model-local function (ModelProto.functions) by the function's body, so the runtime only
 * ever sees primitive ops. For each call: formal inputs and outputs are bound to the call's value names (an omitted
 * optional input becomes the empty name), every other value of the body, sub-graphs included, gets a fresh name that
 * occurs nowhere else in the model, attributes that refer to the function's ({@code ref_attr_name}) take the call's
 * value or the function's default, or are dropped when neither exists; calls inside the body and inside sub-graphs
 * are expanded the same way.
 */
final class FunctionInliner {
    private final Map<String, FunctionProto> functions = new HashMap<>();
    private final Set<String> usedNames = new HashSet<>();
    /** The functions being expanded right now, outermost first: a call to one of them is recursion. */
    private final Deque<FunctionProto> active = new ArrayDeque<>();
    private int counter;

    FunctionInliner(List<FunctionProto> fns) {
        for (FunctionProto f : fns) functions.put(key(f.getDomain(), f.getName(), f.getOverload()), f);
    }

    private static String key(String domain, String name, String overload) {
        String d = domain == null || domain.equals("ai.onnx") ? "" : domain;
        return d + "::" + name + "::" + (overload == null ? "" : overload);
    }

    /** The graph with every function call expanded. */
    GraphProto inline(GraphProto g) {
        collectNames(g, usedNames);
        for (FunctionProto f : functions.values()) {
            for (NodeProto n : f.getNodeList()) collectNames(n, usedNames);
        }
        return inlineGraph(g);
    }

    private GraphProto inlineGraph(GraphProto g) {
        GraphProto.Builder b = g.toBuilder().clearNode();
        for (NodeProto n : g.getNodeList()) expandInto(b, n);
        return b.build();
    }

    private void expandInto(GraphProto.Builder out, NodeProto n) {
        FunctionProto fn = functions.get(key(n.getDomain(), n.getOpType(), n.getOverload()));
        if (fn == null) {
            out.addNode(withInlinedSubgraphs(n));
            return;
        }
        if (active.contains(fn)) {
            List<String> chain = new ArrayList<>();
            for (Iterator<FunctionProto> it = active.descendingIterator(); it.hasNext(); ) chain.add(it.next().getName());
            chain.add(fn.getName());
            throw new ModelFormatException("function '" + fn.getName() + "' calls itself, which cannot be inlined ("
                    + String.join(" -> ", chain) + ")");
        }
        if (n.getInputCount() > fn.getInputCount() || n.getOutputCount() > fn.getOutputCount()) {
            throw new ModelFormatException("node '" + n.getName() + "' calls function '" + fn.getName() + "' with "
                    + n.getInputCount() + " inputs and " + n.getOutputCount() + " outputs; it declares "
                    + fn.getInputCount() + " and " + fn.getOutputCount());
        }
        Call call = new Call(fn, n);
        for (ValueInfoProto v : fn.getValueInfoList()) {
            out.addValueInfo(v.toBuilder().setName(call.rename(v.getName())));
        }
        active.push(fn);
        for (NodeProto inner : fn.getNodeList()) expandInto(out, call.instantiate(inner));
        active.pop();
    }


    private NodeProto withInlinedSubgraphs(NodeProto n) {
        boolean any = n.getAttributeList().stream().anyMatch(a -> a.hasG() || a.getGraphsCount() > 0);
        if (!any) return n;
        NodeProto.Builder nb = n.toBuilder().clearAttribute();
        for (AttributeProto a : n.getAttributeList()) {
            AttributeProto.Builder ab = a.toBuilder();
            if (a.hasG()) ab.setG(inlineGraph(a.getG()));
            if (a.getGraphsCount() > 0) {
                ab.clearGraphs();
                for (GraphProto sub : a.getGraphsList()) ab.addGraphs(inlineGraph(sub));
            }
            nb.addAttribute(ab);
        }
        return nb.build();
    }

    /** One call site: the name bindings and attribute values that turn the function body into graph nodes. */
    private final class Call {
        private final NodeProto site;
        private final String prefix;
        private final Map<String, String> bound = new HashMap<>();
        private final Map<String, AttributeProto> attrs = new HashMap<>();

        Call(FunctionProto fn, NodeProto site) {
            this.site = site;
            this.prefix = freshPrefix(fn);
            for (int i = 0; i < fn.getInputCount(); i++) {
                bound.put(fn.getInput(i), i < site.getInputCount() ? site.getInput(i) : "");
            }
            for (int i = 0; i < fn.getOutputCount(); i++) {
                String actual = i < site.getOutputCount() ? site.getOutput(i) : "";
                bound.put(fn.getOutput(i), actual.isEmpty() ? fresh(fn.getOutput(i)) : actual);
            }
            for (AttributeProto a : fn.getAttributeProtoList()) attrs.put(a.getName(), a);
            for (AttributeProto a : site.getAttributeList()) attrs.put(a.getName(), a);
        }

        String rename(String name) {
            if (name.isEmpty()) return name;
            String b = bound.get(name);
            return b != null ? b : fresh(name);
        }

        private String fresh(String name) {
            String r = prefix + name;
            usedNames.add(r);
            return r;
        }

        /** A body node (or a node of a sub-graph in the body) with names and attribute references resolved. */
        NodeProto instantiate(NodeProto inner) {
            String base = site.getName().isEmpty() ? prefix : site.getName() + "/";
            NodeProto.Builder nb = inner.toBuilder().clearInput().clearOutput().clearAttribute()
                    .setName(base + inner.getName());
            for (String in : inner.getInputList()) nb.addInput(rename(in));
            for (String o : inner.getOutputList()) nb.addOutput(rename(o));
            for (AttributeProto a : inner.getAttributeList()) {
                AttributeProto r = resolve(a);
                if (r != null) nb.addAttribute(r);
            }
            return nb.build();
        }

        private AttributeProto resolve(AttributeProto a) {
            if (!a.getRefAttrName().isEmpty()) {
                // The caller's value belongs to the caller's scope: it is used as is, never renamed.
                AttributeProto src = attrs.get(a.getRefAttrName());
                return src == null ? null : src.toBuilder().setName(a.getName()).clearRefAttrName().build();
            }
            if (!a.hasG() && a.getGraphsCount() == 0) return a;
            AttributeProto.Builder ab = a.toBuilder();
            if (a.hasG()) ab.setG(instantiate(a.getG()));
            if (a.getGraphsCount() > 0) {
                ab.clearGraphs();
                for (GraphProto sub : a.getGraphsList()) ab.addGraphs(instantiate(sub));
            }
            return ab.build();
        }

        /**
         * A sub-graph of the body: all its names are renamed too, those it reads from the body by the body's binding
         * and its own ones to fresh names, so that it cannot shadow or clash with the caller's values.
         */
        private GraphProto instantiate(GraphProto g) {
            GraphProto.Builder b = g.toBuilder().clearNode().clearInput().clearOutput().clearValueInfo()
                    .clearInitializer().clearSparseInitializer();
            for (ValueInfoProto v : g.getInputList()) b.addInput(v.toBuilder().setName(rename(v.getName())));
            for (ValueInfoProto v : g.getOutputList()) b.addOutput(v.toBuilder().setName(rename(v.getName())));
            for (ValueInfoProto v : g.getValueInfoList()) b.addValueInfo(v.toBuilder().setName(rename(v.getName())));
            for (TensorProto t : g.getInitializerList()) b.addInitializer(t.toBuilder().setName(rename(t.getName())));
            for (SparseTensorProto s : g.getSparseInitializerList()) {
                b.addSparseInitializer(s.toBuilder().setValues(
                        s.getValues().toBuilder().setName(rename(s.getValues().getName()))));
            }
            for (NodeProto n : g.getNodeList()) b.addNode(instantiate(n));
            return b.build();
        }
    }

    /** A prefix no value of the model starts a name with, so renamed body values can never clash. */
    private String freshPrefix(FunctionProto fn) {
        while (true) {
            String p = "_" + fn.getName() + "_" + (counter++) + "_";
            boolean clash = false;
            for (String u : usedNames) {
                if (u.startsWith(p)) { clash = true; break; }
            }
            if (!clash) return p;
        }
    }

    private static void collectNames(GraphProto g, Set<String> into) {
        for (ValueInfoProto v : g.getInputList()) into.add(v.getName());
        for (ValueInfoProto v : g.getOutputList()) into.add(v.getName());
        for (TensorProto t : g.getInitializerList()) into.add(t.getName());
        for (SparseTensorProto s : g.getSparseInitializerList()) into.add(s.getValues().getName());
        for (NodeProto n : g.getNodeList()) collectNames(n, into);
    }

    private static void collectNames(NodeProto n, Set<String> into) {
        into.addAll(n.getInputList());
        into.addAll(n.getOutputList());
        for (AttributeProto a : n.getAttributeList()) {
            if (a.hasG()) collectNames(a.getG(), into);
            for (GraphProto sub : a.getGraphsList()) collectNames(sub, into);
        }
    }
}
