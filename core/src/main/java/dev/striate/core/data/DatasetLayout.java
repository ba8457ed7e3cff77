package dev.striate.core.data;

/** How a data folder is arranged; decides how {@link Datasets} opens it. */
public enum DatasetLayout {
    /** MNIST-style IDX files: {@code train-images-idx3-ubyte[.gz]}, {@code t10k-...} for validation. */
    IDX,
    /** {@code ROOT/train/<class>/*} and, usually, {@code ROOT/val/<class>/*}. */
    TRAIN_VAL,
    /** {@code ROOT/<class>/*}, split into training and validation by a fraction. */
    CLASS_FOLDERS
}
