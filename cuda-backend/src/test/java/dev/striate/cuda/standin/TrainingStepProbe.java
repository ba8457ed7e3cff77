package dev.striate.cuda.standin;

import dev.striate.core.backend.BackendOptions;
import dev.striate.core.backend.Precision;
import dev.striate.core.data.Batch;
import dev.striate.core.optim.ConstantSchedule;
import dev.striate.core.optim.UpdateRule;
import dev.striate.core.train.Trainer;
import dev.striate.core.train.TrainerSettings;
import dev.striate.cuda.CudaBackend;
import dev.striate.cuda.CudaBackendProvider;
import dev.striate.cuda.device.CudaException;
import dev.striate.models.ModelSpecs;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.IntStream;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/**
 * Run in its own JVM by {@link TrainingStepStandInTest} against {@link StepDriver} and {@link StepLibraries}: opens
 * the CUDA backend through its provider in the precision given, trains {@link #SPEC} three steps through the
 * {@link Trainer} (two fed, one staged as the training loop stages) and evaluates once, writing what it does
 * ("# ...") into the stand-ins' log between their own lines.
 */
public final class TrainingStepProbe {
    /** conv with bias, batch norm, ReLU, max pool, linear, softmax cross-entropy (the trainer's loss). */
    static final String SPEC = """
            {"name": "step", "input": [3, 16, 16], "classes": 10, "body": [
              {"type": "conv2d", "out": 4, "kernel": 3, "padding": 1},
              {"type": "batch_norm"},
              {"type": "relu"},
              {"type": "max_pool2d", "kernel": 2},
              {"type": "conv2d", "out": 4, "kernel": 3, "padding": 1},
              {"type": "relu"},
              {"type": "flatten"},
              {"type": "linear", "out": "classes"}
            ]}""";
    private static final int BATCH = 2;
    private static Path log;

    private TrainingStepProbe() {
    }

    private static void note(String line) throws IOException {
        Files.writeString(log, "# " + line + "\n", StandardOpenOption.APPEND, StandardOpenOption.CREATE);
    }

    public static void main(String[] args) throws IOException {
        log = Path.of(System.getenv("STANDIN_LOG"));
        Precision precision = Precision.valueOf(args[0]);
        CudaBackend backend = (CudaBackend) new CudaBackendProvider().open(new BackendOptions(precision));
        calibrate(backend);
        System.out.println(backend.description());
        note("open");
        TrainerSettings settings = new TrainerSettings(0, 13, 14, new UpdateRule.Sgd(0.9, 0, false, 0), false,
                new ConstantSchedule(0.01), 0);
        try (Arena memory = Arena.ofShared();
             Trainer trainer = new Trainer(ModelSpecs.parse(SPEC, "step.json").toGraph(BATCH), backend, settings)) {
            MemorySegment images = memory.allocate((long) BATCH * 3 * 16 * 16 * Float.BYTES, 4096);
            for (long i = 0; i < images.byteSize() / Float.BYTES; i++) {
                images.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) Math.sin(i));
            }
            Batch batch = new Batch(images, new int[] {3, 7}, BATCH, 0, List.of());
            for (int step = 1; step <= 2; step++) {
                note("step " + step);
                trainer.step(batch, 0, 1);
                note("step " + step + " done, " + backend.memory());
            }
            // As the training loop steps: the batch staged (page-locked, copied on the copy stream), then stepped on.
            note("step 3, staged");
            trainer.stage(batch);
            trainer.stepOnFedBatch(batch.labels(), 0, 0, 1);
            note("step 3 done, " + backend.memory());
            note("evaluate");
            trainer.evaluator().evaluate(List.of(batch).iterator(), IntStream.range(0, 10).mapToObj(c -> "c" + c)
                    .toList(), index -> { });
            note("close the trainer");
        }
        note("trainer closed, " + backend.memory());
        backend.close();
        note("closed");
    }

    /**
     * A launch of the stand-in driver's "calibrate" function with a long, an int, a float and a double, through the
     * backend's own launch: the driver learns how each Java array type looks, so that it can name the type of every
     * argument of every later launch.
     */
    private static void calibrate(CudaBackend backend) {
        CUmodule module = new CUmodule();
        CudaException.check(JCudaDriver.cuModuleLoadData(module, "calibrate\0".getBytes()), "cuModuleLoadData");
        CUfunction calibrate = new CUfunction();
        CudaException.check(JCudaDriver.cuModuleGetFunction(calibrate, module, "calibrate"), "cuModuleGetFunction");
        backend.context().launch(calibrate, 1, 1, 1L, 1, 1f, 1.0);
        CudaException.check(JCudaDriver.cuModuleUnload(module), "cuModuleUnload");
    }
}
