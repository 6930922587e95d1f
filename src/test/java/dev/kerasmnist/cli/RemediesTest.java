package dev.kerasmnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kerasmnist.failures.Remedy;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Every remedy the library can name has its words on the command line, and a Java caller's words. */
class RemediesTest {
    @Test
    void everyRemedyHasItsWords() throws ReflectiveOperationException {
        Class<?>[] kinds = Remedy.class.getPermittedSubclasses();
        assertTrue(kinds.length >= 15, "the remedies: " + kinds.length);
        for (Class<?> kind : kinds) {
            RecordComponent[] parts = kind.getRecordComponents();
            Object[] values = new Object[parts.length];
            Class<?>[] types = new Class<?>[parts.length];
            for (int i = 0; i < parts.length; i++) {
                types[i] = parts[i].getType();
                values[i] = example(types[i]);
            }
            Remedy remedy = (Remedy) kind.getDeclaredConstructor(types).newInstance(values);
            String words = Remedies.words(remedy);
            assertFalse(words.isBlank(), kind.getSimpleName());
            assertFalse(remedy.inJava().contains("--"), "library words name no flag: " + remedy.inJava());
        }
    }

    @Test
    void aResumeNamesOnlyWhatDiffersFromTheDefaults() {
        assertEquals(
                "continue with `keras-mnist train --resume`",
                Remedies.words(Remedy.Resume.of(Path.of("models/mnist-mlp.zip"), Optional.of("tutorial"))));
        assertEquals(
                "continue with `keras-mnist train --resume --recipe convnet`",
                Remedies.words(Remedy.Resume.of(Path.of("models/convnet.zip"), Optional.of("convnet"))));
        assertEquals(
                "continue with `keras-mnist train --resume --model m.zip --learning-rate 0.0001`",
                Remedies.words(
                        Remedy.Resume.of(Path.of("m.zip"), Optional.empty()).withLearningRate(0.0001)));
    }

    private static Object example(Class<?> type) {
        if (type == Path.class) {
            return Path.of("m.zip");
        } else if (type == Optional.class) {
            return Optional.empty();
        } else if (type == OptionalInt.class) {
            return OptionalInt.of(3);
        } else if (type == OptionalDouble.class) {
            return OptionalDouble.of(0.01);
        } else if (type == int.class) {
            return 2;
        } else if (type == double.class) {
            return 0.1;
        } else if (type == String.class) {
            return "tutorial";
        } else if (type.isEnum()) {
            return type.getEnumConstants()[0];
        }
        throw new IllegalArgumentException("no example of " + type);
    }
}
