package dev.kerasmnist.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Keras's {@code layers.Conv2D(filters, kernel_size, strides=(1, 1), padding="valid", data_format="channels_last",
 * dilation_rate=(1, 1), activation=None, use_bias=True)}, with {@code kernel_initializer="glorot_uniform"} and
 * {@code bias_initializer="zeros"}. Read it like the Keras call: {@code new Conv2DSpec(32, 3, RELU).withStrides(2)
 * .withPadding(SAME)}. A dilated kernel spans {@code (k - 1) d + 1} pixels, every d-th one read.
 */
public record Conv2DSpec(
        int filters,
        Size2D kernelSize,
        Size2D strides,
        Padding padding,
        DataFormat dataFormat,
        KerasActivation activation,
        boolean useBias,
        Size2D dilationRate)
        implements LayerSpec {
    public static final Size2D KERAS_DEFAULT_DILATION = Size2D.square(1);

    public Conv2DSpec {
        if (dilationRate == null) {
            throw new IllegalArgumentException("Conv2D needs a dilation rate");
        }
        if (filters < 1) {
            throw new IllegalArgumentException("Conv2D needs at least 1 filter, got " + filters);
        }
        if (kernelSize == null || strides == null || padding == null || dataFormat == null || activation == null) {
            throw new IllegalArgumentException(
                    "Conv2D needs a kernel size, strides, padding, data format and activation");
        }
    }

    /** Without dilation, as Keras's default. */
    public Conv2DSpec(
            int filters,
            Size2D kernelSize,
            Size2D strides,
            Padding padding,
            DataFormat dataFormat,
            KerasActivation activation,
            boolean useBias) {
        this(filters, kernelSize, strides, padding, dataFormat, activation, useBias, KERAS_DEFAULT_DILATION);
    }

    /** {@code Conv2D(filters, (kernel, kernel), activation=...)} with Keras's other defaults. */
    public Conv2DSpec(int filters, int kernel, KerasActivation activation) {
        this(
                filters,
                Size2D.square(kernel),
                Size2D.square(1),
                Padding.VALID,
                DataFormat.CHANNELS_LAST,
                activation,
                true);
    }

    public Conv2DSpec(int filters, int kernel, String activation) {
        this(filters, kernel, KerasActivation.of(activation));
    }

    /** Reads saved specs, including those written before strides and padding were recorded ({@code kernel}). */
    @JsonCreator
    static Conv2DSpec json(
            @JsonProperty("filters") int filters,
            @JsonProperty("kernelSize") Size2D kernelSize,
            @JsonProperty("kernel") Integer kernel,
            @JsonProperty("strides") Size2D strides,
            @JsonProperty("padding") Padding padding,
            @JsonProperty("dataFormat") DataFormat dataFormat,
            @JsonProperty("activation") KerasActivation activation,
            @JsonProperty("useBias") Boolean useBias,
            @JsonProperty("dilationRate") Size2D dilationRate) {
        return new Conv2DSpec(
                filters,
                kernelSize != null ? kernelSize : Size2D.square(kernel == null ? 0 : kernel),
                strides != null ? strides : Size2D.square(1),
                padding != null ? padding : Padding.VALID,
                dataFormat != null ? dataFormat : DataFormat.CHANNELS_LAST,
                activation,
                useBias == null || useBias,
                dilationRate != null ? dilationRate : KERAS_DEFAULT_DILATION);
    }

    static Conv2DSpec read(LayerConfig c) {
        c.require(c.integer("groups", 1) == 1, "Conv2D(groups=" + c.path("groups") + ")");
        return new Conv2DSpec(
                c.integer("filters"),
                c.size("kernel_size", null),
                c.size("strides", Size2D.square(1)),
                Padding.of(c.path("padding").asText("valid")),
                c.dataFormat(),
                c.activation("activation", KerasActivation.LINEAR),
                c.flag("use_bias", true),
                c.size("dilation_rate", KERAS_DEFAULT_DILATION));
    }

    @Override
    public void writeConfig(ObjectNode c) {
        LayerConfig.writeConv(
                c,
                filters,
                LayerConfig.pair(kernelSize),
                LayerConfig.pair(strides),
                padding.kerasName(),
                dataFormat,
                LayerConfig.pair(dilationRate),
                activation,
                useBias);
    }

    @Override
    public String kerasClass() {
        return "Conv2D";
    }

    @Override
    public DataFormat readsFeatureMaps() {
        return dataFormat;
    }

    @Override
    public int[] outputShape(int[] input, DataFormat format) {
        return Shapes.window(kerasClass(), input, dataFormat, span(), strides, padding, filters);
    }

    /** The pixels the kernel spans: {@code (k - 1) d + 1} each way, the kernel size itself undilated. */
    public Size2D span() {
        return new Size2D(
                (kernelSize.rows() - 1) * dilationRate.rows() + 1, (kernelSize.cols() - 1) * dilationRate.cols() + 1);
    }

    @Override
    public List<KerasVariable> variables(int[] input) {
        List<KerasVariable> v = new ArrayList<>();
        v.add(new KerasVariable("kernel", kernelSize.rows(), kernelSize.cols(), dataFormat.channels(input), filters));
        if (useBias) {
            v.add(new KerasVariable("bias", filters));
        }
        return v;
    }

    @Override
    public String describe() {
        return "Conv2D(" + filters + ", " + kernelSize + ", " + activation.kerasName()
                + (strides.rows() * strides.cols() != 1 ? ", strides=" + strides : "")
                + (padding != Padding.VALID ? ", padding='" + padding.kerasName() + "'" : "")
                + (dataFormat != DataFormat.CHANNELS_LAST ? ", " + dataFormat.kerasName() : "")
                + (dilationRate.equals(KERAS_DEFAULT_DILATION) ? "" : ", dilation_rate=" + dilationRate)
                + (useBias ? "" : ", use_bias=False") + ")";
    }

    public Conv2DSpec withKernelSize(Size2D size) {
        return new Conv2DSpec(filters, size, strides, padding, dataFormat, activation, useBias, dilationRate);
    }

    public Conv2DSpec withStrides(Size2D s) {
        return new Conv2DSpec(filters, kernelSize, s, padding, dataFormat, activation, useBias, dilationRate);
    }

    public Conv2DSpec withPadding(Padding p) {
        return new Conv2DSpec(filters, kernelSize, strides, p, dataFormat, activation, useBias, dilationRate);
    }

    public Conv2DSpec withDataFormat(DataFormat f) {
        return new Conv2DSpec(filters, kernelSize, strides, padding, f, activation, useBias, dilationRate);
    }

    public Conv2DSpec withUseBias(boolean bias) {
        return new Conv2DSpec(filters, kernelSize, strides, padding, dataFormat, activation, bias, dilationRate);
    }

    public Conv2DSpec withDilationRate(Size2D d) {
        return new Conv2DSpec(filters, kernelSize, strides, padding, dataFormat, activation, useBias, d);
    }
}
