package dev.kerasmnist.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One Keras layer of a {@link ModelSpec}, by its Keras class name. Saved sidecars name the type
 * ({@code "type": "Conv2D"}); records written before there were other layers than Dense have none and read as Dense.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type", defaultImpl = DenseSpec.class)
@JsonSubTypes({
    @JsonSubTypes.Type(value = DenseSpec.class, name = "Dense"),
    @JsonSubTypes.Type(value = Conv2DSpec.class, name = "Conv2D"),
    @JsonSubTypes.Type(value = MaxPooling2DSpec.class, name = "MaxPooling2D"),
    @JsonSubTypes.Type(value = FlattenSpec.class, name = "Flatten"),
    @JsonSubTypes.Type(value = DropoutSpec.class, name = "Dropout")})
public sealed interface LayerSpec permits DenseSpec, Conv2DSpec, MaxPooling2DSpec, FlattenSpec, DropoutSpec {
}
