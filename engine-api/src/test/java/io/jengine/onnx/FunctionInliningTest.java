package io.jengine.onnx;

import static io.jengine.onnx.Protos.floatAttr;
import static io.jengine.onnx.Protos.floatValue;
import static io.jengine.onnx.Protos.graphAttr;
import static io.jengine.onnx.Protos.model;
import static io.jengine.onnx.Protos.names;
import static io.jengine.onnx.Protos.node;
import static io.jengine.onnx.Protos.refAttr;
import static io.jengine.onnx.Protos.tensorType;
import static io.jengine.onnx.Protos.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.errors.ModelFormatException;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.onnx.proto.OnnxProto.AttributeProto;
import io.jengine.onnx.proto.OnnxProto.FunctionProto;
import io.jengine.onnx.proto.OnnxProto.GraphProto;
import io.jengine.onnx.proto.OnnxProto.ModelProto;
import io.jengine.onnx.proto.OnnxProto.NodeProto;
import io.jengine.onnx.proto.OnnxProto.OperatorSetIdProto;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Model-local functions are expanded into the graph at import. */
class FunctionInliningTest {
    private static final String DOMAIN = "custom";

    private static OperatorSetIdProto opset(String domain, int v) {
        return OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(v).build();
    }

    private static NodeProto call(String fn, String name, String[] in, String[] out, AttributeProto... attrs) {
        return node(fn, name, in, out, attrs).toBuilder().setDomain(DOMAIN).build();
    }

    /** out = a + alpha * b; alpha defaults to 2; "beta" has no default and is dropped when the call omits it. */
    private static FunctionProto addScaled() {
        return FunctionProto.newBuilder().setName("AddScaled").setDomain(DOMAIN)
                .addInput("a").addInput("b").addOutput("out").addAttribute("beta")
                .addAttributeProto(floatAttr("alpha", 2f))
                .addOpsetImport(opset("", 17)).addOpsetImport(opset("com.helper", 2))
                .addNode(node("Constant", "k", names(), names("alpha_c"),
                        refAttr("value_float", "alpha", AttributeProto.AttributeType.FLOAT)))
                .addNode(node("Mul", "mul", names("b", "alpha_c"), names("t"),
                        refAttr("unused", "beta", AttributeProto.AttributeType.FLOAT)))
                .addNode(node("Add", "add", names("a", "t"), names("out")))
                .addValueInfo(floatValue("t", 2))
                .build();
    }

    /** Calls another function, and has an optional second input. */
    private static FunctionProto twice() {
        return FunctionProto.newBuilder().setName("Twice").setDomain(DOMAIN)
                .addInput("v").addInput("lo").addOutput("r").addOpsetImport(opset("", 17)).addOpsetImport(opset(DOMAIN, 1))
                .addNode(call("AddScaled", "inner", names("v", "v"), names("s"), floatAttr("alpha", 1f)))
                .addNode(node("Clip", "clip", names("s", "lo"), names("r")))
                .build();
    }

    /** An If whose branch reads a function input and a function attribute. */
    private static FunctionProto scaleIf() {
        GraphProto then = GraphProto.newBuilder().setName("then").addOutput(floatValue("br", 2))
                .addNode(node("Constant", "kc", names(), names("kv"),
                        refAttr("value_float", "scale", AttributeProto.AttributeType.FLOAT)))
                .addNode(node("Mul", "m", names("v", "kv"), names("br"))).build();
        GraphProto otherwise = GraphProto.newBuilder().setName("else").addOutput(floatValue("v", 2)).build();
        return FunctionProto.newBuilder().setName("ScaleIf").setDomain(DOMAIN)
                .addInput("c").addInput("v").addOutput("y").addAttribute("scale").addOpsetImport(opset("", 17))
                .addNode(node("If", "if", names("c"), names("y"), graphAttr("then_branch", then),
                        graphAttr("else_branch", otherwise)))
                .build();
    }

    private static Model load(GraphProto g) {
        ModelProto p = model(g, 17).toBuilder().addOpsetImport(opset(DOMAIN, 1))
                .addFunctions(addScaled()).addFunctions(twice()).addFunctions(scaleIf()).build();
        return OnnxImporter.load(p.toByteArray(), null);
    }

    private static GraphProto.Builder graph() {
        return GraphProto.newBuilder().setName("main").addInput(floatValue("x", 2)).addInput(floatValue("y", 2))
                .addInput(floatValue("lo", 1)).addInput(value("cond", tensorType(Protos.BOOL)));
    }

    private static Node producer(Graph g, String value) {
        return g.nodes().stream().filter(n -> n.outputs().contains(value)).findFirst().orElseThrow();
    }

    @Test
    void twoCallsGetTheirOwnNamesBoundInputsAndAttributes() {
        Graph g = load(graph()
                // "t" is also a name inside AddScaled: inlining must not capture it.
                .addNode(node("Neg", "neg", names("x"), names("t")))
                .addNode(call("AddScaled", "c1", names("x", "y"), names("r1")))
                .addNode(call("AddScaled", "c2", names("t", "y"), names("r2"), floatAttr("alpha", 3f)))
                .addOutput(floatValue("r1", 2)).addOutput(floatValue("r2", 2)).build()).graph();

        assertEquals(List.of("Neg", "Constant", "Mul", "Add", "Constant", "Mul", "Add"),
                g.nodes().stream().map(Node::opType).toList());
        Node add1 = producer(g, "r1"), add2 = producer(g, "r2");
        assertEquals("x", add1.inputs().getFirst());
        assertEquals("t", add2.inputs().getFirst(), "the caller's t is bound to formal input a");
        String t1 = add1.inputs().get(1), t2 = add2.inputs().get(1);
        assertNotEquals("t", t1);
        assertNotEquals(t1, t2);
        Node mul1 = producer(g, t1);
        assertEquals("y", mul1.inputs().getFirst());
        assertFalse(mul1.hasAttr("unused"), "a reference to an attribute the call does not give is dropped");
        assertEquals(2f, producer(g, mul1.inputs().get(1)).attrFloat("value_float", 0), "default of alpha");
        Node mul2 = producer(g, t2);
        assertEquals(3f, producer(g, mul2.inputs().get(1)).attrFloat("value_float", 0), "alpha given by the call");
        assertEquals(Map.of("", 17, DOMAIN, 1, "com.helper", 2), g.opsets());
        assertTrue(g.valueInfo().containsKey(t1), "the function's value_info follows the renaming");
        assertEquals("c1/mul", mul1.name());

        Set<String> produced = new HashSet<>();
        for (Node n : g.nodes()) for (String o : n.outputs()) assertTrue(produced.add(o), "produced twice: " + o);
    }

    @Test
    void nestedCallsAndOmittedOptionalInputs() {
        Graph g = load(graph()
                .addNode(call("Twice", "withLo", names("x", "lo"), names("a")))
                .addNode(call("Twice", "noLo", names("y"), names("b")))
                .addOutput(floatValue("a", 2)).addOutput(floatValue("b", 2)).build()).graph();
        assertTrue(g.nodes().stream().noneMatch(n -> n.domain().equals(DOMAIN)), g.nodes().toString());
        Node clipA = producer(g, "a"), clipB = producer(g, "b");
        assertEquals("lo", clipA.inputs().get(1));
        assertEquals("", clipB.inputs().get(1), "an omitted optional input stays omitted");
        Node innerAdd = producer(g, clipB.inputs().getFirst());
        assertEquals(List.of("y"), innerAdd.inputs().subList(0, 1));
        Node mul = producer(g, innerAdd.inputs().get(1));
        assertEquals("y", mul.inputs().getFirst());
        assertEquals(1f, producer(g, mul.inputs().get(1)).attrFloat("value_float", 0), "alpha from the outer body");
    }

    @Test
    void subGraphsInFunctionBodiesAreRenamedAndSeeAttributes() {
        Graph g = load(graph()
                .addNode(call("ScaleIf", "s", names("cond", "x"), names("out"), floatAttr("scale", 5f)))
                .addOutput(floatValue("out", 2)).build()).graph();
        Node ifNode = g.nodes().getFirst();
        assertEquals("If", ifNode.opType());
        assertEquals(List.of("cond"), ifNode.inputs());
        assertEquals(List.of("out"), ifNode.outputs());
        Graph then = ifNode.attrGraph("then_branch");
        Node constant = then.nodes().getFirst();
        assertEquals(5f, constant.attrFloat("value_float", 0));
        Node mul = then.nodes().get(1);
        assertEquals("x", mul.inputs().getFirst(), "the branch reads the function input, bound to the caller's x");
        assertEquals(constant.outputs().getFirst(), mul.inputs().get(1));
        assertNotEquals("br", then.outputs().getFirst().name());
        assertEquals(mul.outputs().getFirst(), then.outputs().getFirst().name());
        assertEquals("x", ifNode.attrGraph("else_branch").outputs().getFirst().name());
        assertEquals(g.opsets(), then.opsets());
    }

    @Test
    void callsInsideSubGraphsOfTheMainGraphAreExpanded() {
        GraphProto body = GraphProto.newBuilder().setName("then").addOutput(floatValue("z", 2))
                .addNode(call("AddScaled", "inIf", names("x", "y"), names("z"))).build();
        Graph g = load(graph().addNode(node("If", "if", names("cond"), names("o"), graphAttr("then_branch", body),
                graphAttr("else_branch", body))).addOutput(floatValue("o", 2)).build()).graph();
        Graph then = g.nodes().getFirst().attrGraph("then_branch");
        assertEquals(List.of("Constant", "Mul", "Add"), then.nodes().stream().map(Node::opType).toList());
        assertEquals("z", then.nodes().get(2).outputs().getFirst());
    }

    @Test
    void recursionAndWrongArityAreErrors() {
        FunctionProto self = FunctionProto.newBuilder().setName("Loop4ever").setDomain(DOMAIN).addInput("a")
                .addOutput("b").addNode(call("Loop4ever", "again", names("a"), names("b"))).build();
        ModelProto p = model(graph().addNode(call("Loop4ever", "l", names("x"), names("o")))
                .addOutput(floatValue("o", 2)).build(), 17).toBuilder().addOpsetImport(opset(DOMAIN, 1))
                .addFunctions(self).build();
        String m = assertThrows(ModelFormatException.class, () -> OnnxImporter.load(p.toByteArray(), null)).getMessage();
        assertTrue(m.contains("Loop4ever") && m.contains("calls itself"), m);

        String arity = assertThrows(ModelFormatException.class, () -> load(graph()
                .addNode(call("AddScaled", "c", names("x", "y", "lo"), names("o")))
                .addOutput(floatValue("o", 2)).build())).getMessage();
        assertTrue(arity.contains("'c'") && arity.contains("AddScaled") && arity.contains("3 inputs"), arity);
    }
}
