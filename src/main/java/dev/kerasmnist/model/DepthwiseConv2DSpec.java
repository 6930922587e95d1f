package dev.kerasmnist.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Keras's {@code layers.DepthwiseConv2D(kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1,
 * data_format="channels_last", activation=None, use_bias=True)}: each input channel convolved on its own with
 * {@code depth_multiplier} kernels, output channel {@code c * depth_multiplier + m}. Without dilation (refused).
 */
public record DepthwiseConv2DSpec(
        Size2D kernelSize,
        Size2D strides,
        Padding padding,
        int depthMultiplier,
        DataFormat dataFormat,
        KerasActivation activation,
        boolean useBias)
        implements LayerSpec {
    public DepthwiseConv2DSpec {
        if (kernelSize == null || strides == null || padding == null || dataFormat == null || activation == null) {
            throw new IllegalArgumentException(
                    "DepthwiseConv2D needs a kernel size, strides, padding, data format and activation");
        }
        if (depthMultiplier < 1) {
            throw new IllegalArgumentException("DepthwiseConv2D needs depth_multiplier >= 1, got " + depthMultiplier);
        }
    }

    static DepthwiseConv2DSpec read(LayerConfig c) {
        requireUndilated(c);
        return new DepthwiseConv2DSpec(
                c.size("kernel_size", null),
                c.size("strides", Size2D.square(1)),
                Padding.of(c.path("padding").asText("valid")),
                c.integer("depth_multiplier", 1),
                c.dataFormat(),
                c.activation("activation", KerasActivation.LINEAR),
                c.flag("use_bias", true));
    }

    /** DL4J's depthwise and separable layers would dilate, but nothing here checks them so: refused. */
    static void requireUndilated(LayerConfig c) {
        Size2D d = c.size("dilation_rate", Size2D.square(1));
        c.require(d.rows() == 1 && d.cols() == 1, c.className() + "(dilation_rate=" + c.path("dilation_rate") + ")");
    }

    @Override
    public void writeConfig(ObjectNode c) {
        c.put("depth_multiplier", depthMultiplier);
        LayerConfig.writeWindow(
                c,
                LayerConfig.pair(kernelSize),
                LayerConfig.pair(strides),
                padding.kerasName(),
                dataFormat,
                LayerConfig.pair(Size2D.square(1)));
        c.put("activation", LayerConfig.activationName(activation)).put("use_bias", useBias);
        LayerConfig.writeInitializer(c, "depthwise_initializer", "GlorotUniform");
        LayerConfig.writeInitializer(c, "bias_initializer", "Zeros");
    }

    @Override
    public String kerasClass() {
        return "DepthwiseConv2D";
    }

    @Override
    public DataFormat readsFeatureMaps() {
        return dataFormat;
    }

    @Override
    public int[] outputShape(int[] input, DataFormat format) {
        return Shapes.window(
                kerasClass(),
                input,
                dataFormat,
                kernelSize,
                strides,
                padding,
                dataFormat.channels(input) * depthMultiplier);
    }

    @Override
    public List<KerasVariable> variables(int[] input) {
        int channels = dataFormat.channels(input);
        List<KerasVariable> v = new ArrayList<>();
        v.add(new KerasVariable("depthwise_kernel", kernelSize.rows(), kernelSize.cols(), channels, depthMultiplier));
        if (useBias) {
            v.add(new KerasVariable("bias", channels * depthMultiplier));
        }
        return v;
    }

    @Override
    public String describe() {
        return "DepthwiseConv2D(" + kernelSize + ", " + activation.kerasName()
                + (depthMultiplier != 1 ? ", depth_multiplier=" + depthMultiplier : "")
                + (strides.rows() * strides.cols() != 1 ? ", strides=" + strides : "")
                + (padding != Padding.VALID ? ", padding='" + padding.kerasName() + "'" : "")
                + (dataFormat != DataFormat.CHANNELS_LAST ? ", " + dataFormat.kerasName() : "")
                + (useBias ? "" : ", use_bias=False") + ")";
    }
}
