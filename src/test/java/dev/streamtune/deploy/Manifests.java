package dev.streamtune.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.StreamSupport;

/**
 * The manifests of one {@code helm template} of the chart, parsed: a thin view over the rendered
 * multi-document YAML that finds objects by kind and name.
 *
 * @param objects every non-empty document, in rendering order
 */
record Manifests(List<JsonNode> objects) {
  /** The chart under test, relative to the project root (Maven's working directory). */
  static final Path CHART = Path.of("helm", "streamtune");

  /** The production-like example values shipped beside the chart. */
  static final Path PRODUCTION = CHART.resolve("values-production.yaml");

  /** The release name every render uses; objects are named {@code st-streamtune-<role>}. */
  static final String RELEASE = "st";

  /** The three roles, each a Deployment. */
  static final List<String> ROLES = List.of("ingest", "train", "serve", "feedback");

  private static final YAMLMapper YAML = new YAMLMapper();

  /** Renders the chart with its default values plus {@code sets} (values key to value). */
  static Manifests render(Map<String, Object> sets) {
    return render(
        t -> {
          sets.forEach(t::set);
          return t;
        });
  }

  /** Renders the chart with the production example values. */
  static Manifests production() {
    return render(t -> t.withValuesFile(PRODUCTION));
  }

  /** Renders the chart after {@code customize} has added values to the template command. */
  static Manifests render(UnaryOperator<TemplateCommand> customize) {
    String yaml =
        customize
            .apply(new Helm(CHART).template().withName(RELEASE).withNamespace("streamtune"))
            .call();
    return parse(yaml);
  }

  /** Parses rendered multi-document YAML, dropping empty documents. */
  static Manifests parse(String yaml) {
    try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
      List<JsonNode> docs = new ArrayList<>();
      it.forEachRemaining(
          d -> {
            if (d != null && !d.isNull() && !d.isMissingNode() && d.size() > 0) {
              docs.add(d);
            }
          });
      return new Manifests(List.copyOf(docs));
    } catch (IOException e) {
      throw new UncheckedIOException("The chart rendered YAML that does not parse", e);
    }
  }

  /** Every object of a kind, such as {@code Deployment}. */
  List<JsonNode> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
  }

  /** The object of a kind and a role (named {@code st-streamtune-<role>}), or null. */
  JsonNode find(String kind, String role) {
    return ofKind(kind).stream()
        .filter(o -> o.at("/metadata/name").asText().equals(RELEASE + "-streamtune-" + role))
        .findFirst()
        .orElse(null);
  }

  /** The one container of a role's Deployment; fails when the Deployment is missing. */
  JsonNode container(String role) {
    JsonNode d = find("Deployment", role);
    if (d == null) {
      throw new AssertionError("No Deployment for role " + role + " among " + names());
    }
    return d.at("/spec/template/spec/containers/0");
  }

  /**
   * The environment of a role's container as name to entry ({@code value} or {@code valueFrom}).
   */
  Map<String, JsonNode> env(String role) {
    Map<String, JsonNode> env = new java.util.LinkedHashMap<>();
    container(role).path("env").forEach(e -> env.put(e.path("name").asText(), e));
    return env;
  }

  /** The names of every environment variable the chart sets: ConfigMap data and containers' env. */
  List<String> envNames() {
    List<String> names = new ArrayList<>();
    ofKind("ConfigMap").forEach(c -> c.path("data").fieldNames().forEachRemaining(names::add));
    ofKind("Deployment")
        .forEach(
            d ->
                d.at("/spec/template/spec/containers")
                    .forEach(c -> c.path("env").forEach(e -> names.add(e.path("name").asText()))));
    return names;
  }

  /** "Kind/name" of every object, for messages. */
  List<String> names() {
    return objects.stream()
        .map(o -> o.path("kind").asText() + "/" + o.at("/metadata/name").asText())
        .toList();
  }

  /** The texts of a node's array elements. */
  static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }
}
