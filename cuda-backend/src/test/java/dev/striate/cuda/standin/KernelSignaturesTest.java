package dev.striate.cuda.standin;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A launch's logged argument kinds against its signature's: a null pointer is a pointer, nothing else differs. */
class KernelSignaturesTest {
    @Test
    void aNullPointerStandsForAPointerOnly() {
        assertTrue(KernelSignatures.matches("PPIF", "PPIF"));
        assertTrue(KernelSignatures.matches("PPIF", "P0IF"), "a null pointer where a pointer is declared");
        assertFalse(KernelSignatures.matches("PPIF", "PXIF"), "an address outside live device memory");
        assertFalse(KernelSignatures.matches("PPIF", "PPLF"), "a long where an int is declared");
        assertFalse(KernelSignatures.matches("PPI", "PPIF"), "one argument too many");
        assertFalse(KernelSignatures.matches("IPF", "0PF"), "a null pointer where an int is declared");
    }
}
