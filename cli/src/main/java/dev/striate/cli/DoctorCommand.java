package dev.striate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.striate.cuda.doctor.CudaDiagnosis;
import dev.striate.cuda.natives.LibraryDiscovery;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code striate doctor [--json]}: whether CUDA training can run here. The driver and each GPU, then cuBLAS, NVRTC
 * and cuDNN (where each was found and its version), or what is missing and how to fix it. Exit 0 when CUDA training
 * can run, 1 otherwise.
 */
final class DoctorCommand implements Command {
    @Override
    public String name() {
        return "doctor";
    }

    @Override
    public String summary() {
        return "whether CUDA training can run here: driver, GPUs, cuBLAS, NVRTC, cuDNN, and how to fix what is missing";
    }

    @Override
    public String usage() {
        return "[--json]";
    }

    @Override
    public Options options() {
        return new Options().addOption(Option.builder().longOpt("json").desc("print JSON instead of text").build());
    }

    @Override
    public int run(CommandLine line, Console console) throws Exception {
        CudaDiagnosis diagnosis = CudaDiagnosis.run(LibraryDiscovery.ofThisMachine(), true);
        if (line.hasOption("json")) {
            console.out().println(new ObjectMapper().writeValueAsString(diagnosis.json()));
        } else {
            console.out().print(diagnosis.text());
        }
        return diagnosis.problem() == null ? Main.OK : Main.FAILED;
    }
}
