package dev.streamtune.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class real servers: declare a {@link Stack} parameter on a test, a lifecycle method
 * or the constructor. The servers start once per test run and are shared; each class gets its own
 * topic prefix and bucket.
 *
 * <p>With a Docker engine the servers are containers (Apache Kafka, Confluent Schema Registry,
 * MinIO); without one, the embedded {@code DevStack}. The system property {@code streamtune.stack}
 * ({@code devstack} or {@code containers}) overrides the choice.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith(StackExtension.class)
public @interface WithStack {

  /** Which servers a class needs. */
  enum Kind {
    /** Containers where Docker is available, else the embedded stack. */
    AUTO,
    /** Containers only; the class is skipped, saying so, without Docker. */
    CONTAINERS
  }

  /** Which servers this class needs. */
  Kind value() default Kind.AUTO;
}
