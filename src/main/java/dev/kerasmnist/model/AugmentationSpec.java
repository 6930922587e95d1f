package dev.kerasmnist.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras 3's augmentation and noise layers ({@code RandomFlip}, {@code RandomRotation}, {@code RandomZoom},
 * {@code RandomTranslation}, {@code RandomContrast}, {@code RandomBrightness}, {@code GaussianNoise},
 * {@code GaussianDropout}): they change images only while Keras trains and pass them through unchanged at inference,
 * which is all DL4J computes of them (DL4J's fit does not augment). They are kept, settings and all, so that an
 * export gives Keras back the model it had, augmenting as before when Keras trains it again.
 *
 * @param kerasClass its Keras class
 * @param settings   its get_config's own entries (name, trainable, dtype aside), Keras's defaults filled in
 */
public record AugmentationSpec(String kerasClass, Map<String, JsonNode> settings) implements LayerSpec {
    /** Each layer's get_config entries with Keras 3.15.1's defaults; a missing default is an argument Keras needs. */
    enum Kind {
        RANDOM_FLIP("RandomFlip", "{'data_format': 'channels_last', 'seed': null, 'mode': 'horizontal_and_vertical'}"),
        RANDOM_ROTATION(
                "RandomRotation",
                "{'data_format': 'channels_last', 'factor': null, 'fill_mode': 'reflect', 'fill_value': 0.0,"
                        + " 'interpolation': 'bilinear', 'seed': null}"),
        RANDOM_ZOOM(
                "RandomZoom",
                "{'data_format': 'channels_last', 'height_factor': null, 'width_factor': null, 'fill_mode': 'reflect',"
                        + " 'interpolation': 'bilinear', 'seed': null, 'fill_value': 0.0}",
                "height_factor"),
        RANDOM_TRANSLATION(
                "RandomTranslation",
                "{'data_format': 'channels_last', 'height_factor': null, 'width_factor': null,"
                        + " 'fill_mode': 'reflect', 'interpolation': 'bilinear', 'seed': null, 'fill_value': 0.0}",
                "height_factor",
                "width_factor"),
        RANDOM_CONTRAST(
                "RandomContrast",
                "{'data_format': 'channels_last', 'factor': null, 'value_range': [0, 255], 'seed': null}"),
        RANDOM_BRIGHTNESS(
                "RandomBrightness",
                "{'data_format': 'channels_last', 'factor': null, 'value_range': [0, 255], 'seed': null}"),
        GAUSSIAN_NOISE("GaussianNoise", "{'stddev': null, 'seed': null}"),
        GAUSSIAN_DROPOUT("GaussianDropout", "{'rate': null, 'seed': null}");

        final String kerasClass;
        final ObjectNode defaults;
        final List<String> required;

        /** {@code required}: the arguments without a default; by default every entry whose default is null. */
        Kind(String kerasClass, String defaults, String... required) {
            this.kerasClass = kerasClass;
            try {
                this.defaults = (ObjectNode) new ObjectMapper().readTree(defaults.replace('\'', '"'));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
            List<String> needed = new ArrayList<>(Arrays.asList(required));
            if (required.length == 0) {
                this.defaults.fields().forEachRemaining(f -> {
                    if (f.getValue().isNull() && !"seed".equals(f.getKey())) {
                        needed.add(f.getKey());
                    }
                });
            }
            this.required = List.copyOf(needed);
        }

        static Kind of(String kerasClass) {
            return Arrays.stream(values())
                    .filter(k -> k.kerasClass.equals(kerasClass))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("a " + kerasClass));
        }
    }

    /** The Keras classes it reads. */
    static final String[] KERAS_CLASSES =
            Arrays.stream(Kind.values()).map(k -> k.kerasClass).toArray(String[]::new);

    public AugmentationSpec {
        Kind kind = Kind.of(kerasClass);
        if (settings == null || !settings.keySet().equals(keys(kind))) {
            throw new IllegalArgumentException(kerasClass + " needs the settings " + keys(kind) + ", got "
                    + (settings == null ? null : settings.keySet()));
        }
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    private static java.util.Set<String> keys(Kind kind) {
        java.util.Set<String> keys = new java.util.LinkedHashSet<>();
        kind.defaults.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    /** {@code kerasClass} with {@code given} settings over Keras's defaults (the example and the tests' way). */
    public static AugmentationSpec of(String kerasClass, Map<String, JsonNode> given) {
        Kind kind = Kind.of(kerasClass);
        Map<String, JsonNode> settings = new LinkedHashMap<>();
        kind.defaults
                .fields()
                .forEachRemaining(f -> settings.put(f.getKey(), given.getOrDefault(f.getKey(), f.getValue())));
        return new AugmentationSpec(kerasClass, settings);
    }

    static AugmentationSpec read(LayerConfig c) {
        Kind kind = Kind.of(c.className());
        Map<String, JsonNode> given = new LinkedHashMap<>();
        for (String key : keys(kind)) {
            c.require(!kind.required.contains(key) || c.has(key), c.className() + " without " + key);
            if (c.config().has(key)) {
                given.put(key, c.path(key).deepCopy());
            }
        }
        return of(c.className(), given);
    }

    @Override
    public void writeConfig(ObjectNode c) {
        settings.forEach((k, v) -> c.set(k, v.deepCopy()));
    }

    @Override
    public int[] outputShape(int[] input, DataFormat format) {
        return input; // it changes no shape, and at inference no value
    }

    @Override
    public String describe() {
        Kind kind = Kind.of(kerasClass);
        List<String> changed = new ArrayList<>();
        settings.forEach((k, v) -> {
            if (!v.equals(kind.defaults.get(k))) {
                changed.add(k + "=" + v);
            }
        });
        return kerasClass + "(" + String.join(", ", changed) + ")";
    }
}
