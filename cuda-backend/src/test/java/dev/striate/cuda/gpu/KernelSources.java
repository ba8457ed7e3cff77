package dev.striate.cuda.gpu;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The {@code .cu} files of a resource folder by name (without {@code .cu}), read from the build's classes or from
 * inside a jar with java.base alone: the Java runtime staged for the GPU host has no {@code jdk.zipfs} module, so a
 * zip file system cannot be opened there.
 */
final class KernelSources {
    private KernelSources() {
    }

    static Map<String, String> in(URL folder) throws IOException, URISyntaxException {
        Map<String, String> sources = new TreeMap<>();
        URLConnection connection = folder.openConnection();
        if (connection instanceof JarURLConnection jarConnection) {
            // The jar opened on its own: closing the connection's cached JarFile would close it for other readers.
            String prefix = jarConnection.getEntryName() + "/";
            try (JarFile jar = new JarFile(Path.of(jarConnection.getJarFileURL().toURI()).toFile())) {
                Enumeration<JarEntry> entries = jar.entries();
                while (entries.hasMoreElements()) {
                    JarEntry entry = entries.nextElement();
                    String name = entry.getName();
                    if (name.startsWith(prefix) && name.endsWith(".cu") && name.indexOf('/', prefix.length()) < 0) {
                        try (InputStream text = jar.getInputStream(entry)) {
                            sources.put(name.substring(prefix.length(), name.length() - ".cu".length()),
                                    new String(text.readAllBytes(), StandardCharsets.UTF_8));
                        }
                    }
                }
            }
            return sources;
        }
        try (Stream<Path> files = Files.list(Path.of(folder.toURI()))) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".cu")).toList()) {
                String name = file.getFileName().toString();
                sources.put(name.substring(0, name.length() - ".cu".length()), Files.readString(file));
            }
        }
        return sources;
    }
}
