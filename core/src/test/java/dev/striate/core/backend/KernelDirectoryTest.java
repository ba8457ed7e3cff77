package dev.striate.core.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.backend.contextkernels.ReluKernel;
import dev.striate.core.backend.contextkernels.TanhKernel;
import dev.striate.core.op.Relu;
import dev.striate.core.op.Sigmoid;
import dev.striate.core.op.Tanh;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KernelDirectoryTest {
    @Test
    void kernelsThatTakeTheBackendsContextGetItAndOthersAreMadeWithoutIt() {
        StringBuilder context = new StringBuilder("handles of one backend");
        KernelDirectory directory = new KernelDirectory("test", "dev.striate.core.backend.contextkernels",
                KernelDirectoryTest.class.getClassLoader(), StringBuilder.class, context);
        assertSame(context, ((ReluKernel) directory.kernel(Relu.class)).context);
        assertInstanceOf(TanhKernel.class, directory.kernel(Tanh.class));
        assertEquals(Set.of(Relu.class, Tanh.class), directory.ops());
        MissingKernelException missing = assertThrows(MissingKernelException.class,
                () -> directory.kernel(Sigmoid.class));
        assertTrue(missing.getMessage().contains("backend 'test' has no kernel for op 'sigmoid'"), missing.getMessage());
    }
}
