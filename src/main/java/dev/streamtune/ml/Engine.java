package dev.streamtune.ml;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import dev.streamtune.image.ImageDecodeException;

/** The one place that names the deep-learning engine, and small file helpers of this package. */
final class Engine {
  /** DJL's name of the engine every model here runs on. */
  static final String NAME = "TensorFlow";

  private Engine() {}

  /**
   * Loads the engine's natives through DJL (which unpacks them from the native jar on first use),
   * so that TensorFlow Java classes can be used directly afterwards.
   */
  static void load() {
    ai.djl.engine.Engine.getEngine(NAME);
  }

  /**
   * Runs a predictor; a decoding failure comes out as the {@link ImageDecodeException} it wraps,
   * anything else as {@code "<what> failed: ..."}.
   */
  static <I, O> O predict(Predictor<I, O> predictor, I input, String what) {
    try {
      return predictor.predict(input);
    } catch (TranslateException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof ImageDecodeException ide) {
          throw ide;
        }
      }
      throw new IllegalStateException(what + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Closes a DJL TensorFlow model and frees its session. DJL 0.28 loads a SavedModel with {@code
   * TF_LoadSessionFromSavedModel} and keeps the returned session without a deallocator, so closing
   * the model deletes the graph but never the session, which holds the model's variables: about 28
   * MB of native memory stayed behind per closed MobileNetV2 classifier ({@code ModelSubscriberIT}
   * measures ten swaps). The session is read from the model's block before closing and deleted
   * after.
   */
  static void close(ai.djl.repository.zoo.ZooModel<?, ?> model) {
    org.tensorflow.internal.c_api.TF_Session session = null;
    try {
      Object block = model.getBlock();
      java.lang.reflect.Field f = block.getClass().getDeclaredField("sessionHandle");
      f.setAccessible(true);
      Object handle = f.get(block);
      if (handle instanceof org.tensorflow.internal.c_api.TF_Session s && !s.isNull()) {
        session = new org.tensorflow.internal.c_api.TF_Session(s);
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(Engine.class)
          .debug("No TensorFlow session to free: {}", e.toString());
    }
    model.close();
    if (session != null) {
      try (var status = org.tensorflow.internal.c_api.TF_Status.newStatus()) {
        org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteSession(session, status);
      }
    }
  }

  /** A generic type's class for DJL's {@code Criteria.setTypes}, such as {@code List<byte[]>}. */
  @SuppressWarnings("unchecked")
  static <T> Class<T> type(Class<?> raw) {
    return (Class<T>) raw;
  }
}
