package dev.kerasmnist.data;

/** Labels from an IDX1 file, one unsigned byte each. The array is shared, not copied: treat it as read-only. */
public record IdxLabels(int count, byte[] labels) {
    public IdxLabels {
        if (count < 0 || labels.length != count) {
            throw new IllegalArgumentException("labels must hold count bytes");
        }
    }

    public int label(int i) {
        return labels[i] & 0xFF;
    }
}
