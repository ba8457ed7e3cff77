package dev.striate.cuda.kernel;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.striate.cuda.cudnn.Cudnn;
import dev.striate.cuda.cudnn.CudnnLibrary;
import dev.striate.cuda.cudnn.MathType;
import dev.striate.cuda.natives.NativeLibrary;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * cuDNN without cuDNN: every function handle has exactly the type its {@link FunctionDescriptor} gives (so a call
 * with a wrong argument count or type fails as the real downcall would), records its arguments, creates descriptors,
 * and answers the algorithm searches with one successful FMA algorithm. Device addresses passed must be live tensors,
 * descriptors destroyed must be live ones, tensor and filter descriptors must be set in a format this project lays
 * tensors out in (CUDNN_TENSOR_NCHW or CUDNN_TENSOR_NHWC; {@link CudnnDataTypes} checks it is the tensor's), and every
 * call must come after {@link #makeCurrent} on its thread.
 */
final class FakeCudnn implements CudnnLibrary {
    record Call(String symbol, List<Object> arguments) {
    }

    private final FakeDevice device;
    private final List<Call> calls = new ArrayList<>();
    /** Descriptors created and not yet destroyed, and their kind ("Tensor", "Convolution", ...). */
    private final Map<Long, String> liveDescriptors = new HashMap<>();
    private final Map<String, Integer> created = new HashMap<>();
    private final ThreadLocal<Boolean> current = ThreadLocal.withInitial(() -> false);
    private long nextDescriptor = 1;
    private int searches;

    FakeCudnn(FakeDevice device) {
        this.device = device;
    }

    List<Call> calls() {
        return calls;
    }

    /** How many descriptors of each kind were created. */
    Map<String, Integer> created() {
        return created;
    }

    /** How many descriptors of each kind are live (created, not destroyed). */
    Map<String, Integer> liveDescriptorsByKind() {
        Map<String, Integer> byKind = new HashMap<>();
        liveDescriptors.values().forEach(kind -> byKind.merge(kind, 1, Integer::sum));
        return byKind;
    }

    /** How many algorithm searches (cudnnFind*) ran. */
    int searches() {
        return searches;
    }

    @Override
    public MethodHandle statusCall(String symbol, FunctionDescriptor descriptor) {
        try {
            MethodHandle called = MethodHandles.lookup().findVirtual(FakeCudnn.class, "called",
                    MethodType.methodType(int.class, String.class, Object[].class));
            MethodHandle bound = MethodHandles.insertArguments(called.bindTo(this), 0, symbol);
            // Through the exact C signature and back, as LoadedCudnn's handles are: an argument of the wrong type
            // fails the call.
            return NativeLibrary.spreading(bound.asCollector(Object[].class, descriptor.argumentLayouts().size())
                    .asType(descriptor.toMethodType()));
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @SuppressWarnings("unused") // called through the method handles above
    private synchronized int called(String symbol, Object[] arguments) {
        if (!current.get()) {
            throw new AssertionError(symbol + " was called on a thread where the device was not made current");
        }
        calls.add(new Call(symbol, List.of(arguments)));
        for (Object argument : arguments) {
            // Device addresses arrive as zero-length segments; host memory (descriptors' out-parameters) has a size.
            if (argument instanceof MemorySegment segment && segment.byteSize() == 0
                    && !device.isLiveOrNotTensor(segment.address())) {
                throw new AssertionError(symbol + " was given a released tensor's address");
            }
        }
        Integer format = switch (symbol) {
            case "cudnnSetTensor4dDescriptor" -> (Integer) arguments[1];
            case "cudnnSetFilter4dDescriptor" -> (Integer) arguments[2];
            default -> null;
        };
        if (format != null && format != Cudnn.TENSOR_NCHW && format != Cudnn.TENSOR_NHWC) {
            throw new AssertionError(symbol + " in format " + format + ": tensors here lie NCHW (0) or NHWC (1)");
        }
        if (symbol.startsWith("cudnnCreate") && symbol.endsWith("Descriptor")) {
            String kind = symbol.substring("cudnnCreate".length(), symbol.length() - "Descriptor".length());
            liveDescriptors.put(nextDescriptor, kind);
            created.merge(kind, 1, Integer::sum);
            ((MemorySegment) arguments[0]).set(ADDRESS, 0, MemorySegment.ofAddress(nextDescriptor++));
        } else if (symbol.startsWith("cudnnDestroy") && symbol.endsWith("Descriptor")) {
            String kind = symbol.substring("cudnnDestroy".length(), symbol.length() - "Descriptor".length());
            String made = liveDescriptors.remove(((MemorySegment) arguments[0]).address());
            if (!kind.equals(made)) {
                throw new AssertionError(symbol + " of a descriptor that is not a live " + kind + " one: " + made);
            }
        } else if (symbol.startsWith("cudnnFind")) {
            searches++;
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
    public void makeCurrent() {
        current.set(true);
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
