package dev.streamtune.train;

import dev.streamtune.events.Artifact;
import dev.streamtune.store.ArtifactFiles;
import dev.streamtune.store.BucketLayout;
import dev.streamtune.store.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Uploads a run's artifacts under its run-unique prefix {@code models/{modelId}/{version}/{runId}/}
 * and returns each as an {@link Artifact}: a file's sha256, or for a directory the sha256 of its
 * manifest, the sorted {@code path sha256} lines of its files.
 */
final class ArtifactWriter {
  private final ObjectStore store;
  private final String prefix;

  ArtifactWriter(ObjectStore store, String modelId, int version, String runId) {
    this.store = store;
    this.prefix = prefix(modelId, version, runId);
  }

  static String prefix(String modelId, int version, String runId) {
    return BucketLayout.run(modelId, version, runId);
  }

  Artifact file(String name, byte[] data, String contentType) {
    store.put(prefix + name, data, contentType, Map.of());
    return new Artifact(uri(store, prefix + name), Digests.sha256(data));
  }

  Artifact directory(String name, Map<String, byte[]> files) {
    Map<String, String> manifest = new TreeMap<>();
    files.forEach(
        (path, data) -> {
          store.put(prefix + name + "/" + path, data, "application/octet-stream", Map.of());
          manifest.put(path, Digests.sha256(data));
        });
    return new Artifact(uri(store, prefix + name + "/"), Digests.sha256(manifest(manifest)));
  }

  Artifact directory(String name, Path dir) {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + dir, e);
    }
    return directory(name, files);
  }

  static byte[] manifest(Map<String, String> shaByPath) {
    return ArtifactFiles.manifest(shaByPath);
  }

  static String uri(ObjectStore store, String key) {
    return ArtifactFiles.uri(store, key);
  }

  static String key(ObjectStore store, String uri) {
    return ArtifactFiles.key(store, uri);
  }

  static List<String> files(ObjectStore store, String dirUri) {
    return ArtifactFiles.files(store, dirUri);
  }
}
