package dev.striate.cuda;

import static dev.striate.cuda.device.CudaException.check;

import dev.striate.core.backend.ParameterUpdate;
import dev.striate.core.optim.UpdateRule;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.device.DevicePointer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jcuda.Pointer;
import jcuda.driver.JCudaDriver;

/**
 * The backend's own device work over whole tensors (scale, Σx², optimizer steps, top-k, F32/BF16 conversion),
 * launched from the kernels of {@code elementwise.cu}, {@code optimizer.cu} and {@code topk.cu},
 * whose signatures are documented at the top of each file.
 */
final class BackendKernels {
    private static final int THREADS = 256;
    private static final int MAX_BLOCKS = 4096;
    private static final int TABLE_FIELDS = 7;

    private final DeviceContext context;
    private Tensor scalar;
    private Tensor table;

    BackendKernels(DeviceContext context) {
        this.context = context;
    }

    private static int blocks(long elements) {
        return (int) Math.max(1, Math.min(MAX_BLOCKS, (elements + THREADS - 1) / THREADS));
    }

    void scale(Tensor tensor, double factor) {
        requireF32(tensor, "scale");
        context.launch(context.function("elementwise", "scale_f32"), blocks(tensor.size()), THREADS, tensor,
                tensor.size(), (float) factor);
    }

    /**
     * destination ← source between F32 and BF16 ({@code elementwise.cu}'s casts, in the bf16 variant): a rank-4 BF16
     * tensor lies in the context's layout, so a graph input is reordered on the way in, its gradient on the way out.
     */
    void convert(Tensor source, Tensor destination) {
        if (!source.shape().equals(destination.shape())) {
            throw new IllegalArgumentException("convert needs equal shapes, got " + source.shape() + " and "
                    + destination.shape());
        }
        String kernel = switch (source.dtype() + " to " + destination.dtype()) {
            case "F32 to BF16" -> "cast_f32_to_storage";
            case "BF16 to F32" -> "cast_storage_to_f32";
            default -> throw new IllegalArgumentException("convert on CUDA goes between F32 and BF16, not from "
                    + source.dtype() + " to " + destination.dtype());
        };
        ChannelsAndCells extent = ChannelsAndCells.of(source.shape());
        context.launch(context.function("elementwise", kernel, DType.BF16), blocks(source.size()), THREADS, source,
                destination, source.size(), extent.channels(), extent.cells());
    }

    /** Σ x² over all tensors: every launch adds into one double on the device, which is read once. */
    double sumOfSquares(List<Tensor> tensors) {
        if (scalar == null) {
            scalar = context.allocate(Shape.of(1), DType.F64);
        }
        sumOfSquares(tensors, scalar);
        double[] total = new double[1];
        check(JCudaDriver.cuMemcpyDtoHAsync(Pointer.to(total), DevicePointer.at(context.address(scalar)),
                Double.BYTES, context.stream()), "cuMemcpyDtoHAsync");
        context.device().synchronize();
        return total[0];
    }

    /** Queues Σ x² over all tensors into {@code total}, one F64 on the device, without reading it. */
    void sumOfSquares(List<Tensor> tensors, Tensor total) {
        if (DeviceContext.buffer(total).dtype() != DType.F64 || total.size() != 1) {
            throw new IllegalArgumentException("sumOfSquares on CUDA adds into one F64, got " + total.dtype() + " "
                    + total.shape());
        }
        check(JCudaDriver.cuMemsetD8Async(DevicePointer.at(context.address(total)), (byte) 0, Double.BYTES,
                context.stream()), "cuMemsetD8Async");
        if (tensors.isEmpty()) {
            return;
        }
        GradientTable table = gradientTable(tensors, "sumOfSquares");
        context.launch(context.function("optimizer", "gradient_sum_of_squares"), blocks(table.elements()), THREADS,
                upload(table.rows()), tensors.size(), table.elements(), total);
    }

    /** Every tensor set to 0 in one launch (the parameter gradients before a step's backward). */
    void zero(List<Tensor> tensors) {
        if (tensors.isEmpty()) {
            return;
        }
        GradientTable table = gradientTable(tensors, "zero");
        context.launch(context.function("optimizer", "zero_gradients"), blocks(table.elements()), THREADS,
                upload(table.rows()), tensors.size(), table.elements());
    }

    /** A table's rows for the device and the elements of all its tensors together. */
    private record GradientTable(long[] rows, long elements) {
    }

    /**
     * F32 tensors as the gradient column of optimizer.cu's table (field 1, with each one's first position and element
     * count in 4 and 5; the others unused), for the kernels that read only those.
     */
    private GradientTable gradientTable(List<Tensor> tensors, String what) {
        long[] rows = new long[tensors.size() * TABLE_FIELDS];
        long start = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor tensor = tensors.get(i);
            requireF32(tensor, what);
            rows[i * TABLE_FIELDS + 1] = context.address(tensor);
            rows[i * TABLE_FIELDS + 4] = start;
            rows[i * TABLE_FIELDS + 5] = tensor.size();
            start += tensor.size();
        }
        return new GradientTable(rows, start);
    }

    /**
     * One launch per group of parameters that share a rule apart from weight decay (usually one or two groups per
     * model), each over a device table of the group's tensors.
     */
    void applyUpdates(double learningRate, long step, List<ParameterUpdate> updates) {
        if (step < 1) {
            throw new IllegalArgumentException("optimizer steps count from 1, got " + step);
        }
        Map<UpdateRule, List<ParameterUpdate>> groups = new LinkedHashMap<>();
        for (ParameterUpdate update : updates) {
            validate(update);
            groups.computeIfAbsent(update.rule().withoutWeightDecay(), rule -> new ArrayList<>()).add(update);
        }
        for (Map.Entry<UpdateRule, List<ParameterUpdate>> group : groups.entrySet()) {
            long[] rows = new long[group.getValue().size() * TABLE_FIELDS];
            long total = 0;
            int row = 0;
            for (ParameterUpdate update : group.getValue()) {
                List<Tensor> state = update.state();
                rows[row] = context.address(update.param());
                rows[row + 1] = context.address(update.grad());
                rows[row + 2] = state.isEmpty() ? 0 : context.address(state.get(0));
                rows[row + 3] = state.size() < 2 ? 0 : context.address(state.get(1));
                rows[row + 4] = total;
                rows[row + 5] = update.param().size();
                rows[row + 6] = Double.doubleToRawLongBits(update.rule().weightDecay());
                total += update.param().size();
                row += TABLE_FIELDS;
            }
            Tensor deviceTable = upload(rows);
            launchUpdate(group.getKey(), deviceTable, group.getValue().size(), total, learningRate, step);
        }
    }

    private void launchUpdate(UpdateRule rule, Tensor deviceTable, int rows, long total, double lr, long step) {
        int blocks = blocks(total);
        switch (rule) {
            case UpdateRule.Sgd sgd -> context.launch(context.function("optimizer", "sgd_update"), blocks, THREADS,
                    deviceTable, rows, total, lr, sgd.momentum(), sgd.dampening(), sgd.nesterov() ? 1 : 0,
                    step == 1 ? 1 : 0);
            case UpdateRule.Adam adam -> context.launch(context.function("optimizer", "adam_update"), blocks, THREADS,
                    deviceTable, rows, total, lr, adam.beta1(), adam.beta2(), adam.eps(),
                    1 - Math.pow(adam.beta1(), step), 1 - Math.pow(adam.beta2(), step), adam.decoupled() ? 1 : 0);
            case UpdateRule.RmsProp rms -> context.launch(context.function("optimizer", "rmsprop_update"), blocks,
                    THREADS, deviceTable, rows, total, lr, rms.alpha(), rms.eps(), rms.momentum());
            case UpdateRule.AdaGrad adaGrad -> context.launch(context.function("optimizer", "adagrad_update"), blocks,
                    THREADS, deviceTable, rows, total, lr, adaGrad.eps());
        }
    }

    /** The parameter table on the device, in one buffer that grows as needed and is reused every step. */
    private Tensor upload(long[] rows) {
        if (table == null || table.size() < rows.length) {
            if (table != null) {
                context.release(table);
            }
            table = context.allocate(Shape.of(Math.max(rows.length, 64 * TABLE_FIELDS)), DType.I64);
        }
        check(JCudaDriver.cuMemcpyHtoDAsync(DevicePointer.at(context.address(table)), Pointer.to(rows),
                (long) rows.length * Long.BYTES, context.stream()), "cuMemcpyHtoDAsync");
        return table;
    }

    private static void validate(ParameterUpdate update) {
        long n = update.param().size();
        requireF32(update.param(), "an optimizer update");
        requireF32(update.grad(), "an optimizer update");
        if (update.grad().size() != n) {
            throw new IllegalArgumentException("gradient has " + update.grad().size() + " elements, parameter " + n);
        }
        if (update.state().size() != update.rule().stateSlots()) {
            throw new IllegalArgumentException(update.rule() + " keeps " + update.rule().stateSlots()
                    + " state tensors, got " + update.state().size());
        }
        for (Tensor slot : update.state()) {
            requireF32(slot, "an optimizer update");
            if (slot.size() != n) {
                throw new IllegalArgumentException("optimizer state has " + slot.size() + " elements, parameter " + n);
            }
        }
    }

    int[] topK(Tensor scores, int k) {
        int kept = Math.min(k, scores.shape().dim(1));
        Tensor indices = context.allocate(Shape.of(scores.shape().dim(0) * kept), DType.I32);
        try {
            topK(scores, k, indices);
            int[] result = new int[Math.toIntExact(indices.size())];
            check(JCudaDriver.cuMemcpyDtoHAsync(Pointer.to(result), DevicePointer.at(context.address(indices)),
                    (long) result.length * Integer.BYTES, context.stream()), "cuMemcpyDtoHAsync");
            context.device().synchronize();
            return result;
        } finally {
            context.release(indices);
        }
    }

    /**
     * Queues the top-k indices of each row of [N, K] scores (F32, or BF16 logits in bf16 work) into {@code indices},
     * I32 [N·min(k, K)], unread.
     */
    void topK(Tensor scores, int k, Tensor indices) {
        DType storage = DeviceContext.buffer(scores).dtype();
        if (storage != DType.F32 && storage != DType.BF16) {
            throw new IllegalArgumentException("topK on CUDA needs F32 or BF16 scores, got " + scores.dtype());
        }
        int rows = scores.shape().dim(0);
        int cols = scores.shape().dim(1);
        int kept = Math.min(k, cols);
        if (DeviceContext.buffer(indices).dtype() != DType.I32 || indices.size() != (long) rows * kept) {
            throw new IllegalArgumentException("topK on CUDA writes " + rows * kept + " I32 indices, got "
                    + indices.dtype() + " " + indices.shape());
        }
        context.launch(context.function("topk", "top_k", storage), Math.max(1, (rows + 127) / 128), 128, scores,
                rows, cols, kept, indices);
    }

    private static void requireF32(Tensor tensor, String what) {
        if (DeviceContext.buffer(tensor).dtype() != DType.F32) {
            throw new IllegalArgumentException(what + " on CUDA needs an F32 tensor, got " + tensor.dtype());
        }
    }

    void close() {
        if (scalar != null) {
            context.release(scalar);
        }
        if (table != null) {
            context.release(table);
        }
    }
}
