package dev.streamtune.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MultipartTest {
  @Test
  void findsTheBoundaryAndTheFilePart() {
    assertThat(Multipart.boundary("multipart/form-data; boundary=abc")).contains("abc");
    assertThat(Multipart.boundary("multipart/form-data; boundary=\"a b\"")).contains("a b");
    assertThat(Multipart.boundary("image/png")).isEmpty();
    assertThat(Multipart.boundary(null)).isEmpty();
    String body =
        "--abc\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nfield\r\n"
            + "--abc\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n\r\nPNG\r\nDATA\r\n--abc--\r\n";
    assertThat(
            new String(
                Multipart.firstFile(body.getBytes(StandardCharsets.ISO_8859_1), "abc"),
                StandardCharsets.ISO_8859_1))
        .isEqualTo("PNG\r\nDATA");
    String noFile =
        "--abc\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\nbytes\r\n--abc--\r\n";
    assertThat(
            new String(
                Multipart.firstFile(noFile.getBytes(StandardCharsets.ISO_8859_1), "abc"),
                StandardCharsets.ISO_8859_1))
        .isEqualTo("bytes");
    assertThatThrownBy(
            () -> Multipart.firstFile("garbage".getBytes(StandardCharsets.ISO_8859_1), "abc"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void overlongBoundariesTooManyPartsAndHugePartHeadersAreRefused() {
    byte[] any = "--x\r\n\r\nv\r\n--x--\r\n".getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> Multipart.firstFile(any, "b".repeat(Multipart.MAX_BOUNDARY + 1)))
        .hasMessageContaining("boundary");
    assertThatThrownBy(() -> Multipart.firstFile(any, "")).hasMessageContaining("boundary");
    StringBuilder many = new StringBuilder();
    for (int i = 0; i <= Multipart.MAX_PARTS; i++) {
      many.append("--abc\r\nContent-Disposition: form-data; name=\"f")
          .append(i)
          .append("\"\r\n\r\nv\r\n");
    }
    many.append(
        "--abc\r\nContent-Disposition: form-data; name=\"i\"; filename=\"a.png\"\r\n\r\nPNG\r\n--abc--\r\n");
    assertThatThrownBy(
            () -> Multipart.firstFile(many.toString().getBytes(StandardCharsets.ISO_8859_1), "abc"))
        .hasMessageContaining("parts");
    String fat =
        "--abc\r\nX-Pad: " + "p".repeat(Multipart.MAX_PART_HEADERS) + "\r\n\r\nv\r\n--abc--\r\n";
    assertThatThrownBy(() -> Multipart.firstFile(fat.getBytes(StandardCharsets.ISO_8859_1), "abc"))
        .hasMessageContaining("bytes of headers");
  }
}
