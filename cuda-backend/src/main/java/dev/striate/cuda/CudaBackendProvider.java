package dev.striate.cuda;

import dev.striate.core.UserException;
import dev.striate.core.backend.Backend;
import dev.striate.core.backend.BackendOptions;
import dev.striate.core.backend.BackendProvider;
import dev.striate.core.backend.BackendUnavailableException;
import dev.striate.cuda.device.CudaDevice;
import dev.striate.cuda.device.CudaException;
import dev.striate.cuda.doctor.CudaDiagnosis;
import dev.striate.cuda.natives.CacheFolder;
import dev.striate.cuda.natives.LibraryDiscovery;

/**
 * Registers the CUDA backend with ServiceLoader, preferred over the CPU reference by {@code --device auto} wherever
 * it can run. Whether it can is {@code striate doctor}'s diagnosis, found once per process without loading JCuda.
 */
public final class CudaBackendProvider implements BackendProvider {
    private CudaDiagnosis diagnosis;

    @Override
    public String name() {
        return CudaBackend.NAME;
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public String unavailableReason() {
        try {
            return diagnosis().problem();
        } catch (RuntimeException | LinkageError e) {
            // The probe itself failed (an unusual libc, a denied native access): that is the diagnosis.
            return "the CUDA check failed: " + e + " (striate doctor --debug shows more)";
        }
    }

    private synchronized CudaDiagnosis diagnosis() {
        if (diagnosis == null) {
            diagnosis = CudaDiagnosis.run(LibraryDiscovery.ofThisMachine(), false);
        }
        return diagnosis;
    }

    @Override
    public Backend open(BackendOptions options) {
        String problem = unavailableReason();
        if (problem != null) {
            throw new BackendUnavailableException("--device cuda is not usable: " + problem);
        }
        int gpus = diagnosis().driver().gpus().size();
        if (options.deviceIndex() >= gpus) {
            throw new BackendUnavailableException("--device cuda:" + options.deviceIndex() + " does not exist: this"
                    + " machine has " + gpus + " GPU" + (gpus == 1 ? "" : "s") + " (cuda:0"
                    + (gpus > 1 ? " to cuda:" + (gpus - 1) : "") + ")");
        }
        CudaSettings settings;
        try {
            settings = CudaSettings.of(options.precision(), System::getenv);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        try {
            return new CudaBackend(options.precision(), settings, CudaDevice.open(options.deviceIndex()),
                    diagnosis(), CacheFolder.ofThisUser());
        } catch (CudaException e) {
            throw new UserException("CUDA could not start on cuda:" + options.deviceIndex() + ": "
                    + e.getMessage() + " (striate doctor shows the set-up; --debug the cause)", e);
        }
    }
}
