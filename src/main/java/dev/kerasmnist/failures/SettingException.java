package dev.kerasmnist.failures;

import java.util.List;

/** A setting refused, with what to set instead: still an {@link IllegalArgumentException}, as Java callers expect. */
public class SettingException extends IllegalArgumentException implements Failure {
    private final List<Remedy> remedies;

    public SettingException(String message, List<Remedy> remedies) {
        super(message);
        this.remedies = List.copyOf(remedies);
    }

    @Override
    public Kind kind() {
        return Kind.SETTING;
    }

    @Override
    public List<Remedy> remedies() {
        return remedies;
    }
}
