package dev.striate.cuda.doctor;

import dev.striate.cuda.CudaBackendProvider;
import dev.striate.cuda.natives.LibraryDiscovery;

/** Run in its own JVM by {@link DoctorStandInTest}: prints doctor's report and the provider's verdict. */
public final class DoctorProbe {
    private DoctorProbe() {
    }

    public static void main(String[] args) {
        System.out.print(CudaDiagnosis.run(LibraryDiscovery.ofThisMachine(), true).text());
        System.out.println("unavailable: " + new CudaBackendProvider().unavailableReason());
    }
}
