package io.jengine.cpu.ref;

import io.jengine.spi.KernelRegistry;

/**
 * Image and detection ops: Resize / Upsample, GridSample, AffineGrid, RoiAlign, NonMaxSuppression, and ImageDecoder
 * with the JDK's codecs plus binary PNM.
 */
final class ImageKernels {
    private ImageKernels() {}

    static void register(KernelRegistry r) {
        ImageDecoderKernel.register(r);
        r.add("Upsample", 7, n -> ResizeKernel.upsample7(n.node()));
        r.add("Upsample", 9, n -> ResizeKernel.scalesInput(n.node()));
        r.add("Resize", 10, n -> ResizeKernel.scalesInput(n.node()));
        // 11 adds roi / sizes and the coordinate attributes; 13, 18 and 19 only add attributes or modes whose
        // defaults keep the earlier behaviour, so one kernel reads them all.
        r.add("Resize", 11, n -> ResizeKernel.resize(n.node()));
        r.add("Resize", 13, n -> ResizeKernel.resize(n.node()));
        r.add("Resize", 18, n -> ResizeKernel.resize(n.node()));
        r.add("Resize", 19, n -> ResizeKernel.resize(n.node()));
        r.add("GridSample", 16, n -> new GridSampleKernel(n.node(), false));
        r.add("GridSample", 20, n -> new GridSampleKernel(n.node(), true));
        r.add("AffineGrid", 20, n -> new AffineGridKernel(n.node()));
        r.add("RoiAlign", 10, n -> new RoiAlignKernel(n.node(), 10));
        r.add("RoiAlign", 16, n -> new RoiAlignKernel(n.node(), 16));
        r.add("NonMaxSuppression", 10, n -> new NonMaxSuppressionKernel(n.node()));
    }
}
