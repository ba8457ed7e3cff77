package dev.striate.core.data;

import java.util.List;

/**
 * Labelled images, addressed by index 0..size()-1. Implementations are safe to decode from several threads at
 * once (the loader's workers do). Labels index into {@link #classes()}.
 */
public interface Dataset {
    /** Class names; label {@code k} means {@code classes().get(k)}. Travels with every checkpoint. */
    List<String> classes();

    int size();

    int label(int index);

    /** Where item {@code index} comes from, for messages: a file path, or an IDX file name and index. */
    String describe(int index);

    /** Decodes item {@code index}; a file that is not a readable image throws, naming the reason. */
    DecodedImage decode(int index) throws UnreadableImageException;

    /**
     * Item {@code index} as stored, for the loader to decode no more than it needs (a JPEG at a reduced scale):
     * its header now, its bytes and pixels later. By default, the decoded pixels.
     */
    default EncodedImage read(int index) throws UnreadableImageException {
        return EncodedImage.of(decode(index));
    }
}
