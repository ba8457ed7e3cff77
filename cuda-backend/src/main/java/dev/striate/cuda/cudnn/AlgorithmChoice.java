package dev.striate.cuda.cudnn;

import java.util.List;

/**
 * The algorithm a convolution runs with, the math type to set on its descriptor, and its workspace size, chosen from
 * cuDNN's measured results (fastest first): the fastest that succeeded, fits {@link #WORKSPACE_LIMIT} and, when true
 * fp32 is wanted ({@link MathType#FMA}), does not use tensor cores.
 */
public record AlgorithmChoice(int algorithm, int mathType, long workspaceBytes) {
    /** Workspace beyond this is not worth the memory; cuDNN always has an algorithm that needs far less. */
    public static final long WORKSPACE_LIMIT = 1L << 30;

    private static final int STATUS_SUCCESS = 0;

    /**
     * @param wantedMathType the precision's math type: {@link MathType#FMA} keeps fp32 exact, any other allows the
     *                       math type cuDNN measured (tensor cores included)
     */
    public static AlgorithmChoice choose(List<AlgorithmPerformance> results, int wantedMathType, String what) {
        for (AlgorithmPerformance result : results) {
            if (result.status() != STATUS_SUCCESS || result.workspaceBytes() > WORKSPACE_LIMIT) {
                continue;
            }
            boolean exactFloat = result.mathType() == MathType.FMA || result.mathType() == MathType.DEFAULT;
            if (wantedMathType == MathType.FMA && !exactFloat) {
                continue;
            }
            // DEFAULT may mean TF32 on tensor cores: in fp32 run it as FMA, which forbids that.
            int mathType = wantedMathType == MathType.FMA ? MathType.FMA : result.mathType();
            return new AlgorithmChoice(result.algorithm(), mathType, result.workspaceBytes());
        }
        throw new IllegalStateException("cuDNN found no usable " + what + " algorithm (math type " + wantedMathType
                + ", workspace at most " + WORKSPACE_LIMIT + " bytes) among " + results);
    }
}
