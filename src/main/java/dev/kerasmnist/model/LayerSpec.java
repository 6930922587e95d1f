package dev.kerasmnist.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One Keras layer of a {@link ModelSpec}, by its Keras class name: the one description of a network that recipes,
 * imports, exports, summaries and lessons share. Each record knows its Keras facts: its class name, its output shape,
 * its variables and its config (read by a static {@code read(LayerConfig)}, written by {@link #writeConfig}). How it
 * becomes DL4J is its mapping in {@link Layers}, the one registry of layers.
 *
 * <p>Saved sidecars name the type ({@code "type": "Conv2D"}); records written before there were other layers than
 * Dense have none and read as Dense.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type", defaultImpl = DenseSpec.class)
@JsonSubTypes({
    @JsonSubTypes.Type(value = DenseSpec.class, name = "Dense"),
    @JsonSubTypes.Type(value = Conv2DSpec.class, name = "Conv2D"),
    @JsonSubTypes.Type(
            value = Pooling2DSpec.class,
            names = {"Pooling2D", "MaxPooling2D"}),
    @JsonSubTypes.Type(value = GlobalPooling2DSpec.class, name = "GlobalPooling2D"),
    @JsonSubTypes.Type(value = FlattenSpec.class, name = "Flatten"),
    @JsonSubTypes.Type(value = ReshapeSpec.class, name = "Reshape"),
    @JsonSubTypes.Type(value = DropoutSpec.class, name = "Dropout"),
    @JsonSubTypes.Type(value = RescalingSpec.class, name = "Rescaling"),
    @JsonSubTypes.Type(value = BatchNormalizationSpec.class, name = "BatchNormalization"),
    @JsonSubTypes.Type(value = ActivationSpec.class, name = "Activation"),
    @JsonSubTypes.Type(value = LeakyReLUSpec.class, name = "LeakyReLU"),
    @JsonSubTypes.Type(value = LstmSpec.class, name = "LSTM"),
    @JsonSubTypes.Type(value = SimpleRnnSpec.class, name = "SimpleRNN"),
    @JsonSubTypes.Type(value = BidirectionalSpec.class, name = "Bidirectional"),
    @JsonSubTypes.Type(value = AddSpec.class, name = "Add"),
    @JsonSubTypes.Type(value = ConcatenateSpec.class, name = "Concatenate"),
    @JsonSubTypes.Type(value = ZeroPadding2DSpec.class, name = "ZeroPadding2D"),
    @JsonSubTypes.Type(value = Cropping2DSpec.class, name = "Cropping2D"),
    @JsonSubTypes.Type(value = UpSampling2DSpec.class, name = "UpSampling2D"),
    @JsonSubTypes.Type(value = ElementWiseSpec.class, name = "ElementWise"),
    @JsonSubTypes.Type(value = AugmentationSpec.class, name = "Augmentation"),
    @JsonSubTypes.Type(value = DepthwiseConv2DSpec.class, name = "DepthwiseConv2D"),
    @JsonSubTypes.Type(value = SeparableConv2DSpec.class, name = "SeparableConv2D"),
    @JsonSubTypes.Type(value = Conv1DSpec.class, name = "Conv1D"),
    @JsonSubTypes.Type(value = GlobalPooling1DSpec.class, name = "GlobalPooling1D")
})
public sealed interface LayerSpec
        permits DenseSpec,
                Conv2DSpec,
                Pooling2DSpec,
                GlobalPooling2DSpec,
                FlattenSpec,
                ReshapeSpec,
                DropoutSpec,
                RescalingSpec,
                BatchNormalizationSpec,
                ActivationSpec,
                LeakyReLUSpec,
                LstmSpec,
                SimpleRnnSpec,
                BidirectionalSpec,
                ZeroPadding2DSpec,
                Cropping2DSpec,
                UpSampling2DSpec,
                AugmentationSpec,
                DepthwiseConv2DSpec,
                SeparableConv2DSpec,
                Conv1DSpec,
                GlobalPooling1DSpec,
                MergeSpec {
    /** Keras's class name: {@code Dense}, {@code MaxPooling2D}, ... */
    String kerasClass();

    /**
     * Keras's {@code compute_output_shape}, without the batch dimension, refusing an input it cannot take.
     *
     * @param input  the shape it takes, in Keras's layout
     * @param format the data format of the model's feature maps (channels-last until an image layer says otherwise)
     */
    int[] outputShape(int[] input, DataFormat format);

    /** Its Keras variables for {@code input}, in Keras's order ({@code kernel, bias}, ...); none by default. */
    default List<KerasVariable> variables(int[] input) {
        return List.of();
    }

    /**
     * The data format in which it reads feature maps, or null for a layer that takes any shape. Such a layer
     * needs {@code (rows, cols, channels)} and one format per model.
     */
    default DataFormat readsFeatureMaps() {
        return null;
    }

    /** Whether Keras keeps its variables in a cell sublayer ({@code layers/lstm/cell/vars}), as recurrent layers do. */
    default boolean variablesInCell() {
        return false;
    }

    /**
     * Where a .keras keeps its variables, below the layer's group, in order, each group an equal share of
     * {@link #variables}: {@code ""} ({@code vars}), {@code "cell"} for recurrent layers, a wrapper's sublayers.
     */
    default List<String> variableGroups() {
        return List.of(variablesInCell() ? "cell" : "");
    }

    /** Its config's own entries, as Keras 3's {@code get_config()} writes them (name, trainable, dtype aside). */
    void writeConfig(ObjectNode config);

    /** The layer as a Keras call, for the import's line of layers: {@code Conv2D(32, (3, 3), relu)}. */
    default String describe() {
        return kerasClass();
    }
}
