package dev.crossbar.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * An image tarball in docker-archive format, as {@code jib:buildTar} writes it: {@code manifest.json}, the
 * config JSON and one gzipped tar per layer.
 */
final class DockerArchive {
    /** A file or directory of a layer. */
    record Entry(int layer, String path, boolean directory, boolean symlink, int mode, long size) {
        boolean executable() {
            return (mode & 0100) != 0;
        }
    }

    /** A visitor of each regular file's content. */
    interface ContentVisitor {
        void visit(Entry entry, InputStream content) throws IOException;
    }

    final Path tar;
    final JsonNode manifest;
    final JsonNode config;
    final List<String> layers;

    DockerArchive(Path tar) {
        this.tar = tar;
        Map<String, byte[]> small = new LinkedHashMap<>();
        eachTopLevel((name, in) -> {
            if (name.endsWith(".json")) {
                small.put(name, in.readAllBytes());
            }
        });
        byte[] m = small.get("manifest.json");
        if (m == null) {
            throw new IllegalStateException(tar + " has no manifest.json: not a docker-archive image");
        }
        this.manifest = Rendered.parseJson(new String(m, StandardCharsets.UTF_8));
        JsonNode image = manifest.get(0);
        this.config = Rendered.parseJson(new String(small.get(image.path("Config").asText()), StandardCharsets.UTF_8));
        List<String> l = new ArrayList<>();
        image.path("Layers").forEach(n -> l.add(n.asText()));
        this.layers = List.copyOf(l);
    }

    /** The container configuration (Entrypoint, Cmd, User, Env, ExposedPorts, WorkingDir). */
    JsonNode containerConfig() {
        return config.path("config");
    }

    /** Every entry of every layer, in layer order. */
    List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        eachLayerEntry((e, in) -> out.add(e), false);
        return out;
    }

    /** Visits each regular file of the layers with its content. */
    void eachFile(ContentVisitor visitor) {
        eachLayerEntry(visitor, true);
    }

    /** Unpacks every layer, in order, into {@code root} (a container's file system; permissions kept). */
    void extract(Path root) {
        eachLayerEntry((e, in) -> {
            Path dest = root.resolve(e.path()).normalize();
            if (!dest.startsWith(root)) {
                throw new IOException("layer entry outside the root: " + e.path());
            }
            if (e.directory()) {
                Files.createDirectories(dest);
            } else if (!e.symlink()) {
                Files.createDirectories(dest.getParent());
                Files.copy(in, dest, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.setPosixFilePermissions(dest, permissions(e.mode()));
        }, true, true);
    }

    private void eachLayerEntry(ContentVisitor visitor, boolean filesOnly) {
        eachLayerEntry(visitor, filesOnly, false);
    }

    private void eachLayerEntry(ContentVisitor visitor, boolean withContent, boolean directoriesToo) {
        eachTopLevel((name, in) -> {
            int index = layers.indexOf(name);
            if (index < 0) {
                return;
            }
            try (TarArchiveInputStream layer = new TarArchiveInputStream(new GZIPInputStream(in))) {
                for (TarArchiveEntry t; (t = layer.getNextEntry()) != null; ) {
                    String path = t.getName().replaceFirst("^\\./", "").replaceFirst("^/", "");
                    Entry e = new Entry(index, path, t.isDirectory(), t.isSymbolicLink(), t.getMode(), t.getSize());
                    if (!withContent) {
                        visitor.visit(e, InputStream.nullInputStream());
                    } else if (t.isFile() || (directoriesToo && t.isDirectory())) {
                        visitor.visit(e, t.isFile() ? layer : InputStream.nullInputStream());
                    }
                }
            }
        });
    }

    /** Reads the top-level tar once, handing each member to the visitor. */
    private void eachTopLevel(TopLevelVisitor visitor) {
        try (TarArchiveInputStream top = new TarArchiveInputStream(new BufferedInputStream(Files.newInputStream(tar)))) {
            for (TarArchiveEntry t; (t = top.getNextEntry()) != null; ) {
                if (t.isFile()) {
                    visitor.visit(t.getName(), nonClosing(top));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + tar, e);
        }
    }

    private interface TopLevelVisitor {
        void visit(String name, InputStream in) throws IOException;
    }

    private static InputStream nonClosing(InputStream in) {
        return new java.io.FilterInputStream(in) {
            @Override
            public void close() {
                // the tar stream goes on
            }
        };
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> p = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                p.add(order[i]);
            }
        }
        return p;
    }
}
