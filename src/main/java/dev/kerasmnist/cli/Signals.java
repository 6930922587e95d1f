package dev.kerasmnist.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.IntConsumer;

/**
 * {@code sun.misc.Signal}, the JDK's only way to catch SIGTERM and SIGHUP (module {@code jdk.unsupported}), called
 * through reflection: javac warns about every direct use of it as proprietary API, with no way to suppress that, and
 * the build treats warnings as errors.
 */
final class Signals {
    private Signals() {}

    /**
     * Handles the signal {@code name} ({@code TERM}, {@code HUP}, ...) with {@code handler}, given its number.
     *
     * @return whether the handler it replaced ignored the signal (as under {@code nohup})
     * @throws IllegalArgumentException where there is no such signal, or the JVM keeps it (Windows has no HUP)
     */
    static boolean handle(String name, IntConsumer handler) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            Method number = signal.getMethod("getNumber");
            Object proxy = Proxy.newProxyInstance(
                    Signals.class.getClassLoader(),
                    new Class<?>[] {handlerType},
                    (self, method, args) -> switch (method.getName()) {
                        case "handle" -> {
                            handler.accept((Integer) number.invoke(args[0]));
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(self);
                        case "equals" -> self == args[0];
                        default -> "handler of SIG" + name;
                    });
            Object before = signal.getMethod("handle", signal, handlerType)
                    .invoke(null, signal.getConstructor(String.class).newInstance(name), proxy);
            return before == handlerType.getField("SIG_IGN").get(null);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException refused) {
                throw refused;
            }
            throw new IllegalStateException("cannot handle SIG" + name + ": " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("this JVM has no sun.misc.Signal", e);
        }
    }
}
