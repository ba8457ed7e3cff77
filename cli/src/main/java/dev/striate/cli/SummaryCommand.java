package dev.striate.cli;

import dev.striate.core.backend.Backend;
import dev.striate.core.backend.BackendOptions;
import dev.striate.core.backend.Backends;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.graph.Graph;
import dev.striate.core.io.StateDicts;
import dev.striate.core.train.InputShape;
import dev.striate.core.train.MemoryEstimate;
import dev.striate.models.ModelSpec;
import dev.striate.models.ModelSpecs;
import dev.striate.models.ModelSummary;
import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code striate summary MODEL}: per-layer shapes, parameters, MACs and receptive fields, then the totals. */
final class SummaryCommand implements Command {
    @Override
    public String name() {
        return "summary";
    }

    @Override
    public String summary() {
        return "layer by layer: output shapes, parameters, MACs, receptive fields of MODEL (zoo name or spec file)";
    }

    @Override
    public String usage() {
        return "MODEL [--input C,H,W] [--batch N] [--json] [--weights FILE]";
    }

    @Override
    public Options options() {
        Options options = new Options()
                .addOption(Option.builder().longOpt("input").hasArg().argName("C,H,W")
                        .desc("input image shape instead of the spec's, e.g. 3,64,64").build())
                .addOption(Option.builder().longOpt("batch").hasArg().argName("N")
                        .desc("batch size for shapes, MACs and sizes (default 1)").build())
                .addOption(Option.builder().longOpt("weights").hasArg().argName("FILE")
                        .desc("check that a safetensors file fits the model: every name, shape and dtype").build());
        return CommonOptions.addJson(options);
    }

    @Override
    public int run(CommandLine line, Console console) {
        ModelSpec spec = ModelSpecs.resolve(CommandArguments.single(line, "one MODEL: a zoo name ("
                + String.join(", ", ModelSpecs.zooNames()) + ") or a spec file"));
        if (line.hasOption("input")) {
            InputShape input = InputShape.parse(line.getOptionValue("input"));
            spec = spec.withInput(input.channels(), input.height(), input.width());
        }
        if (line.hasOption("weights")) {
            checkWeights(spec, Path.of(line.getOptionValue("weights")), console);
        }
        ModelSummary summary = ModelSummary.of(spec, CommandArguments.positive(line, "batch", 1));
        console.out().print(CommonOptions.json(line) ? summary.toJson() + System.lineSeparator() : summary.toText());
        return Main.OK;
    }

    /** Loads the file into the model on the reference backend; a mismatch is a UserException listing all of them. */
    private static void checkWeights(ModelSpec spec, Path file, Console console) {
        Graph graph = spec.toGraph(1);
        try (Backend backend = Backends.open("cpu", BackendOptions.defaults(), console.err()::println)) {
            MemoryEstimate.inference(graph).requireFits(backend, "check the weights of a smaller model");
            try (ParameterStore store = ParameterStore.initialize(graph, backend, 0)) {
                StateDicts.loadFile(store, file, spec.name());
            }
        }
        console.err().println("weights " + file + ": every tensor fits " + spec.name());
    }
}
