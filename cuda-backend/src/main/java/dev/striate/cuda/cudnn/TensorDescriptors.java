package dev.striate.cuda.cudnn;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.striate.core.tensor.Shape;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;

/**
 * Packed tensor and filter descriptors of a data type ({@link Cudnn#dataType}; float where none is given) and a format
 * ({@link Cudnn#format}; NCHW where none is given), made once per node at compile time into the node's
 * {@link Descriptors} and destroyed with them. A descriptor always takes the dimensions n, c, h, w (a filter's k, c, r,
 * s); its format says only how they lie in memory, so an NHWC one describes a channels-last bf16 activation (and an
 * NHWC filter the K, R, S, C copy of a weight) with the same four numbers as its NCHW twin.
 */
public final class TensorDescriptors {
    private static final FunctionDescriptor SET_4D = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT,
            JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);

    private TensorDescriptors() {
    }

    /** A packed float NCHW tensor of n x c x h x w. */
    public static MemorySegment tensor(Descriptors descriptors, int n, int c, int h, int w) {
        return tensor(descriptors, Cudnn.DATA_FLOAT, n, c, h, w);
    }

    /** A packed NCHW tensor of n x c x h x w holding {@code dataType} (a {@code cudnnDataType_t}). */
    public static MemorySegment tensor(Descriptors descriptors, int dataType, int n, int c, int h, int w) {
        return tensor(descriptors, Cudnn.TENSOR_NCHW, dataType, n, c, h, w);
    }

    /** A packed tensor of n x c x h x w holding {@code dataType}, laid out as {@code format} (NCHW or NHWC). */
    public static MemorySegment tensor(Descriptors descriptors, int format, int dataType, int n, int c, int h,
                                       int w) {
        MemorySegment descriptor = descriptors.create("Tensor");
        // cudnnSetTensor4dDescriptor(desc, format, dataType, n, c, h, w)
        Cudnn.call(descriptors.library(), "cudnnSetTensor4dDescriptor", SET_4D, descriptor, format, dataType, n, c,
                h, w);
        return descriptor;
    }

    /**
     * A tensor of this shape as cuDNN's four dimensions: rank 4 as NCHW, rank 2 [N, C] as N x C x 1 x 1, any other
     * rank as N x (the rest) x 1 x 1 (for elementwise ops, where only the element count matters).
     */
    public static MemorySegment tensor(Descriptors descriptors, Shape shape) {
        if (shape.rank() == 4) {
            return tensor(descriptors, shape.dim(0), shape.dim(1), shape.dim(2), shape.dim(3));
        }
        if (shape.rank() == 0) {
            return tensor(descriptors, 1, 1, 1, 1);
        }
        return tensor(descriptors, shape.dim(0), Math.toIntExact(shape.sizePerItem()), 1, 1);
    }

    /**
     * A packed filter of k outputs x c inputs x h x w holding {@code dataType}, laid out as {@code format}: NCHW
     * (K, C, H, W) or NHWC (K, H, W, C).
     */
    public static MemorySegment filter(Descriptors descriptors, int dataType, int format, int k, int c, int h,
                                       int w) {
        MemorySegment descriptor = descriptors.create("Filter");
        // cudnnSetFilter4dDescriptor(desc, dataType, format, k, c, h, w): data type before format, unlike tensors.
        Cudnn.call(descriptors.library(), "cudnnSetFilter4dDescriptor", SET_4D, descriptor, dataType, format, k, c,
                h, w);
        return descriptor;
    }
}
