/**
 * Tests of the deployment files (test-only package, no main code): the Helm chart in {@code
 * helm/streamtune} is linted and rendered by native Helm inside the test JVM (helm-java), and the
 * rendered manifests are parsed and checked (probes, resources, security context, secret handling,
 * autoscaling, optional objects, the values schema, and that every {@code STREAMTUNE_*} variable
 * the chart sets is a setting the code declares). No Docker or cluster is needed.
 */
package dev.streamtune.deploy;
