package dev.striate.cuda.natives;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The dynamic loader's cache as {@code ldconfig -p} prints it; empty where ldconfig is absent or fails. */
final class LoaderCache {
    private LoaderCache() {
    }

    static String read() {
        for (String ldconfig : new String[] {"/sbin/ldconfig", "/usr/sbin/ldconfig"}) {
            if (Files.isExecutable(Path.of(ldconfig))) {
                return run(ldconfig);
            }
        }
        return "";
    }

    private static String run(String ldconfig) {
        try {
            Process process = new ProcessBuilder(ldconfig, "-p").redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(5, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroy();
                return "";
            }
            return new String(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            // ldconfig could not run: the other places of library discovery still apply.
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
