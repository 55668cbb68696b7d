package dev.streamtune.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The janitor removes only abandoned S3Proxy uploads: uuid-suffixed, attribute-less, old. */
class EmbeddedS3JanitorIT {

  @Test
  void removesAbandonedUploadsOnly(@TempDir Path dir) throws Exception {
    Path bucket = Files.createDirectories(dir.resolve("b/examples"));
    Path abandoned =
        Files.writeString(bucket.resolve("a.png-0f1e2d3c-4b5a-6978-8899-aabbccddeeff"), "partial");
    Path fresh =
        Files.writeString(
            bucket.resolve("b.png-1f1e2d3c-4b5a-6978-8899-aabbccddeeff"), "in flight");
    Path object = Files.writeString(bucket.resolve("c.png"), "done");
    Path tagged =
        Files.writeString(bucket.resolve("d-2f1e2d3c-4b5a-6978-8899-aabbccddeeff"), "done too");
    Files.getFileAttributeView(tagged, UserDefinedFileAttributeView.class)
        .write("content-md5", ByteBuffer.wrap(new byte[] {1}));
    FileTime old = FileTime.from(Instant.now().minusSeconds(300));
    for (Path p : new Path[] {abandoned, object, tagged}) {
      Files.setLastModifiedTime(p, old);
    }

    assertThat(EmbeddedS3.removeAbandonedUploads(dir)).isEqualTo(1);

    assertThat(abandoned).doesNotExist();
    assertThat(fresh).exists();
    assertThat(object).exists();
    assertThat(tagged).exists();
  }
}
