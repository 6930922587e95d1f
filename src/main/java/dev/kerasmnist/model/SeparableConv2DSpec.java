package dev.kerasmnist.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Keras's {@code layers.SeparableConv2D(filters, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1,
 * data_format="channels_last", activation=None, use_bias=True)}: a depthwise convolution (each input channel on its
 * own, {@code depth_multiplier} kernels each) then a 1x1 convolution to {@code filters} channels, the bias after both.
 * Without dilation (refused).
 */
public record SeparableConv2DSpec(
        int filters,
        Size2D kernelSize,
        Size2D strides,
        Padding padding,
        int depthMultiplier,
        DataFormat dataFormat,
        KerasActivation activation,
        boolean useBias)
        implements LayerSpec {
    public SeparableConv2DSpec {
        if (filters < 1 || depthMultiplier < 1) {
            throw new IllegalArgumentException("SeparableConv2D needs filters and depth_multiplier >= 1, got " + filters
                    + " and " + depthMultiplier);
        }
        if (kernelSize == null || strides == null || padding == null || dataFormat == null || activation == null) {
            throw new IllegalArgumentException(
                    "SeparableConv2D needs a kernel size, strides, padding, data format and activation");
        }
    }

    static SeparableConv2DSpec read(LayerConfig c) {
        DepthwiseConv2DSpec.requireUndilated(c);
        return new SeparableConv2DSpec(
                c.integer("filters"),
                c.size("kernel_size", null),
                c.size("strides", Size2D.square(1)),
                Padding.of(c.path("padding").asText("valid")),
                c.integer("depth_multiplier", 1),
                c.dataFormat(),
                c.activation("activation", KerasActivation.LINEAR),
                c.flag("use_bias", true));
    }

    @Override
    public void writeConfig(ObjectNode c) {
        c.put("depth_multiplier", depthMultiplier).put("filters", filters);
        LayerConfig.writeWindow(
                c,
                LayerConfig.pair(kernelSize),
                LayerConfig.pair(strides),
                padding.kerasName(),
                dataFormat,
                LayerConfig.pair(Size2D.square(1)));
        c.put("activation", LayerConfig.activationName(activation)).put("use_bias", useBias);
        LayerConfig.writeInitializer(c, "depthwise_initializer", "GlorotUniform");
        LayerConfig.writeInitializer(c, "pointwise_initializer", "GlorotUniform");
        LayerConfig.writeInitializer(c, "bias_initializer", "Zeros");
    }

    @Override
    public String kerasClass() {
        return "SeparableConv2D";
    }

    @Override
    public DataFormat readsFeatureMaps() {
        return dataFormat;
    }

    @Override
    public int[] outputShape(int[] input, DataFormat format) {
        return Shapes.window(kerasClass(), input, dataFormat, kernelSize, strides, padding, filters);
    }

    @Override
    public List<KerasVariable> variables(int[] input) {
        int channels = dataFormat.channels(input);
        List<KerasVariable> v = new ArrayList<>();
        v.add(new KerasVariable("depthwise_kernel", kernelSize.rows(), kernelSize.cols(), channels, depthMultiplier));
        v.add(new KerasVariable("pointwise_kernel", 1, 1, channels * depthMultiplier, filters));
        if (useBias) {
            v.add(new KerasVariable("bias", filters));
        }
        return v;
    }

    @Override
    public String describe() {
        return "SeparableConv2D(" + filters + ", " + kernelSize + ", " + activation.kerasName()
                + (depthMultiplier != 1 ? ", depth_multiplier=" + depthMultiplier : "")
                + (strides.rows() * strides.cols() != 1 ? ", strides=" + strides : "")
                + (padding != Padding.VALID ? ", padding='" + padding.kerasName() + "'" : "")
                + (dataFormat != DataFormat.CHANNELS_LAST ? ", " + dataFormat.kerasName() : "")
                + (useBias ? "" : ", use_bias=False") + ")";
    }
}
