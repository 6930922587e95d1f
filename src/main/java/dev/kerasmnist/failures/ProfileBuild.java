package dev.kerasmnist.failures;

import java.lang.reflect.InvocationTargetException;
import java.util.List;

/**
 * Makes an object of a class that only a Maven profile's build compiles (the sweep's Spark engine, the ONNX Runtime
 * engine), by name, so that the default build needs none of its libraries.
 */
public final class ProfileBuild {
    private ProfileBuild() {}

    /**
     * {@code new className(argument)}, as a {@code type}.
     *
     * @param missing  what is wrong when the class or its libraries are not in this build: "this build has no ..."
     * @param remedies what fixes that
     * @param starting what failed when its constructor throws a checked exception: "Spark did not start"
     * @throws FailureException (an environment failure) when the class or a library it needs is missing
     */
    public static <T> T instantiate(
            String className,
            Class<T> type,
            Class<?> parameter,
            Object argument,
            String missing,
            List<Remedy> remedies,
            String starting) {
        try {
            return type.cast(Class.forName(className).getConstructor(parameter).newInstance(argument));
        } catch (ClassNotFoundException | LinkageError e) { // LinkageError: its classes left without their jars
            throw new FailureException(Failure.Kind.ENVIRONMENT, missing, remedies, e);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof LinkageError) {
                throw new FailureException(Failure.Kind.ENVIRONMENT, missing, remedies, cause);
            }
            throw cause instanceof RuntimeException r
                    ? r
                    : new IllegalStateException(starting + ": " + cause.getMessage(), cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make " + className + ": " + e, e);
        }
    }
}
