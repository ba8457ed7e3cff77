package dev.striate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.UserException;
import dev.striate.core.backend.Backend;
import dev.striate.core.backend.BackendOptions;
import dev.striate.core.backend.Backends;
import dev.striate.core.data.DatasetSplits;
import dev.striate.core.data.Datasets;
import dev.striate.core.data.Loader;
import dev.striate.core.data.TransformPipeline;
import dev.striate.core.io.HostTensor;
import dev.striate.core.io.SafeTensors;
import dev.striate.core.io.StateDicts;
import dev.striate.core.train.Checkpoint;
import dev.striate.core.train.CheckpointState;
import dev.striate.core.train.RunDirectory;
import dev.striate.core.train.Trainer;
import dev.striate.core.train.TrainerSettings;
import dev.striate.core.train.TrainingConfig;
import dev.striate.core.train.TrainingListener;
import dev.striate.core.train.TrainingLoop;
import dev.striate.core.train.TrainingOutcome;
import dev.striate.core.train.TrainingTransforms;
import dev.striate.models.ModelSpec;
import dev.striate.models.ModelSpecs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One training run put together from its settings: the model spec (its classes set from the data), the data and
 * its loaders, the backend, the trainer, the run folder and the loop, with a checkpoint restored when resuming.
 * Every check that can fail on the user's input runs here, before the first step.
 */
final class TrainingSession implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final RunDirectory run;
    private final Backend backend;
    private final Trainer trainer;
    private final Loader trainLoader;
    private final Loader valLoader;
    private final TrainingLoop loop;
    private final CheckpointState start;
    private final ModelSpec spec;

    private TrainingSession(RunDirectory run, Backend backend, Trainer trainer, Loader trainLoader, Loader valLoader,
                            TrainingLoop loop, CheckpointState start, ModelSpec spec) {
        this.run = run;
        this.backend = backend;
        this.trainer = trainer;
        this.trainLoader = trainLoader;
        this.valLoader = valLoader;
        this.loop = loop;
        this.start = start;
        this.spec = spec;
    }

    /**
     * Prepares a run. {@code resumed} is the run folder of {@code --resume} (its spec is read from its last
     * checkpoint), or null for a new run in {@code config.out()}.
     */
    static TrainingSession open(TrainingConfig config, RunDirectory resumed, Console console,
                                TrainingListener listener) throws IOException {
        ModelSpec spec = resumed == null ? ModelSpecs.resolve(config.model())
                : ModelSpecs.parse(Files.readString(resumed.last().resolve(Checkpoint.SPEC)),
                resumed.last().resolve(Checkpoint.SPEC).toString());
        DatasetSplits data = Datasets.open(config.data(), config.valSplit(), config.seed());
        if (data.val().size() == 0) {
            throw new UserException("--data " + config.data() + ": the validation part is empty; raise --val-split or"
                    + " add images to the val/ folder");
        }
        List<String> classes = data.train().classes();
        if (spec.classes() != classes.size()) {
            spec = spec.withClasses(classes.size());
        }
        // Read before the run folder is made, so that a missing or damaged file leaves nothing behind.
        Map<String, HostTensor> initialWeights = resumed == null && config.weights() != null
                ? SafeTensors.read(Path.of(config.weights())) : null;
        int[] input = spec.inputShape();
        TransformPipeline trainTransform = TrainingTransforms.training(config, input[0], input[1], input[2]);
        TransformPipeline evalTransform = TrainingTransforms.evaluation(config, input[0], input[1], input[2]);
        RunDirectory run = resumed != null ? resumed : RunDirectory.create(Path.of(config.out()));
        Backend backend = Backends.open(config.device(), new BackendOptions(config.precision()),
                console.err()::println);
        Trainer trainer = null;
        Loader trainLoader = null;
        Loader valLoader = null;
        try {
            trainer = new Trainer(spec.toGraph(config.batch()), backend, TrainerSettings.from(config));
            trainLoader = new Loader(data.train(), trainTransform, config.batch(), true, false, config.workers(),
                    config.seed());
            valLoader = new Loader(data.val(), evalTransform, config.batch(), false, false, config.workers(),
                    config.seed());
            ObjectNode record = runRecord(config, spec, classes, data, trainTransform, evalTransform, backend);
            String recordJson = JSON.writeValueAsString(record);
            TrainingLoop loop = new TrainingLoop(trainer, trainLoader, valLoader, classes, run, config, spec.name(),
                    spec.json(), recordJson, listener);
            CheckpointState start;
            if (resumed != null) {
                start = loop.restore(Checkpoint.read(run.last()), run.last().toString());
            } else {
                start = loop.initialState();
                if (initialWeights != null) {
                    StateDicts.load(trainer.parameters(), initialWeights, config.weights(), spec.name());
                }
            }
            run.writeAtomically(run.config(), recordJson.getBytes(StandardCharsets.UTF_8));
            return new TrainingSession(run, backend, trainer, trainLoader, valLoader, loop, start, spec);
        } catch (RuntimeException | IOException e) {
            closeAll(trainLoader, valLoader, trainer, backend);
            throw e;
        }
    }

    RunDirectory runDirectory() {
        return run;
    }

    ModelSpec spec() {
        return spec;
    }

    Backend backend() {
        return backend;
    }

    /** Where training starts: the resumed checkpoint's position, or the beginning. */
    CheckpointState start() {
        return start;
    }

    TrainingOutcome train() throws IOException {
        return loop.run(start);
    }

    @Override
    public void close() {
        closeAll(trainLoader, valLoader, trainer, backend);
    }

    private static void closeAll(AutoCloseable... resources) {
        for (AutoCloseable resource : resources) {
            if (resource != null) {
                try {
                    resource.close();
                } catch (Exception e) {
                    throw new IllegalStateException("cannot release " + resource, e);
                }
            }
        }
    }

    private static ObjectNode runRecord(TrainingConfig config, ModelSpec spec, List<String> classes,
                                        DatasetSplits data, TransformPipeline trainTransform,
                                        TransformPipeline evalTransform, Backend backend) throws IOException {
        ObjectNode record = JSON.createObjectNode();
        record.set("settings", config.toJson());
        record.set("spec", JSON.readTree(spec.json()));
        classes.forEach(record.putArray("classes")::add);
        record.putObject("images").put("train", data.train().size()).put("val", data.val().size());
        ObjectNode transforms = record.putObject("transforms");
        transforms.set("train", trainTransform.toJson());
        transforms.set("eval", evalTransform.toJson());
        record.put("backend", backend.description());
        record.putObject("versions").put("striate", Main.version()).put("java", Runtime.version().toString())
                .put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        return record;
    }
}
