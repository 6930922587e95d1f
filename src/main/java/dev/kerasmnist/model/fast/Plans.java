package dev.kerasmnist.model.fast;

import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.function.Function;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Inference plans made once per network and kept while the network lives (weakly: a plan goes with its network),
 * including the answer that a network cannot have one.
 */
final class Plans<P> {
    private final Map<MultiLayerNetwork, Optional<P>> made = new WeakHashMap<>();
    private final Function<MultiLayerNetwork, P> make;

    /** @param make the plan for a network, or null where it cannot have one */
    Plans(Function<MultiLayerNetwork, P> make) {
        this.make = make;
    }

    /** The network's plan, or null where it cannot have one. */
    synchronized P of(MultiLayerNetwork net) {
        return made.computeIfAbsent(net, n -> Optional.ofNullable(make.apply(n)))
                .orElse(null);
    }
}
