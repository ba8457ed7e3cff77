package dev.striate.cuda.natives;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds CUDA's shared libraries where users have them: {@code LD_LIBRARY_PATH}, the loader cache
 * ({@code ldconfig -p}), {@code CUDA_HOME}/{@code CUDA_PATH}, {@code /usr/local/cuda*}, Python site-packages
 * ({@code nvidia/cu13/lib}, {@code nvidia/*}{@code /lib}: PyTorch users often have cuDNN only there) and the system
 * library folders, in that order. Every absolute path is read below {@code root}, so tests run it on a fake tree.
 */
public final class LibraryDiscovery {
    /** A folder searched, and why: shown by {@code striate doctor}. */
    public record SearchFolder(Path folder, String source) {
    }

    /** A library file found: {@code path} is the file as named ({@code libcublas.so.13}), {@code major} its suffix. */
    public record Found(Path path, int major, String source) {
        public Path folder() {
            return path.getParent();
        }
    }

    private static final List<String> SYSTEM_FOLDERS = List.of("/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu",
            "/usr/lib64", "/usr/lib", "/usr/lib/wsl/lib");

    private final Path root;
    private final List<SearchFolder> folders;

    /**
     * @param environment the process environment (LD_LIBRARY_PATH, CUDA_HOME, CUDA_PATH, VIRTUAL_ENV, CONDA_PREFIX,
     *                    HOME)
     * @param root        the file system root, {@code /} outside tests
     * @param loaderCache the output of {@code ldconfig -p}, empty when it cannot run
     */
    public LibraryDiscovery(Map<String, String> environment, Path root, String loaderCache) {
        this.root = root;
        Map<Path, String> ordered = new LinkedHashMap<>();
        for (String entry : environment.getOrDefault("LD_LIBRARY_PATH", "").split(":")) {
            if (entry.startsWith("/")) {
                ordered.putIfAbsent(under(entry), "LD_LIBRARY_PATH");
            }
        }
        for (String line : loaderCache.split("\n")) {
            int arrow = line.indexOf(" => /");
            if (arrow > 0 && line.contains("x86-64")) {
                Path file = under(line.substring(arrow + 4).strip());
                ordered.putIfAbsent(file.getParent(), "loader cache");
            }
        }
        for (String variable : List.of("CUDA_HOME", "CUDA_PATH")) {
            String home = environment.get(variable);
            if (home != null && home.startsWith("/")) {
                toolkitFolders(under(home)).forEach(f -> ordered.putIfAbsent(f, variable));
            }
        }
        toolkitFolders(under("/usr/local/cuda")).forEach(f -> ordered.putIfAbsent(f, "/usr/local/cuda"));
        children(under("/usr/local"), "cuda-").stream().sorted(Comparator.reverseOrder())
                .forEach(toolkit -> toolkitFolders(toolkit).forEach(f -> ordered.putIfAbsent(f, "/usr/local/cuda-*")));
        for (Path sitePackages : sitePackages(environment)) {
            Path nvidia = sitePackages.resolve("nvidia");
            ordered.putIfAbsent(nvidia.resolve("cu13").resolve("lib"), "Python site-packages");
            for (Path module : children(nvidia, "")) {
                ordered.putIfAbsent(module.resolve("lib"), "Python site-packages");
            }
        }
        SYSTEM_FOLDERS.forEach(f -> ordered.putIfAbsent(under(f), "system library folder"));
        List<SearchFolder> existing = new ArrayList<>();
        ordered.forEach((folder, source) -> {
            if (Files.isDirectory(folder)) {
                existing.add(new SearchFolder(folder, source));
            }
        });
        this.folders = List.copyOf(existing);
    }

    /** The discovery of this machine: its environment, its file system, its loader cache. */
    public static LibraryDiscovery ofThisMachine() {
        return new LibraryDiscovery(System.getenv(), Path.of("/"), LoaderCache.read());
    }

    /** The existing folders searched, in order. */
    public List<SearchFolder> folders() {
        return folders;
    }

    /**
     * The first {@code <baseName>.<major>} found, trying the majors in the order given (the most preferred first), and
     * for each major the folders in search order.
     */
    public Optional<Found> find(String baseName, List<Integer> majors) {
        for (int major : majors) {
            for (SearchFolder folder : folders) {
                Path file = folder.folder().resolve(baseName + "." + major);
                if (Files.exists(file)) {
                    return Optional.of(new Found(file, major, folder.source()));
                }
            }
        }
        return Optional.empty();
    }

    /** Files in {@code folder} whose names start with {@code prefix}, sorted by name (cuDNN's sub-libraries). */
    public static List<Path> companions(Path folder, String prefix) {
        return children(folder, prefix).stream().filter(Files::isRegularFile).toList();
    }

    private Path under(String absolute) {
        return root.resolve(absolute.substring(1));
    }

    private static List<Path> toolkitFolders(Path toolkit) {
        return List.of(toolkit.resolve("lib64"), toolkit.resolve("targets/x86_64-linux/lib"), toolkit.resolve("lib"));
    }

    private List<Path> sitePackages(Map<String, String> environment) {
        List<Path> prefixes = new ArrayList<>();
        for (String variable : List.of("VIRTUAL_ENV", "CONDA_PREFIX")) {
            String prefix = environment.get(variable);
            if (prefix != null && prefix.startsWith("/")) {
                prefixes.add(under(prefix));
            }
        }
        String home = environment.get("HOME");
        if (home != null && home.startsWith("/")) {
            prefixes.add(under(home).resolve(".local"));
        }
        prefixes.add(under("/usr/local"));
        prefixes.add(under("/usr"));
        prefixes.add(under("/opt/conda"));
        for (Path opt : children(under("/opt"), "")) {
            prefixes.add(opt.resolve(".venv"));
            prefixes.add(opt.resolve("venv"));
            prefixes.add(opt);
        }
        List<Path> result = new ArrayList<>();
        for (Path prefix : prefixes) {
            for (Path python : children(prefix.resolve("lib"), "python3")) {
                result.add(python.resolve("site-packages"));
                result.add(python.resolve("dist-packages"));
            }
        }
        return result;
    }

    private static List<Path> children(Path folder, String prefix) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(folder)) {
            return list.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
        } catch (IOException e) {
            // An unreadable folder holds nothing we can load; doctor lists the folders that were searched.
            return List.of();
        }
    }
}
