package dev.striate.core.data;

import dev.striate.core.UserException;
import java.util.List;

/** Per-channel normalization of values scaled to 0..1: {@code (value - mean[c]) / std[c]}. */
public record Normalization(List<Double> mean, List<Double> std) {
    public Normalization {
        mean = List.copyOf(mean);
        std = List.copyOf(std);
        if (mean.isEmpty() || mean.size() != std.size()) {
            throw new UserException("transform: normalize needs one mean and one std per channel, got "
                    + mean.size() + " means and " + std.size() + " stds");
        }
        for (double s : std) {
            if (!(s > 0) || !Double.isFinite(s)) {
                throw new UserException("transform: normalize std must be positive, got " + std);
            }
        }
        for (double m : mean) {
            if (!Double.isFinite(m)) {
                throw new UserException("transform: normalize mean must be finite, got " + mean);
            }
        }
    }

    /**
     * ImageNet's mean and std for RGB (what torchvision's pretrained models expect). For one channel, mean 0.5
     * and std 0.5: it maps 0..1 to -1..1, close enough to zero mean for MNIST-like data without knowing the
     * data set's own statistics.
     */
    public static Normalization defaults(int channels) {
        return switch (channels) {
            case 3 -> new Normalization(List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225));
            case 1 -> new Normalization(List.of(0.5), List.of(0.5));
            default -> throw new UserException("transform: channels must be 1 or 3, got " + channels);
        };
    }
}
