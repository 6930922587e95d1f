package dev.kerasmnist.files;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;

/** The JSON of our files (provenance, checkpoints): {@code Optional} settings, empty ones left out. */
public final class Json {
    private Json() {}

    /** A new mapper for our records: indented, with {@code Optional} support and empty optionals omitted. */
    public static ObjectMapper mapper() {
        return new ObjectMapper()
                .registerModule(new Jdk8Module())
                .setSerializationInclusion(JsonInclude.Include.NON_ABSENT)
                .enable(SerializationFeature.INDENT_OUTPUT);
    }
}
