package dev.striate.cpu.train;

import dev.striate.core.data.Dataset;
import dev.striate.core.data.DecodedImage;
import dev.striate.core.data.UnreadableImageException;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * 8x8 gray images of three classes a small network learns in a few epochs: a bright horizontal stripe, a bright
 * vertical stripe, or a bright diagonal, at a place and brightness that vary per image, over noise. Items in
 * {@code unreadable} fail to decode, as corrupt files do.
 */
record StripesDataset(int size, long seed, Set<Integer> unreadable) implements Dataset {
    static final int SIDE = 8;

    @Override
    public List<String> classes() {
        return List.of("horizontal", "vertical", "diagonal");
    }

    @Override
    public int label(int index) {
        return index % 3;
    }

    @Override
    public String describe(int index) {
        return "stripes/" + index + ".png";
    }

    @Override
    public DecodedImage decode(int index) throws UnreadableImageException {
        if (unreadable.contains(index)) {
            throw new UnreadableImageException("not an image (made unreadable on purpose)");
        }
        SplittableRandom random = new SplittableRandom(seed * 1_000_003 + index);
        int place = random.nextInt(SIDE);
        int bright = 160 + random.nextInt(96);
        byte[] pixels = new byte[SIDE * SIDE];
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                boolean on = switch (label(index)) {
                    case 0 -> y == place;
                    case 1 -> x == place;
                    default -> (x + y) % SIDE == place;
                };
                pixels[y * SIDE + x] = (byte) (on ? bright : random.nextInt(90));
            }
        }
        return new DecodedImage(SIDE, SIDE, 1, pixels);
    }
}
