package dev.striate.core.inspect;

/**
 * The saliency of one image: {@code map[y·width + x]} = max over channels of |∂score_c/∂x| (Simonyan et al. 2013),
 * with the raw gradient [C, H, W] it came from.
 *
 * @param predictedClass the class of the largest score
 * @param scoredClass    the class whose score was differentiated
 * @param score          that class's score (logit)
 */
public record SaliencyMap(int predictedClass, int scoredClass, double score, double[] gradient, double[] map,
                          int height, int width) {
}
