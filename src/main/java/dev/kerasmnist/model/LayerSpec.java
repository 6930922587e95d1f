package dev.kerasmnist.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One Keras layer of a {@link ModelSpec}, by its Keras class name: the one description of a network that recipes,
 * imports, exports, summaries and lessons share. Saved sidecars name the type ({@code "type": "Conv2D"}); records
 * written before there were other layers than Dense have none and read as Dense.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type", defaultImpl = DenseSpec.class)
@JsonSubTypes({
    @JsonSubTypes.Type(value = DenseSpec.class, name = "Dense"),
    @JsonSubTypes.Type(value = Conv2DSpec.class, name = "Conv2D"),
    @JsonSubTypes.Type(value = Pooling2DSpec.class, names = {"Pooling2D", "MaxPooling2D"}),
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
    @JsonSubTypes.Type(value = AddSpec.class, name = "Add")})
public sealed interface LayerSpec permits DenseSpec, Conv2DSpec, Pooling2DSpec, GlobalPooling2DSpec, FlattenSpec,
        ReshapeSpec, DropoutSpec, RescalingSpec, BatchNormalizationSpec, ActivationSpec, LeakyReLUSpec, LstmSpec, SimpleRnnSpec, AddSpec {
}
