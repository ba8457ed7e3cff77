package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.backend.Precision;
import dev.striate.core.backend.RunContext;
import dev.striate.core.check.GradCheckCase;
import dev.striate.core.check.GradCheckSuite;
import dev.striate.core.op.BackwardReads;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CUDA kernels' backward, host code and cuDNN calls included, on every case of the gradient-check grid with the
 * values their op does not declare reading ({@link BackwardReads}) replaced by released tensors: a kernel that takes
 * such a tensor's address or launches with it fails, so a declaration that misses what a CUDA kernel reads fails here
 * (linear nodes are left out: cuBLAS needs its native library; its declaration covers its GEMMs' operands).
 */
class BackwardReadsTest {
    static Stream<GradCheckCase> cases() {
        return GradCheckSuite.cases().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void backwardReadsOnlyWhatItsOpDeclares(GradCheckCase c) {
        RecordingCudaContext context = new RecordingCudaContext(Precision.FP32);
        new KernelRun(context, c.graph()).runWithheld(
                c.training() ? RunContext.training(7, 3) : RunContext.evaluation(), BackwardReads::of);
    }

    @Test
    void aWithheldValueThatAKernelReadsFails() {
        GradCheckCase relu = GradCheckSuite.cases().stream().filter(c -> c.op().equals("relu")).findFirst()
                .orElseThrow();
        RecordingCudaContext context = new RecordingCudaContext(Precision.FP32);
        KernelRun run = new KernelRun(context, relu.graph());
        // ReLU's backward reads its output only: declared as reading its input instead, the output is withheld.
        AssertionError e = assertThrows(AssertionError.class, () -> run.runWithheld(RunContext.training(7, 3),
                op -> new BackwardReads(Set.of(0), false)));
        assertTrue(e.getMessage().contains("relu_backward was given a released tensor"), e.getMessage());
    }
}
