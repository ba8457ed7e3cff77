package dev.striate.core.data;

import java.util.List;

/** Some items of another data set (a split by fraction), in the order of {@code indices}. */
final class SubsetDataset implements Dataset {
    private final Dataset base;
    private final int[] indices;

    SubsetDataset(Dataset base, int[] indices) {
        this.base = base;
        this.indices = indices.clone();
    }

    @Override
    public List<String> classes() {
        return base.classes();
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public int label(int index) {
        return base.label(indices[index]);
    }

    @Override
    public String describe(int index) {
        return base.describe(indices[index]);
    }

    @Override
    public DecodedImage decode(int index) throws UnreadableImageException {
        return base.decode(indices[index]);
    }

    @Override
    public EncodedImage read(int index) throws UnreadableImageException {
        return base.read(indices[index]);
    }
}
