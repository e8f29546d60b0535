/**
 * Quantization placement: where INT8 goes in a graph. Post-training calibration (in the builder) measures the range
 * of every tensor a {@link io.jengine.opt.quant.QuantizationSite} reads; {@link io.jengine.opt.quant.QdqPlacement}
 * then writes those ranges into the graph as QuantizeLinear / DequantizeLinear pairs, and the weights as int8 with
 * per-channel scales, so that a calibrated model is the same kind of graph as one quantized by another tool (explicit
 * quantization), and one path serves both. Uses the IR and tensors of engine-api only.
 */
package io.jengine.opt.quant;
