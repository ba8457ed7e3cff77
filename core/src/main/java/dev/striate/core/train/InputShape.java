package dev.striate.core.train;

import dev.striate.core.UserException;

/** An image input size other than the spec's ({@code --input C,H,W}), so a zoo model can train at 64×64. */
public record InputShape(int channels, int height, int width) {
    public InputShape {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("input shape must be positive, got " + channels + "," + height + ","
                    + width);
        }
    }

    /** {@code C,H,W} as written on the command line; anything else is a user error naming the flag. */
    public static InputShape parse(String text) {
        String[] parts = text.split(",", -1);
        if (parts.length != 3) {
            throw invalid(text);
        }
        int[] chw = new int[3];
        try {
            for (int i = 0; i < 3; i++) {
                chw[i] = Integer.parseInt(parts[i].strip());
            }
        } catch (NumberFormatException e) {
            throw invalid(text);
        }
        if (chw[0] < 1 || chw[1] < 1 || chw[2] < 1) {
            throw invalid(text);
        }
        return new InputShape(chw[0], chw[1], chw[2]);
    }

    private static UserException invalid(String text) {
        return new UserException("--input must be three positive whole numbers C,H,W such as 3,224,224, got '"
                + text + "'");
    }

    /** As written on the command line and in {@code config.json}: {@code C,H,W}. */
    @Override
    public String toString() {
        return channels + "," + height + "," + width;
    }
}
