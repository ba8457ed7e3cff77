package dev.striate.cuda.kernel;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.striate.cuda.cudnn.CudnnLibrary;
import dev.striate.cuda.cudnn.MathType;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;

/**
 * cuDNN without cuDNN: every function handle has exactly the type its {@link FunctionDescriptor} gives (so a call
 * with a wrong argument count or type fails as the real downcall would), records its arguments, creates descriptors,
 * and answers the algorithm searches with one successful FMA algorithm. Device addresses passed must be live tensors.
 */
final class FakeCudnn implements CudnnLibrary {
    record Call(String symbol, List<Object> arguments) {
    }

    private final FakeDevice device;
    private final List<Call> calls = new ArrayList<>();
    private long nextDescriptor = 1;

    FakeCudnn(FakeDevice device) {
        this.device = device;
    }

    List<Call> calls() {
        return calls;
    }

    @Override
    public MethodHandle function(String symbol, FunctionDescriptor descriptor) {
        try {
            MethodHandle called = MethodHandles.lookup().findVirtual(FakeCudnn.class, "called",
                    MethodType.methodType(int.class, String.class, Object[].class));
            MethodHandle bound = MethodHandles.insertArguments(called.bindTo(this), 0, symbol);
            return bound.asCollector(Object[].class, descriptor.argumentLayouts().size())
                    .asType(descriptor.toMethodType());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @SuppressWarnings("unused") // called through the method handles above
    private int called(String symbol, Object[] arguments) {
        calls.add(new Call(symbol, List.of(arguments)));
        for (Object argument : arguments) {
            // Device addresses arrive as zero-length segments; host memory (descriptors' out-parameters) has a size.
            if (argument instanceof MemorySegment segment && segment.byteSize() == 0
                    && !device.isLiveOrNotTensor(segment.address())) {
                throw new AssertionError(symbol + " was given a released tensor's address");
            }
        }
        if (symbol.startsWith("cudnnCreate")) {
            ((MemorySegment) arguments[0]).set(ADDRESS, 0, MemorySegment.ofAddress(nextDescriptor++));
        } else if (symbol.startsWith("cudnnFind")) {
            ((MemorySegment) arguments[6]).set(JAVA_INT, 0, 1);
            MemorySegment result = (MemorySegment) arguments[7];
            result.set(JAVA_INT, 0, 1);
            result.set(JAVA_INT, 4, 0);
            result.set(JAVA_FLOAT, 8, 0.5f);
            result.set(JAVA_LONG, 16, 4096);
            result.set(JAVA_INT, 28, MathType.FMA);
        }
        return 0;
    }

    @Override
    public MemorySegment handle() {
        return MemorySegment.NULL;
    }

    @Override
    public void check(int status, String call) {
        if (status != 0) {
            throw new AssertionError(call + " returned " + status);
        }
    }

    @Override
    public long version() {
        return 91900;
    }
}
