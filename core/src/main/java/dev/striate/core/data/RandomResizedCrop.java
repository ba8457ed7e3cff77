package dev.striate.core.data;

import dev.striate.core.UserException;
import java.util.SplittableRandom;

/**
 * torchvision's RandomResizedCrop: a window covering a random fraction {@code scale} of the image's area with a
 * random aspect ratio (width / height, drawn log-uniformly from {@code ratio}), resized to the output size.
 */
public record RandomResizedCrop(double scaleMin, double scaleMax, double ratioMin, double ratioMax) {
    private static final int ATTEMPTS = 10;

    public RandomResizedCrop {
        if (!(scaleMin > 0 && scaleMin <= scaleMax && scaleMax <= 1)) {
            throw new UserException("transform: random resized crop scale must satisfy 0 < min <= max <= 1, got ["
                    + scaleMin + ", " + scaleMax + "]");
        }
        if (!(ratioMin > 0 && ratioMin <= ratioMax && Double.isFinite(ratioMax))) {
            throw new UserException("transform: random resized crop ratio must satisfy 0 < min <= max, got ["
                    + ratioMin + ", " + ratioMax + "]");
        }
    }

    /** The ImageNet recipe: 8% to 100% of the area, aspect ratio 3/4 to 4/3. */
    public static RandomResizedCrop imagenet() {
        return new RandomResizedCrop(0.08, 1.0, 3.0 / 4.0, 4.0 / 3.0);
    }

    /** torchvision's get_params: ten tries at a window that fits, then the whole image clamped to the ratio. */
    CropWindow choose(int height, int width, SplittableRandom random) {
        double area = (double) height * width;
        double logRatioMin = Math.log(ratioMin);
        double logRatioMax = Math.log(ratioMax);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double targetArea = area * uniform(random, scaleMin, scaleMax);
            double aspect = Math.exp(uniform(random, logRatioMin, logRatioMax));
            // Math.rint rounds half to even, as Python's round() in torchvision does.
            int cropWidth = (int) Math.rint(Math.sqrt(targetArea * aspect));
            int cropHeight = (int) Math.rint(Math.sqrt(targetArea / aspect));
            if (cropWidth > 0 && cropWidth <= width && cropHeight > 0 && cropHeight <= height) {
                int top = random.nextInt(height - cropHeight + 1);
                int left = random.nextInt(width - cropWidth + 1);
                return new CropWindow(top, left, cropHeight, cropWidth);
            }
        }
        double inRatio = (double) width / height;
        int cropWidth = width;
        int cropHeight = height;
        if (inRatio < ratioMin) {
            cropHeight = (int) Math.rint(cropWidth / ratioMin);
        } else if (inRatio > ratioMax) {
            cropWidth = (int) Math.rint(cropHeight * ratioMax);
        }
        return new CropWindow((height - cropHeight) / 2, (width - cropWidth) / 2, cropHeight, cropWidth);
    }

    private static double uniform(SplittableRandom random, double min, double max) {
        return min + (max - min) * random.nextDouble();
    }
}
