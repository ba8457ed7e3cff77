package dev.striate.cuda.gpu;

import dev.striate.cuda.doctor.CudaDiagnosis;
import dev.striate.cuda.natives.LibraryDiscovery;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Runs GPU tests only where {@code striate doctor} would say CUDA training can run; prints why not, once. */
public final class CudaAvailable implements ExecutionCondition {
    private static String problem;
    private static boolean checked;

    private static synchronized String problem() {
        if (!checked) {
            problem = CudaDiagnosis.run(LibraryDiscovery.ofThisMachine(), false).problem();
            checked = true;
            if (problem != null) {
                System.out.println("GPU tests skipped: " + problem);
            }
        }
        return problem;
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String reason = problem();
        return reason == null ? ConditionEvaluationResult.enabled("CUDA is usable")
                : ConditionEvaluationResult.disabled("no usable CUDA GPU: " + reason);
    }
}
