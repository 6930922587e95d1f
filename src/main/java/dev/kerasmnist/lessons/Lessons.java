package dev.kerasmnist.lessons;

import java.util.List;
import java.util.Optional;

/** Every lesson, in the tutorial's order. */
public final class Lessons {
    private Lessons() {}

    public static List<Lesson> all() {
        return List.of(
                new ActivationsLesson(),
                new VanishingGradientsLesson(),
                new LearningRateLesson(),
                new NonlinearityLesson(),
                new OutputLayersLesson());
    }

    public static Optional<Lesson> named(String name) {
        return all().stream().filter(l -> l.name().equals(name)).findFirst();
    }
}
