package dev.striate.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.UserException;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.op.BatchNorm;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Flatten;
import dev.striate.core.op.Linear;
import dev.striate.core.op.Relu;
import dev.striate.core.tensor.Shape;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Optimizer names with PyTorch's defaults, and the parameters exempt from weight decay. */
class OptimizerSettingsTest {
    @Test
    void namesMapToRulesWithPyTorchsDefaults() {
        assertEquals(new UpdateRule.Sgd(0.9, 0, true, 1e-4), UpdateRules.named("sgd", 0.9, 1e-4, true));
        assertEquals(new UpdateRule.Sgd(0, 0, false, 0), UpdateRules.named("SGD", 0, 0, false));
        assertEquals(new UpdateRule.Adam(0.9, 0.999, 1e-8, 0.01, false), UpdateRules.named("adam", 0, 0.01, false));
        assertEquals(new UpdateRule.Adam(0.9, 0.999, 1e-8, 0.01, true), UpdateRules.named("adamw", 0, 0.01, false));
        assertEquals(new UpdateRule.RmsProp(0.99, 1e-8, 0.5, 0), UpdateRules.named("rmsprop", 0.5, 0, false));
        assertEquals(new UpdateRule.AdaGrad(1e-10, 0.1), UpdateRules.named("adagrad", 0, 0.1, false));
    }

    @Test
    void anUnknownNameListsTheValidOnes() {
        UserException error = assertThrows(UserException.class, () -> UpdateRules.named("lamb", 0, 0, false));
        assertEquals("--optimizer 'lamb' is not known; use one of sgd, adam, adamw, rmsprop, adagrad",
                error.getMessage());
    }

    @Test
    void settingsThatDoNotApplyOrAreOutOfRangeNameTheirFlag() {
        assertTrue(assertThrows(UserException.class, () -> UpdateRules.named("adam", 0.9, 0, false)).getMessage()
                .startsWith("--momentum applies to sgd and rmsprop"));
        assertTrue(assertThrows(UserException.class, () -> UpdateRules.named("sgd", 1.0, 0, false)).getMessage()
                .startsWith("--momentum "));
        assertTrue(assertThrows(UserException.class, () -> UpdateRules.named("sgd", 0.9, -1, false)).getMessage()
                .startsWith("--weight-decay "));
        assertThrows(UserException.class, () -> UpdateRules.named("sgd", 0, 0, true));
        assertThrows(UserException.class, () -> UpdateRules.named("rmsprop", 0.9, 0, true));
    }

    @Test
    void biasesAndBatchNormParametersAreFoundByName() {
        GraphBuilder builder = new GraphBuilder();
        builder.input("image", Shape.of(2, 1, 4, 4));
        builder.add("conv", Conv2d.of(3, 3, 1, 1), "image");
        builder.add("bn", BatchNorm.standard(), "conv");
        builder.add("relu", new Relu(), "bn");
        builder.add("flatten", new Flatten(), "relu");
        builder.add("fc", Linear.of(5), "flatten");
        Graph graph = builder.build("fc");
        Set<String> names = Optimizer.biasAndNormParameters(graph);
        // Buffers (running_mean, running_var, num_batches_tracked) are not trainable, so not listed.
        assertEquals(List.of("conv.bias", "bn.weight", "bn.bias", "fc.bias"), List.copyOf(names));
    }
}
