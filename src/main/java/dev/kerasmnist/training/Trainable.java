package dev.kerasmnist.training;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * What training asks of either of DL4J's networks, {@link MultiLayerNetwork} (Sequential models, Functional chains)
 * and {@link ComputationGraph} (Functional graphs), which have these methods alike but in no shared interface.
 */
final class Trainable {
    private Trainable() {}

    /** One epoch over {@code batches}. */
    static void fit(Model net, DataSetIterator batches) {
        if (net instanceof ComputationGraph g) {
            g.fit(batches);
        } else {
            ((MultiLayerNetwork) net).fit(batches);
        }
    }

    /** The network's listeners, as a list of its own (empty for none). */
    static List<TrainingListener> listeners(Model net) {
        Collection<TrainingListener> listeners =
                net instanceof ComputationGraph g ? g.getListeners() : ((MultiLayerNetwork) net).getListeners();
        return listeners == null ? new ArrayList<>() : new ArrayList<>(listeners);
    }

    /** The current learning rate: the first trained layer's (all share it; frozen and weightless ones have none). */
    static double learningRate(Model net) {
        if (net instanceof ComputationGraph g) {
            for (GraphVertex v : g.getVertices()) {
                Double rate =
                        v.hasLayer() && v.getLayer().numParams() > 0 ? g.getLearningRate(v.getVertexName()) : null;
                if (rate != null) {
                    return rate;
                }
            }
        } else {
            MultiLayerNetwork m = (MultiLayerNetwork) net;
            for (int i = 0; i < m.getnLayers(); i++) {
                Double rate = m.getLayer(i).numParams() > 0 ? m.getLearningRate(i) : null;
                if (rate != null) {
                    return rate;
                }
            }
        }
        throw new IllegalStateException("the network has no trainable layer");
    }

    /** DL4J's own {@code setLearningRate}, which keeps the optimizer's state. */
    static void setLearningRate(Model net, double rate) {
        if (net instanceof ComputationGraph g) {
            g.setLearningRate(rate);
        } else {
            ((MultiLayerNetwork) net).setLearningRate(rate);
        }
    }
}
