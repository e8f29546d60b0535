package io.jengine.calib;

import io.jengine.tensor.Tensor;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;

/**
 * How an image becomes a model input, as {@code --preprocess SPEC} describes it: calibration on a folder of PNG or
 * JPEG files instead of {@code .npy} batches. The spec is {@code KEY=VALUE} pairs separated by {@code ;}:
 *
 * <ul>
 *   <li>{@code resize=HxW}: resized to exactly H rows by W columns, the aspect ratio not kept (no crop); without it
 *       the image keeps its own size;</li>
 *   <li>{@code scale=S}: the divisor applied to the 0..255 pixel values first (default 255, giving 0..1);</li>
 *   <li>{@code mean=M} and {@code std=S}: then {@code (x - mean) / std} per channel, one value for all channels or
 *       one per channel in the order of {@code channels} (defaults 0 and 1);</li>
 *   <li>{@code layout=NCHW|NHWC}: the tensor's layout (default NCHW);</li>
 *   <li>{@code channels=RGB|BGR|GRAY}: the channels and their order (default RGB); GRAY is one channel of luma,
 *       {@code 0.299 R + 0.587 G + 0.114 B} (ITU-R 601, as PIL's and OpenCV's conversions).</li>
 * </ul>
 *
 * <p>For example {@code resize=224x224;mean=0.485,0.456,0.406;std=0.229,0.224,0.225}, the ImageNet normalization
 * that torchvision's classifiers expect. The tensor is float32 {@code [1, C, H, W]} or {@code [1, H, W, C]}.
 *
 * <p>Resizing is bilinear with half-pixel centres (output pixel {@code i} samples the source at
 * {@code (i + 0.5) * in / out - 0.5}, as PIL, OpenCV and ONNX's {@code Resize} with {@code half_pixel} place them),
 * the edges clamped. Upscaling is plain bilinear interpolation between the two nearest source pixels of each axis;
 * downscaling widens the triangle filter by the scale factor, as PIL's {@code Image.resize(..., BILINEAR)} (and so
 * torchvision's {@code Resize} on PIL images) does, so that each output pixel averages the source pixels it covers
 * rather than aliasing. Both axes are resized separately, in floating point (PIL rounds to 8 bits between the two
 * passes, so its values may differ by up to about one grey level).
 *
 * <p>Pixels are read with {@link BufferedImage#getRGB} (so 16-bit, paletted and alpha PNGs all read: alpha is ignored,
 * 16-bit samples are taken at 8 bits), except grey images, whose samples are read as stored (scaled to 0..255 from
 * 16 bits): {@code getRGB} would pass them through a linear-to-sRGB conversion. JPEG EXIF orientation is not applied.
 *
 * @param height   the rows after {@code resize} (0: the image's own)
 * @param width    the columns after {@code resize} (0: the image's own)
 * @param scale    the divisor applied to 0..255 pixel values
 * @param mean     subtracted after scaling: one value, or one per channel
 * @param std      divided by after subtracting the mean: one value, or one per channel
 * @param layout   NCHW or NHWC
 * @param channels RGB, BGR or GRAY
 */
public record ImagePreprocessing(int height, int width, double scale, List<Double> mean, List<Double> std,
                                 Layout layout, Channels channels) {
    /** The tensor's layout. */
    public enum Layout { NCHW, NHWC }

    /** The channels the tensor holds, in order. */
    public enum Channels {
        RGB(3), BGR(3), GRAY(1);

        private final int count;

        Channels(int count) { this.count = count; }

        /** How many channels: 3, or 1 for GRAY. */
        public int count() { return count; }
    }

    /** The keys a spec takes, with the form of their values. */
    public static final String KEYS = "resize=HxW, scale=S (default 255), mean=M or M,M,M (default 0),"
            + " std=S or S,S,S (default 1), layout=NCHW|NHWC (default NCHW), channels=RGB|BGR|GRAY (default RGB)";

    /** The file name endings read as images (in any case). */
    public static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg");

    public ImagePreprocessing {
        if (height < 0 || width < 0 || (height == 0) != (width == 0)) {
            throw new IllegalArgumentException("--preprocess resize must be two positive sizes HxW, got " + height
                    + "x" + width);
        }
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("--preprocess scale must be a positive number, got " + scale);
        }
        if (layout == null) layout = Layout.NCHW;
        if (channels == null) channels = Channels.RGB;
        mean = perChannel("mean", mean == null ? List.of(0.0) : mean, channels, false);
        std = perChannel("std", std == null ? List.of(1.0) : std, channels, true);
    }

    private static List<Double> perChannel(String key, List<Double> values, Channels channels, boolean nonZero) {
        if (values.size() != 1 && values.size() != channels.count()) {
            throw new IllegalArgumentException("--preprocess " + key + " has " + values.size() + " values, but channels="
                    + channels + " has " + channels.count() + (channels.count() == 1 ? " channel" : " channels")
                    + ": give 1 value" + (channels.count() == 1 ? "" : " or " + channels.count()));
        }
        for (double v : values) {
            if (!Double.isFinite(v) || (nonZero && v == 0)) {
                throw new IllegalArgumentException("--preprocess " + key + " values must be finite"
                        + (nonZero ? " and non-zero" : "") + ", got " + values);
            }
        }
        return List.copyOf(values);
    }

    /**
     * The preprocessing {@code spec} describes ({@code KEY=VALUE;...}, keys in any order, each at most once; see the
     * class comment). A key or value it does not take is an {@link IllegalArgumentException} that names it and what
     * is accepted.
     */
    public static ImagePreprocessing parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("--preprocess is empty; it takes KEY=VALUE pairs separated by ';': " + KEYS);
        }
        int height = 0, width = 0;
        double scale = 255;
        List<Double> mean = null, std = null;
        Layout layout = null;
        Channels channels = null;
        Set<String> seen = new LinkedHashSet<>();
        for (String item : spec.split(";")) {
            if (item.isBlank()) continue;
            int eq = item.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("--preprocess '" + item.strip() + "' is not KEY=VALUE; keys: " + KEYS);
            }
            String key = item.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = item.substring(eq + 1).strip();
            if (!seen.add(key)) throw new IllegalArgumentException("--preprocess gives '" + key + "' twice");
            switch (key) {
                case "resize" -> {
                    String[] hw = value.toLowerCase(Locale.ROOT).split("x", -1);
                    int[] sizes = new int[2];
                    boolean ok = hw.length == 2;
                    for (int i = 0; ok && i < 2; i++) {
                        try {
                            sizes[i] = Integer.parseInt(hw[i].strip());
                            ok = sizes[i] > 0;
                        } catch (NumberFormatException e) {
                            ok = false;
                        }
                    }
                    if (!ok) {
                        throw new IllegalArgumentException("--preprocess resize='" + value + "' is not HxW with two"
                                + " positive sizes, e.g. resize=224x224 (rows x columns)");
                    }
                    height = sizes[0];
                    width = sizes[1];
                }
                case "scale" -> {
                    List<Double> s = numbers(key, value);
                    if (s.size() != 1 || !(s.getFirst() > 0) || Double.isInfinite(s.getFirst())) {
                        throw new IllegalArgumentException("--preprocess scale='" + value + "' is not one positive"
                                + " number, e.g. scale=255 (the divisor applied to 0..255 pixels)");
                    }
                    scale = s.getFirst();
                }
                case "mean" -> mean = numbers(key, value);
                case "std" -> std = numbers(key, value);
                case "layout" -> layout = named(key, value, Layout.class);
                case "channels" -> channels = named(key, value, Channels.class);
                default -> throw new IllegalArgumentException("--preprocess does not take the key '" + key + "'; keys: "
                        + KEYS);
            }
        }
        if (seen.isEmpty()) {
            throw new IllegalArgumentException("--preprocess is empty; it takes KEY=VALUE pairs separated by ';': " + KEYS);
        }
        return new ImagePreprocessing(height, width, scale, mean, std, layout, channels);
    }

    private static List<Double> numbers(String key, String value) {
        List<Double> out = new ArrayList<>();
        for (String v : value.split(",", -1)) {
            try {
                out.add(Double.parseDouble(v.strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--preprocess " + key + "='" + value + "' is not a number or a"
                        + " comma-separated list of numbers, e.g. " + key + "="
                        + (key.equals("std") ? "0.229,0.224,0.225" : "0.485,0.456,0.406"));
            }
        }
        return out;
    }

    private static <E extends Enum<E>> E named(String key, String value, Class<E> type) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value)) return e;
        }
        throw new IllegalArgumentException("--preprocess " + key + "='" + value + "' is not one of "
                + java.util.Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", ")));
    }

    /** Whether {@code file}'s name ends in .png, .jpg or .jpeg, in any case. */
    public static boolean isImage(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(name::endsWith);
    }

    /** The tensor's shape for an image of {@code rows} x {@code columns} after resizing. */
    public long[] shape(int rows, int columns) {
        int c = channels.count();
        return layout == Layout.NCHW ? new long[] {1, c, rows, columns} : new long[] {1, rows, columns, c};
    }

    /** {@code image} read and preprocessed: float32 [1, C, H, W] or [1, H, W, C]. */
    public Tensor toTensor(Path image) {
        if (!Files.isRegularFile(image)) throw new IllegalArgumentException("image " + image + " does not exist");
        BufferedImage img;
        try {
            img = ImageIO.read(image.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read image " + image + ": " + e.getMessage(), e);
        }
        if (img == null) {
            throw new IllegalArgumentException("cannot read image " + image + ": not a format the JDK's ImageIO reads"
                    + " (PNG, JPEG, BMP, GIF)");
        }
        return toTensor(img);
    }

    /** {@code img} preprocessed: float32 [1, C, H, W] or [1, H, W, C]. */
    public Tensor toTensor(BufferedImage img) {
        int h = img.getHeight(), w = img.getWidth();
        float[][] planes = planes(img, channels);
        int outH = height == 0 ? h : height, outW = width == 0 ? w : width;
        if (outH != h || outW != w) {
            for (int c = 0; c < planes.length; c++) planes[c] = resize(planes[c], h, w, outH, outW);
        }
        int count = planes.length, pixels = outH * outW;
        float[] out = new float[count * pixels];
        for (int c = 0; c < count; c++) {
            double m = mean.get(mean.size() == 1 ? 0 : c), s = std.get(std.size() == 1 ? 0 : c);
            float[] plane = planes[c];
            for (int p = 0; p < pixels; p++) {
                float v = (float) ((plane[p] / scale - m) / s);
                if (layout == Layout.NCHW) out[c * pixels + p] = v;
                else out[p * count + c] = v;
            }
        }
        return Tensor.ofFloats(shape(outH, outW), out);
    }

    /** The image's channels, in {@code channels}' order, as 0..255 values, row by row. */
    static float[][] planes(BufferedImage img, Channels channels) {
        int h = img.getHeight(), w = img.getWidth(), n = h * w;
        var cm = img.getColorModel();
        if (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && !(cm instanceof java.awt.image.IndexColorModel)) {
            // getRGB would map grey through a linear-to-sRGB curve (100 reads as 168): take the samples as stored
            int[] samples = img.getRaster().getSamples(0, 0, w, h, 0, (int[]) null);
            double max = (1L << cm.getComponentSize(0)) - 1;
            float[] grey = new float[n];
            for (int i = 0; i < n; i++) grey[i] = (float) (samples[i] * 255.0 / max);
            return channels == Channels.GRAY ? new float[][] {grey} : new float[][] {grey, grey.clone(), grey.clone()};
        }
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        if (channels == Channels.GRAY) {
            float[] grey = new float[n];
            for (int i = 0; i < n; i++) {
                int p = argb[i];
                grey[i] = (float) (0.299 * ((p >> 16) & 0xFF) + 0.587 * ((p >> 8) & 0xFF) + 0.114 * (p & 0xFF));
            }
            return new float[][] {grey};
        }
        float[] r = new float[n], g = new float[n], b = new float[n];
        for (int i = 0; i < n; i++) {
            int p = argb[i];
            r[i] = (p >> 16) & 0xFF;
            g[i] = (p >> 8) & 0xFF;
            b[i] = p & 0xFF;
        }
        return channels == Channels.RGB ? new float[][] {r, g, b} : new float[][] {b, g, r};
    }

    /** {@code src} ({@code inH} x {@code inW}, row by row) resized to {@code outH} x {@code outW}; see the class comment. */
    static float[] resize(float[] src, int inH, int inW, int outH, int outW) {
        Taps cols = Taps.of(inW, outW), rows = Taps.of(inH, outH);
        float[] across = new float[inH * outW];
        for (int y = 0; y < inH; y++) {
            for (int x = 0; x < outW; x++) {
                double v = 0;
                for (int k = 0; k < cols.count[x]; k++) v += cols.weight[x][k] * src[y * inW + cols.start[x] + k];
                across[y * outW + x] = (float) v;
            }
        }
        float[] out = new float[outH * outW];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                double v = 0;
                for (int k = 0; k < rows.count[y]; k++) v += rows.weight[y][k] * across[(rows.start[y] + k) * outW + x];
                out[y * outW + x] = (float) v;
            }
        }
        return out;
    }

    /**
     * The source pixels and weights of each output pixel along one axis, as PIL's bilinear filter computes them:
     * a triangle of half-width {@code max(1, in/out)} around the output pixel's centre in source coordinates, cut
     * at the edges, its weights normalized to sum to 1.
     */
    private record Taps(int[] start, int[] count, double[][] weight) {
        static Taps of(int in, int out) {
            double scale = (double) in / out, filterScale = Math.max(scale, 1), support = filterScale;
            int[] start = new int[out], count = new int[out];
            double[][] weight = new double[out][];
            for (int i = 0; i < out; i++) {
                double center = (i + 0.5) * scale;
                int lo = Math.max(0, (int) Math.floor(center - support + 0.5));
                int hi = Math.min(in, (int) Math.floor(center + support + 0.5));
                double[] w = new double[Math.max(hi - lo, 0)];
                double sum = 0;
                for (int x = lo; x < hi; x++) {
                    w[x - lo] = Math.max(0, 1 - Math.abs((x + 0.5 - center) / filterScale));
                    sum += w[x - lo];
                }
                for (int k = 0; k < w.length; k++) w[k] /= sum;
                start[i] = lo;
                count[i] = w.length;
                weight[i] = w;
            }
            return new Taps(start, count, weight);
        }
    }

    /** The spec in canonical form: every key, in the order the class comment lists them. */
    public String spec() {
        return (height == 0 ? "" : "resize=" + height + "x" + width + ";") + "scale=" + number(scale) + ";mean="
                + mean.stream().map(ImagePreprocessing::number).collect(Collectors.joining(",")) + ";std="
                + std.stream().map(ImagePreprocessing::number).collect(Collectors.joining(",")) + ";layout=" + layout
                + ";channels=" + channels;
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
