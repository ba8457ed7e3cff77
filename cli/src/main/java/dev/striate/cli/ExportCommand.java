package dev.striate.cli;

import dev.striate.core.Plural;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.striate.core.UserException;
import dev.striate.core.io.HostTensor;
import dev.striate.core.io.SafeTensors;
import dev.striate.core.tensor.DType;
import dev.striate.core.train.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code striate export RUN_DIR --out FILE [--dtype f32|bf16|f16]}: a run's weights as one safetensors file for use
 * elsewhere. Checkpoints keep the backend's own precision (float64 on the reference backend) for exact resume; the
 * export rounds float tensors to the dtype asked (float32 by default, as torchvision's weights) and keeps integer
 * buffers ({@code num_batches_tracked}) as int64, so that PyTorch's {@code load_state_dict(strict=True)} takes it.
 */
final class ExportCommand implements Command {
    private static final Map<String, DType> DTYPES = Map.of("f32", DType.F32, "bf16", DType.BF16, "f16", DType.F16);

    @Override
    public String name() {
        return "export";
    }

    @Override
    public String summary() {
        return "write a run's weights as a safetensors file for PyTorch (float32 by default)";
    }

    @Override
    public String usage() {
        return "RUN_DIR --out FILE [--dtype f32|bf16|f16] [--checkpoint best|last]";
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(Option.builder().longOpt("out").hasArg().argName("FILE")
                        .desc("the safetensors file to write (must not exist)").build())
                .addOption(Option.builder().longOpt("dtype").hasArg().argName("DTYPE")
                        .desc("f32 (default), bf16 or f16 for the float tensors").build())
                .addOption(Option.builder().longOpt("checkpoint").hasArg().argName("WHICH")
                        .desc("best (default when present) or last").build());
    }

    @Override
    public int run(CommandLine line, Console console) throws Exception {
        String target = CommandArguments.single(line, "a run folder (or checkpoint folder) to export");
        if (!TrainedModel.isRun(target)) {
            throw new UserException(target + " is not a run folder (striate train --out); export reads a run's"
                    + " checkpoint");
        }
        if (!line.hasOption("out")) {
            throw new UserException("--out FILE is required: where to write the safetensors file");
        }
        Path out = Path.of(line.getOptionValue("out"));
        if (Files.exists(out)) {
            throw new UserException("--out " + out + " exists; refusing to overwrite it: choose another name or"
                    + " remove it first");
        }
        DType dtype = dtype(line.getOptionValue("dtype", "f32"));
        TrainedModel model = TrainedModel.fromRun(Path.of(target), line.getOptionValue("checkpoint"));
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        model.weights().forEach((name, tensor) -> tensors.put(name, tensor.dtype().isFloatingPoint()
                ? new HostTensor(dtype, tensor.shape(), tensor.values()) : tensor));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put("model", model.spec().name());
        metadata.put(Checkpoint.CLASSES_METADATA, new ObjectMapper().writeValueAsString(model.classes()));
        SafeTensors.write(out, tensors, metadata);
        console.err().println("exported " + Plural.of(tensors.size(), "tensor") + " of " + model.spec().name() + " ("
                + Plural.of(model.classes().size(), "class", "classes") + ") from " + model.source() + " as "
                + dtype.safetensorsName() + " to " + out + " (" + Files.size(out) + " bytes)");
        return Main.OK;
    }

    private static DType dtype(String text) {
        DType dtype = DTYPES.get(text.strip().toLowerCase(Locale.ROOT));
        if (dtype == null) {
            throw new UserException("--dtype must be f32, bf16 or f16, got '" + text + "'");
        }
        return dtype;
    }
}
