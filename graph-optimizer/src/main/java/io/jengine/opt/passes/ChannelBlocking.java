package io.jengine.opt.passes;

import io.jengine.infer.ShapeInference;
import io.jengine.ir.Attribute;
import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Graph;
import io.jengine.ir.GraphOrder;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.opt.ChannelsLast;
import io.jengine.opt.GraphIndex;
import io.jengine.tensor.DType;
import io.jengine.tensor.Dim;
import io.jengine.tensor.Shape;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Level 3's layout pass, in the manner of ONNX Runtime's NCHWc transformer: convolutions move to the channel-blocked
 * layout {@code [N, C/b, H, W, b]} their fastest CPU kernels read and write (oneDNN's nChw8c on AVX2, nChw16c on
 * AVX-512), and the ops around them follow, so that activations stay blocked from one convolution to the next instead
 * of being reordered around each. Conversions ({@link FusedOpSpec#TO_BLOCKED}, {@link FusedOpSpec#FROM_BLOCKED}) are
 * inserted only where the region ends: before the first convolution, and where a value is read by an op that cannot
 * take it blocked or leaves the graph.
 *
 * <p>What moves (each only with channel counts that are multiples of {@code b}, float32, 2-D):
 * <ul>
 *   <li>Conv and FusedConv, dense or depthwise, undilated, with constant weights: to BlockedConv (a dense
 *       convolution whose input channels are not a multiple of the block, such as an image's 3, reads its input
 *       plain); QuantizedConv likewise, its uint8 / int8 input and output blocked (a {@value FusedOpSpec#BLOCK}
 *       attribute on the same op);</li>
 *   <li>once a blocked value exists, its readers: unary elementwise ops; binary elementwise ops and elementwise
 *       chains whose other operands have the same channels (broadcast along N, H, W), are per-channel constants
 *       (reshaped alike) or single values; per-tensor QuantizeLinear and DequantizeLinear; MaxPool and AveragePool (the
 *       window gets a trailing 1); Concat along channels; the global
 *       pools, as ReduceMean / ReduceMax over axes 2 and 3; nearest Resize over H and W.</li>
 * </ul>
 * Every value keeps its name and meaning: a blocked copy has its own name, and the plain value is recomputed from it
 * where something still reads it, so the rewrite is invisible to the graph's outputs and to ops it does not know.
 */
public final class ChannelBlocking {
    public static final String NAME = "channel-blocking";

    private static final Set<String> UNARY = Set.of("Relu", "Sigmoid", "Tanh", "Clip", "HardSigmoid", "HardSwish",
            "LeakyRelu", "Elu", "Selu", "Celu", "Softplus", "Softsign", "Exp", "Log", "Neg", "Abs", "Sqrt",
            "Reciprocal", "Erf", "Floor", "Ceil", "Round", "Sign", "Mish", "ThresholdedRelu", "Gelu");
    private static final Set<String> BINARY = Set.of("Add", "Sub", "Mul", "Div", "Max", "Min", "PRelu");

    /** The channel block; in channels-last mode, 0 (the attribute's value for "the tensor's own channel count"). */
    private final int block;
    private final boolean channelsLast;
    /**
     * Channels-last pays where nearly all convolution work is dense k×k (ResNet-18: 1.35 → 1.24× ONNX Runtime at 2
     * threads, the digits CNN 1.36 → 1.05 at 1); with a quarter pointwise (SqueezeNet's fire modules, 75% dense) the
     * pointwise layers and the channel Concats lose more than the 3×3 layers gain (1.19 → 1.27). Until the tuner times
     * both layouts per model, this share decides.
     */
    private static final double CHANNELS_LAST_SHARE = 0.85;
    /**
     * Channels-last too, a dense convolution over fewer channels than this (an image's 3) reads its input plain:
     * oneDNN's first-layer kernels read NCHW, and converting the input first was a pass of its own (0.29 ms of a
     * quantized MobileNet-V2's 7.8 at 1 thread).
     */
    private static final int FEW_CHANNELS = 8;
    private final GraphIndex index;
    private final List<Node> out = new ArrayList<>();
    private final Map<String, Tensor> initializers = new LinkedHashMap<>();
    /** Plain value name → the name of its blocked copy, once one exists. */
    private final Map<String, String> blocked = new HashMap<>();
    /** Plain names whose producer was converted: they exist only blocked until {@link #plain} restores them. */
    private final Set<String> onlyBlocked = new HashSet<>();

    private ChannelBlocking(GraphIndex index, int block, boolean channelsLast) {
        this.block = channelsLast ? 0 : block;
        this.channelsLast = channelsLast;
        this.index = index;
    }

    /** The graph with its convolutions and their neighbourhood on the layout blocked by {@code block} channels. */
    public static Graph apply(Graph graph, int block) { return apply(graph, block, false); }

    /**
     * As {@link #apply(Graph, int)}; where {@code channelsLastAllowed} and dense k×k convolutions (k > 1) hold nearly
     * all of the graph's convolution work (more than {@link #CHANNELS_LAST_SHARE}), integer ones most of it, or the
     * blocked layout would leave some of it out ({@link #UNBLOCKED_SHARE}), the layout is channels-last instead ({@code [N, 1, H, W, C]}, the block being each
     * tensor's own channel count; attribute {@value FusedOpSpec#BLOCK} 0): on AVX2, oneDNN's brgemm convolution on
     * channels-last measured 1.1× (1 thread) to 1.5× (2 threads) its direct kernel on nChw8c for 3×3 layers, while
     * its 1×1 and depthwise kernels are as fast or faster blocked.
     */
    public static Graph apply(Graph graph, int block, boolean channelsLastAllowed) {
        return apply(graph, block, channelsLastAllowed, io.jengine.infer.InferenceRegistry.onnx());
    }

    /** As {@link #apply(Graph, int, boolean)}, typing the graph with {@code rules} (plugin ops' included). */
    public static Graph apply(Graph graph, int block, boolean channelsLastAllowed, io.jengine.infer.InferenceRegistry rules) {
        return apply(graph, block, ChannelsLast.allowed(channelsLastAllowed), rules);
    }

    /**
     * As {@link #apply(Graph, int, boolean)}, channels-last as {@code channelsLast} says: never, where the graph's
     * mix of convolutions makes it pay, or always; typing the graph with {@code rules} (plugin ops' included).
     */
    public static Graph apply(Graph graph, int block, ChannelsLast channelsLast, io.jengine.infer.InferenceRegistry rules) {
        if (block < 2) throw new IllegalArgumentException("channel block must be at least 2, got " + block);
        Graph g = ShapeInference.infer(graph, rules);
        GraphIndex index = new GraphIndex(g);
        boolean last = switch (channelsLast) {
            case NEVER -> false;
            case WHERE_IT_PAYS -> denseShare(g, index) > CHANNELS_LAST_SHARE || integerShare(g, index) > INTEGER_SHARE
                    || unblockedShare(g, index, block) > UNBLOCKED_SHARE;
            case ALWAYS -> true;
        };
        ChannelBlocking pass = new ChannelBlocking(index, block, last);
        boolean any = false;
        for (Node n : g.nodes()) any |= pass.visit(n);
        if (!any) return graph;
        for (ValueInfo o : g.outputs()) pass.plain(o.name());
        Graph.Builder b = g.toBuilder().nodes(pass.out);
        pass.initializers.forEach(b::initializer);
        if (g.opset(FusedOpSpec.DOMAIN) < 0) b.opset(FusedOpSpec.DOMAIN, FusedOpSpec.VERSION);
        return b.build();
    }

    /**
     * Integer convolutions go channels-last where they hold most of the convolution work: oneDNN's int8 kernels read
     * only channels-last (on nChw8c each layer was staged through it, and a quantized ResNet-50's convolutions took
     * 62 ms a run against 53 channels-last, 1 thread on AVX2).
     */
    private static final double INTEGER_SHARE = 0.5;

    /**
     * Channels-last where the channel-blocked layout would leave more than this share of the convolution work out:
     * convolutions whose channels are not a multiple of the block (MobileNet-V2's and EfficientNet's 24, 40 and 112
     * under AVX-512's 16) run plain, on slower kernels, with a conversion on either side, while channels-last takes
     * any count. On an AVX-512 Xeon at 1 thread: MobileNet-V2 (14% of its work on 24 channels) 7.0 ms blocked, 6.1
     * channels-last; EfficientNet-B0 12.0 and 10.7; under AVX2's block of 8 both fit the blocked layout whole.
     */
    private static final double UNBLOCKED_SHARE = 0.05;

    /**
     * The share of the graph's convolution multiply-adds in float convolutions the blocked layout of {@code block}
     * cannot hold: output channels, or input channels of a layer not reading an image's few, not a multiple of it.
     */
    static double unblockedShare(Graph g, GraphIndex index, int block) {
        return share(g, index, n -> {
            if (FusedOpSpec.is(n, FusedOpSpec.QUANTIZED_CONV)) return false;
            Tensor w = index.constant(n.inputs().get(1));
            long m = w.dim(0), c = w.dim(1) * n.attrInt("group", 1);
            return m % block != 0 || c >= FEW_CHANNELS && c % block != 0;
        });
    }

    /** The share of the graph's convolution multiply-adds in integer convolutions ({@code QuantizedConv}). */
    static double integerShare(Graph g, GraphIndex index) {
        return share(g, index, n -> FusedOpSpec.is(n, FusedOpSpec.QUANTIZED_CONV));
    }

    /**
     * The share of the graph's convolution multiply-adds in dense convolutions with a kernel larger than 1×1 (per
     * image, over the convolutions whose output planes are known); 0 when none is known.
     */
    static double denseShare(Graph g, GraphIndex index) {
        return share(g, index, null);
    }

    /** The share of convolution work in the nodes {@code which} accepts (null: dense k×k convolutions). */
    private static double share(Graph g, GraphIndex index, java.util.function.Predicate<Node> which) {
        double dense = 0, all = 0;
        for (Node n : g.nodes()) {
            boolean quantized = FusedOpSpec.is(n, FusedOpSpec.QUANTIZED_CONV);
            boolean conv = n.domain().isEmpty() && n.opType().equals("Conv") || FusedOpSpec.is(n, FusedOpSpec.FUSED_CONV)
                    || quantized;
            int wAt = quantized ? FusedOpSpec.QC_W : 1;
            if (!conv || n.inputs().size() <= wAt) continue;
            Tensor w = index.constant(n.inputs().get(wAt));
            if (w == null || w.rank() != 4 || !(index.type(n.outputs().getFirst()) instanceof ValueType.TensorType t)
                    || t.shape() == null || t.shape().rank() != 4) {
                continue;
            }
            // the batch, often symbolic, scales every layer alike; the plane must be known
            Shape o = t.shape();
            if (!o.dim(1).isKnown() || !o.dim(2).isKnown() || !o.dim(3).isKnown()) continue;
            double work = (double) o.dim(1).value() * o.dim(2).value() * o.dim(3).value() * (w.size() / w.dim(0));
            all += work;
            if (which != null ? which.test(n) : n.attrInt("group", 1) == 1 && w.dim(2) * w.dim(3) > 1) dense += work;
        }
        return all == 0 ? 0 : dense / all;
    }

    /** Emits {@code n} converted, or as it is with its plain inputs restored; true when it converted. */
    private boolean visit(Node n) {
        Node converted = convert(n);
        if (converted != null) {
            // a converted node may still read an input plain (channels-last, a dense convolution over fewer than
            // FEW_CHANNELS): where that input's producer was converted, the plain form is made again for it
            for (String name : GraphOrder.reads(converted)) plain(name);
            out.add(converted);
            for (int i = 0; i < n.outputs().size(); i++) {
                String o = n.outputs().get(i);
                if (o.isEmpty()) continue;
                blocked.put(o, converted.outputs().get(i));
                onlyBlocked.add(o);
            }
            return true;
        }
        for (String name : GraphOrder.reads(n)) plain(name);
        out.add(n);
        return false;
    }

    private Node convert(Node n) {
        boolean onnx = n.domain().isEmpty();
        if ((onnx && n.opType().equals("Conv")) || FusedOpSpec.is(n, FusedOpSpec.FUSED_CONV)) return conv(n);
        if (FusedOpSpec.is(n, FusedOpSpec.QUANTIZED_CONV)) return quantizedConv(n);
        if (!onnx && !FusedOpSpec.is(n, FusedOpSpec.ELEMENTWISE_CHAIN) && !FusedOpSpec.is(n, "Gelu")) return null;
        if (n.outputs().size() != 1) return null;
        String op = n.opType();
        if (FusedOpSpec.is(n, FusedOpSpec.ELEMENTWISE_CHAIN) || BINARY.contains(op)) return elementwise(n);
        if (UNARY.contains(op)) return unary(n);
        return switch (op) {
            case "QuantizeLinear", "DequantizeLinear" -> quantization(n);
            case "MaxPool", "AveragePool" -> pool(n);
            case "GlobalAveragePool", "GlobalMaxPool" -> globalPool(n);
            case "Concat" -> concat(n);
            case "Resize" -> resize(n);
            default -> null;
        };
    }

    private Node conv(Node n) {
        long[] x = float32Dims(n.inputs().getFirst());
        Tensor w = index.constant(n.inputs().get(1));
        if (n.hasInput(2) && index.constant(n.inputs().get(2)) == null) return null;
        List<String> ins = blockedInputs(n, x, w, 0, FusedOpSpec.CONV_RESIDUAL);
        if (ins == null) return null;
        Node.Builder b = n.toBuilder().domain(FusedOpSpec.DOMAIN).opType(FusedOpSpec.BLOCKED_CONV).inputs(ins)
                .outputs(blockedName(n.outputs().getFirst())).attr(Attribute.of(FusedOpSpec.BLOCK, (long) block));
        if (!n.hasAttr(FusedOpSpec.ACTIVATION)) b.attr(Attribute.of(FusedOpSpec.ACTIVATION, FusedOpSpec.NO_ACTIVATION));
        return b.build();
    }

    /**
     * An integer convolution takes the layout as a float one does, its uint8 or int8 input and output blocked alike
     * (the same op, with a {@value FusedOpSpec#BLOCK} attribute), so that integers flow from one blocked layer to the
     * next.
     */
    private Node quantizedConv(Node n) {
        if (n.hasAttr(FusedOpSpec.BLOCK)) return null;
        long[] x = integerDims(n.inputs().get(FusedOpSpec.QC_X));
        List<String> ins = blockedInputs(n, x, index.constant(n.inputs().get(FusedOpSpec.QC_W)), FusedOpSpec.QC_X,
                FusedOpSpec.QC_RESIDUAL);
        if (ins == null) return null;
        return n.toBuilder().inputs(ins).outputs(blockedName(n.outputs().getFirst()))
                .attr(Attribute.of(FusedOpSpec.BLOCK, (long) block)).build();
    }

    /**
     * A convolution's inputs with X (at {@code xAt}, dims {@code x}) and the residual (at {@code residualAt}) blocked,
     * or null where the layout does not fit it: 2-D, undilated, dense or depthwise, output channels a multiple of the
     * block; X stays plain where its channels are not (a first convolution over 3), for dense convolutions.
     */
    private List<String> blockedInputs(Node n, long[] x, Tensor w, int xAt, int residualAt) {
        if (x == null || x[1] < 1 || w == null || w.rank() != 4) return null;
        if (!n.attrString("auto_pad", "NOTSET").equals("NOTSET") && !n.attrString("auto_pad", "").equals("VALID")) return null;
        for (long d : n.attrInts("dilations", new long[] {1, 1})) if (d != 1) return null;
        long c = x[1], m = w.dim(0), group = n.attrInt("group", 1);
        boolean depthwise = group == c && m == c && w.dim(1) == 1;
        if (group != 1 && !depthwise) return null;
        if (!channelsLast && m % block != 0) return null;
        boolean blockedInput = channelsLast ? c >= FEW_CHANNELS : c % block == 0;
        // integer codes not yet blocked (a quantized graph input) are read plain by a dense convolution, which
        // stages them itself, rather than converted on their own
        String xName = n.inputs().get(xAt);
        if (integerDims(xName) != null && !blocked.containsKey(xName) && group == 1) blockedInput = false;
        if (!blockedInput && group != 1) return null;
        List<String> ins = new ArrayList<>(n.inputs());
        ins.set(xAt, blockedInput ? blocked(ins.get(xAt)) : ins.get(xAt));
        if (ins.size() > residualAt && !ins.get(residualAt).isEmpty()) {
            String z = ins.get(residualAt);
            long[] r = dims(z);
            if (r == null) {
                r = integerDims(z);
                if (r != null && !channelsLast && r[1] % block != 0) r = null;
            }
            if (r == null || r[1] != m) return null;
            ins.set(residualAt, blocked(z));
        }
        return ins;
    }

    /** A 4-D uint8 or int8 value's dims with known channels (others may be unknown, -1), else null. */
    private long[] integerDims(String name) {
        if (!(index.type(name) instanceof ValueType.TensorType t)) return null;
        if (t.elementType() != DType.UINT8 && t.elementType() != DType.INT8) return null;
        Shape s = t.shape();
        return s == null || s.rank() != 4 || !s.dim(1).isKnown() ? null : s.toArray();
    }

    /**
     * QuantizeLinear and DequantizeLinear with one scale and zero point for the whole tensor are elementwise, so they
     * follow a blocked value (its uint8 or int8 form too): a quantized model's convolutions then stay blocked across
     * the Q/DQ pairs at their inputs instead of being reordered around each.
     */
    private Node quantization(Node n) {
        String x = n.inputs().getFirst();
        if (!blocked.containsKey(x) || n.attrInt("block_size", 0) != 0) return null;
        if (!n.hasInput(1) || !isSingleValue(n.inputs().get(1))) return null;
        if (n.hasInput(2) && !isSingleValue(n.inputs().get(2))) return null;
        boolean quantize = n.opType().equals("QuantizeLinear");
        if (quantize ? dims(x) == null : quantizedDims(x) == null) return null;
        List<String> ins = new ArrayList<>(n.inputs());
        ins.set(0, blocked.get(x));
        return n.toBuilder().inputs(ins).outputs(blockedName(n.outputs().getFirst())).build();
    }

    /** A 4-D uint8 or int8 value's dims with channels a known multiple of the block, else null. */
    private long[] quantizedDims(String name) {
        if (!(index.type(name) instanceof ValueType.TensorType t)) return null;
        if (t.elementType() != DType.UINT8 && t.elementType() != DType.INT8) return null;
        Shape s = t.shape();
        if (s == null || s.rank() != 4 || !s.dim(1).isKnown()) return null;
        long[] d = s.toArray();
        return d[1] > 0 && (channelsLast || d[1] % block == 0) ? d : null;
    }

    private Node unary(Node n) {
        String x = n.inputs().getFirst();
        if (!blocked.containsKey(x) || dims(x) == null) return null;
        for (int i = 1; i < n.inputs().size(); i++) {
            if (n.hasInput(i) && !isSingleValue(n.inputs().get(i))) return null;
        }
        List<String> ins = new ArrayList<>(n.inputs());
        ins.set(0, blocked.get(x));
        return n.toBuilder().inputs(ins).outputs(blockedName(n.outputs().getFirst())).build();
    }

    /**
     * Binary ops and chains. Broadcasting along N, H and W between operands of the same channel count commutes with
     * blocking, so an operand with the output's channels joins blocked (converted if it is not yet), a constant
     * per-channel one ({@code [C, 1, 1]}, {@code [n, C, 1, 1]}) as a reshaped constant, a single value as it is.
     * Converted only where every other operand is blocked already, or one of the output's own shape is.
     */
    private Node elementwise(Node n) {
        Shape y = shape(n.outputs().getFirst());
        if (y == null || y.rank() != 4 || dims(n.outputs().getFirst()) == null) return null;
        Dim channels = y.dim(1);
        boolean fullSizeBlocked = false, allBlocked = true;
        List<String> ins = new ArrayList<>(n.inputs());
        List<Runnable> commits = new ArrayList<>();
        for (int i = 0; i < ins.size(); i++) {
            String name = ins.get(i);
            if (name.isEmpty() || isSingleValue(name)) continue;
            Shape s = shape(name);
            if (s == null) return null;
            int at = i;
            boolean constant = index.constant(name) != null;
            if (constant && perChannel(s, y)) {
                commits.add(() -> ins.set(at, perChannelConstant(name, s, y)));
            } else if (s.rank() == 4 && sameDim(s.dim(1), channels)) {
                boolean isBlocked = blocked.containsKey(name);
                allBlocked &= isBlocked;
                fullSizeBlocked |= isBlocked && sameDims(s, y);
                commits.add(() -> ins.set(at, blocked(name)));
            } else {
                return null;
            }
        }
        if (!fullSizeBlocked && !allBlocked || commits.isEmpty()) return null;
        commits.forEach(Runnable::run);
        return n.toBuilder().inputs(ins).outputs(blockedName(n.outputs().getFirst())).build();
    }

    /** Equal ranks and dims, a symbolic dim equal to another of the same name. */
    private static boolean sameDims(Shape a, Shape b) {
        if (a.rank() != b.rank()) return false;
        for (int i = 0; i < a.rank(); i++) if (!sameDim(a.dim(i), b.dim(i))) return false;
        return true;
    }

    /** Whether the constant's {@code s}, aligned right against the 4-D {@code y}, is {@code [1 or N, C, 1, 1]}. */
    private static boolean perChannel(Shape s, Shape y) {
        if (s.rank() < 3 || s.rank() > 4 || !s.isFullyKnown()) return false;
        int o = s.rank() - 3;
        boolean batch = o == 0 || isOne(s.dim(0)) || sameDim(s.dim(0), y.dim(0));
        return batch && y.dim(1).isKnown() && sameDim(s.dim(o), y.dim(1)) && isOne(s.dim(o + 1)) && isOne(s.dim(o + 2));
    }

    private static boolean isOne(Dim d) { return d.isKnown() && d.value() == 1; }

    private static boolean sameDim(Dim x, Dim z) {
        return x.isKnown() ? z.isKnown() && x.value() == z.value() : x.isSymbolic() && x.equals(z);
    }

    /** A constant per-channel operand as {@code [n, C/b, 1, 1, b]}: the same values, reshaped. */
    private String perChannelConstant(String name, Shape s, Shape y) {
        Tensor t = index.constant(name);
        String r = blockedName(name);
        long n = s.rank() == 4 ? s.dim(0).value() : 1;
        if (!initializers.containsKey(r)) {
            long c = y.dim(1).value();
            long[] shape = channelsLast ? new long[] {n, 1, 1, 1, c} : new long[] {n, c / block, 1, 1, block};
            initializers.put(r, Tensor.fromBytes(t.dtype(), shape, t.data()));
        }
        return r;
    }

    private Node pool(Node n) {
        String x = n.inputs().getFirst();
        long[] kernel = n.attrInts("kernel_shape", null);
        if (!blocked.containsKey(x) || dims(x) == null || kernel == null || kernel.length != 2) return null;
        String autoPad = n.attrString("auto_pad", "NOTSET");
        if (!autoPad.equals("NOTSET") && !autoPad.equals("VALID")) return null;
        Node.Builder b = n.toBuilder().inputs(blocked.get(x)).outputs(blockedName(n.outputs().getFirst()))
                .attr(Attribute.of("kernel_shape", new long[] {kernel[0], kernel[1], 1}));
        long[] strides = n.attrInts("strides", null);
        if (strides != null) b.attr(Attribute.of("strides", new long[] {strides[0], strides[1], 1}));
        long[] dil = n.attrInts("dilations", null);
        if (dil != null) b.attr(Attribute.of("dilations", new long[] {dil[0], dil[1], 1}));
        long[] pads = n.attrInts("pads", null);
        if (pads != null) b.attr(Attribute.of("pads", new long[] {pads[0], pads[1], 0, pads[2], pads[3], 0}));
        return b.build();
    }

    private Node globalPool(Node n) {
        String x = n.inputs().getFirst();
        if (!blocked.containsKey(x) || dims(x) == null) return null;
        String op = n.opType().equals("GlobalMaxPool") ? "ReduceMax" : "ReduceMean";
        Node.Builder b = Node.builder(op).name(n.name()).outputs(blockedName(n.outputs().getFirst()))
                .attr(Attribute.of("keepdims", 1L));
        long[] axes = {2, 3};
        if (index.graph().opset("") >= 18) {
            String axesName = n.name() + "/axes";
            initializers.put(axesName, Tensor.ofLongs(new long[] {2}, axes));
            b.inputs(blocked.get(x), axesName);
        } else {
            b.inputs(blocked.get(x)).attr(Attribute.of("axes", axes));
        }
        return b.build();
    }

    private Node concat(Node n) {
        long axis = n.attrInt("axis", 0);
        if (axis != 1 && axis != -3) return null;
        boolean anyBlocked = false;
        for (String in : n.inputs()) {
            long[] d = dims(in);
            if (d == null) return null;
            anyBlocked |= blocked.containsKey(in);
        }
        if (!anyBlocked) return null;
        List<String> ins = n.inputs().stream().map(this::blocked).toList();
        // channels are axis 1 of the blocks, or the last axis channels-last
        return n.toBuilder().inputs(ins).outputs(blockedName(n.outputs().getFirst()))
                .attr(Attribute.of("axis", channelsLast ? 4L : 1L)).build();
    }

    /**
     * Nearest Resize over H and W (opset 11 on, scales or sizes constant): the same op on the blocked tensor, its
     * scales gaining a 1 (sizes the block) for the block axis, along which every coordinate transform but
     * tf_crop_and_resize (left alone, with roi) is the identity at scale 1.
     */
    private Node resize(Node n) {
        String x = n.inputs().getFirst();
        if (!blocked.containsKey(x) || dims(x) == null || index.graph().opset("") < 11 || n.hasAttr("axes")) return null;
        if (!n.attrString("mode", "nearest").equals("nearest")
                || n.attrString("coordinate_transformation_mode", "half_pixel").equals("tf_crop_and_resize")) {
            return null;
        }
        List<String> ins = new ArrayList<>(n.inputs());
        while (ins.size() < 4) ins.add("");
        Tensor scales = ins.get(2).isEmpty() ? null : index.constant(ins.get(2));
        Tensor sizes = ins.get(3).isEmpty() ? null : index.constant(ins.get(3));
        if (scales != null && scales.size() == 4) {
            double[] s = scales.toDoubleArray();
            if (s[0] != 1 || s[1] != 1 || !ins.get(3).isEmpty()) return null;
            String name = blockedName(ins.get(2));
            initializers.putIfAbsent(name, Tensor.ofFloats(new long[] {5}, (float) s[0], (float) s[1], (float) s[2],
                    (float) s[3], 1f));
            ins.set(2, name);
        } else if (sizes != null && sizes.size() == 4 && (scales == null || scales.size() == 0)) {
            long[] z = sizes.toLongArray();
            long[] d = dims(x);
            if (d[1] != z[1]) return null;
            String name = blockedName(ins.get(3));
            initializers.putIfAbsent(name, channelsLast ? Tensor.ofLongs(new long[] {5}, z[0], 1, z[2], z[3], z[1])
                    : Tensor.ofLongs(new long[] {5}, z[0], z[1] / block, z[2], z[3], block));
            ins.set(3, name);
        } else {
            return null;
        }
        ins.set(0, blocked.get(x));
        // roi matters only to tf_crop_and_resize, and would have the plain rank
        if (!ins.get(1).isEmpty()) {
            String roi = blockedName(ins.get(1));
            initializers.putIfAbsent(roi, Tensor.ofFloats(new long[] {0}));
            ins.set(1, roi);
        }
        while (!ins.isEmpty() && ins.getLast().isEmpty()) ins.removeLast();
        return n.toBuilder().inputs(ins).outputs(blockedName(n.outputs().getFirst())).build();
    }

    /** The blocked copy of a plain value, converting it here when none exists yet. */
    private String blocked(String name) {
        String b = blocked.get(name);
        if (b != null) return b;
        b = blockedName(name);
        out.add(Node.builder(FusedOpSpec.TO_BLOCKED).domain(FusedOpSpec.DOMAIN).name(name + "/to_blocked")
                .inputs(name).outputs(b).attr(Attribute.of(FusedOpSpec.BLOCK, (long) block)).build());
        blocked.put(name, b);
        return b;
    }

    /** Makes sure the plain value {@code name} exists, converting it back from its blocked copy where needed. */
    private void plain(String name) {
        if (!onlyBlocked.remove(name)) return;
        out.add(Node.builder(FusedOpSpec.FROM_BLOCKED).domain(FusedOpSpec.DOMAIN).name(name + "/from_blocked")
                .inputs(blocked.get(name)).outputs(name).attr(Attribute.of(FusedOpSpec.BLOCK, (long) block)).build());
    }

    private String blockedName(String name) { return name + (channelsLast ? "@nhwc" : "@nchw" + block + "c"); }

    /** A 4-D float32 value's dims with known channels (others may be unknown, -1), else null. */
    private long[] float32Dims(String name) {
        if (!(index.type(name) instanceof ValueType.TensorType t) || t.elementType() != DType.FLOAT32) return null;
        Shape s = t.shape();
        return s == null || s.rank() != 4 || !s.dim(1).isKnown() ? null : s.toArray();
    }

    /** A 4-D float32 value's dims with channels a known multiple of the block (others may be unknown, -1); else null. */
    private long[] dims(String name) {
        long[] d = float32Dims(name);
        return d != null && d[1] > 0 && (channelsLast || d[1] % block == 0) ? d : null;
    }

    private Shape shape(String name) {
        return index.type(name) instanceof ValueType.TensorType t ? t.shape() : null;
    }

    private boolean isSingleValue(String name) {
        Shape s = shape(name);
        if (s == null || !s.isFullyKnown()) return false;
        for (long d : s.toArray()) if (d != 1) return false;
        return true;
    }
}
