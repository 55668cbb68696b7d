package dev.streamtune.train;

import dev.streamtune.ml.AdamState;
import dev.streamtune.ml.Head;
import dev.streamtune.ml.TopModel;
import dev.streamtune.store.LocalFiles;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * Where a model's background consolidation stands, on the trainer's disk ({@code
 * train.work.dir/consolidation/{modelId}/}): the weights and Adam's state after the chunks done,
 * and the cycle's plan. Written after every chunk, the weights into a new folder and then {@code
 * state.properties} replaced atomically, so that a crash leaves the last whole chunk; a restart
 * resumes there.
 *
 * @param modelId the model
 * @param fromVersion the version the cycle started from
 * @param cut the top's cut
 * @param digest the base model's digest
 * @param trainExamples the training examples when the cycle started: its full-fit size
 * @param plan the cycle's chunks and steps
 * @param done chunks done
 * @param step schedule steps done
 * @param requested whether the trainer asked itself for the retrain that publishes the cycle
 * @param top the weights after {@code done} chunks
 * @param optimizer Adam's state with them
 */
record ConsolidationCheckpoint(
    String modelId,
    int fromVersion,
    String cut,
    String digest,
    int trainExamples,
    ConsolidationPlan plan,
    int done,
    long step,
    boolean requested,
    TopModel top,
    AdamState optimizer) {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ConsolidationCheckpoint.class);
  private static final String STATE = "state.properties";

  /**
   * As a candidate's name says it: {@code (from version 30: 49 chunk(s) of 3000 over 58000
   * examples)}.
   */
  String describe() {
    return String.format(
        java.util.Locale.ROOT,
        "(from version %d: %d chunk(s) of %d over %d examples)",
        fromVersion,
        plan.chunks(),
        plan.chunkSamples(),
        trainExamples);
  }

  /** Whether it was trained at {@code cut} of the base model with {@code digest}. */
  boolean fits(String newCut, String newDigest) {
    return cut.equals(newCut) && digest.equals(newDigest);
  }

  /** Whether every chunk is done. */
  boolean finished() {
    return done >= plan.chunks();
  }

  /** After one more chunk of {@code steps} steps, with its result, on {@code newPlan}. */
  ConsolidationCheckpoint next(
      ConsolidationPlan newPlan, long steps, TopModel newTop, AdamState newOptimizer) {
    return new ConsolidationCheckpoint(
        modelId,
        fromVersion,
        cut,
        digest,
        trainExamples,
        newPlan,
        done + 1,
        step + steps,
        false,
        newTop,
        newOptimizer);
  }

  /** The same checkpoint, its retrain asked for. */
  ConsolidationCheckpoint asked() {
    return new ConsolidationCheckpoint(
        modelId, fromVersion, cut, digest, trainExamples, plan, done, step, true, top, optimizer);
  }

  /** A model's checkpoint folder. */
  static Path dir(Path workDir, String modelId) {
    return workDir.resolve("consolidation").resolve(modelId);
  }

  /** Writes it: the weights first, then the state that names them. */
  void write(Path workDir) {
    Path dir = dir(workDir, modelId);
    String files = "chunk-" + done + (requested ? "-asked" : "");
    try {
      Path to = dir.resolve(files);
      LocalFiles.deleteTree(to);
      Files.createDirectories(to);
      Files.write(to.resolve(Parent.TOP_FILE), top.weightsBytes());
      Files.write(to.resolve("head.json"), top.head().toJson());
      Files.write(to.resolve(Parent.OPTIMIZER_FILE), optimizer.toBytes());
      Properties p = new Properties();
      p.setProperty("modelId", modelId);
      p.setProperty("fromVersion", Integer.toString(fromVersion));
      p.setProperty("cut", cut);
      p.setProperty("digest", digest);
      p.setProperty("trainExamples", Integer.toString(trainExamples));
      p.setProperty("chunks", Integer.toString(plan.chunks()));
      p.setProperty("chunkSamples", Integer.toString(plan.chunkSamples()));
      p.setProperty("totalSteps", Long.toString(plan.totalSteps()));
      p.setProperty("warmupSteps", Long.toString(plan.warmupSteps()));
      p.setProperty("done", Integer.toString(done));
      p.setProperty("step", Long.toString(step));
      p.setProperty("requested", Boolean.toString(requested));
      p.setProperty("files", files);
      Path tmp = dir.resolve(STATE + ".tmp");
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        p.store(w, "Streamtune background consolidation");
      }
      Files.move(tmp, dir.resolve(STATE), StandardCopyOption.ATOMIC_MOVE);
      try (var old = Files.list(dir)) {
        for (Path o : old.filter(Files::isDirectory).filter(f -> !f.equals(to)).toList()) {
          LocalFiles.deleteTree(o);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write the consolidation of " + modelId, e);
    }
  }

  /** Whether {@code modelId} has a checkpoint. */
  static boolean exists(Path workDir, String modelId) {
    return Files.exists(dir(workDir, modelId).resolve(STATE));
  }

  /**
   * The checkpoint of {@code modelId}, if one was written; one that cannot be read (a disk fault)
   * is deleted, and its cycle starts over.
   */
  static Optional<ConsolidationCheckpoint> read(Path workDir, String modelId) {
    Path dir = dir(workDir, modelId);
    Path state = dir.resolve(STATE);
    if (!Files.exists(state)) {
      return Optional.empty();
    }
    try {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(state, StandardCharsets.UTF_8)) {
        p.load(r);
      }
      Path files = dir.resolve(p.getProperty("files"));
      Head head = Head.fromJson(Files.readAllBytes(files.resolve("head.json")));
      return Optional.of(
          new ConsolidationCheckpoint(
              p.getProperty("modelId"),
              Integer.parseInt(p.getProperty("fromVersion")),
              p.getProperty("cut"),
              p.getProperty("digest"),
              Integer.parseInt(p.getProperty("trainExamples")),
              new ConsolidationPlan(
                  Integer.parseInt(p.getProperty("chunks")),
                  Integer.parseInt(p.getProperty("chunkSamples")),
                  Long.parseLong(p.getProperty("totalSteps")),
                  Long.parseLong(p.getProperty("warmupSteps"))),
              Integer.parseInt(p.getProperty("done")),
              Long.parseLong(p.getProperty("step")),
              Boolean.parseBoolean(p.getProperty("requested")),
              TopModel.fromBytes(Files.readAllBytes(files.resolve(Parent.TOP_FILE)), head),
              AdamState.fromBytes(Files.readAllBytes(files.resolve(Parent.OPTIMIZER_FILE)))));
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "The consolidation checkpoint {} cannot be read, so it starts over: {}",
          dir,
          e.toString());
      delete(workDir, modelId);
      return Optional.empty();
    }
  }

  /** Deletes {@code modelId}'s checkpoint (used, or no longer wanted). */
  static void delete(Path workDir, String modelId) {
    LocalFiles.deleteTree(dir(workDir, modelId));
  }
}
