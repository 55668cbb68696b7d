package dev.streamtune.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ShapesTest {

  @Test
  void eightClassesOfDistinctDeterministicPngs() throws Exception {
    assertThat(Shapes.LABELS).hasSizeGreaterThanOrEqualTo(6).doesNotHaveDuplicates();
    Set<String> seen = new HashSet<>();
    for (String label : Shapes.LABELS) {
      for (int seed = 0; seed < 5; seed++) {
        byte[] png = Shapes.image(label, seed);
        assertThat(png).isEqualTo(Shapes.image(label, seed));
        assertThat(seen.add(java.util.Arrays.toString(png))).isTrue();
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(img.getWidth()).isEqualTo(96);
        assertThat(img.getHeight()).isEqualTo(96);
      }
    }
  }

  @Test
  void imagesVaryInColourAndPlacement() throws Exception {
    Set<Integer> corners = new HashSet<>();
    Set<Integer> centres = new HashSet<>();
    for (int seed = 0; seed < 20; seed++) {
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(Shapes.image("star", seed)));
      corners.add(img.getRGB(1, 1) & 0xf0f0f0);
      centres.add(img.getRGB(48, 48) & 0xf0f0f0);
    }
    assertThat(corners).as("backgrounds differ").hasSizeGreaterThan(10);
    assertThat(centres).as("the shape is not always on the centre pixel").hasSizeGreaterThan(5);
  }
}
