package dev.striate.cuda.cudnn;

import java.util.List;

/**
 * The algorithm a convolution runs with, the math type to set on its descriptor, and its workspace size, chosen from
 * cuDNN's measured results (fastest first): the fastest that succeeded and fits {@link #WORKSPACE_LIMIT}. When true
 * fp32 is wanted ({@link MathType#FMA}) it must also not use tensor cores, nor an FFT or Winograd algorithm: those
 * compute in a transformed domain whose rounding error grows with the tile and transform sizes instead of staying
 * that of a direct sum, so fp32 parity with the reference at 1e-4 could fail on a shape no test ran; tf32's own
 * rounding (tolerance 5e-3) leaves them room, so tf32 keeps them.
 */
public record AlgorithmChoice(int algorithm, int mathType, long workspaceBytes) {
    /** Workspace beyond this is not worth the memory; cuDNN always has an algorithm that needs far less. */
    public static final long WORKSPACE_LIMIT = 1L << 30;

    private static final int STATUS_SUCCESS = 0;

    /**
     * @param wantedMathType the precision's math type: {@link MathType#FMA} keeps fp32 exact, any other allows the
     *                       math type cuDNN measured (tensor cores included)
     */
    public static AlgorithmChoice choose(ConvolutionDirection direction, List<AlgorithmPerformance> results,
                                         int wantedMathType, String what) {
        for (AlgorithmPerformance result : results) {
            if (result.status() != STATUS_SUCCESS) {
                continue;
            }
            boolean exactFloat = result.mathType() == MathType.FMA || result.mathType() == MathType.DEFAULT;
            if (wantedMathType == MathType.FMA && !exactFloat) {
                continue;
            }
            // DEFAULT may mean TF32 on tensor cores: in fp32 run it as FMA, which forbids that.
            int mathType = wantedMathType == MathType.FMA ? MathType.FMA : result.mathType();
            AlgorithmChoice choice = new AlgorithmChoice(result.algorithm(), mathType, result.workspaceBytes());
            if (choice.obeysRules(direction, wantedMathType)) {
                return choice;
            }
        }
        throw new IllegalStateException("cuDNN found no usable " + what + " algorithm (math type " + wantedMathType
                + ", workspace at most " + WORKSPACE_LIMIT + " bytes, no FFT or Winograd in fp32) among " + results);
    }

    /**
     * Whether this choice could have been made by {@link #choose} for {@code wantedMathType}: a choice read back from
     * disk is used only if it still obeys today's rules.
     */
    public boolean obeysRules(ConvolutionDirection direction, int wantedMathType) {
        if (algorithm < 0 || workspaceBytes < 0 || workspaceBytes > WORKSPACE_LIMIT) {
            return false;
        }
        if (wantedMathType == MathType.FMA) {
            return mathType == MathType.FMA && !direction.isTransform(algorithm);
        }
        return true;
    }
}
