package dev.striate.cuda.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The CUDA majors a driver can run, and how versions read. */
class CudaDiagnosisTest {
    @Test
    void theDriverDecidesWhichCudaLibrariesCanRun() {
        assertEquals(List.of(13, 12), CudaDiagnosis.cudaMajors(13000));
        assertEquals(List.of(13, 12), CudaDiagnosis.cudaMajors(13020));
        assertEquals(List.of(12), CudaDiagnosis.cudaMajors(12080));
        assertEquals(List.of(), CudaDiagnosis.cudaMajors(11080));
    }

    @Test
    void versionsReadAsPeopleWriteThem() {
        assertEquals("13.0", DriverReport.versionText(13000));
        assertEquals("12.8", DriverReport.versionText(12080));
        assertEquals("(version unknown)", DriverReport.versionText(0));
        assertEquals("9.19.0", dev.striate.cuda.natives.CudaLibraryLoader.cudnnVersionText(91900));
        assertEquals(13, new DriverReport("libcuda.so.1", 13000, List.of(), null).cudaMajor());
    }
}
