package dev.striate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.FileNames;
import dev.striate.core.UserException;
import dev.striate.core.backend.Backend;
import dev.striate.core.backend.DeviceSelection;
import dev.striate.core.data.DatasetSplits;
import dev.striate.core.data.Datasets;
import dev.striate.core.data.Loader;
import dev.striate.core.data.TransformPipeline;
import dev.striate.core.graph.Graph;
import dev.striate.core.io.HostTensor;
import dev.striate.core.io.SafeTensors;
import dev.striate.core.io.StateDicts;
import dev.striate.core.train.Checkpoint;
import dev.striate.core.train.CheckpointState;
import dev.striate.core.train.ClassifierGraphs;
import dev.striate.core.train.InputShape;
import dev.striate.core.train.MemoryEstimate;
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
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
     * Prepares a run. {@code resumed} is the run folder of {@code --resume}: its spec is read from its last
     * checkpoint, or, for a run stopped before its first checkpoint, the run starts over in it. Null: a new run in
     * {@code config.out()}.
     */
    static TrainingSession open(TrainingConfig config, RunDirectory resumed, Console console,
                                TrainingListener listener) throws IOException {
        boolean restoring = resumed != null && resumed.hasCheckpoint();
        ModelSpec spec = restoring ? resumedSpec(resumed) : specOf(config);
        DatasetSplits data = Datasets.open(config.data(), config.valSplit(), config.seed());
        if (data.val().size() == 0) {
            throw new UserException("--data " + config.data() + ": the validation part is empty; raise --val-split or"
                    + " add images to the val/ folder");
        }
        // A batch larger than the data is one partial batch per epoch either way: allocate only what it can fill.
        int batch = Math.min(config.batch(), Math.max(data.train().size(), data.val().size()));
        List<String> classes = data.train().classes();
        if (spec.classes() != classes.size()) {
            spec = spec.withClasses(classes.size());
        }
        // Read before the run folder is made, so that a missing or damaged file leaves nothing behind.
        Map<String, HostTensor> initialWeights = !restoring && config.weights() != null
                ? SafeTensors.read(Path.of(config.weights())) : null;
        int[] input = spec.inputShape();
        TransformPipeline trainTransform = TrainingTransforms.training(config, input[0], input[1], input[2]);
        TransformPipeline evalTransform = TrainingTransforms.evaluation(config, input[0], input[1], input[2]);
        Graph model = spec.toGraph(batch);
        TrainerSettings settings = TrainerSettings.from(config);
        // The device's lines are printed once every check has passed, so that an error is the only line.
        List<String> deviceNotes = new ArrayList<>();
        Backend backend = CommonOptions.openBackend(DeviceSelection.parse(config.device()), config.precision(),
                deviceNotes::add);
        RunDirectory run = resumed;
        Trainer trainer = null;
        Loader trainLoader = null;
        Loader valLoader = null;
        try {
            MemoryEstimate.training(model, settings.rule().stateSlots()).requireFits(backend,
                    "use a smaller model or --batch" + (backend.name().equals("cpu")
                            ? ", or give Java more memory (JAVA_TOOL_OPTIONS=-Xmx...)" : ""));
            if (run == null) {
                run = RunDirectory.create(Path.of(config.out()));
            }
            deviceNotes.forEach(console.err()::println);
            trainer = new Trainer(model, backend, settings);
            trainLoader = new Loader(data.train(), trainTransform, batch, true, false, config.workers(), config.seed());
            valLoader = new Loader(data.val(), evalTransform, batch, false, false, config.workers(), config.seed());
            ObjectNode record = runRecord(config, spec, classes, data, trainTransform, evalTransform, backend);
            String recordJson = JSON.writeValueAsString(record);
            TrainingLoop loop = new TrainingLoop(trainer, trainLoader, valLoader, classes, run, config, spec.name(),
                    spec.json(), recordJson, listener);
            CheckpointState start;
            if (restoring) {
                start = loop.restore(Checkpoint.read(run.last()), run.last().toString());
            } else {
                start = loop.initialState();
                if (initialWeights != null) {
                    loadPretrained(trainer, model, initialWeights, config.weights(), spec.name(), classes.size(),
                            console);
                }
            }
            run.writeAtomically(run.config(), recordJson.getBytes(StandardCharsets.UTF_8));
            return new TrainingSession(run, backend, trainer, trainLoader, valLoader, loop, start, spec);
        } catch (RuntimeException | IOException e) {
            closeAll(trainer, backend, trainLoader, valLoader, run == resumed ? null : run);
            throw e;
        }
    }

    /** The spec of {@code model}, at {@code --input} when given. */
    private static ModelSpec specOf(TrainingConfig config) {
        ModelSpec spec = ModelSpecs.resolve(config.model());
        InputShape input = config.input();
        return input == null ? spec : spec.withInput(input.channels(), input.height(), input.width());
    }

    /**
     * Loads {@code --weights} for fine-tuning: every tensor that fits; the classifier's, when they do not fit the
     * data's classes (or are missing), keep their fresh values, and one notice line names them.
     */
    private static void loadPretrained(Trainer trainer, Graph model, Map<String, HostTensor> weights, String file,
                                       String modelName, int classes, Console console) {
        Set<String> classifier = new LinkedHashSet<>(ClassifierGraphs.classifierParameters(model));
        List<String> fresh = StateDicts.loadExcept(trainer.parameters(), weights, file, modelName, classifier);
        if (!fresh.isEmpty()) {
            console.err().println("notice: " + String.join(", ", fresh) + " of " + file + " do not fit the "
                    + classes + " classes of --data; they start from fresh values, everything else is loaded");
        }
    }

    /**
     * The spec of a resumed run's last checkpoint, which must be the model its {@code config.json} records: a folder
     * whose two disagree holds pieces of two runs, and resuming would silently train the checkpoint's model.
     */
    private static ModelSpec resumedSpec(RunDirectory resumed) throws IOException {
        Path specFile = resumed.last().resolve(Checkpoint.SPEC);
        ModelSpec spec = ModelSpecs.parse(Files.readString(specFile), specFile.toString());
        JsonNode recorded = JSON.readTree(resumed.config().toFile()).path("spec");
        JsonNode saved = JSON.readTree(spec.json());
        if (!recorded.isMissingNode() && !recorded.equals(saved)) {
            String recordedName = recorded.path("name").asText("?");
            throw new UserException("--resume " + FileNames.quoted(resumed.root()) + ": its checkpoint "
                    + Checkpoint.LAST + "/ holds the model '" + spec.name() + "' but its " + RunDirectory.CONFIG
                    + " records " + (recordedName.equals(spec.name()) ? "another version of '" + recordedName + "'"
                    : "the model '" + recordedName + "'") + "; the folder mixes two runs: start a new run with"
                    + " --weights " + FileNames.quoted(resumed.last().resolve(Checkpoint.WEIGHTS)));
        }
        return spec;
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

    /** Asks the run to stop after its current batch, with {@code last/} written there (any thread). */
    void requestStop() {
        loop.requestStop();
    }

    /** The backend before the loaders: it unregisters their page-locked batch memory while it is still allocated. */
    @Override
    public void close() {
        closeAll(trainer, backend, trainLoader, valLoader, run);
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
